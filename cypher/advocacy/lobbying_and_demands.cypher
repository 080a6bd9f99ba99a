// name: lobbying_and_demands
// description: Who demands what of whom, who lobbies whom, and who mobilises whom, with the advocacy topic and
//   the description recorded for each tie.
// params: $topic (string, optional, default null): topic slug or URI (e.g. "dual-citizenship"); null for all
// returns: actor, action, target, topic, description
// mode: read
// example: topic=dual-citizenship
MATCH (actor)-[tie:DEMANDS|LOBBIES|MOBILISES]->(target)
WITH actor, tie, target, properties(tie) AS terms
WHERE $topic IS NULL OR terms.topic = $topic OR split(coalesce(terms.topic, ''), '/')[-1] = toLower(trim($topic))
OPTIONAL MATCH (concept:Resource {uri: terms.topic})
RETURN actor.name AS actor,
       toLower(type(tie)) AS action,
       target.name AS target,
       coalesce(concept.name, split(terms.topic, '/')[-1]) AS topic,
       terms.description AS description
ORDER BY action, actor, topic

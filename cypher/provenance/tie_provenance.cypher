// name: tie_provenance
// description: Every tie of an entity with the evidence behind it: source document, locator (section,
//   paragraph, table row) and the verbatim quote. A tie without evidence is listed with nulls, so gaps show.
// params: $name (string): name, alternative name, acronym or URI of the entity (accents and case ignored)
// returns: subject, relationship, object, source, locator, quote
// mode: read
// example: name=IFAD
// The name is folded as the loader folds nameKeys (NFKD, combining marks dropped, lower case), so accents,
// case, alternative names and acronyms all match; a full URI matches too.
MATCH (entity:Resource)
WHERE entity.uri = $name
   OR replace(replace(
        reduce(s = normalize(toLower(trim($name)), NFKD),
               mark IN ['\u0300', '\u0301', '\u0302', '\u0303', '\u0304', '\u0306', '\u0307', '\u0308',
                        '\u030a', '\u030b', '\u030c', '\u0327', '\u0328'] | replace(s, mark, '')),
        '  ', ' '), '  ', ' ') IN entity.nameKeys
MATCH (entity)-[tie]-(other)
WHERE NOT type(tie) IN ['QUOTED_FROM'] AND NOT other:Evidence
UNWIND CASE WHEN size(coalesce(tie.evidence, [])) = 0 THEN [null] ELSE tie.evidence END AS evidenceUri
OPTIONAL MATCH (evidence:Resource {uri: evidenceUri})-[:QUOTED_FROM]->(source)
RETURN startNode(tie).name AS subject,
       type(tie) AS relationship,
       endNode(tie).name AS object,
       source.name AS source,
       evidence.locator AS locator,
       evidence.quote AS quote
ORDER BY relationship, subject, object, locator

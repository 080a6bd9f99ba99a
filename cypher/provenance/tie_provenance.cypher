// name: tie_provenance
// description: Every tie of an entity with the evidence behind it: source document, locator (section,
//   paragraph, table row) and the verbatim quote. A tie without evidence is listed with nulls, so gaps show.
// params: $name (string, folded): name, alternative name, acronym or URI of the entity (accents and case ignored)
// returns: subject, relationship, object, source, locator, quote
// mode: read
// example: name=IFAD
// $nameKey is the name folded as the loader folds nameKeys (diaspora-kg passes it: $name is declared folded),
// so accents, case, alternative names and acronyms all match; a full URI matches too.
MATCH (entity:Resource)
WHERE entity.uri = $name
   OR $nameKey IN entity.nameKeys
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

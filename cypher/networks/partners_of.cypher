// name: partners_of
// description: The partner organisations of an association, federation or any organisation: declared
//   partnerships, support given or received, co-funding of the same project and co-running of the same
//   programme.
// params: $name (string, folded): name, alternative name, acronym or URI of the organisation (accents and case
//   ignored)
// returns: organisation, partner, partner_kind, tie, via
// mode: read
// example: name=SALA
// $nameKey is the name folded as the loader folds nameKeys (diaspora-kg passes it: $name is declared folded),
// so accents, case, alternative names and acronyms all match; a full URI matches too.
MATCH (entity:Resource)
WHERE entity.uri = $name
   OR $nameKey IN entity.nameKeys
CALL (entity) {
  MATCH (entity)-[tie:PARTNERS_WITH|SUPPORTS]-(partner:Agent)
  RETURN partner, CASE WHEN type(tie) = 'SUPPORTS' AND startNode(tie) = entity THEN 'supports'
                       WHEN type(tie) = 'SUPPORTS' THEN 'supported by'
                       ELSE 'partners with' END AS tie, null AS via
  UNION
  MATCH (entity)-[:FUNDS]->(work)<-[:FUNDS]-(partner:Agent)
  WHERE partner <> entity
  RETURN partner, 'co-funds' AS tie, work.name AS via
  UNION
  MATCH (entity)-[:RUNS|CO_RUNS]->(programme:Programme)<-[:RUNS|CO_RUNS]-(partner:Agent)
  WHERE partner <> entity
  RETURN partner, 'co-runs' AS tie, programme.name AS via
}
RETURN entity.name AS organisation,
       partner.name AS partner,
       [label IN labels(partner) WHERE NOT label IN ['Resource', 'Agent', 'Organisation']] AS partner_kind,
       tie,
       via
ORDER BY partner, tie, via

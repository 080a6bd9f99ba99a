// name: partners_of
// description: The partner organisations of an association, federation or any organisation: declared
//   partnerships, support given or received, co-funding of the same project and co-running of the same
//   programme.
// params: $name (string): name, alternative name, acronym or URI of the organisation (accents and case ignored)
// returns: organisation, partner, partner_kind, tie, via
// mode: read
// example: name=SALA
// The name is folded as the loader folds nameKeys (NFKD, combining marks dropped, lower case), so accents,
// case, alternative names and acronyms all match; a full URI matches too.
MATCH (entity:Resource)
WHERE entity.uri = $name
   OR replace(replace(
        reduce(s = normalize(toLower(trim($name)), NFKD),
               mark IN ['\u0300', '\u0301', '\u0302', '\u0303', '\u0304', '\u0306', '\u0307', '\u0308',
                        '\u030a', '\u030b', '\u030c', '\u0327', '\u0328'] | replace(s, mark, '')),
        '  ', ' '), '  ', ' ') IN entity.nameKeys
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

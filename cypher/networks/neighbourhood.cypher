// name: neighbourhood
// description: Everything within $depth ties of an organisation (or any named resource), with the distance and
//   one shortest chain of ties; evidence and statistical observations are left out.
// params: $name (string, folded): name, alternative name, acronym or URI (accents and case ignored)
//   $depth (integer, optional, default 1): number of ties to follow, capped at 3
// returns: entity, neighbour, neighbour_kind, distance, via
// mode: read
// example: name=FISDL depth=2
// $nameKey is the name folded as the loader folds nameKeys (diaspora-kg passes it: $name is declared folded),
// so accents, case, alternative names and acronyms all match; a full URI matches too.
MATCH (entity:Resource)
WHERE entity.uri = $name
   OR $nameKey IN entity.nameKeys
// Cypher cannot take a path length from a parameter: one branch per depth, and only the branch of $depth runs
// (searching to the cap and filtering afterwards visited the whole graph from a hub: 0.9 s a name instead of
// 0.08 s). ANY SHORTEST walks breadth-first and keeps one shortest chain per neighbour instead of every path.
CALL (entity) {
  WITH entity WHERE $depth IS NULL OR $depth <= 1
  MATCH nearest = ANY SHORTEST (entity) (()-[]-(step:Resource WHERE NOT step:Evidence AND NOT step:Observation)){1,1} (neighbour)
  WHERE neighbour <> entity
  RETURN nearest, neighbour
  UNION
  WITH entity WHERE $depth = 2
  MATCH nearest = ANY SHORTEST (entity) (()-[]-(step:Resource WHERE NOT step:Evidence AND NOT step:Observation)){1,2} (neighbour)
  WHERE neighbour <> entity
  RETURN nearest, neighbour
  UNION
  WITH entity WHERE $depth >= 3
  MATCH nearest = ANY SHORTEST (entity) (()-[]-(step:Resource WHERE NOT step:Evidence AND NOT step:Observation)){1,3} (neighbour)
  WHERE neighbour <> entity
  RETURN nearest, neighbour
}
RETURN entity.name AS entity,
       neighbour.name AS neighbour,
       [label IN labels(neighbour) WHERE NOT label IN ['Resource', 'Agent', 'Organisation']] AS neighbour_kind,
       length(nearest) AS distance,
       [step IN relationships(nearest) | startNode(step).name + ' -[:' + type(step) + ']-> ' + endNode(step).name]
         AS via
ORDER BY distance, neighbour

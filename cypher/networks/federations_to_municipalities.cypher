// name: federations_to_municipalities
// description: Each federation of hometown associations with the home communities of its member (or founding)
//   associations and the path that links them, at municipality level where the data has it: a home place that
//   is a municipality, lies in one, or was matched to a gazetteer municipality (GAZETTEER_PLACE); otherwise at
//   the most specific level known (locality or city, else department/state, else country), which level says.
//   latitude/longitude (WGS84 degrees) are those of the row's place (the municipality at that level).
// params: $country (string, optional, default null, folded): home country of the place, as an ISO 3166-1 code
//   ("MX") or a
//   name ("Mexico", accents and case ignored); null for every country
// returns: federation, place, place_level, municipality, inegi_code, state, country, latitude, longitude, via
// mode: read
// example: country=MX
MATCH (federation:Federation)
CALL (federation) {
  // Three ways the corpus ties a federation to a home community: a member association's origin, the origin of
  // the associations that founded it, or the federation's own stated origin.
  MATCH (federation)<-[:MEMBER_OF]-(association)-[:ORIGINATES_FROM]->(named:Place)
  RETURN association, named,
         federation.name + ' <-[:MEMBER_OF]- ' + association.name + ' -[:ORIGINATES_FROM]-> ' + named.name AS via
  UNION
  MATCH (federation)-[:CREATED_BY]->(association)-[:ORIGINATES_FROM]->(named:Place)
  RETURN association, named,
         federation.name + ' -[:CREATED_BY]-> ' + association.name + ' -[:ORIGINATES_FROM]-> ' + named.name AS via
  UNION
  MATCH (federation)-[:ORIGINATES_FROM]->(named:Place)
  RETURN federation AS association, named, federation.name + ' -[:ORIGINATES_FROM]-> ' + named.name AS via
}
// A place named by a source stands for the gazetteer entry it was matched to (codes, coordinates, containers).
WITH federation, association, named, via, coalesce(head([(named)-[:GAZETTEER_PLACE]->(entry:Place) | entry]), named) AS home
MATCH chain = (home)-[:PART_OF*0..4]->(country:Country)
WHERE $country IS NULL
   OR country.isoCode = toUpper(trim($country))
   OR $countryKey IN country.nameKeys
// The number of PART_OF steps down from the country measures how specific a place is; keep, per linking
// association, only its most specific places.
WITH federation, association, named, home, via, country, max(length(chain)) AS depth
WITH federation, association, collect({named: named, home: home, via: via, country: country, depth: depth}) AS found
WITH federation, found, reduce(best = 0, f IN found | CASE WHEN f.depth > best THEN f.depth ELSE best END) AS best
UNWIND [f IN found WHERE f.depth = best] AS hit
WITH DISTINCT federation, hit.named AS named, hit.home AS home, hit.via AS via, hit.country AS country
WITH federation, named, home, via, country,
     head([(home)-[:PART_OF*0..2]->(m:Municipality) | m]) AS municipality,
     head([(home)-[:PART_OF*0..3]->(a:AdministrativeArea) | a]) AS state
WITH federation, named, home, via, country, municipality, state, coalesce(municipality, home) AS unit
RETURN federation.name AS federation,
       named.name AS place,
       CASE
         WHEN municipality IS NOT NULL THEN 'municipality'
         WHEN home:Locality OR home:District THEN 'locality'
         WHEN home:City THEN 'city'
         WHEN home:Department THEN 'department'
         WHEN home:State THEN 'state'
         WHEN home:AdministrativeArea THEN 'administrative area'
         WHEN home:Country THEN 'country'
         ELSE 'place'
       END AS place_level,
       municipality.name AS municipality,
       properties(municipality).inegiCode AS inegi_code,
       state.name AS state,
       country.name AS country,
       properties(unit).lat AS latitude,
       properties(unit).long AS longitude,
       via
ORDER BY federation, place, via

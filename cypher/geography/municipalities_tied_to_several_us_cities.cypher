// name: municipalities_tied_to_several_us_cities
// description: Home municipalities (where the data has no municipality, the most specific home place it names,
//   which level says) whose diaspora organisations are located in at least $min_us_places distinct US places:
//   cities, or states where the source names no city. A place named by a source counts as the gazetteer entry it
//   was matched to (GAZETTEER_PLACE), so one city named twice counts once.
// params: $min_us_places (integer, optional, default 2): fewest distinct US places a home place must be tied to
// returns: place, level, inegi_code, state, country, us_places, us_place_count, clubs
// mode: read
// example: min_us_places=1
MATCH (club:DiasporaOrganisation)-[:ORIGINATES_FROM]->(named:Place)
MATCH (club)-[:LOCATED_IN]->(usNamed:Place)
WHERE EXISTS { (usNamed)-[:PART_OF|GAZETTEER_PLACE*0..4]->(:Country {isoCode: 'US'}) }
WITH club, coalesce(head([(named)-[:GAZETTEER_PLACE]->(entry:Place) | entry]), named) AS home,
     coalesce(head([(usNamed)-[:GAZETTEER_PLACE]->(entry:Place) | entry]), usNamed) AS us
WITH club, home, us,
     head([(home)-[:PART_OF*0..2]->(m:Municipality) | m]) AS municipality,
     head([(home)-[:PART_OF*0..3]->(a:AdministrativeArea) | a]) AS state,
     head([(home)-[:PART_OF*0..4]->(c:Country) | c]) AS country
WITH coalesce(municipality, home) AS unit, municipality, home, state, country,
     collect(DISTINCT us) AS usPlaces, collect(DISTINCT club.name) AS clubs
WHERE size(usPlaces) >= coalesce($min_us_places, 2)
RETURN unit.name AS place,
       CASE
         WHEN municipality IS NOT NULL THEN 'municipality'
         WHEN home:Locality OR home:District THEN 'locality'
         WHEN home:City THEN 'city'
         WHEN home:Department THEN 'department'
         WHEN home:State THEN 'state'
         WHEN home:AdministrativeArea THEN 'administrative area'
         WHEN home:Country THEN 'country'
         ELSE 'place'
       END AS level,
       properties(municipality).inegiCode AS inegi_code,
       state.name AS state,
       country.name AS country,
       [u IN usPlaces | u.name] AS us_places,
       size(usPlaces) AS us_place_count,
       clubs
ORDER BY us_place_count DESC, country, place

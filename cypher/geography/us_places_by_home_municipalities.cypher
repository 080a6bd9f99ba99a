// name: us_places_by_home_municipalities
// description: US places where diaspora organisations are located (cities, or states where the source names no
//   city), ranked by how many distinct home municipalities those organisations come from. home_places lists
//   every home place at municipality level where the data has it, else at the most specific level known
//   (home_place_count counts them all, municipality_count only the municipalities). A place named by a source
//   counts as the gazetteer entry it was matched to (GAZETTEER_PLACE), which gives state and latitude/longitude.
// params: $country (string, optional, default null, folded): home country of the organisations, ISO 3166-1 code
//   or name;
//   null for every country
// returns: us_place, level, state, latitude, longitude, home_places, home_place_count, municipality_count, clubs
// mode: read
// example: country=MX
MATCH (club:DiasporaOrganisation)-[:LOCATED_IN]->(usNamed:Place)
WHERE EXISTS { (usNamed)-[:PART_OF|GAZETTEER_PLACE*0..4]->(:Country {isoCode: 'US'}) }
MATCH (club)-[:ORIGINATES_FROM]->(named:Place)
WITH club, coalesce(head([(named)-[:GAZETTEER_PLACE]->(entry:Place) | entry]), named) AS home,
     coalesce(head([(usNamed)-[:GAZETTEER_PLACE]->(entry:Place) | entry]), usNamed) AS us
WITH club, home, us,
     head([(home)-[:PART_OF*0..2]->(m:Municipality) | m]) AS municipality,
     head([(home)-[:PART_OF*0..4]->(c:Country) | c]) AS country
WHERE $country IS NULL OR country.isoCode = toUpper(trim($country))
   OR $countryKey IN country.nameKeys
WITH us, collect(DISTINCT coalesce(municipality, home)) AS homes, collect(DISTINCT municipality) AS municipalities,
     collect(DISTINCT club.name) AS clubs
WITH us, homes, municipalities, clubs, head([(us)-[:PART_OF*0..2]->(a:AdministrativeArea) | a]) AS state
RETURN us.name AS us_place,
       CASE WHEN us:City THEN 'city' WHEN us:County THEN 'county' WHEN us:AdministrativeArea THEN 'state'
            ELSE 'place' END AS level,
       state.name AS state,
       properties(us).lat AS latitude,
       properties(us).long AS longitude,
       [h IN homes | h.name] AS home_places,
       size(homes) AS home_place_count,
       size(municipalities) AS municipality_count,
       clubs
ORDER BY municipality_count DESC, home_place_count DESC, us_place

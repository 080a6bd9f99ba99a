// name: associations_by_us_city
// description: Diaspora organisations and populations of associations located in each US city (or, where the
//   source gives no city, US state), with the home country they belong to. state is the city's US state, from
//   the source or from the gazetteer entry the city was matched to (GAZETTEER_PLACE), which also gives
//   latitude/longitude (WGS84 degrees).
// params: $city (string, optional, default null, folded): a US city or state name (accents and case ignored);
//   null for all
// returns: city, place_level, state, latitude, longitude, association, kind, home_country
// mode: read
// example: city=Los Angeles
MATCH (association)-[:LOCATED_IN]->(city:Place)
WHERE (association:DiasporaOrganisation OR association:Collective)
  AND EXISTS { (city)-[:PART_OF*1..3]->(:Country {isoCode: 'US'}) }
  AND ($city IS NULL
       OR $cityKey IN city.nameKeys)
OPTIONAL MATCH (association)-[:HOME_COUNTRY]->(home:Country)
WITH association, city, home, coalesce(head([(city)-[:GAZETTEER_PLACE]->(entry:Place) | entry]), city) AS resolved
WITH association, city, home, resolved,
     head([(resolved)-[:PART_OF*0..2]->(state:AdministrativeArea) | state]) AS state
RETURN city.name AS city,
       CASE WHEN city:City THEN 'city' WHEN city:State THEN 'state' ELSE 'place' END AS place_level,
       state.name AS state,
       properties(resolved).lat AS latitude,
       properties(resolved).long AS longitude,
       association.name AS association,
       CASE
         WHEN association:Federation THEN 'federation'
         WHEN association:HometownAssociation THEN 'hometown association'
         WHEN association:DiasporaOrganisation THEN 'diaspora organisation'
         ELSE 'collective'
       END AS kind,
       home.name AS home_country
ORDER BY city, association

// name: clubs_and_projects_by_home_municipality
// description: Home communities at municipality level where the data has it (a home place that is a municipality,
//   lies in one, or was matched to a gazetteer municipality), else at the most specific level the source names
//   (locality or city, department/state, country), which level says: the diaspora organisations that originate
//   from each, the projects located in or benefiting it, and what was paid into those projects: funded, the sum
//   of their FUNDS amounts per currency ([{currency, amount}], as recorded: a 3x1 list gives pesos), and
//   funded_usd, the sum of the amounts recorded in US$ (amountUsd). latitude/longitude are the row's place's
//   (WGS84 degrees).
// params: $country (string, optional, default null, folded): home country, ISO 3166-1 code ("MX") or name; null
//   for all
//   $state (string, optional, default null, folded): a state or department, ISO 3166-2 code ("MX-ZAC") or name;
//   null for all
// returns: place, level, inegi_code, state, country, latitude, longitude, clubs, club_count, projects,
//   project_count, funded, funded_usd
// mode: read
// example: country=MX
CALL () {
  MATCH (club:DiasporaOrganisation)-[:ORIGINATES_FROM]->(named:Place)
  RETURN named, club, null AS project
  UNION
  MATCH (project:Project)-[:LOCATED_IN|BENEFITS]->(named:Place)
  RETURN named, null AS club, project
}
// A place named by a source stands for the gazetteer entry it was matched to (codes, coordinates, containers).
WITH named, club, project, coalesce(head([(named)-[:GAZETTEER_PLACE]->(entry:Place) | entry]), named) AS home
WITH club, project, home,
     head([(home)-[:PART_OF*0..2]->(m:Municipality) | m]) AS municipality,
     head([(home)-[:PART_OF*0..3]->(a:AdministrativeArea) | a]) AS state,
     head([(home)-[:PART_OF*0..4]->(c:Country) | c]) AS country
WITH club, project, home, municipality, state, country, coalesce(municipality, home) AS unit
WHERE ($country IS NULL OR country.isoCode = toUpper(trim($country))
       OR $countryKey IN country.nameKeys)
  AND ($state IS NULL OR state.isoCode = toUpper(trim($state))
       OR $stateKey IN state.nameKeys)
WITH unit, municipality, home, state, country, collect(DISTINCT club) AS clubs, collect(DISTINCT project) AS projects
WITH unit, municipality, home, state, country, clubs, projects,
     reduce(all = [], paid IN [p IN projects | [(p)<-[f:FUNDS]-() | f]] | all + paid) AS funds
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
       properties(unit).lat AS latitude,
       properties(unit).long AS longitude,
       [c IN clubs | c.name] AS clubs,
       size(clubs) AS club_count,
       [p IN projects | p.name] AS projects,
       size(projects) AS project_count,
       [currency IN reduce(seen = [], f IN funds | CASE WHEN properties(f).currency IS NULL
                                                          OR properties(f).currency IN seen THEN seen
                                                        ELSE seen + properties(f).currency END) |
        {currency: currency,
         amount: reduce(total = 0.0, f IN funds | total + CASE WHEN properties(f).currency = currency
                                                               THEN coalesce(properties(f).amount, 0.0)
                                                               ELSE 0.0 END)}] AS funded,
       reduce(total = 0.0, f IN funds | total + coalesce(properties(f).amountUsd, 0.0)) AS funded_usd
ORDER BY country, state, place

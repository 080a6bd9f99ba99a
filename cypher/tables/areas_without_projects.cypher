// name: areas_without_projects
// description: The departments or states of a country with no recorded project of a programme: no table row
//   about the programme with projects there, and no project of the programme located there.
// params: $programme (string, folded): programme name, alternative name or URI (accents and case ignored)
//   $country (string, folded): country ISO 3166-1 code, name or URI
// returns: area, iso_code, area_level, country, programme
// mode: read
// example: programme=Unidos por la Solidaridad country=SV
MATCH (programme:Programme)
WHERE programme.uri = $programme
   OR $programmeKey IN programme.nameKeys
MATCH (country:Country)
WHERE country.uri = $country
   OR country.isoCode = toUpper(trim($country))
   OR $countryKey IN country.nameKeys
MATCH (area:AdministrativeArea)-[:PART_OF]->(country)
// A table row counts when it reports at least one project (a row without a count still shows activity).
WHERE NOT EXISTS {
        MATCH (row:Observation)-[:IN_DATASET]->(:StatisticalTable)-[:ABOUT]->(programme)
        WHERE (row)-[:REF_AREA]->(area) AND coalesce(properties(row).projectCount, 1) > 0
      }
  AND NOT EXISTS {
        MATCH (project:Project)-[:IN_PROGRAMME]->(programme)
        WHERE EXISTS { (project)-[:LOCATED_IN]->(:Place)-[:PART_OF*0..3]->(area) }
      }
RETURN area.name AS area,
       area.isoCode AS iso_code,
       CASE WHEN area:Department THEN 'department' WHEN area:State THEN 'state' ELSE 'administrative area' END
         AS area_level,
       country.name AS country,
       programme.name AS programme
ORDER BY area

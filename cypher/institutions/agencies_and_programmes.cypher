// name: agencies_and_programmes
// description: Government agencies and other bodies with the programmes they run or co-run, the ministry each
//   sits in (if any) and the government above it.
// params: $country (string, optional, default null, folded): home country of the body, ISO 3166-1 code or name;
//   null for all
// returns: agency, agency_kind, role, programme, ministry, government, country
// mode: read
// example: country=SV
MATCH (agency:Agent)
WHERE agency:GovernmentAgency OR EXISTS { (agency)-[:RUNS|CO_RUNS]->(:Programme) }
OPTIONAL MATCH (agency)-[:HOME_COUNTRY]->(country:Country)
WITH agency, country
WHERE $country IS NULL
   OR country.isoCode = toUpper(trim($country))
   OR $countryKey IN country.nameKeys
OPTIONAL MATCH (agency)-[running:RUNS|CO_RUNS]->(programme:Programme)
OPTIONAL MATCH (agency)-[:SUB_ORGANISATION_OF*1..3]->(ministry:Ministry)
OPTIONAL MATCH (agency)-[:SUB_ORGANISATION_OF*1..4]->(government:Government)
RETURN agency.name AS agency,
       [label IN labels(agency) WHERE NOT label IN ['Resource', 'Agent', 'Organisation']] AS agency_kind,
       CASE type(running) WHEN 'RUNS' THEN 'runs' WHEN 'CO_RUNS' THEN 'co-runs' END AS role,
       programme.name AS programme,
       ministry.name AS ministry,
       government.name AS government,
       country.name AS country
ORDER BY country, agency, programme

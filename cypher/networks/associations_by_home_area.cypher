// name: associations_by_home_area
// description: Diaspora organisations (hometown associations, federations, committees) grouped by the home
//   department or state they come from, directly or through a home community inside it (as the source places
//   it, or as the gazetteer entry it was matched to does). For the municipalities themselves see
//   clubs_and_projects_by_home_municipality.
// params: $country (string, optional, default null, folded): home country, ISO 3166-1 code or name; null for all
//   $area (string, optional, default null, folded): a department or state, ISO 3166-2 code ("SV-CU") or name;
//   null for all
// returns: area, area_level, country, associations, association_count
// mode: read
// example: country=SV
// A home place matched to a gazetteer entry (GAZETTEER_PLACE) lies in that entry's area even when the source
// names no area for it.
MATCH (association:DiasporaOrganisation)-[:ORIGINATES_FROM]->(:Place)-[:PART_OF|GAZETTEER_PLACE*0..4]->
      (area:AdministrativeArea)-[:PART_OF]->(country:Country)
WHERE ($country IS NULL OR country.isoCode = toUpper(trim($country))
       OR $countryKey IN country.nameKeys)
  AND ($area IS NULL OR area.isoCode = toUpper(trim($area))
       OR $areaKey IN area.nameKeys)
WITH area, country, collect(DISTINCT association.name) AS associations
RETURN area.name AS area,
       CASE WHEN area:Department THEN 'department' WHEN area:State THEN 'state' ELSE 'administrative area' END
         AS area_level,
       country.name AS country,
       associations,
       size(associations) AS association_count
ORDER BY country, area

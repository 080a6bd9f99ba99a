// name: federations_to_municipalities
// description: Each federation of hometown associations with the home communities of its member (or founding)
//   associations, at the most specific place known (municipality or locality, else department/state), and the
//   path that links them.
// params: $country (string, optional, default null): home country of the place, as an ISO 3166-1 code ("MX") or a
//   name ("Mexico", accents and case ignored); null for every country
// returns: federation, place, place_level, country, via
// mode: read
// example: country=MX
MATCH (federation:Federation)
CALL (federation) {
  // Three ways the corpus ties a federation to a home community: a member association's origin, the origin of
  // the associations that founded it, or the federation's own stated origin.
  MATCH (federation)<-[:MEMBER_OF]-(association)-[:ORIGINATES_FROM]->(place:Place)
  RETURN association, place,
         federation.name + ' <-[:MEMBER_OF]- ' + association.name + ' -[:ORIGINATES_FROM]-> ' + place.name AS via
  UNION
  MATCH (federation)-[:CREATED_BY]->(association)-[:ORIGINATES_FROM]->(place:Place)
  RETURN association, place,
         federation.name + ' -[:CREATED_BY]-> ' + association.name + ' -[:ORIGINATES_FROM]-> ' + place.name AS via
  UNION
  MATCH (federation)-[:ORIGINATES_FROM]->(place:Place)
  RETURN federation AS association, place, federation.name + ' -[:ORIGINATES_FROM]-> ' + place.name AS via
}
MATCH chain = (place)-[:PART_OF*0..4]->(country:Country)
WHERE $country IS NULL
   OR country.isoCode = toUpper(trim($country))
   OR reduce(s = normalize(toLower(trim($country)), NFKD),
             mark IN ['\u0300', '\u0301', '\u0302', '\u0303', '\u0304', '\u0306', '\u0307', '\u0308', '\u030a',
                      '\u030b', '\u030c', '\u0327', '\u0328'] | replace(s, mark, '')) IN country.nameKeys
// The number of PART_OF steps down from the country measures how specific a place is; keep, per linking
// association, only its most specific places.
WITH federation, association, place, via, country, max(length(chain)) AS depth
WITH federation, association, collect({place: place, via: via, country: country, depth: depth}) AS found
WITH federation, found, reduce(best = 0, f IN found | CASE WHEN f.depth > best THEN f.depth ELSE best END) AS best
UNWIND [f IN found WHERE f.depth = best] AS hit
WITH federation, hit.place AS place, hit.via AS via, hit.country AS country
RETURN DISTINCT federation.name AS federation,
       place.name AS place,
       CASE
         WHEN place:Municipality THEN 'municipality'
         WHEN place:Locality THEN 'locality'
         WHEN place:City THEN 'city'
         WHEN place:Department THEN 'department'
         WHEN place:State THEN 'state'
         WHEN place:AdministrativeArea THEN 'administrative area'
         WHEN place:Country THEN 'country'
         ELSE 'place'
       END AS place_level,
       country.name AS country,
       via
ORDER BY federation, place, via

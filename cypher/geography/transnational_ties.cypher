// name: transnational_ties
// description: The ties a map of transnational ties draws: one row per arc, from a place in the United States to
//   a home place abroad. tie is "association" (a hometown association, another diaspora organisation or a
//   population of associations based in the US place and coming from the home place), "federation" (a federation
//   based in the US place, and its own home place or that of its member or founding associations) or
//   "contribution" (an actor based in the US place funds a project located in the home place). Each end is drawn
//   at the place itself when it has coordinates (lat, long: WGS 84 degrees), else at the gazetteer entry it was
//   matched to (GAZETTEER_PLACE), else at the nearest place containing it that has them (PART_OF: a town without
//   coordinates rolls up to its state); from_level and to_level say which level was drawn ("municipality",
//   "city", "state", ...; null for a plain place). Ends that reach no coordinates, ends that are a whole country,
//   and home places in the US are left out; a home place whose country is not known is kept, to_country null.
//   weight counts the actors (association, federation) or the contributions; amount_usd sums the contributions'
//   known US$ amounts (null when none is known); via lists each path in the graph, US place first; sources lists
//   "source, locator" of the evidence of every tie on those paths.
// params: $country (string, optional, default null, folded): home country, as an ISO 3166-1 code ("MX") or a name
//   ("Mexico", accents and case ignored); null for every country
// returns: from_place, from_lat, from_lon, from_country, to_place, to_lat, to_lon, to_country, tie, actors,
//   weight, amount_usd, sources, from_level, to_level, via
// mode: read
// example:
CALL () {
  // An organisation (or a population of them) based in a US place that comes from a home place.
  MATCH (us:Place)<-[based:LOCATED_IN]-(actor)-[origin:ORIGINATES_FROM]->(home:Place)
  WHERE actor:DiasporaOrganisation OR actor:Collective
  RETURN us, home, actor, actor AS unit, null AS amount, [based, origin] AS links,
         CASE WHEN actor:Federation THEN 'federation' ELSE 'association' END AS tie,
         us.name + ' <-[:LOCATED_IN]- ' + actor.name + ' -[:ORIGINATES_FROM]-> ' + home.name AS via
  UNION
  // A federation based in a US place, through the home places of its member associations.
  MATCH (us:Place)<-[based:LOCATED_IN]-(actor:Federation)<-[member:MEMBER_OF]-(association)
        -[origin:ORIGINATES_FROM]->(home:Place)
  RETURN us, home, actor, actor AS unit, null AS amount, [based, member, origin] AS links, 'federation' AS tie,
         us.name + ' <-[:LOCATED_IN]- ' + actor.name + ' <-[:MEMBER_OF]- ' + association.name
         + ' -[:ORIGINATES_FROM]-> ' + home.name AS via
  UNION
  // ... or of the associations that founded it.
  MATCH (us:Place)<-[based:LOCATED_IN]-(actor:Federation)-[created:CREATED_BY]->(association)
        -[origin:ORIGINATES_FROM]->(home:Place)
  RETURN us, home, actor, actor AS unit, null AS amount, [based, created, origin] AS links, 'federation' AS tie,
         us.name + ' <-[:LOCATED_IN]- ' + actor.name + ' -[:CREATED_BY]-> ' + association.name
         + ' -[:ORIGINATES_FROM]-> ' + home.name AS via
  UNION
  // An actor based in a US place that funds a project located in a home place: one contribution per FUNDS.
  MATCH (us:Place)<-[based:LOCATED_IN]-(actor)-[funding:FUNDS]->(project:Project)-[site:LOCATED_IN]->(home:Place)
  RETURN us, home, actor, funding AS unit, properties(funding).amountUsd AS amount, [based, funding, site] AS links,
         'contribution' AS tie,
         us.name + ' <-[:LOCATED_IN]- ' + actor.name + ' -[:FUNDS]-> ' + project.name + ' -[:LOCATED_IN]-> '
         + home.name AS via
}
WITH us, home, actor, unit, amount, links, tie, via
WHERE NOT us:Country AND NOT home:Country
  AND EXISTS { (us)-[:PART_OF|GAZETTEER_PLACE*1..4]->(:Country {isoCode: 'US'}) }
// Each end at the nearest place that has coordinates and is not a whole country: itself, the gazetteer entry it
// was matched to, or a place containing it (the gazetteer entry first when both are one step away).
CALL (us) {
  MATCH up = (us)-[:GAZETTEER_PLACE|PART_OF*0..3]->(drawn:Place)
  WHERE properties(drawn).lat IS NOT NULL AND properties(drawn).long IS NOT NULL AND NOT drawn:Country
  RETURN drawn AS from_drawn
  ORDER BY length(up), size([step IN relationships(up) WHERE type(step) = 'PART_OF'])
  LIMIT 1
}
CALL (home) {
  MATCH up = (home)-[:GAZETTEER_PLACE|PART_OF*0..3]->(drawn:Place)
  WHERE properties(drawn).lat IS NOT NULL AND properties(drawn).long IS NOT NULL AND NOT drawn:Country
  RETURN drawn AS to_drawn
  ORDER BY length(up), size([step IN relationships(up) WHERE type(step) = 'PART_OF'])
  LIMIT 1
}
CALL (from_drawn) {
  MATCH (from_drawn)-[:PART_OF|GAZETTEER_PLACE*1..4]->(country:Country)
  RETURN country AS from_country
  LIMIT 1
}
// A home place whose country the graph does not say is still drawn, its country null.
CALL (to_drawn) {
  OPTIONAL MATCH (to_drawn)-[:PART_OF|GAZETTEER_PLACE*1..4]->(country:Country)
  RETURN country AS to_country
  LIMIT 1
}
WITH from_drawn, to_drawn, from_country, to_country, actor, unit, amount, links, tie, via
WHERE coalesce(to_country.isoCode, '') <> 'US'
  AND ($country IS NULL
       OR to_country.isoCode = toUpper(trim($country))
       OR $countryKey IN to_country.nameKeys)
// The evidence of every tie on the path, as "source, locator".
CALL (links) {
  UNWIND links AS link
  UNWIND coalesce(link.evidence, []) AS evidenceUri
  MATCH (evidence:Resource {uri: evidenceUri})-[:QUOTED_FROM]->(source)
  RETURN collect(DISTINCT coalesce(source.name, source.uri)
                 + CASE WHEN evidence.locator IS NULL THEN '' ELSE ', ' + evidence.locator END) AS cited
}
// The level of a drawn place in words: its own class, else that of the gazetteer entry it was matched to.
CALL (from_drawn, to_drawn) {
  OPTIONAL MATCH (from_drawn)-[:GAZETTEER_PLACE]->(from_match:Place)
  OPTIONAL MATCH (to_drawn)-[:GAZETTEER_PLACE]->(to_match:Place)
  WITH [['Municipality', 'municipality'], ['District', 'district'], ['County', 'county'], ['Locality', 'locality'],
        ['City', 'city'], ['Department', 'department'], ['State', 'state'],
        ['AdministrativeArea', 'administrative area']] AS levels,
       labels(from_drawn) + coalesce(labels(from_match), []) AS from_labels,
       labels(to_drawn) + coalesce(labels(to_match), []) AS to_labels
  RETURN [level IN levels WHERE level[0] IN from_labels | level[1]][0] AS from_level,
         [level IN levels WHERE level[0] IN to_labels | level[1]][0] AS to_level
  LIMIT 1
}
WITH from_drawn, to_drawn, from_country, to_country, tie, from_level, to_level,
     collect(DISTINCT coalesce(actor.name, actor.uri)) AS actors,
     count(DISTINCT unit) AS weight,
     collect(DISTINCT [elementId(unit), amount]) AS amounts,
     collect(DISTINCT via) AS via,
     collect(cited) AS cited
RETURN from_drawn.name AS from_place,
       properties(from_drawn).lat AS from_lat,
       properties(from_drawn).long AS from_lon,
       from_country.name AS from_country,
       to_drawn.name AS to_place,
       properties(to_drawn).lat AS to_lat,
       properties(to_drawn).long AS to_lon,
       to_country.name AS to_country,
       tie,
       actors,
       weight,
       reduce(total = null, pair IN amounts |
              CASE WHEN pair[1] IS NULL THEN total ELSE coalesce(total, 0.0) + pair[1] END) AS amount_usd,
       reduce(all = [], found IN cited | all + [s IN found WHERE NOT s IN all]) AS sources,
       from_level,
       to_level,
       via
ORDER BY tie, from_place, to_place

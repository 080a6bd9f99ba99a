// name: cross_network_brokers
// description: Organisations (and collectives acting as one) tied both to actors of two or more national
//   networks (e.g. the Mexican and the Salvadoran), or both to US-based actors and to actors based in a home
//   country. An actor's network is its home country or the country it is located in, operates in or governs.
// params: none
// returns: broker, broker_kind, bridges, networks, us_based_ties, home_country_ties
// mode: read
// example:
MATCH (broker:Agent)-[tie]-(other)
WHERE (broker:Organisation OR broker:Collective)
  AND (other:Agent OR other:Programme OR other:Project OR other:Event)
OPTIONAL MATCH (other)-[:HOME_COUNTRY]->(home:Country)
OPTIONAL MATCH (other)-[:LOCATED_IN|OPERATES_IN|JURISDICTION]->(:Place)-[:PART_OF*0..3]->(base:Country)
WITH broker, other, collect(DISTINCT home.isoCode) AS homes, collect(DISTINCT base.isoCode) AS bases
// A public body located nowhere in the corpus (a government, a ministry) sits in its home country; a diaspora
// organisation without a location may be in the US or at home, so it counts as neither.
WITH broker, other,
     [code IN homes + bases WHERE code <> 'US'] AS networks,
     'US' IN bases AS usBased,
     any(code IN bases WHERE code <> 'US')
       OR (other:PublicBody AND size(bases) = 0 AND any(code IN homes WHERE code <> 'US')) AS homeBased
WITH broker,
     reduce(acc = [], code IN reduce(all = [], codes IN collect(networks) | all + codes) |
            CASE WHEN code IN acc THEN acc ELSE acc + code END) AS networks,
     collect(DISTINCT CASE WHEN usBased THEN other.name END) AS usBasedTies,
     collect(DISTINCT CASE WHEN homeBased THEN other.name END) AS homeTies
WITH broker, networks, usBasedTies, homeTies,
     CASE WHEN size(networks) >= 2 THEN ['national networks'] ELSE [] END
       + CASE WHEN size(usBasedTies) > 0 AND size(homeTies) > 0 THEN ['US-based and home-country actors']
              ELSE [] END AS bridges
WHERE size(bridges) > 0
RETURN broker.name AS broker,
       [label IN labels(broker) WHERE NOT label IN ['Resource', 'Agent', 'Organisation']] AS broker_kind,
       bridges,
       networks,
       usBasedTies AS us_based_ties,
       homeTies AS home_country_ties
ORDER BY size(bridges) DESC, size(networks) DESC, broker

// name: audit_related_figures
// description: Figures that restate no table cell but are about the same subject, in the same unit, as figures
//   that do: candidates for the same quantity as a table column, measured perhaps over another scope.
// params: none
// returns: figure, properties, table, measures, siblings
// mode: read
MATCH (f:Observation)-[:ABOUT]->(subject)<-[:ABOUT]-(sibling:Observation)-[:RESTATES]->(cell:Observation)
      -[:IN_DATASET]->(t:StatisticalTable)
WHERE f.value IS NOT NULL AND f.unit = sibling.unit AND sibling.measure IS NOT NULL
  AND NOT (f)-[:RESTATES]->() AND NOT (f)-[:IN_DATASET]->()
RETURN f.uri AS figure, properties(f) AS properties, t.uri AS table,
       collect(DISTINCT sibling.measure) AS measures, collect(DISTINCT sibling.uri) AS siblings
ORDER BY table, figure

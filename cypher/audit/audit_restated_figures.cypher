// name: audit_restated_figures
// description: Figures that restate a table cell: the figure (value, unit, approximation, measure, evidence),
//   the restated row and its table, for comparing the text with the tables.
// params: none
// returns: figure, properties, cell, table
// mode: read
MATCH (f:Observation)-[:RESTATES]->(cell:Observation)-[:IN_DATASET]->(t:StatisticalTable)
WHERE f.value IS NOT NULL AND f.measure IS NOT NULL
RETURN f.uri AS figure, properties(f) AS properties, cell.uri AS cell, t.uri AS table
ORDER BY table, figure

// name: audit_table_rows
// description: Every statistical table that has observations, with its rows as printed (all properties, the
//   categories of each row, the cell a total row restates) and the programmes it is about, for the source audit.
// params: none
// returns: table, table_name, table_evidence, programmes, rows
// mode: read
MATCH (t:StatisticalTable)<-[:IN_DATASET]-(o:Observation)
OPTIONAL MATCH (o)-[:IN_CATEGORY]->(c)
WITH t, o, collect(DISTINCT c.uri) AS categories
OPTIONAL MATCH (o)-[:RESTATES]->(cell:Observation)
WITH t, o, categories, collect(DISTINCT cell.uri) AS restates
ORDER BY o.rowIndex, o.uri
WITH t, collect({uri: o.uri, properties: properties(o), categories: categories, restates: restates}) AS rows
OPTIONAL MATCH (t)-[:ABOUT]->(p:Programme)
RETURN t.uri AS table, t.name AS table_name, t.evidence AS table_evidence, collect(DISTINCT p.uri) AS programmes,
       rows
ORDER BY table

// name: zacatecas_3x1_by_year
// description: Table 2 of the article read back from the graph: the 3x1 programme in Zacatecas by year (projects,
//   municipalities, amount in US$), in the printed row order with the total row; `row` is the label as printed
//   ("2003*"), `year` the reference year (null on the total row) and `note` the source's footnote.
// params: $table (string, optional, default "https://w3id.org/diaspora-kg/id/table/2"): URI of the table
// returns: row, year, projects, municipalities, amount_usd, note
// mode: read
// example: table=https://w3id.org/diaspora-kg/id/table/2
MATCH (observation:Observation)-[:IN_DATASET]->(:StatisticalTable {uri: $table})
WITH observation, properties(observation) AS printed
RETURN printed.rowLabel AS row,
       printed.refYear AS year,
       printed.projectCount AS projects,
       printed.municipalityCount AS municipalities,
       printed.amountUsd AS amount_usd,
       printed.note AS note
ORDER BY printed.rowIndex

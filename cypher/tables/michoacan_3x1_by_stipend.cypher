// name: michoacan_3x1_by_stipend
// description: Table 3 of the article read back from the graph: the 3x1 programme in Michoacan in 2002 by
//   stipend (projects, municipalities, people benefited, amount in US$), with the total row; `row` is the label
//   as printed ("1we"), `stipend` the stipend number (null on the total row).
// params: $table (string, optional, default "https://w3id.org/diaspora-kg/id/table/3"): URI of the table
// returns: row, stipend, projects, municipalities, people_benefited, amount_usd, note
// mode: read
// example: table=https://w3id.org/diaspora-kg/id/table/3
MATCH (observation:Observation)-[:IN_DATASET]->(:StatisticalTable {uri: $table})
WITH observation, properties(observation) AS printed
RETURN printed.rowLabel AS row,
       printed.stipend AS stipend,
       printed.projectCount AS projects,
       printed.municipalityCount AS municipalities,
       printed.peopleBenefited AS people_benefited,
       printed.amountUsd AS amount_usd,
       printed.note AS note
ORDER BY printed.rowIndex

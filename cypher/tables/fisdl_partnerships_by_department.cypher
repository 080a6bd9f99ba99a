// name: fisdl_partnerships_by_department
// description: Table 1 of the article read back from the graph: FISDL-hometown association partnership projects
//   (Unidos por la Solidaridad) by department, in the printed row order, with the total/average row. Amounts in
//   US$ and percentages (0-100) exactly as printed.
// params: $table (string, optional, default "https://w3id.org/diaspora-kg/id/table/1"): URI of the table
// returns: department, projects, hta_donation, fisdl_funds, total_cost, avg_cost, pct_hta, pct_fisdl
// mode: read
// example: table=https://w3id.org/diaspora-kg/id/table/1
MATCH (row:Observation)-[:IN_DATASET]->(:StatisticalTable {uri: $table})
RETURN row.rowLabel AS department,
       row.projectCount AS projects,
       row.htaDonationUsd AS hta_donation,
       row.governmentFundsUsd AS fisdl_funds,
       row.totalCostUsd AS total_cost,
       row.averageCostUsd AS avg_cost,
       row.htaSharePercent AS pct_hta,
       row.governmentSharePercent AS pct_fisdl
ORDER BY row.rowIndex

// name: text_figures_vs_tables
// description: Figures quoted in the running text next to the table cells they restate, with the difference;
//   `consistent` is true when the text figure equals the cell once both are rounded to the text's precision
//   (whole numbers), so "16%" agrees with 16.2 but "US$780,000" does not agree with 88,895.22.
// params: none
// returns: text_figure, approximation, text_value, unit, table, row, measure, table_value, difference, consistent
// mode: read
// example:
MATCH (figure:Observation)-[restatement:RESTATES]->(cell:Observation)-[:IN_DATASET]->(table:StatisticalTable)
// The measure belongs on the RESTATES tie; the seed corpus puts it on the text figure, so read either.
WITH figure, cell, table, properties(figure) AS text, coalesce(properties(restatement).measure,
     properties(figure).measure) AS measureIri
WITH figure, cell, table, text, measureIri, split(measureIri, '#')[-1] AS measure
WITH figure, cell, table, text, measure, coalesce(text.value, properties(figure)[measure]) AS textValue,
     properties(cell)[measure] AS tableValue
RETURN figure.uri AS text_figure,
       text.approximation AS approximation,
       textValue AS text_value,
       text.unit AS unit,
       table.name AS table,
       cell.rowLabel AS row,
       measure,
       tableValue AS table_value,
       textValue - tableValue AS difference,
       round(textValue) = round(tableValue) AS consistent
ORDER BY consistent, table, row, measure

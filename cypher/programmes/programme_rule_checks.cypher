// name: programme_rule_checks
// description: Each numeric programme rule held against the table rows about the programme that carry the
//   measure it bounds (e.g. rule (b) "at least 10%" against each department's HTA share in Table 1). A table row
//   aggregates several projects, so a row outside the bound flags a question, not a proven breach.
// params: $programme (string, optional, default null, folded): programme name, alternative name or URI; null for
//   all
// returns: programme, rule, row, measure, value, minimum, maximum, within_bounds
// mode: read
// example: programme=Unidos por la Solidaridad
MATCH (programme:Programme)-[:HAS_RULE]->(rule:ProgrammeRule)
WHERE $programme IS NULL OR programme.uri = $programme
   OR $programmeKey IN programme.nameKeys
WITH programme, rule, properties(rule) AS terms
WHERE terms.constrainsMeasure IS NOT NULL
  AND (terms.minimumValue IS NOT NULL OR terms.maximumValue IS NOT NULL)
// The bound names its measure by IRI; the observation stores it under the IRI's local name.
WITH programme, rule, terms, split(terms.constrainsMeasure, '#')[-1] AS measure
MATCH (observation:Observation)-[:IN_DATASET]->(:StatisticalTable)-[:ABOUT]->(programme)
WITH programme, rule, terms, measure, observation, properties(observation)[measure] AS value
WHERE value IS NOT NULL
RETURN programme.name AS programme,
       coalesce(terms.ruleLabel, rule.name) AS rule,
       observation.rowLabel AS row,
       measure,
       value,
       terms.minimumValue AS minimum,
       terms.maximumValue AS maximum,
       (terms.minimumValue IS NULL OR value >= terms.minimumValue)
         AND (terms.maximumValue IS NULL OR value <= terms.maximumValue) AS within_bounds
ORDER BY programme, rule, observation.rowIndex

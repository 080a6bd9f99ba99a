// name: audit_programme_rules
// description: The machine-readable rules (a bound on a measure) of the programmes each statistical table is
//   about, for checking the table's aggregates against them.
// params: none
// returns: table, programme, programme_name, rule, label, text, minimum, maximum, measure, evidence
// mode: read
MATCH (t:StatisticalTable)-[:ABOUT]->(p:Programme)-[:HAS_RULE]->(r:ProgrammeRule)
WHERE r.constrainsMeasure IS NOT NULL AND (r.minimumValue IS NOT NULL OR r.maximumValue IS NOT NULL)
RETURN t.uri AS table, p.uri AS programme, p.name AS programme_name, r.uri AS rule, r.ruleLabel AS label,
       r.ruleText AS text, r.minimumValue AS minimum, r.maximumValue AS maximum, r.constrainsMeasure AS measure,
       r.evidence AS evidence
ORDER BY table, rule

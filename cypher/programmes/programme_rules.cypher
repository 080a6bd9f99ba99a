// name: programme_rules
// description: The rules of each programme as printed, with the machine-readable bound where there is one:
//   the measure it constrains (a property IRI) and its minimum and maximum (in that measure's unit).
// params: $programme (string, optional, default null, folded): programme name, alternative name or URI; null for
//   all
// returns: programme, rule, rule_text, measure, minimum, maximum
// mode: read
// example: programme=Unidos por la Solidaridad
MATCH (programme:Programme)-[:HAS_RULE]->(rule:ProgrammeRule)
WHERE $programme IS NULL OR programme.uri = $programme
   OR $programmeKey IN programme.nameKeys
WITH programme, rule, properties(rule) AS terms
RETURN programme.name AS programme,
       coalesce(terms.ruleLabel, rule.name) AS rule,
       terms.ruleText AS rule_text,
       terms.constrainsMeasure AS measure,
       terms.minimumValue AS minimum,
       terms.maximumValue AS maximum
ORDER BY programme, rule

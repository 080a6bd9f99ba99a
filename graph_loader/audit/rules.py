"""What a table's aggregates imply about a programme's rules.

A rule bounds a per-project measure (``ProgrammeRule``: ``constrainsMeasure``, ``minimumValue``,
``maximumValue``). A row aggregates several projects: its share is a cost-weighted mean of the projects' shares
and its cost per project a mean, so a row whose mean lies wholly below a minimum (above a maximum), rounding
included, had at least one project that broke the rule.
"""

from __future__ import annotations

from .model import RATIOS, Finding, Table, fmt, is_additive, local_name
from .numbers import Interval


def _per_project(table: Table, row, measure: str) -> tuple[Interval | None, str]:
    """The row's mean of ``measure`` per project, and how it was obtained."""
    if measure in RATIOS:
        return table.cell(row, measure), f"its {measure} of {fmt(row.values.get(measure))}"
    count = table.cell(row, "projectCount")
    total = table.cell(row, measure)
    if not is_additive(measure) or count is None or total is None:
        return None, ""
    mean = total.divide(count)
    return mean, (f"its {measure} per project ({fmt(row.values[measure])} / {fmt(row.values['projectCount'])}"
                  f" = {fmt(mean.mid) if mean else 'n/a'})")


def check_rules(table: Table, rules: list[dict]) -> list[Finding]:
    """Rows whose aggregate of a ruled measure implies a project outside the rule's bounds.

    ``rules`` are the rows of the ``audit_programme_rules`` query for this table.
    """
    findings = []
    for rule in rules:
        measure = local_name(rule["measure"])
        label = " ".join(x for x in (rule.get("label"), rule.get("text")) if x)
        for row in table.rows:
            mean, how = _per_project(table, row, measure)
            if mean is None:
                continue
            count = row.values.get("projectCount")
            who = ("its only project" if count == 1 else
                   f"at least one of its {fmt(count)} projects" if count else "at least one of its projects")
            for bound, broken, word, limit in ((rule.get("minimum"), mean.below, "below", "minimum"),
                                               (rule.get("maximum"), mean.above, "above", "maximum")):
                if bound is None or not broken(bound):
                    continue
                findings.append(Finding(
                    "rule-implication", "warning", table.uri, table.name, f"{row.label} › {measure}", measure,
                    row.values.get(measure) if measure in RATIOS else round(mean.mid, 6), bound,
                    round(mean.mid - bound, 6),
                    f"'{row.label}': {how} is {word} the {rule['programme_name']} rule {label!r} "
                    f"({limit} {fmt(bound)}), so "
                    f"{who} was {word} it.",
                    evidence_uris=list(dict.fromkeys([*row.evidence, *(rule.get("evidence") or [])]))))
    return findings

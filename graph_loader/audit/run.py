"""The source audit (``diaspora-kg audit``): do the corpus's figures add up?

For every statistical table loaded, totals, averages and shares are recomputed from the rows and compared with
the printed total row; figures of the text are compared with the cells they restate and with each other; the
tables' aggregates are checked against the rules of the programmes they are about. Everything is read from the
graph with the ``cypher/audit/*.cypher`` queries, so the audit runs on any corpus loaded.

Rounding is told apart from real differences by comparing intervals (:mod:`graph_loader.audit.numbers`).
"""

from __future__ import annotations

from collections import Counter

from .model import SEVERITIES, Finding, fmt, table_from_record
from .rules import check_rules
from .tables import check_table
from .text import check_inherited_definitions, check_quantities, check_related, check_restated

__all__ = ["Finding", "run_audit", "to_markdown", "to_table_rows"]


def run_audit(db) -> list[Finding]:
    """Audit the figures of the corpus loaded in ``db``.

    Parameters
    ----------
    db : graph_loader.neo4j.connection.Database
        The database holding the corpus; only read.

    Returns
    -------
    list of Finding
        Sorted by table, then severity (errors first); each with the locator, quote and source of every figure
        involved.
    """
    from ..neo4j.queries import run_named

    tables = {r["table"]: table_from_record(r) for r in run_named(db, "audit_table_rows")}
    rules_by_table: dict[str, list[dict]] = {}
    for rule in run_named(db, "audit_programme_rules"):
        rules_by_table.setdefault(rule["table"], []).append(rule)
    findings: list[Finding] = []
    cells = {row.uri: (table, row) for table in tables.values() for row in table.rows}
    for table in tables.values():
        findings += check_table(table, cells)
        findings += check_rules(table, rules_by_table.get(table.uri, []))
    restated = run_named(db, "audit_restated_figures")
    findings += check_inherited_definitions(restated, tables, findings)
    findings += check_restated(restated, tables)
    findings += check_related(run_named(db, "audit_related_figures"), tables)
    findings += check_quantities(run_named(db, "audit_quantity_groups"))
    _attach_evidence(db, findings)
    order = {uri: i for i, uri in enumerate(sorted(tables))}
    return sorted(findings, key=lambda f: (order.get(f.table, len(order)), SEVERITIES.index(f.severity)))


def _attach_evidence(db, findings: list[Finding]) -> None:
    from ..neo4j.queries import run_named

    uris = sorted({uri for f in findings for uri in f.evidence_uris})
    known = {r["uri"]: r for r in run_named(db, "audit_evidence", {"uris": uris})} if uris else {}
    for finding in findings:
        finding.evidence = [
            {"uri": uri, "locator": known[uri]["locator"], "quote": known[uri]["quote"],
             "source": known[uri]["source_name"] or known[uri]["source"]}
            for uri in finding.evidence_uris if uri in known]


def to_table_rows(findings: list[Finding]) -> list[dict]:
    """One flat row per finding, for a terminal table (evidence reduced to its locators)."""
    return [{"severity": f.severity, "kind": f.kind, "table": _short_name(f.table_name), "subject": f.subject,
             "reported": f.reported, "recomputed": f.recomputed, "difference": f.difference,
             "explanation": f.explanation,
             "locators": "; ".join(dict.fromkeys(e["locator"] for e in f.evidence if e.get("locator")))}
            for f in findings]


def _short_name(name: str | None) -> str:
    """A table's number for a narrow terminal ("Table 1. FISDL-..." -> "Table 1"); other names stay whole."""
    if not name:
        return "(text)"
    head = name.split(". ", 1)[0]
    return head if len(head) <= 12 else name


def to_markdown(findings: list[Finding]) -> str:
    """A report a researcher can paste into an appendix: a summary count, then the findings grouped by table,
    each citing the locator and quote of every figure involved."""
    counts = Counter(f.severity for f in findings)
    lines = ["# Source audit", "",
             f"{len(findings)} finding{'s' if len(findings) != 1 else ''}: "
             + ", ".join(f"{counts.get(s, 0)} {s}" for s in SEVERITIES) + ".", ""]
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.table_name or "Figures of the text", []).append(finding)
    for name, group in groups.items():
        lines += [f"## {name}", ""]
        for finding in group:
            values = ", ".join(x for x in (
                f"reported {_value(finding.reported)}" if finding.reported is not None else "",
                f"recomputed {_value(finding.recomputed)}" if finding.recomputed is not None else "",
                f"difference {_value(finding.difference)}" if finding.difference is not None else "") if x)
            lines.append(f"- **{finding.severity}**, {finding.kind}: {finding.subject}"
                         + (f" ({values})" if values else "") + ". " + _markdown_text(finding.explanation))
            for evidence in finding.evidence:
                quote = f" “{_markdown_text(evidence['quote'])}”" if evidence.get("quote") else ""
                lines.append(f"  - {evidence['locator']}{quote} ({evidence['source']})")
        lines.append("")
    return "\n".join(lines)


def _value(value) -> str:
    return fmt(value) if isinstance(value, int | float) else str(value)


def _markdown_text(text: str) -> str:
    # table labels such as "2003*" must not open emphasis
    return text.replace("*", r"\*").replace("_", r"\_")

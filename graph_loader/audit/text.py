"""Checks of the figures stated in running text: against the table cells they restate, against each other when
they measure the same quantity, and against a table total they may or may not share a scope with.
"""

from __future__ import annotations

from .model import RATIOS, Finding, Table, difference, fmt, local_name
from .numbers import Interval, text_figure_interval


def _figure_interval(props: dict) -> Interval:
    return text_figure_interval(props["value"], props.get("approximation"))


def _qualified(props: dict) -> str:
    approximation = props.get("approximation") or "exact"
    prefix = "" if approximation == "exact" else approximation + " "
    unit = props.get("unit")
    return prefix + fmt(props["value"]) + ("%" if unit == "percent" else f" {unit}" if unit and unit != "count"
                                           else "")


def check_restated(records: list[dict], tables: dict[str, Table]) -> list[Finding]:
    """Each text figure against the table cell it restates (``RESTATES`` + ``measure``).

    ``records`` are rows of the ``audit_restated_figures`` query. A disagreement is an error; its explanation
    says whether another row of the column prints the text's figure, and what the other figures restating the
    same row say.
    """
    by_cell: dict[str, list[dict]] = {}
    for record in records:
        by_cell.setdefault(record["cell"], []).append(record)
    findings = []
    for record in records:
        table = tables.get(record["table"])
        row = table.row(record["cell"]) if table else None
        props = record["properties"]
        measure = local_name(props["measure"])
        cell = table.cell(row, measure) if row else None
        if cell is None:
            continue
        figure = _figure_interval(props)
        if figure.overlaps(cell):
            continue
        printed = row.values[measure]
        notes = [_matching_row(table, measure, figure, row), _companions(table, row, record, by_cell[row.uri])]
        findings.append(Finding(
            "text-table-mismatch", "error", table.uri, table.name, f"{row.label} › {measure}", measure,
            props["value"], printed, difference(props["value"], printed),
            f"The text states {_qualified(props)} for {measure} of '{row.label}', but the table prints "
            f"{fmt(printed)}; the difference is larger than the rounding of either figure."
            + "".join(" " + n for n in notes if n),
            evidence_uris=list(dict.fromkeys([*(props.get("evidence") or []), *row.evidence]))))
    return findings


def _matching_row(table: Table, measure: str, figure: Interval, restated) -> str:
    others = [r for r in table.rows if r is not restated and (c := table.cell(r, measure)) and c.overlaps(figure)]
    if not others:
        return ""
    return ("The table prints that figure in " + ", ".join(f"row '{r.label}'" for r in others)
            + ": the text may have taken the wrong row.")


def _companions(table: Table, row, record: dict, same_row: list[dict]) -> str:
    """What the other text figures restating the same row say: agreeing shares point to a wrong amount."""
    agreeing = []
    for other in same_row:
        if other is record:
            continue
        measure = local_name(other["properties"]["measure"])
        cell = table.cell(row, measure)
        if cell is not None and _figure_interval(other["properties"]).overlaps(cell):
            agreeing.append((measure, other["properties"]))
    if not agreeing:
        return ""
    text = ("The text's other figures for this row agree with the table ("
            + "; ".join(f"{m}: {_qualified(p)} vs {fmt(row.values[m])}" for m, p in agreeing) + ").")
    measure = local_name(record["properties"]["measure"])
    for share, props in agreeing:
        numerator, base, scale = RATIOS.get(share, (None, None, None))
        if numerator == measure and scale == 100.0 and base in row.values and props["value"]:
            implied = record["properties"]["value"] / props["value"] * 100
            text += (f" Read together, {fmt(record['properties']['value'])} at {fmt(props['value'])}% implies "
                     f"a {base} of about {fmt(round(implied, -3))}, against the row's {fmt(row.values[base])}.")
    return text


def check_quantities(records: list[dict]) -> list[Finding]:
    """Figures with the same ``quantity`` must agree; ``records`` are rows of ``audit_quantity_groups``."""
    findings = []
    for record in records:
        figures = record["figures"]
        for i, first in enumerate(figures):
            for second in figures[i + 1:]:
                if _figure_interval(first).overlaps(_figure_interval(second)):
                    continue
                findings.append(Finding(
                    "text-text-conflict", "error", None, None, f"quantity {record['quantity']}", None,
                    first["value"], second["value"], difference(first["value"], second["value"]),
                    f"Two figures for the same quantity disagree: {_qualified(first)} and {_qualified(second)}.",
                    evidence_uris=list(dict.fromkeys([*(first.get("evidence") or []),
                                                      *(second.get("evidence") or [])]))))
    return findings


def check_related(records: list[dict], tables: dict[str, Table]) -> list[Finding]:
    """A figure about the same subject as a table column that exceeds the table's grand total.

    ``records`` are rows of ``audit_related_figures``. A figure below the total may be a part of it (28 of the
    45 projects), so only one the total cannot contain is reported: the two are either different in scope
    (another period or set of projects) or one of them is wrong.
    """
    findings = []
    for record in records:
        table = tables.get(record["table"])
        props = record["properties"]
        if table is None or len(record["measures"]) != 1 or not table.totals:
            continue
        measure = local_name(record["measures"][0])
        total = table.totals[-1]
        cell = table.cell(total, measure)
        year = props.get("year")
        if cell is None or (year is not None and total.values.get("refYear") not in (None, year)):
            continue
        figure = _figure_interval(props)
        if not figure.above(cell.high):
            continue
        printed = total.values[measure]
        note = props.get("note") or ""
        findings.append(Finding(
            "possible-scope-difference", "warning", table.uri, table.name, f"{total.label} › {measure}",
            measure, props["value"], printed, difference(props["value"], printed),
            f"The text states {_qualified(props)} about the same subject, in the same unit, as the table's "
            f"{measure}, whose grand total is {fmt(printed)}"
            + (f": the text's figure is {props['value'] / printed:.1f} times as much. " if printed else ". ")
            + "They may not be the same quantity: the text's figure may cover another period or set of projects"
            + (f" ({note.rstrip('.')})" if note else "") + "; otherwise one of the two is wrong.",
            evidence_uris=list(dict.fromkeys([*(props.get("evidence") or []), *total.evidence]))))
    return findings


def check_inherited_definitions(records: list[dict], tables: dict[str, Table],
                                table_findings: list[Finding]) -> list[Finding]:
    """Text figures that agree with a total cell the audit found to be a mean of the rows' figures: the text
    then repeats that definition ("on average 16%"), which a reader would take for the figure over all items.

    ``records`` are rows of ``audit_restated_figures``; ``table_findings`` the findings of the table checks.
    """
    means = {(f.table, f.subject): f for f in table_findings if f.kind == "average-of-averages"}
    findings = []
    for record in records:
        table = tables.get(record["table"])
        row = table.row(record["cell"]) if table else None
        props = record["properties"]
        measure = local_name(props["measure"])
        mean = means.get((record["table"], f"{row.label} › {measure}")) if row else None
        cell = table.cell(row, measure) if mean else None
        if cell is None or not _figure_interval(props).overlaps(cell):
            continue
        findings.append(Finding(
            "text-repeats-mean-of-rows", "info", table.uri, table.name, f"{row.label} › {measure}", measure,
            props["value"], mean.recomputed, difference(props["value"], mean.recomputed),
            f"The text's {_qualified(props)} repeats the total row's {fmt(row.values[measure])}, which is a mean "
            f"of the rows' figures; over all items the figure is {fmt(mean.recomputed)}.",
            evidence_uris=list(dict.fromkeys([*(props.get("evidence") or []), *row.evidence]))))
    return findings

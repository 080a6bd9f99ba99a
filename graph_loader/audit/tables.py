"""Checks of one printed table against itself: totals, averages and shares recomputed from its rows.

Every check compares intervals (see :mod:`graph_loader.audit.numbers`), so the rows' own rounding never raises
an alarm; a difference that rounding explains is reported as ``info`` only for sums, where a reader sees it.
"""

from __future__ import annotations

from .model import DISTINCT_COUNTS, RATIOS, Finding, Row, Table, difference, fmt, is_additive
from .numbers import Interval, decimals_of


def check_table(table: Table, cells: dict[str, tuple[Table, Row]] | None = None) -> list[Finding]:
    """All findings about ``table``'s own figures.

    ``cells`` maps the URI of every table row of the corpus to its table and row, so that a breakdown whose
    total restates another table's cell can name and cite it.
    """
    cells = cells or {}
    findings: list[Finding] = []
    details = table.details
    for total in table.totals:
        for measure in table.measures():
            if measure not in total.values or not any(measure in r.values for r in details):
                continue
            if is_additive(measure):
                findings += _check_sum(table, total, measure, cells)
            elif measure in DISTINCT_COUNTS:
                findings += _check_distinct_count(table, total, measure)
            elif measure in RATIOS:
                findings += _check_total_ratio(table, total, measure)
    for row in details:
        findings += [f for m in RATIOS if m in row.values if (f := _check_row_ratio(table, row, m))]
    findings += _check_share_pairs(table)
    findings += _check_percent_breakdown(table)
    return findings


def _finding(table: Table, kind: str, severity: str, subject: str, measure: str, reported, recomputed,
             explanation: str, rows) -> Finding:
    evidence = [uri for r in rows for uri in r.evidence]
    return Finding(kind, severity, table.uri, table.name, subject, measure, reported, recomputed,
                   difference(reported, recomputed) if isinstance(recomputed, int | float) else None,
                   explanation, evidence_uris=list(dict.fromkeys(evidence)))


def _check_sum(table: Table, total, measure: str, cells: dict) -> list[Finding]:
    rows = [r for r in table.details if measure in r.values]
    exact = sum(r.values[measure] for r in rows)
    recomputed = sum((table.cell(r, measure) for r in rows), Interval.exact(0))
    reported_value = total.values[measure]
    reported = table.cell(total, measure)
    subject = f"{total.label} › {measure}"
    if abs(exact - reported_value) < 10.0 ** -(table.decimals(measure) + 3):
        return []
    categorised = any(r.categories for r in rows)
    restated = [cells[uri] for uri in total.restates if uri in cells]
    if reported.overlaps(recomputed):
        return [_finding(table, "rounding-difference", "info", subject, measure, reported_value, round(exact, 6),
                         f"The {len(rows)} rows sum to {fmt(exact)}, the total row prints {fmt(reported_value)}: "
                         f"the difference of {fmt(abs(exact - reported_value))} is within the rounding of the "
                         "printed rows, not an error.", [*rows, total])]
    if categorised:
        more = exact > reported_value
        return [_finding(table, "category-breakdown-mismatch", "warning", subject, measure, reported_value,
                         round(exact, 6),
                         f"The categories add up to {fmt(exact)}, but the total they break down is "
                         f"{fmt(reported_value)}"
                         + "".join(f" (restating row '{r.label}' of {t.name})" for t, r in restated) + ". "
                         + ("Either some items are counted in two categories or a category figure is wrong."
                            if more else "Some items belong to no stated category, or a category figure is "
                            "wrong."), [*rows, total, *(r for _, r in restated)])]
    return [_finding(table, "total-mismatch", "error", subject, measure, reported_value, round(exact, 6),
                     f"The {len(rows)} rows sum to {fmt(exact)}, but the total row prints {fmt(reported_value)}; "
                     "the difference is larger than the rounding of the printed figures.", [*rows, total])]


def _check_distinct_count(table: Table, total, measure: str) -> list[Finding]:
    rows = [r for r in table.details if measure in r.values]
    row_sum = sum(r.values[measure] for r in rows)
    largest = max(r.values[measure] for r in rows)
    reported = total.values[measure]
    subject = f"{total.label} › {measure}"
    if reported == row_sum and len(rows) > 1:
        return [_finding(table, "count-is-sum-of-rows", "warning", subject, measure, reported, row_sum,
                         f"The total {fmt(reported)} is the sum of the per-row counts, so an item that appears in "
                         "several rows (a municipality with projects in several years) is counted once per row; "
                         f"the number of distinct items lies between {fmt(largest)} and {fmt(row_sum)}.",
                         [*rows, total])]
    if largest <= reported < row_sum:
        return [_finding(table, "distinct-count", "info", subject, measure, reported, row_sum,
                         f"The total {fmt(reported)} is not the sum of the rows ({fmt(row_sum)}) but lies between "
                         f"the largest row ({fmt(largest)}) and that sum: a count of distinct items over the rows "
                         "is plausible, with items appearing in more than one row.", [*rows, total])]
    if reported < largest or reported > row_sum:
        return [_finding(table, "total-mismatch", "error", subject, measure, reported, row_sum,
                         f"A count of distinct items cannot be {fmt(reported)}: it must lie between the largest "
                         f"row ({fmt(largest)}) and the sum of the rows ({fmt(row_sum)}).", [*rows, total])]
    return []


def _ratio(table: Table, row, measure: str) -> Interval | None:
    numerator, denominator, scale = RATIOS[measure]
    num, den = table.cell(row, numerator), table.cell(row, denominator)
    if num is None or den is None:
        return None
    quotient = num.divide(den)
    return quotient.scale(scale) if quotient else None


def _check_row_ratio(table: Table, row, measure: str) -> Finding | None:
    recomputed = _ratio(table, row, measure)
    reported = table.cell(row, measure)
    if recomputed is None or reported.overlaps(recomputed):
        return None
    numerator, denominator, scale = RATIOS[measure]
    formula = (f"{numerator} / {denominator}{' × 100' if scale == 100 else ''} = {fmt(row.values[numerator])} / "
               f"{fmt(row.values[denominator])}{' × 100' if scale == 100 else ''} = {recomputed.mid:,.4f}")
    # a figure cut off instead of rounded is within one unit of its last place: a printing habit, not an error
    unit = 10.0 ** -table.decimals(measure)
    printed = row.values[measure]
    if Interval(printed - unit, printed + unit).overlaps(recomputed):
        return _finding(table, "rounding-difference", "info", f"{row.label} › {measure}", measure, printed,
                        round(recomputed.mid, 6),
                        f"{formula}; the row prints {fmt(printed)}, the figure cut off (truncated) rather than "
                        "rounded, which is within one unit of the last printed place, not an error.", [row])
    return _finding(table, "ratio-mismatch", "error", f"{row.label} › {measure}", measure, printed,
                    round(recomputed.mid, 6), f"{formula}, but the row prints {fmt(printed)}.", [row])


def _check_total_ratio(table: Table, total, measure: str) -> list[Finding]:
    reported = table.cell(total, measure)
    reported_value = total.values[measure]
    numerator, denominator, scale = RATIOS[measure]
    overall = _ratio(table, total, measure)
    if overall is None or reported.overlaps(overall):
        return []
    rows = [r for r in table.details if measure in r.values]
    row_values = [table.cell(r, measure) for r in rows]
    mean = sum(row_values, Interval.exact(0)).scale(1 / len(rows))
    subject = f"{total.label} › {measure}"
    ratio_text = (f"{numerator} / {denominator}{' × 100' if scale == 100 else ''} = "
                  f"{fmt(total.values[numerator])} / {fmt(total.values[denominator])}"
                  f"{' × 100' if scale == 100 else ''} = {fmt(overall.mid)}")
    if reported.overlaps(mean):
        return [_finding(table, "average-of-averages", "warning", subject, measure, reported_value,
                         round(overall.mid, 6),
                         f"The total row's {fmt(reported_value)} is the unweighted mean of the {len(rows)} rows' "
                         f"values ({fmt(mean.mid)}), not the figure over all items ({ratio_text}): each row counts "
                         "the same whatever its size.", [*rows, total])]
    return [_finding(table, "ratio-mismatch", "error", subject, measure, reported_value, round(overall.mid, 6),
                     f"The total row prints {fmt(reported_value)}, but {ratio_text}, and the mean of the rows "
                     f"is {fmt(mean.mid)}: neither definition gives the printed figure.", [*rows, total])]


def _check_share_pairs(table: Table) -> list[Finding]:
    """Percentages of one base in the same row (HTA and FISDL shares of the cost) should add up to 100."""
    by_base: dict[str, list[str]] = {}
    for measure in table.measures():
        if measure in RATIOS and RATIOS[measure][2] == 100.0:
            by_base.setdefault(RATIOS[measure][1], []).append(measure)
    findings = []
    for base, shares in by_base.items():
        if len(shares) < 2:
            continue
        short, over = [], []
        for row in table.rows:
            if not all(s in row.values for s in shares):
                continue
            total = sum((table.cell(row, s) for s in shares), Interval.exact(0))
            if total.below(100):
                short.append((row, total.mid))
            elif total.above(100):
                over.append((row, total.mid))
        subject = " + ".join(shares)
        if over:
            findings.append(_finding(
                table, "shares-exceed-100", "error", subject, None, None, None,
                "The shares of " + base + " add up to more than 100% in "
                + "; ".join(f"'{r.label}' ({fmt(t)}%)" for r, t in over) + ".", [r for r, _ in over]))
        if short:
            findings.append(_finding(
                table, "shares-below-100", "info", subject, None, None, None,
                f"In {len(short)} of {len(table.rows)} rows the printed shares ({', '.join(shares)}) add up to "
                "less than 100% of " + base + ": "
                + "; ".join(f"'{r.label}' {fmt(t)}% (remainder {fmt(100 - t)}%)" for r, t in short)
                + ". The remainder comes from contributors the table does not list, which is not an error.",
                [r for r, _ in short]))
    return findings


def _check_percent_breakdown(table: Table) -> list[Finding]:
    """Category rows given as percentages of a counted total: they cannot exceed 100% together, must add up to
    100% when every category has a figure, and each must be a whole number of items of the total."""
    rows = [r for r in table.details if r.categories]
    stated = [r for r in rows if r.values.get("unit") == "percent" and "value" in r.values]
    totals = [t for t in table.totals if isinstance(t.values.get("projectCount"), int)]
    if not stated or not totals:
        return []
    total = totals[0]
    count = total.values["projectCount"]
    shares = sum((Interval.printed(r.values["value"], decimals_of(r.values["value"])) for r in stated), Interval.exact(0))
    findings = []
    complete = len(stated) == len(rows)
    if shares.above(100) or (complete and not shares.overlaps(Interval.exact(100))):
        findings.append(_finding(
            table, "percentages-do-not-add-up", "error" if shares.above(100) else "warning",
            " + ".join(r.label for r in stated), "value", round(shares.mid, 6), 100.0,
            f"The stated percentages add up to {fmt(shares.mid)}%"
            + (", more than the whole." if shares.above(100) else ", not 100%, although every category has one."),
            [*stated, total]))
    for row in stated:
        items = Interval.printed(row.values["value"], decimals_of(row.values["value"])).scale(count / 100)
        if not any(items.low <= n <= items.high for n in range(int(items.low), int(items.high) + 2)):
            findings.append(_finding(
                table, "percentage-not-whole-items", "warning", f"{row.label} › value", "value",
                row.values["value"], round(items.mid, 6),
                f"{fmt(row.values['value'])}% of {fmt(count)} items is {items.mid:.2f}, and no whole number of "
                "items rounds to that percentage: the percentage or the total is wrong.", [row, total]))
    return findings

"""Figures exactly as the source prints them: never re-rounded, a column at one precision (report.rows)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph_loader.report.rows import cell_text, column_format, printed_decimals, table_cells

# Table 1 of ARI 16/2005 as the graph returns it: xsd:decimal figures arrive as floats ("567.90" is 567.9).
# department, projects, HTA donation, FISDL funds, % HTA, as printed in data/seed/60-table-1-fisdl.ttl's quotes.
TABLE_1 = [
    ("La Unión", 11, 34987.72, 273468.48, 8.4), ("La Paz", 10, 7138.78, 89349.51, 4.6),
    ("Chalatenango", 7, 12515.15, 46676.5, 16.1), ("Cabañas", 3, 11283.6, 88895.22, 8.7),
    ("San Miguel", 3, 7543.77, 38449.12, 14.8), ("Cuscatlan", 2, 2512.85, 21046.49, 8.6),
    ("San Salvador", 2, 685.32, 44294.5, 0.9), ("Usulutan", 2, 158106.43, 117081.53, 57.2),
    ("Ahuachapan", 1, 456.88, 2398.63, 10.0), ("La Libertad", 1, 1658.24, 15372.58, 9.7),
    ("Morazan", 1, 567.9, 39125.06, 1.0), ("San Vicente", 1, 4200.91, 3437.12, 55.0),
    ("Santa Ana", 1, 2090.01, 10728.72, 15.0),
]
COLUMNS = ["department", "projects", "hta_donation", "fisdl_funds", "pct_hta"]


def test_table_1_prints_as_the_source_prints_it():
    rows = [dict(zip(COLUMNS, row, strict=True)) for row in TABLE_1]
    cells = {row[0]: row for row in table_cells(rows, COLUMNS)}
    assert cells["San Salvador"] == ["San Salvador", "2", "685.32", "44,294.50", "0.9"]
    assert cells["Ahuachapan"] == ["Ahuachapan", "1", "456.88", "2,398.63", "10.0"]
    assert cells["Morazan"] == ["Morazan", "1", "567.90", "39,125.06", "1.0"]
    assert cells["Chalatenango"][3] == "46,676.50" and cells["San Vicente"][4] == "55.0"


def test_a_column_of_several_precisions_keeps_each_figures_own():
    # text figures beside table cells: amounts with cents, percentages with one decimal
    column = [88895.22, 11283.6, 68.7, 8.7, 0.9, 31832.06, 16.2]
    assert table_cells([{"v": v} for v in column], ["v"]) == [
        ["88,895.22"], ["11,283.6"], ["68.7"], ["8.7"], ["0.9"], ["31,832.06"], ["16.2"]]


def test_a_figure_alone_is_never_rerounded():
    # the defect: cell_text formatted with .4g, so 685.32 became 685.3
    assert [cell_text(v) for v in (685.32, 456.88, 567.9, 0.125, 1307342.09)] == [
        "685.32", "456.88", "567.9", "0.125", "1,307,342.09"]
    assert cell_text(Decimal("567.90")) == "567.90"


def test_computed_measures_keep_four_significant_digits():
    # a betweenness or a mean has no printed precision: its shortest text has more than six decimals
    assert printed_decimals(0.0749999999) is None
    fmt = column_format([0.0749999999, 0.5, 0.0])
    assert [cell_text(v, fmt) for v in (0.0749999999, 0.5, 0.0)] == ["0.075", "0.5", "0.0"]
    assert cell_text(691104.7800000001) == "691,104.78"


def test_integers_get_separators_as_the_column_needs_them():
    assert [cell_text(v, column_format([31342, 1966, 190000])) for v in (31342, 1966)] == ["31,342", "1,966"]
    years = column_format([1999, 2003])
    assert [cell_text(v, years) for v in (1999, 2003)] == ["1999", "2003"]
    assert cell_text(True) == "True" and cell_text(None) == "" and cell_text(float("nan")) == ""


@pytest.mark.parametrize("value", [1e-7, 1e300, -0.5, 12.0])
def test_printed_decimals_reads_back_the_same_number(value):
    decimals = printed_decimals(value)
    if decimals is not None:
        assert float(cell_text(value).replace(",", "")) == value

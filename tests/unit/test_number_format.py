"""Figures exactly as the source prints them: never re-rounded, a column at one precision (report.rows)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph_loader.report.rows import cell_text, column_format, printed_decimals, table_cells

# Table 1 of ARI 16/2005 as the graph returns it: xsd:decimal figures arrive as floats ("567.90" is 567.9).
TABLE_1 = [
    {"department": "San Salvador", "projects": 2, "hta_donation": 685.32, "fisdl_funds": 44294.5, "pct_hta": 0.9},
    {"department": "Ahuachapan", "projects": 1, "hta_donation": 456.88, "fisdl_funds": 2398.63, "pct_hta": 10.0},
    {"department": "Morazan", "projects": 1, "hta_donation": 567.9, "fisdl_funds": 39125.06, "pct_hta": 1.0},
]


def test_table_1_prints_as_the_source_prints_it():
    cells = table_cells(TABLE_1, list(TABLE_1[0]))
    assert cells == [
        ["San Salvador", "2", "685.32", "44,294.50", "0.9"],
        ["Ahuachapan", "1", "456.88", "2,398.63", "10.0"],
        ["Morazan", "1", "567.90", "39,125.06", "1.0"],
    ]


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

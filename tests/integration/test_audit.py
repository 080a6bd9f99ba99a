"""The source audit on the seed corpus: it finds what a careful reader of ARI Nº 16/2005 finds, and raises no
false alarm from rounding."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from graph_loader.audit import run_audit
from graph_loader.cli.run import audit as audit_command

TABLE_1 = "https://w3id.org/diaspora-kg/id/table/1"
TABLE_2 = "https://w3id.org/diaspora-kg/id/table/2"
TABLE_3 = "https://w3id.org/diaspora-kg/id/table/3"


@pytest.fixture
def findings(seed_db):
    return run_audit(seed_db)


def _find(findings, kind, subject, table=None):
    matching = [f for f in findings if f.kind == kind and f.subject == subject and (table is None or f.table == table)]
    assert len(matching) == 1, f"no single {kind} on {subject}: {[(f.kind, f.subject) for f in findings]}"
    return matching[0]


def test_cabanas_amounts_of_the_text_contradict_table_1_while_its_percentages_agree(findings):
    hta = _find(findings, "text-table-mismatch", "Cabañas › htaDonationUsd")
    fisdl = _find(findings, "text-table-mismatch", "Cabañas › governmentFundsUsd")
    assert (hta.severity, hta.reported, hta.recomputed) == ("error", 99000.0, 11283.60)
    assert (fisdl.reported, fisdl.recomputed) == (780000.0, 88895.22)
    assert "htaSharePercent: 9% vs 8.7" in hta.explanation and "governmentSharePercent: 69% vs 68.7" in hta.explanation
    quotes = {e["quote"] for e in hta.evidence}
    assert any("US$99,000" in q for q in quotes) and any(q.startswith("Cabañas 3 11,283.60") for q in quotes)
    assert not [f for f in findings if f.kind == "text-table-mismatch" and "SharePercent" in f.subject]


def test_category_breakdown_of_the_45_projects_sums_to_48(findings):
    finding = _find(findings, "category-breakdown-mismatch", "Of the 45 projects › projectCount")
    assert (finding.reported, finding.recomputed) == (45, 48)
    assert "Table 1, row 'Total/average'" in {e["locator"] for e in finding.evidence}


def test_zacatecas_2002_text_305_against_table_2s_308(findings):
    finding = _find(findings, "text-table-mismatch", "2002 › projectCount", TABLE_2)
    assert (finding.severity, finding.reported, finding.recomputed) == ("error", 305.0, 308)
    assert "row '2003*'" in finding.explanation  # the text's figure is the next row's


def test_table_2_municipalities_total_is_a_sum_of_yearly_counts(findings):
    finding = _find(findings, "count-is-sum-of-rows", "Total › municipalityCount", TABLE_2)
    assert (finding.reported, finding.recomputed) == (164, 164)


def test_table_3_municipalities_total_is_a_plausible_distinct_count(findings):
    finding = _find(findings, "distinct-count", "Total › municipalityCount", TABLE_3)
    assert (finding.severity, finding.reported, finding.recomputed) == ("info", 30, 38)


def test_departments_below_the_programme_minimums(findings):
    cost = {f.subject.split(" › ")[0] for f in findings
            if f.kind == "rule-implication" and f.subject.endswith("totalCostUsd")}
    match = {f.subject.split(" › ")[0] for f in findings
             if f.kind == "rule-implication" and f.subject.endswith("htaSharePercent")}
    assert cost == {"La Paz", "Chalatenango", "San Miguel", "Cuscatlan", "Ahuachapan", "La Libertad",
                    "San Vicente", "Santa Ana", "Total/average"}
    assert match == {"La Unión", "La Paz", "Cabañas", "Cuscatlan", "San Salvador", "La Libertad", "Morazan"}
    ahuachapan = [f for f in findings if f.kind == "rule-implication" and f.subject.startswith("Ahuachapan")]
    assert len(ahuachapan) == 1  # its 10.0% meets the 10% match exactly


def test_hta_contributions_of_the_text_are_a_possible_scope_difference(findings):
    finding = _find(findings, "possible-scope-difference", "Total/average › htaDonationUsd", TABLE_1)
    assert (finding.severity, finding.reported, finding.recomputed) == ("warning", 2100000.0, 243747.56)


def test_table_1_averages_are_means_of_the_departments(findings):
    average = _find(findings, "average-of-averages", "Total/average › averageCostUsd")
    assert average.recomputed == pytest.approx(1307342.09 / 45, abs=0.01)
    _find(findings, "average-of-averages", "Total/average › htaSharePercent")
    text = _find(findings, "text-repeats-mean-of-rows", "Total/average › htaSharePercent")
    assert text.reported == 16.0 and text.recomputed == pytest.approx(18.64, abs=0.01)


def test_table_1_shares_leave_a_remainder_to_other_funders(findings):
    finding = _find(findings, "shares-below-100", "governmentSharePercent + htaSharePercent", TABLE_1)
    assert finding.severity == "info"
    assert "'La Libertad'" not in finding.explanation  # 9.7 + 90.3 = 100


def test_sums_off_by_a_cent_are_rounding_not_errors(findings):
    table_3 = _find(findings, "rounding-difference", "Total › amountUsd", TABLE_3)
    assert table_3.severity == "info" and table_3.difference == pytest.approx(0.01)
    wrong_totals = [f for f in findings if f.kind in ("total-mismatch", "ratio-mismatch")]
    assert wrong_totals == []
    assert {f.severity for f in findings if f.kind == "rounding-difference"} == {"info"}


def test_cli_prints_json_and_markdown(seed_db, neo4j_env):
    runner = CliRunner()
    result = runner.invoke(audit_command, ["--format", "json"], env=neo4j_env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"kind", "severity", "reported", "recomputed", "difference", "explanation", "evidence"} <= set(data[0])
    markdown = runner.invoke(audit_command, ["--format", "markdown"], env=neo4j_env)
    assert markdown.exit_code == 0
    assert "## Table 2. 3x1 Programme in Zacatecas, Mexico" in markdown.stdout

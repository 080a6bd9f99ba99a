"""The source audit on small hand-made tables (tests/data/audit/*.ttl) loaded into a throwaway Neo4j: a
consistent table gives no finding, and each kind of inconsistency is found, with its evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph_loader.audit import run_audit, to_markdown, to_table_rows
from graph_loader.audit.numbers import Interval, decimals_of, text_figure_interval
from graph_loader.loading import load
from tests.conftest import MARKER_LABEL, wipe

DATA = Path(__file__).resolve().parents[1] / "data" / "audit"
DKG = "https://w3id.org/diaspora-kg/ontology#"


# -- printed figures as intervals (no database) ------------------------------------------------------------------
def test_decimals_ignore_trailing_zeros():
    assert [decimals_of(v) for v in (66.0, 46676.5, 8.4, 34987.72, 12)] == [0, 1, 1, 2, 0]


def test_sum_of_rounded_rows_agrees_within_their_rounding_only():
    rows = sum((Interval.printed(v, 2) for v in (762669.81, 1317550.46, 959504.79, 639789.66, 380512.60)),
               Interval.exact(0))
    assert rows.overlaps(Interval.printed(4060027.33, 2))  # 0.01 off: rounding
    assert not rows.overlaps(Interval.printed(4060027.40, 2))  # 0.08 off: more than 6 half-cents


def test_approximations_bound_the_figure():
    assert text_figure_interval(40, "more than").overlaps(Interval.exact(45))
    assert not text_figure_interval(40, "less than").overlaps(Interval.exact(45))
    assert text_figure_interval(200, "about").overlaps(Interval.exact(215))
    assert not text_figure_interval(200, "exact").overlaps(Interval.exact(215))
    assert text_figure_interval(99000, "exact").overlaps(Interval.exact(99400))  # "99,000" is rounded


# -- the audit on hand-made tables ----------------------------------------------------------------------------
def _load(db, *names):
    load([DATA / n for n in names], db)
    return run_audit(db)


def test_consistent_table_gives_no_finding(db):
    assert _load(db, "consistent.ttl") == []


@pytest.fixture(scope="module")
def findings(neo4j_db):
    """The audit of the inconsistent tables and text, loaded once for the module (the marker says the
    database is no longer clean, so the seed fixture reloads after us)."""
    wipe(neo4j_db)
    neo4j_db.write(f"MATCH (m:{MARKER_LABEL}) SET m.state = 'dirty'")
    return _load(neo4j_db, "table-inconsistencies.ttl", "text-inconsistencies.ttl")


def _one(findings, kind, subject):
    matching = [f for f in findings if f.kind == kind and f.subject == subject]
    assert len(matching) == 1, f"expected one {kind} on {subject}, got {[(f.kind, f.subject) for f in findings]}"
    return matching[0]


@pytest.mark.parametrize(("kind", "subject", "severity", "reported", "recomputed"), [
    ("total-mismatch", "Total › projectCount", "error", 6, 5),
    ("rounding-difference", "Total › amountUsd", "info", 300.52, 300.51),
    ("count-is-sum-of-rows", "Total › municipalityCount", "warning", 9, 9),
    ("distinct-count", "Total › municipalityCount", "info", 7, 9),
    ("average-of-averages", "Total/average › averageCostUsd", "warning", 7500.0, 8000.0),
    ("average-of-averages", "Total/average › htaSharePercent", "warning", 15.0, 17.5),
    ("ratio-mismatch", "Only › averageCostUsd", "error", 600.0, 500.0),
    ("category-breakdown-mismatch", "5 projects › projectCount", "warning", 5, 7),
    ("rule-implication", "West › htaSharePercent", "warning", 10.0, 15.0),
    ("rule-implication", "West › totalCostUsd", "warning", 5000.0, 9000.0),
    ("rule-implication", "Total/average › totalCostUsd", "warning", 8000.0, 9000.0),
    ("text-table-mismatch", "West › htaDonationUsd", "error", 1500.0, 1000.0),
    ("text-repeats-mean-of-rows", "Total/average › averageCostUsd", "info", 7500.0, 8000.0),
    ("possible-scope-difference", "Total/average › htaDonationUsd", "warning", 50000.0, 7000.0),
    ("percentages-do-not-add-up", "roads + health", "error", 103.0, 100.0),
    ("percentage-not-whole-items", "health › value", "warning", 33.0, 3.3),
])
def test_each_inconsistency_is_found(findings, kind, subject, severity, reported, recomputed):
    finding = _one([f for f in findings if f.kind == kind], kind, subject)
    assert finding.severity == severity
    assert finding.reported == pytest.approx(reported)
    assert finding.recomputed == pytest.approx(recomputed)
    assert finding.explanation and finding.evidence
    assert all(e["locator"] and e["source"] for e in finding.evidence)


def test_no_finding_where_figures_agree(findings):
    subjects = {f.subject for f in findings}
    assert "Total › peopleBenefited" not in subjects  # 10 + 20 = 30
    assert "Total/average › governmentSharePercent" not in {f.subject for f in findings
                                                            if f.kind != "shares-below-100"}  # 23,000 / 40,000
    assert not [f for f in findings if f.kind == "text-table-mismatch" and "htaSharePercent" in f.subject]


def test_text_mismatch_cites_both_figures_and_the_agreeing_share(findings):
    finding = _one(findings, "text-table-mismatch", "West › htaDonationUsd")
    assert {e["locator"] for e in finding.evidence} == {"¶2", "Table A"}
    assert "10% vs 10" in finding.explanation  # the text's share agrees with the row
    assert "implies a totalCostUsd of about 15,000" in finding.explanation


def test_conflicting_figures_of_one_quantity(findings):
    finding = _one(findings, "text-text-conflict", "quantity https://example.org/audit/quantity/members")
    assert (finding.severity, finding.reported, finding.recomputed) == ("error", 200.0, 250.0)


def test_shares_that_leave_a_remainder_are_information(findings):
    finding = _one(findings, "shares-below-100", "governmentSharePercent + htaSharePercent")
    assert finding.severity == "info"
    assert "'West' 90% (remainder 10%)" in finding.explanation


def test_reports_render_every_finding(findings):
    markdown = to_markdown(findings)
    assert markdown.startswith("# Source audit")
    assert f"{len(findings)} findings" in markdown
    assert "## Table A. Averages (US$)" in markdown
    assert "“in the West, clubs gave US$1,500 (10% of the cost)”" in markdown
    rows = to_table_rows(findings)
    assert len(rows) == len(findings) and {"severity", "kind", "locators"} <= set(rows[0])
    assert json.loads(json.dumps([f.to_dict() for f in findings]))[0]["evidence"]

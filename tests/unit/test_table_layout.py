"""Tables laid out for a terminal (graph_loader/report/table.py): at 80 and 200 columns no line is wider than the
terminal, headers and names are never broken inside a word, keys and numbers are whole, paths and URIs are
shortened from the left, and what does not fit is named."""

from __future__ import annotations

import io
import re

import pytest
from rich.cells import cell_len
from rich.console import Console

from graph_loader.errors import UsageError
from graph_loader.report.table import Layout, plan, print_rows, print_table, shorten_left, wrap_label

#: Rows shaped as `analyze brokers` gives them, with the corpus's longest kinds of names.
BROKERS = [
    {"uri": "https://w3id.org/diaspora-kg/id/collective/salvadoran-htas",
     "name": "Salvadoran hometown associations in the US", "kind": "Collective", "country": "SV",
     "betweenness": 0.0750400366048959, "constraint": 0.0948, "effective_size": 13.75, "efficiency": 0.98,
     "coordinator": 6, "itinerant": 0, "representative": 0, "gatekeeper": 0, "liaison": 0, "brokerage": 6,
     "degree": 14},
    {"uri": "https://w3id.org/diaspora-kg/id/org/dgace",
     "name": "General Directorate within the Ministry of Foreign Affairs to address the Salvadoran community "
             "living abroad", "kind": "GovernmentAgency", "country": "SV", "betweenness": 0.01441,
     "constraint": 0.2, "effective_size": 9.1, "efficiency": 0.7, "coordinator": 0, "itinerant": 2,
     "representative": 3, "gatekeeper": 4, "liaison": 5, "brokerage": 14, "degree": 15},
    {"uri": "https://w3id.org/diaspora-kg/id/org/ifad", "name": "International Fund for Agricultural Development",
     "kind": "InternationalOrganisation", "country": None, "betweenness": 0.01647, "constraint": 0.5,
     "effective_size": 2.0, "efficiency": 0.5, "coordinator": 0, "itinerant": 0, "representative": 0,
     "gatekeeper": 0, "liaison": 0, "brokerage": 0, "degree": 4},
]
LAYOUT = Layout(default=("name", "kind", "country", "betweenness", "brokerage", "effective_size", "constraint",
                         "degree"), roles={"name": "name", "kind": "label", "country": "key", "uri": "uri"})


def render(rows, width, **kwargs) -> str:
    out = io.StringIO()
    print_table(rows, console=Console(file=out, width=width, color_system=None), **kwargs)
    return out.getvalue()


def words(text: str) -> set[str]:
    return set(text.split())


@pytest.mark.parametrize("width", [80, 200])
def test_no_line_is_wider_than_the_terminal_and_names_stay_whole(width):
    text = render(BROKERS, width, title="Top 3 brokers", layout=LAYOUT)
    assert max(cell_len(line) for line in text.splitlines()) <= width
    tokens = words(text)
    for row in BROKERS:  # every word of every name is printed whole (rich's fold would cut one mid-word)
        assert words(row["name"]) <= tokens, row["name"]
    header = next(line for line in text.splitlines() if line.startswith("name"))
    shown = plan(BROKERS, width, LAYOUT).columns
    assert header.split() == shown  # each header whole, on one line


def test_at_80_columns_the_least_important_columns_give_way_and_are_named():
    chosen = plan(BROKERS, 80, LAYOUT)
    assert chosen.columns[:4] == ["name", "kind", "country", "betweenness"]
    assert chosen.hidden and set(chosen.hidden) <= set(LAYOUT.default)
    text = render(BROKERS, 80, layout=LAYOUT)
    assert "not shown for lack of room: " + ", ".join(chosen.hidden) in " ".join(text.split())
    assert "uri" not in chosen.columns  # a URI column is never a default


def test_at_200_columns_every_default_column_is_shown():
    chosen = plan(BROKERS, 200, LAYOUT)
    assert chosen.columns == list(LAYOUT.default) and not chosen.hidden
    assert sum(chosen.widths) + 3 * (len(chosen.widths) - 1) <= 200


def test_a_label_breaks_only_where_its_words_meet():
    assert wrap_label("InternationalOrganisation", 14) == "International\nOrganisation"
    assert wrap_label("GovernmentAgency", 40) == "GovernmentAgency"
    text = render(BROKERS, 80, layout=LAYOUT)
    assert "International" in words(text) and "Organisation" in words(text)
    assert not re.search(r"Internationa\b|rganisation\b(?<!Organisation)", text)


def test_columns_asked_for_are_shown_in_that_order_or_as_records_when_they_do_not_fit():
    chosen = plan(BROKERS, 80, LAYOUT, columns=["degree", "name"])
    assert chosen.columns == ["degree", "name"] and not chosen.records
    wide = plan(BROKERS, 80, LAYOUT, wide=True)
    assert wide.records and wide.columns[:3] == ["name", "kind", "country"] and wide.columns[-1] == "uri"
    text = render(BROKERS, 80, layout=LAYOUT, wide=True)
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    assert "── 1 " in text and "liaison" in text and "collective/salvadoran-htas" in text
    assert plan(BROKERS, 400, LAYOUT, wide=True).records is False


def test_an_unknown_column_is_refused_with_the_columns_there_are():
    with pytest.raises(UsageError) as caught:
        plan(BROKERS, 80, LAYOUT, columns=["name", "betweeness"])
    assert "'betweeness'" in caught.value.message and "betweenness" in caught.value.hint


def test_paths_are_shortened_from_the_left_so_that_files_stay_apart():
    rows = [{"source": f"/home/someone/projects/research/my-data/{name}.csv", "status": "loaded"}
            for name in ("hometown_associations", "federations", "contributions", "memberships")]
    text = render(rows, 40, layout=Layout(roles={"source": "path", "status": "key"}))
    lines = [line for line in text.splitlines() if "loaded" in line]
    assert len({line.split()[0] for line in lines}) == 4  # four different cells, not four equal prefixes
    assert all(line.startswith("…/") for line in lines)
    assert "federations.csv" in text and "memberships.csv" in text
    assert shorten_left("data/seed/10-introduction.ttl", 24) == "…/10-introduction.ttl"


def test_csv_and_json_carry_every_column_whatever_the_table_shows(capsys):
    rows = [{"a": 1}, {"a": 2, "b": "only in the second row"}]
    print_rows(rows, "csv", columns=["a"])
    assert capsys.readouterr().out == "a,b\n1,\n2,only in the second row\n"
    print_rows(rows, "json", columns=["a"])
    assert '"b": "only in the second row"' in capsys.readouterr().out


def test_corpus_uris_show_as_short_ids_and_other_uris_from_the_left():
    rows = [{"name": "FISDL", "uri": "https://w3id.org/diaspora-kg/id/org/fisdl"},
            {"name": "Elsewhere", "uri": "https://example.org/a/very/long/path/to/an/organisation/x"}]
    text = render(rows, 30, columns=["name", "uri"])
    assert "org/fisdl" in text and "w3id.org" not in text
    assert "…" in text and "organisation/x" in text


def test_no_rows_prints_the_title_and_the_count():
    text = render([], 80, title="Loaded sources", layout=Layout(default=("source",)))
    assert text.splitlines() == ["Loaded sources", "0 rows"]

"""Accepted decisions as merges (:mod:`graph_loader.resolution.merging`) and what the review shows and takes
(:mod:`graph_loader.resolution.review`), with no server. Records are synthetic (``ex:``)."""

from __future__ import annotations

from graph_loader.model import PropertyGraph
from graph_loader.resolution.decisions import Decision
from graph_loader.resolution.merging import MERGE_SOURCES, MERGED_URIS, SAME_AS, groups, merged_node
from graph_loader.resolution.records import Record, Where
from graph_loader.resolution.review import answer, details, side_by_side


def yes(a: str, b: str, line: int = 2) -> Decision:
    return Decision(a, b, "yes", "ana", "2026-12-07", line=line)


def test_groups_join_chains_and_ignore_other_decisions():
    found = groups([yes("ex:c", "ex:b"), yes("ex:a", "ex:b"), yes("ex:x", "ex:y"),
                    Decision("ex:a", "ex:x", "no", "ana", "2026-12-07"),
                    Decision("ex:b", "ex:y", "unsure", "ana", "2026-12-07"), Decision("ex:q", "ex:r")])
    assert [(g.canonical, g.others, len(g.decisions)) for g in found] == [("ex:a", ("ex:b", "ex:c"), 2),
                                                                          ("ex:x", ("ex:y",), 1)]


def test_the_canonical_node_is_the_heaviest_then_the_first_uri_whatever_the_order_of_rows():
    weight = {"ex:a": 1, "ex:b": 5, "ex:c": 5}.get
    for rows in ([yes("ex:a", "ex:b"), yes("ex:b", "ex:c")], [yes("ex:c", "ex:b"), yes("ex:b", "ex:a")]):
        (group,) = groups(rows, weight)
        assert (group.canonical, group.others) == ("ex:b", ("ex:a", "ex:c"))


def test_the_merged_node_keeps_every_value_name_source_and_evidence():
    fed = ("ex:fed", ["Federation", "Organisation", "Resource"],
           {"uri": "ex:fed", "name": "Federación Test", "altNames": ["FT"], "acronyms": ["FT"], "foundedYear": 1990,
            "prefLabel": "Federación Test", "acronym": "FT", "sources": ["seed.ttl"], "evidence": ["ev:1"],
            "score_betweenness": 0.5, "assertedBy": ["{}"]})
    row = ("ex:row", ["Organisation", "Resource"],
           {"uri": "ex:row", "name": "Fed. Test", "prefLabel": "Fed. Test", "foundedYear": 1991,
            "sources": ["list.csv"], "evidence": ["ev:2"], "iriKeys": ["schema__url"],
            "schema__url": "https://example.org/test/fed"})
    labels, props = merged_node(fed, [row], "decisions.csv")
    assert labels == ["Federation", "Organisation", "Resource"]
    assert props["name"] == "Federación Test" and props["altNames"] == ["FT", "Fed. Test"]
    assert props["nameKeys"] == ["federacion test", "ft", "fed. test"]
    assert props["foundedYear"] == [1990, 1991] and props["prefLabel"] == ["Fed. Test", "Federación Test"]
    assert props["sources"] == ["decisions.csv", "list.csv", "seed.ttl"] and props["evidence"] == ["ev:1", "ev:2"]
    assert props[SAME_AS] == props[MERGED_URIS] == ["ex:row"] and props[MERGE_SOURCES] == ["decisions.csv"]
    assert set(props["iriKeys"]) == {"schema__url", SAME_AS}
    assert "assertedBy" not in props and "score_betweenness" not in props  # bookkeeping and scores: recomputed


def test_a_second_decisions_file_adds_to_the_merged_uris():
    first = merged_node(("ex:a", ["Organisation"], {"name": "A"}), [("ex:b", ["Organisation"], {"name": "B"})],
                        "one.csv")[1]
    second = merged_node(("ex:a", ["Organisation"], first), [("ex:c", ["Organisation"], {"name": "C"})], "two.csv")[1]
    assert second[MERGED_URIS] == ["ex:b", "ex:c"] and second[MERGE_SOURCES] == ["one.csv", "two.csv"]
    assert second["altNames"] == ["B", "C"]


def test_the_review_shows_both_records_with_places_and_quotes_in_the_width_given():
    graph = PropertyGraph()
    graph.nodes["ex:mic"] = {"labels": ("State",), "props": {"name": "Michoacán"}}
    graph.nodes["ex:fed"] = {"labels": ("Federation",), "props": {"name": "FEDECMI", "evidence": ["ex:ev"]}}
    graph.nodes["ex:ev"] = {"labels": ("Evidence",), "props": {"quote": "the first Federation " * 30,
                                                               "locator": "p. 3"}}
    fed = Record("ex:fed", "organisation", frozenset({"Federation"}), "Federation", ("FEDECMI", "Fed. Mich."),
                 home=Where(states=frozenset({"ex:mic"})), founded=1997, sources=("seed.ttl",))
    lines = side_by_side(details(fed, graph), details(None, graph, "ex:gone"), 80)
    assert all(len(line) <= 80 for line in lines)
    text = "\n".join(lines)
    assert "Michoacán" in text and "1997" in text and "Fed. Mich." in text and "(not in what was read)" in text
    assert "“the first Federation" in text and "…" in text and "(p. 3)" in text


def test_answers():
    assert [answer(t) for t in ("y", "NO", " unsure ", "s", "quit", "")] == [
        (True, "yes"), (True, "no"), (True, "unsure"), (True, ""), (True, None), (False, None)]

"""The HTML page without a browser: escaping, self-containment, styles, colours, sizes, modes and tooltips."""

from __future__ import annotations

import html
import json
import re

import networkx as nx
import pytest

from graph_loader.viz import VizError, render_html, to_notebook, write_html
from graph_loader.viz.encoding import CATEGORY_PALETTE, DEFAULT_STYLE, MISSING_COLOR, OTHER_COLOR, class_style
from graph_loader.viz.html import (
    LARGE_GRAPH_NODES,
    NODE_RADIUS_PX,
    STABILIZATION_ITERATIONS,
    node_ids,
    script_safe_json,
)

HOSTILE = "<img src=x onerror=alert(1)></script><script>alert(2)</script>&amp;\u2028"
STYLES = {
    "HometownAssociation": {"color": "#E69F00", "shape": "triangle"},
    "Organisation": {"color": "#0072B2", "shape": "dot"},
    "Place": {"color": "#BBBBBB", "shape": "square"},
}
HTA = ("HometownAssociation", "DiasporaOrganisation", "Organisation", "Agent")
FED = ("Federation", "DiasporaOrganisation", "Organisation", "Agent")
AGENCY = ("GovernmentAgency", "PublicBody", "Organisation", "Agent")


def payload(document: str) -> dict:
    """The graph data embedded in a page."""
    match = re.search(r'<script type="application/json" id="dkg-data">(.*?)</script>', document, re.S)
    return json.loads(match.group(1))


def by_name(data: dict) -> dict:
    return {node["names"][0]: node for node in data["nodes"]}


@pytest.fixture
def graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    G.add_node(
        "hta",
        name="SALA, LA",
        labels=HTA,
        kind="HometownAssociation",
        altNames=["SALA"],
        evidence=["ev/1", "ev/2"],
        sources=["data/seed/x.ttl"],
        uri="hta",
    )
    G.add_node("xss", name=HOSTILE, labels=HTA, kind="HometownAssociation")
    G.add_node("fed", name="Federación de Clubes Michoacanos en Illinois", labels=FED, kind="Federation")
    G.add_node("fisdl", name="FISDL", labels=AGENCY, kind="GovernmentAgency", acronym="FISDL")
    G.add_node("sv", name="El Salvador", labels=("Country", "Place"), kind="Country", isoCode="SV")
    G.add_edge("hta", "fisdl", type="PARTNERS_WITH")
    G.add_edge("fisdl", "hta", type="FUNDS", amountUsd=99000.0, share=0.09)
    G.add_edge("hta", "fisdl", type="MEMBER_OF")
    G.add_edge("hta", "fed", type="MEMBER_OF")
    G.add_edge("fisdl", "sv", type="HOME_COUNTRY")
    G.add_edge("xss", "sv", type="HOME_COUNTRY")
    return G


# --- escaping and self-containment --------------------------------------------------------------------------


def test_script_safe_json_escapes_everything_that_could_end_a_script():
    text = script_safe_json({"name": HOSTILE})
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == {"name": HOSTILE}


def test_a_hostile_name_never_reaches_the_page_as_markup(graph):
    document = render_html(graph, styles=STYLES, title=HOSTILE)
    assert "<img" not in document
    assert "<script>alert" not in document
    # Three scripts (data, vis-network, the page's own), each closed once: the name closed none of them.
    assert document.count("</script>") == 3
    assert by_name(payload(document))[HOSTILE]["tip"]["name"] == HOSTILE
    assert f"<title>{html.escape(HOSTILE)}</title>" in document


def test_tooltips_are_data_not_html(graph):
    data = payload(render_html(graph, styles=STYLES))
    for item in data["nodes"] + data["edges"]:
        assert "title" not in item  # vis-network would render a string title as HTML
        assert set(item["tip"]) == {"name", "kind", "facts", "sources", "more"}


def test_the_page_is_self_contained_and_fetches_nothing(graph):
    document = render_html(graph, styles=STYLES)
    assert re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", document, re.I) is None
    assert '<link rel="stylesheet"' not in document
    assert "vis-network" in document and "@version 9.1.2" in document  # vis-network put in line
    assert "default-src 'none'" in document  # and a policy that forbids any fetch
    assert "@@" not in re.sub(r"<script.*?</script>|<style>.*?</style>", "", document, flags=re.S)


def test_write_html_writes_one_file_and_nothing_else(graph, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    summary = write_html(graph, tmp_path / "out" / "page.html", styles=STYLES)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["out", "out/page.html"]
    assert (summary.nodes, summary.edges, summary.mode) == (5, 6, "physics")
    assert summary.bytes == (tmp_path / "out" / "page.html").stat().st_size


def test_to_notebook_wraps_the_page_in_a_sandboxed_srcdoc(graph):
    frame = to_notebook(graph, styles=STYLES, height=500).data
    assert (
        frame.count("<iframe srcdoc=") == 1 and 'sandbox="allow-scripts"' in frame and "height:500px" in frame
    )
    srcdoc = html.unescape(re.search(r'<iframe srcdoc="([^"]*)"', frame).group(1))
    assert srcdoc == render_html(graph, styles=STYLES)


# --- styles and colours -------------------------------------------------------------------------------------


def test_a_node_takes_the_style_of_its_first_styled_label(graph):
    nodes = by_name(payload(render_html(graph, styles=STYLES)))
    assert (nodes["SALA, LA"]["color"], nodes["SALA, LA"]["shape"]) == ("#E69F00", "triangle")
    # Federation has no style of its own: Organisation's, further up its labels.
    assert (
        nodes["Federación de Clubes Michoacanos en Illinois"]["color"],
        nodes["Federación de Clubes Michoacanos en Illinois"]["shape"],
    ) == ("#0072B2", "dot")
    assert nodes["El Salvador"]["shape"] == "square"


def test_unknown_or_malformed_styles_fall_back_to_the_default():
    assert class_style(("Thing",), STYLES) == DEFAULT_STYLE
    bad = {"HTA": {"color": "red;background:url(http://x)", "shape": "image"}}
    assert class_style(("HTA",), bad) == DEFAULT_STYLE


def test_legend_and_filter_list_the_kinds_shown(graph):
    data = payload(render_html(graph, styles=STYLES))
    assert data["legendTitle"] == "Class"
    assert [(e["label"], e["count"]) for e in data["legend"]][0] == ("HometownAssociation", 2)
    assert sorted(e["label"] for e in data["kinds"]) == [
        "Country",
        "Federation",
        "GovernmentAgency",
        "HometownAssociation",
    ]
    assert {e["label"]: e["color"] for e in data["kinds"]}["GovernmentAgency"] == "#0072B2"


def test_colour_by_country_uses_the_palette_and_marks_unknowns(graph):
    nx.set_node_attributes(graph, {"hta": "SV", "xss": "SV", "fisdl": "SV", "fed": "MX"}, "country")
    data = payload(render_html(graph, styles=STYLES, color_by="country"))
    nodes = by_name(data)
    assert nodes["SALA, LA"]["color"] == CATEGORY_PALETTE[0]  # the most frequent country first
    assert nodes["Federación de Clubes Michoacanos en Illinois"]["color"] == CATEGORY_PALETTE[1]
    assert nodes["El Salvador"]["color"] == MISSING_COLOR
    assert nodes["El Salvador"]["shape"] == "square"  # shapes still tell the class
    assert [(e["label"], e["count"]) for e in data["legend"]] == [("SV", 3), ("MX", 1), ("unknown", 1)]


def test_colour_by_coalition_prefers_groups_and_groups_the_overflow():
    G = nx.Graph()
    G.add_nodes_from(range(12), labels=HTA)
    groups = {i: f"c{i:02d}" for i in range(12)}
    data = payload(render_html(G, styles=STYLES, color_by="coalition", groups=groups))
    colors = [node["color"] for node in data["nodes"]]
    assert colors[:9] == list(CATEGORY_PALETTE) and colors[9:] == [OTHER_COLOR] * 3
    assert data["legend"][-1] == {"label": "3 other", "color": OTHER_COLOR, "shape": "dot", "count": 3}


def test_colouring_by_a_category_no_node_has_is_an_error(graph):
    with pytest.raises(VizError, match="coalition"):
        render_html(graph, styles=STYLES, color_by="coalition")
    with pytest.raises(VizError, match="unknown color_by"):
        render_html(graph, styles=STYLES, color_by="size")


# --- sizes --------------------------------------------------------------------------------------------------


def test_degree_sizes_span_the_pixel_range_by_area(graph):
    nodes = by_name(payload(render_html(graph, styles=STYLES)))
    low, high = NODE_RADIUS_PX["physics"]
    # Degrees: SALA 4, FISDL 4, El Salvador 2, Federación 1, hostile 1.
    assert nodes["SALA, LA"]["size"] == high and nodes["FISDL"]["size"] == high
    assert nodes[HOSTILE]["size"] == low
    expected = low + (high - low) * ((2 - 1) / (4 - 1)) ** 0.5
    assert nodes["El Salvador"]["size"] == pytest.approx(expected, abs=0.01)


def test_size_by_a_score_or_attribute(graph):
    scores = {"betweenness": {"fisdl": 0.5, "hta": 0.0}}
    nodes = by_name(payload(render_html(graph, styles=STYLES, size_by="betweenness", scores=scores)))
    low, high = NODE_RADIUS_PX["physics"]
    assert (nodes["FISDL"]["size"], nodes["SALA, LA"]["size"], nodes["El Salvador"]["size"]) == (
        high,
        low,
        low,
    )
    assert ["betweenness", "0.5"] in nodes["FISDL"]["tip"]["facts"]

    nx.set_node_attributes(graph, {"sv": 100, "fed": 25, "fisdl": 0}, "memberCount")
    nodes = by_name(payload(render_html(graph, styles=STYLES, size_by="memberCount")))
    assert nodes["Federación de Clubes Michoacanos en Illinois"]["size"] == pytest.approx(
        (low + high) / 2, abs=0.01
    )


def test_numpy_scores_count_as_numbers(graph):
    import numpy as np

    scores = {"degreeCentrality": {"fisdl": np.float32(0.75), "hta": np.int64(0), "sv": np.bool_(True)}}
    nodes = by_name(payload(render_html(graph, styles=STYLES, size_by="degreeCentrality", scores=scores)))
    low, high = NODE_RADIUS_PX["physics"]
    assert (nodes["FISDL"]["size"], nodes["SALA, LA"]["size"], nodes["El Salvador"]["size"]) == (
        high,
        low,
        low,
    )


def test_sizing_by_a_measure_no_node_has_is_an_error(graph):
    with pytest.raises(VizError, match="betweenness"):
        render_html(graph, styles=STYLES, size_by="betweenness")


# --- edges, tooltips, modes ---------------------------------------------------------------------------------


def test_edges_are_labelled_by_type_with_arrows_only_when_directed(graph):
    data = payload(render_html(graph, styles=STYLES))
    assert sorted(edge["label"] for edge in data["edges"]) == sorted(t for *_, t in graph.edges(data="type"))
    assert data["options"]["edges"]["arrows"]["to"]["enabled"] is True
    undirected = payload(render_html(nx.Graph(graph), styles=STYLES))
    assert undirected["options"]["edges"]["arrows"]["to"]["enabled"] is False


def test_parallel_ties_are_bent_apart(graph):
    edges = payload(render_html(graph, styles=STYLES))["edges"]
    ids = node_ids(graph)
    between = [e for e in edges if {e["from"], e["to"]} == {ids["hta"], ids["fisdl"]}]
    assert len(between) == 3
    assert "smooth" not in between[0]
    assert [e["smooth"]["roundness"] for e in between[1:]] == pytest.approx([0.18, 0.36])


def test_tooltips_cite_the_evidence(graph):
    evidence = {"ev/1": {"source": "ARI 16/2005", "locator": "Table 1", "quote": "Cuscatlan 2"}}
    tip = by_name(payload(render_html(graph, styles=STYLES, evidence=evidence)))["SALA, LA"]["tip"]
    assert tip["kind"] == "HometownAssociation"
    assert tip["sources"] == ["ARI 16/2005, Table 1: “Cuscatlan 2”", "ev/2", "loaded from data/seed/x.ttl"]
    assert tip["facts"][0] == ["also known as", "SALA"] and tip["facts"][-1] == ["uri", "hta"]
    funds = next(e for e in payload(render_html(graph, styles=STYLES))["edges"] if e["label"] == "FUNDS")
    assert funds["tip"]["kind"] == "FISDL → SALA, LA"
    assert ["amountUsd", "99,000"] in funds["tip"]["facts"] and ["share", "0.09"] in funds["tip"]["facts"]


def test_a_node_loaded_with_several_names_shows_the_first_and_finds_all(graph):
    graph.add_node(
        "cu", name=["Cuscatlán", "Cuscatlan"], altNames=["Cuscatlan", "SV-CU"], labels=("Department",)
    )
    node = by_name(payload(render_html(graph, styles=STYLES)))["Cuscatlán"]
    assert node["label"] == "Cuscatlán"
    assert node["names"] == ["Cuscatlán", "Cuscatlan", "SV-CU"]
    assert node["tip"]["facts"][0] == ["also known as", "Cuscatlan, SV-CU"]


def test_tooltips_leave_out_what_they_already_say(graph):
    graph.nodes["hta"].update(
        prefLabel="SALA, LA",
        description="An HTA",
        description_en="An HTA",
        description_es="Un club",
        unnamed=False,
    )
    facts = dict(by_name(payload(render_html(graph, styles=STYLES)))["SALA, LA"]["tip"]["facts"])
    assert facts["description"] == "An HTA" and facts["description_es"] == "Un club"
    assert not {"prefLabel", "description_en", "unnamed"} & set(facts)


def test_long_names_are_cut_on_the_canvas_only(graph):
    node = by_name(payload(render_html(graph, styles=STYLES, max_label_len=12)))[
        "Federación de Clubes Michoacanos en Illinois"
    ]
    assert node["label"] == "Federación …"
    assert node["tip"]["name"] == "Federación de Clubes Michoacanos en Illinois"


def test_physics_mode_stabilises_a_bounded_number_of_iterations(graph):
    data = payload(render_html(graph, styles=STYLES))
    assert data["mode"] == "physics"
    assert data["options"]["physics"]["enabled"] is True
    assert data["options"]["physics"]["stabilization"]["iterations"] == STABILIZATION_ITERATIONS
    assert all("x" not in node for node in data["nodes"])


def test_large_graphs_get_a_precomputed_layout_and_smaller_labels():
    G = nx.gnm_random_graph(LARGE_GRAPH_NODES + 1, 2_000, seed=3)
    data = payload(render_html(G, styles=STYLES))
    assert data["mode"] == "static-layout"
    assert data["options"]["physics"] == {"enabled": False}
    assert (
        data["options"]["nodes"]["font"]["size"]
        < payload(render_html(nx.path_graph(3), styles=STYLES))["options"]["nodes"]["font"]["size"]
    )
    positions = {(node["x"], node["y"]) for node in data["nodes"]}
    assert len(positions) > 0.99 * len(G)  # nodes spread out, not piled up


def test_physics_off_or_a_given_layout_fixes_the_positions(graph):
    assert payload(render_html(graph, styles=STYLES, physics=False))["mode"] == "static-layout"
    layout = {node: (i, 2 * i) for i, node in enumerate(graph)}
    nodes = payload(render_html(graph, styles=STYLES, layout=layout))["nodes"]
    xs, ys = [n["x"] for n in nodes], [n["y"] for n in nodes]
    assert (
        xs == sorted(xs)
        and ys == sorted(ys)
        and ys[-1] - ys[0] == pytest.approx(2 * (xs[-1] - xs[0]), abs=0.5)
    )
    with pytest.raises(VizError, match="no position"):
        render_html(graph, styles=STYLES, layout={"hta": (0, 0)})

"""Paper figures, seeded layouts and aggregation into groups, without a browser or a display."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from graph_loader.viz import VizError, aggregate, render_html, write_figure
from graph_loader.viz.aggregate import GROUP_KIND, MISSING_GROUP
from graph_loader.viz.layout import compute_layout, resolve_layout

STYLES = {
    "HometownAssociation": {"color": "#E69F00", "shape": "triangle"},
    "GovernmentAgency": {"color": "#0072B2", "shape": "box"},
    "Country": {"color": "#BBBBBB", "shape": "square"},
}


@pytest.fixture
def graph() -> nx.MultiDiGraph:
    """A hub agency tied to six associations, with names a math parser would choke on."""
    G = nx.MultiDiGraph()
    G.add_node("fisdl", name="FISDL", labels=("GovernmentAgency",), country="SV")
    G.add_node("sv", name="El Salvador", labels=("Country",))
    for i in range(6):
        G.add_node(
            i,
            name=f"HTA {i} pays $\\frac{{$ in kind",
            labels=("HometownAssociation",),
            country="SV" if i % 2 else "MX",
        )
        G.add_edge(i, "fisdl", type="PARTNERS_WITH")
    G.add_edge("fisdl", "sv", type="HOME_COUNTRY")
    G.add_edge("fisdl", 0, type="FUNDS")
    return G


# --- figures ------------------------------------------------------------------------------------------------


def test_png_figure_is_written_with_the_top_nodes_labelled(graph, tmp_path):
    info = write_figure(graph, tmp_path / "fig.png", styles=STYLES, label_top=2, title="FISDL $partners$")
    assert (tmp_path / "fig.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (info.format, info.nodes, info.edges) == ("png", 8, 8)
    assert info.labelled == ["FISDL", "HTA 0 pays $\\frac{$ in kind"]  # degrees 8 and 2
    assert info.legend == ["HometownAssociation", "Country", "GovernmentAgency"]
    assert info.bytes == (tmp_path / "fig.png").stat().st_size


def test_svg_figure_parses_and_is_the_same_on_every_run(graph, tmp_path):
    first = write_figure(graph, tmp_path / "a.svg", styles=STYLES, color_by="country", seed=4)
    write_figure(graph, tmp_path / "b.svg", styles=STYLES, color_by="country", seed=4)
    root = ET.parse(tmp_path / "a.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    assert first.legend == ["SV", "MX", "unknown"]
    write_figure(graph, tmp_path / "c.svg", styles=STYLES, color_by="country", seed=5)
    assert (tmp_path / "c.svg").read_bytes() != (tmp_path / "a.svg").read_bytes()


def test_pdf_and_unknown_formats(graph, tmp_path):
    write_figure(graph, tmp_path / "fig.pdf", styles=STYLES)
    assert (tmp_path / "fig.pdf").read_bytes()[:5] == b"%PDF-"
    with pytest.raises(VizError, match="format"):
        write_figure(graph, tmp_path / "fig.jpg", styles=STYLES)


def test_large_figures_draw_plain_lines(tmp_path):
    G = nx.gnm_random_graph(1_000, 2_000, seed=1, directed=True)
    info = write_figure(G, tmp_path / "large.png", styles={}, label_top=0, dpi=72)
    assert info.labelled == [] and info.bytes > 1_000


# --- layouts ------------------------------------------------------------------------------------------------


def test_layouts_are_seeded_and_normalised(graph):
    first = compute_layout(graph, seed=1)
    assert compute_layout(graph, seed=1) == first
    assert compute_layout(graph, seed=2) != first
    xs = [x for x, _ in first.values()]
    ys = [y for _, y in first.values()]
    assert max(max(xs) - min(xs), max(ys) - min(ys)) == pytest.approx(1.0)
    assert set(first) == set(graph)


def test_named_and_unknown_layout_methods(graph):
    assert set(resolve_layout(graph, "circle")) == set(graph)
    with pytest.raises(VizError, match="unknown layout"):
        resolve_layout(graph, "spring")


# --- aggregation --------------------------------------------------------------------------------------------


def test_aggregate_counts_members_and_ties_between_groups(graph):
    A = aggregate(graph, "country")
    assert sorted(A) == ["country:(none)", "country:MX", "country:SV"]
    assert {n: A.nodes[n]["size"] for n in A} == {"country:(none)": 1, "country:MX": 3, "country:SV": 4}
    # SV holds FISDL and three HTAs: their three partnerships are internal; MX's three HTAs tie to FISDL (SV),
    # and FISDL funds HTA 0 (MX): four ties between MX and SV.
    assert A.nodes["country:SV"]["internalTies"] == 3
    assert A.edges["country:MX", "country:SV"]["weight"] == 4
    assert A.edges["country:(none)", "country:SV"]["weight"] == 1
    total = sum(w for *_, w in A.edges(data="weight")) + sum(d["internalTies"] for _, d in A.nodes(data=True))
    assert total == graph.number_of_edges()
    assert A.nodes["country:SV"]["kindCounts"] == ["HometownAssociation (3)", "GovernmentAgency (1)"]
    assert A.nodes[f"country:{MISSING_GROUP}"]["kind"] == GROUP_KIND


def test_aggregate_by_given_groups_and_list_values():
    G = nx.Graph([("a", "b"), ("b", "c")])
    A = aggregate(G, "coalition", groups={"a": 1, "b": 1, "c": 2})
    assert A.nodes["coalition:1"]["size"] == 2 and A.edges["coalition:1", "coalition:2"]["weight"] == 1
    G.nodes["a"]["country"] = ["US", "MX"]
    assert "country:MX, US" in aggregate(G, "country")


def test_an_aggregate_can_be_drawn(graph, tmp_path):
    A = aggregate(graph, "country")
    page = render_html(A, styles=STYLES, size_by="size", edge_width_by="weight")
    assert '"label":"SV"' in page
    info = write_figure(A, tmp_path / "groups.svg", styles=STYLES, size_by="size", edge_width_by="weight")
    assert info.labelled[0] == "SV"

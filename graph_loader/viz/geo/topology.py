"""TopoJSON as plain Python: decode a topology's arcs, stitch them into rings and lines, find shared borders,
simplify arcs and write a topology back.

A TopoJSON topology stores each border once, as an *arc* (a polyline), and each polygon ring or line as a list
of arc references (``i`` for arc ``i``, ``~i`` i.e. ``-i - 1`` for arc ``i`` reversed). Simplifying the arcs,
not the rings, keeps neighbours exact: two states share the same simplified border, so no gap or overlap
opens between them (topojson-simplify's approach; here Douglas–Peucker with a tolerance in kilometres).

Coordinates are ``(longitude, latitude)`` in degrees, as in the specification. A quantised topology (with a
``transform``) stores integer deltas; :func:`decode_arcs` returns absolute degrees and :func:`encode_topology`
quantises again.

Examples
--------
>>> topo = {"type": "Topology", "transform": {"scale": [0.5, 0.5], "translate": [-100, 10]},
...         "arcs": [[[0, 0], [2, 0], [0, 2]], [[2, 2], [-2, 0], [0, -2]]],
...         "objects": {"a": {"type": "Polygon", "arcs": [[0, 1]]}}}
>>> decode_arcs(topo)[0]
[(-100.0, 10.0), (-99.0, 10.0), (-99.0, 11.0)]
>>> stitch([0, 1], decode_arcs(topo))
[(-100.0, 10.0), (-99.0, 10.0), (-99.0, 11.0), (-100.0, 11.0), (-100.0, 10.0)]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence

Point = tuple[float, float]

#: Kilometres per degree of latitude (mean Earth radius 6,371.0088 km): the local scale distances are measured in.
KM_PER_DEGREE = 2 * math.pi * 6371.0088 / 360


def decode_arcs(topology: Mapping) -> list[list[Point]]:
    """Every arc of ``topology`` as absolute ``(lon, lat)`` points (quantised arcs delta-decoded)."""
    transform = topology.get("transform")
    if not transform:
        return [[(float(x), float(y)) for x, y, *_ in arc] for arc in topology["arcs"]]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def arc_index(ref: int) -> int:
    """The arc a reference names: ``~i`` (i.e. ``-i - 1``) is arc ``i`` reversed.

    >>> arc_index(3), arc_index(~3)
    (3, 3)
    """
    return ref if ref >= 0 else ~ref


def stitch(refs: Iterable[int], arcs: Sequence[Sequence[Point]]) -> list[Point]:
    """The ring or line made of the arcs ``refs`` point at, each arc's first point dropped after the first arc."""
    points: list[Point] = []
    for ref in refs:
        arc = list(arcs[arc_index(ref)])
        if ref < 0:
            arc.reverse()
        points.extend(arc if not points else arc[1:])
    return points


def polygons_of(geometry: Mapping) -> list[list[list[int]]]:
    """A Polygon's or MultiPolygon's arc references as a list of polygons (each a list of rings); else []."""
    if geometry.get("type") == "Polygon":
        return [geometry["arcs"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def geometries_of(obj: Mapping) -> list[Mapping]:
    """The geometries of a topology object: the members of a GeometryCollection, else the object itself."""
    return list(obj.get("geometries", [])) if obj.get("type") == "GeometryCollection" else [obj]


def shared_arcs(obj: Mapping) -> list[int]:
    """Arcs of ``obj``'s polygons used by two or more of its geometries: the borders between them, coasts not.

    >>> shared_arcs({"type": "GeometryCollection", "geometries": [
    ...     {"type": "Polygon", "arcs": [[0, 1]]}, {"type": "Polygon", "arcs": [[~1, 2]]}]})
    [1]
    """
    users: dict[int, set[int]] = {}
    for number, geometry in enumerate(geometries_of(obj)):
        for polygon in polygons_of(geometry):
            for ring in polygon:
                for ref in ring:
                    users.setdefault(arc_index(ref), set()).add(number)
    return sorted(arc for arc, who in users.items() if len(who) > 1)


def _local_xy(points: Sequence[Point]) -> list[Point]:
    """Points in kilometres on a plane tangent at their mean latitude (equirectangular): fine at arc scale."""
    mean_lat = math.radians(sum(p[1] for p in points) / len(points))
    kx = KM_PER_DEGREE * math.cos(mean_lat)
    return [(lon * kx, lat * KM_PER_DEGREE) for lon, lat in points]


def _segment_distance(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _keep(xy: Sequence[Point], first: int, last: int, tolerance: float, kept: set[int]) -> None:
    """Douglas–Peucker between ``first`` and ``last`` (both kept), iteratively so that long arcs cannot recurse
    too deep."""
    stack = [(first, last)]
    while stack:
        lo, hi = stack.pop()
        worst, where = -1.0, -1
        for i in range(lo + 1, hi):
            d = _segment_distance(xy[i], xy[lo], xy[hi])
            if d > worst:
                worst, where = d, i
        if where >= 0 and worst > tolerance:
            kept.add(where)
            stack += [(lo, where), (where, hi)]


def simplify_arc(points: Sequence[Point], tolerance_km: float) -> list[Point]:
    """``points`` simplified by Douglas–Peucker: every point dropped lies within ``tolerance_km`` of the line
    kept. The first and last points always stay (they join other arcs); a closed arc keeps at least four
    points, so that a ring stays a ring.

    >>> line = [(0.0, 0.0), (0.5, 0.001), (1.0, 0.0), (1.5, 0.3), (2.0, 0.0)]
    >>> simplify_arc(line, 1.0)
    [(0.0, 0.0), (1.0, 0.0), (1.5, 0.3), (2.0, 0.0)]
    """
    points = list(points)
    if len(points) <= 2 or tolerance_km <= 0:
        return points
    xy = _local_xy(points)
    last = len(points) - 1
    kept = {0, last}
    if points[0] == points[-1]:
        # A closed arc: split at the point farthest from the start, then at the farthest from that chord, so
        # that the ring keeps a body before the usual recursion.
        far = max(range(1, last), key=lambda i: math.dist(xy[0], xy[i]))
        kept.add(far)
        for lo, hi in ((0, far), (far, last)):
            if hi - lo > 1:
                mid = max(range(lo + 1, hi), key=lambda i: _segment_distance(xy[i], xy[lo], xy[hi]))
                kept.add(mid)
        for lo, hi in zip(sorted(kept), sorted(kept)[1:], strict=False):
            _keep(xy, lo, hi, tolerance_km, kept)
    else:
        _keep(xy, 0, last, tolerance_km, kept)
    return [points[i] for i in sorted(kept)]


def ring_area_km2(ring: Sequence[Point]) -> float:
    """The area a ring encloses, in km² (shoelace formula on the local plane; unsigned).

    >>> round(ring_area_km2([(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]))
    12364
    """
    if len(ring) < 4:
        return 0.0
    xy = _local_xy(ring)
    twice = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(xy, xy[1:], strict=False))
    return abs(twice) / 2


def quantise(arcs: Sequence[Sequence[Point]], step: float) -> tuple[dict, list[list[list[int]]]]:
    """A TopoJSON ``transform`` with a grid of ``step`` degrees, and ``arcs`` on that grid, delta-encoded.

    Consecutive points that fall on the same grid cell are merged (the first and last point always stay).

    >>> transform, coded = quantise([[(-99.0, 19.5), (-98.75, 19.5), (-98.75, 19.75)]], 0.25)
    >>> transform, coded
    ({'scale': [0.25, 0.25], 'translate': [-99.0, 19.5]}, [[[0, 0], [1, 0], [0, 1]]])
    """
    xs = [p[0] for arc in arcs for p in arc]
    ys = [p[1] for arc in arcs for p in arc]
    x0, y0 = (min(xs), min(ys)) if xs else (0.0, 0.0)
    coded = []
    for arc in arcs:
        grid = [(round((x - x0) / step), round((y - y0) / step)) for x, y in arc]
        merged = [grid[0]] + [p for prev, p in zip(grid, grid[1:], strict=False) if p != prev]
        if len(merged) == 1 and len(grid) > 1:
            merged.append(grid[-1])
        deltas, px, py = [], 0, 0
        for x, y in merged:
            deltas.append([x - px, y - py])
            px, py = x, y
        coded.append(deltas)
    return {"scale": [step, step], "translate": [x0, y0]}, coded


def used_arcs(objects: Mapping[str, Mapping]) -> list[int]:
    """Every arc index the objects' geometries reference, sorted."""
    found: set[int] = set()

    def walk(refs):
        for ref in refs:
            if isinstance(ref, list):
                walk(ref)
            else:
                found.add(arc_index(ref))

    for obj in objects.values():
        for geometry in geometries_of(obj):
            walk(geometry.get("arcs", []))
    return sorted(found)


def renumber(refs, mapping: Mapping[int, int]):
    """Arc references (nested lists) with each arc index replaced through ``mapping``, directions kept."""
    if isinstance(refs, list):
        return [renumber(ref, mapping) for ref in refs]
    return mapping[refs] if refs >= 0 else ~mapping[~refs]


def iter_rings(topology: Mapping, name: str) -> Iterator[tuple[Mapping, list[list[Point]]]]:
    """For each geometry of object ``name``: the geometry and its polygons' rings, or its lines, as points."""
    arcs = decode_arcs(topology)
    for geometry in geometries_of(topology["objects"][name]):
        kind = geometry.get("type")
        if kind in ("Polygon", "MultiPolygon"):
            rings = [stitch(ring, arcs) for polygon in polygons_of(geometry) for ring in polygon]
        elif kind == "LineString":
            rings = [stitch(geometry["arcs"], arcs)]
        elif kind == "MultiLineString":
            rings = [stitch(line, arcs) for line in geometry["arcs"]]
        else:
            rings = []
        yield geometry, rings

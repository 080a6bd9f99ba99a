"""Rows of a query into the arcs of a map: one :class:`Tie` per row, checked, projected and laid out.

A map draws any rows with the columns of ``cypher/geography/transnational_ties.cypher`` (:data:`COLUMNS`): the two
ends (name, latitude, longitude in WGS 84 degrees, country), the kind of ``tie``, the ``actors`` behind it, a
``weight`` (a count) and ``amount_usd`` (US$, or null), and the ``sources``. ``from_level``, ``to_level`` and
``via`` are shown when present. Every row becomes exactly one arc, so a row that cannot be drawn (a missing
column, a coordinate that is not a number or lies outside its range) is an error naming the row, never skipped.

Examples
--------
>>> row = {"from_place": "Chicago", "from_lat": 41.88, "from_lon": -87.63, "from_country": "United States",
...        "to_place": "Monte Escobedo", "to_lat": 22.3, "to_lon": -103.58, "to_country": "Mexico",
...        "tie": "association", "actors": ["Club Monte Escobedo"], "weight": 1, "amount_usd": None,
...        "sources": ["ARI 16/2005, p. 4"]}
>>> [tie] = ties_from_rows([row])
>>> tie.origin.name, tie.home.name, tie.actors, tie.weight
('Chicago', 'Monte Escobedo', ('Club Monte Escobedo',), 1.0)
>>> shape = arc_shapes([tie])[0]
>>> shape.x1 < shape.x0 and shape.y1 < shape.y0  # Monte Escobedo lies south-west of Chicago
True
"""

from __future__ import annotations

import csv
import json
import math
import numbers
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ...errors import InputError
from ..encoding import CATEGORY_PALETTE, VizError
from ..tooltip import MAX_SOURCES, format_value
from .basemap import Box
from .projection import PROJECTION

#: The columns a map needs, in the order ``transnational_ties`` returns them.
COLUMNS = ("from_place", "from_lat", "from_lon", "from_country", "to_place", "to_lat", "to_lon", "to_country",
           "tie", "actors", "weight", "amount_usd", "sources")
#: Columns shown when a query returns them.
OPTIONAL_COLUMNS = ("from_level", "to_level", "via")
#: The ties ``transnational_ties`` returns, with their colours (Okabe–Ito, told apart under colour-vision
#: deficiencies); another query's tie types take Paul Tol's muted palette in alphabetical order.
TIE_COLORS = {"association": "#E69F00", "federation": "#D55E00", "contribution": "#0072B2"}
#: What the weight counts for each known tie.
WEIGHT_UNITS = {"association": ("actor", "actors"), "federation": ("federation", "federations"),
                "contribution": ("contribution", "contributions")}
#: How far an arc bows out, as a fraction of its length; each further arc between the same two places a step more.
BEND, BEND_STEP = 0.18, 0.10
#: The relative width of every arc when all weigh the same.
EQUAL_WIDTH = 0.3
#: Kinds of weight.
WEIGHTS = ("count", "amount")


class MapDataError(VizError):
    """Rows a map cannot draw: a missing column, a coordinate that is no number or out of range, a bad weight."""

    exit_code = 1


@dataclass(frozen=True)
class Place:
    """One end of an arc: name, WGS 84 ``lat``/``lon`` (degrees), country, level ("city", "state", ... or None),
    and its projected position ``x``, ``y`` (km, y north)."""

    name: str
    lat: float
    lon: float
    country: str | None
    level: str | None
    x: float
    y: float

    @property
    def key(self) -> tuple:
        return self.name, round(self.lat, 6), round(self.lon, 6)


@dataclass(frozen=True)
class Tie:
    """One row: an arc from ``origin`` (a US place) to ``home`` (a home place).

    ``row`` is the row's number (1 for the first); ``weight`` a count (actors or contributions) and
    ``amount_usd`` US$ or None; ``actors``, ``sources`` and ``via`` are texts.
    """

    row: int
    origin: Place
    home: Place
    tie: str
    actors: tuple[str, ...]
    weight: float
    amount_usd: float | None
    sources: tuple[str, ...]
    via: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArcShape:
    """An arc as a quadratic Bézier curve in projected km (y north): from ``(x0, y0)`` through the pull of the
    control point ``(cx, cy)`` to ``(x1, y1)``."""

    x0: float
    y0: float
    cx: float
    cy: float
    x1: float
    y1: float


def _texts(value, column: str, row: int) -> tuple[str, ...]:
    """A list-valued cell as texts: a list, one text, a JSON list in text (a CSV cell), or nothing."""
    if value is None:
        return ()
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                value = json.loads(stripped)
            except ValueError:
                return (value,)
        else:
            return (value,) if stripped else ()
    if isinstance(value, list | tuple):
        return tuple(str(item) for item in value if item is not None)
    raise MapDataError(f"row {row}: {column} is {value!r}, not a list of texts")


def _number(value, column: str, row: int, *, low: float | None = None, high: float | None = None,
            nullable: bool = False) -> float | None:
    if isinstance(value, str) and value.strip():
        try:
            value = float(value)
        except ValueError:
            pass
    if value is None or value == "":
        if nullable:
            return None
        raise MapDataError(f"row {row}: {column} is empty",
                           hint="every row is one arc and needs both ends' coordinates; the transnational_ties "
                                "query leaves out ends without coordinates")
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise MapDataError(f"row {row}: {column} is {value!r}, not a number")
    value = float(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise MapDataError(f"row {row}: {column} is {value:g}, outside [{low:g}, {high:g}]",
                           hint="latitudes and longitudes are WGS 84 degrees (lat -90..90, lon -180..180)")
    return value


def _place(record: Mapping, end: str, row: int) -> Place:
    lat = _number(record.get(f"{end}_lat"), f"{end}_lat", row, low=-90, high=90)
    lon = _number(record.get(f"{end}_lon"), f"{end}_lon", row, low=-180, high=180)
    name = record.get(f"{end}_place")
    if name is None or str(name).strip() == "":
        raise MapDataError(f"row {row}: {end}_place is empty", hint="name both ends of every arc")
    x, y = PROJECTION.project(lon, lat)
    country = record.get(f"{end}_country")
    level = record.get(f"{end}_level")
    return Place(str(name), lat, lon, None if country in (None, "") else str(country),
                 None if level in (None, "") else str(level).lower(), x, y)


def ties_from_rows(rows: Iterable[Mapping], *, what: str = "the rows") -> list[Tie]:
    """One :class:`Tie` per row, in order; :class:`MapDataError` names the first row that cannot be drawn.

    ``what`` names the rows' origin in messages ("the query transnational_ties", "ties.csv").
    """
    rows = list(rows)
    if rows:
        missing = [column for column in COLUMNS if column not in rows[0]]
        if missing:
            # Rows of another shape (another query, another file): not bad values, the wrong input (exit 2).
            raise VizError(
                f"{what} lack the column(s) a map needs: {', '.join(missing)}",
                hint="a map draws one arc per row with the columns " + ", ".join(COLUMNS)
                     + " (see cypher/geography/transnational_ties.cypher)")
    ties = []
    for number, record in enumerate(rows, 1):
        tie = record.get("tie")
        if tie is None or str(tie).strip() == "":
            raise MapDataError(f"row {number}: tie is empty", hint="say what kind of tie each row is")
        weight = _number(record.get("weight"), "weight", number, low=0, high=math.inf, nullable=True)
        ties.append(Tie(
            row=number,
            origin=_place(record, "from", number),
            home=_place(record, "to", number),
            tie=str(tie),
            actors=_texts(record.get("actors"), "actors", number),
            weight=1.0 if weight is None else weight,
            amount_usd=_number(record.get("amount_usd"), "amount_usd", number, low=0, high=math.inf, nullable=True),
            sources=_texts(record.get("sources"), "sources", number),
            via=_texts(record.get("via"), "via", number),
        ))
    return ties


def read_rows(path: str | Path) -> list[Tie]:
    """The ties in a file of rows: the JSON (an array of objects) or CSV that ``diaspora-kg query NAME --format
    json|csv`` writes. Errors name the file, and for a CSV the line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot be read ({exc.__class__.__name__}: {exc})",
                         hint="give the JSON or CSV of `diaspora-kg query NAME --format json` (or csv)") from exc
    if path.suffix.lower() == ".json" or text.lstrip().startswith("["):
        try:
            rows = json.loads(text)
        except ValueError as exc:
            raise InputError(str(path), f"is not JSON ({exc.msg})", line=exc.lineno,
                             hint="give an array of objects, as `diaspora-kg query NAME --format json` writes") from exc
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise InputError(str(path), "is not an array of objects (one per arc)",
                             hint="as `diaspora-kg query NAME --format json` writes")
        try:
            return ties_from_rows(rows, what="its rows")
        except VizError as exc:
            raise exc.__class__(f"{path}: {exc.message}", hint=exc.hint) from exc
    rows = list(csv.DictReader(text.splitlines()))
    try:
        return ties_from_rows(rows, what="its rows")
    except VizError as exc:
        # "row N" of the CSV is line N + 1 (the header is line 1).
        message = exc.message
        if message.startswith("row "):
            number, _, rest = message[4:].partition(": ")
            raise exc.__class__(f"{path}:{int(number) + 1}: {rest}", hint=exc.hint) from exc
        raise exc.__class__(f"{path}: {message}", hint=exc.hint) from exc


def select_ties(ties: Sequence[Tie], kinds: Iterable[str]) -> list[Tie]:
    """The ties of the given kinds (all when none is given); a kind no tie has is an error listing those present.

    Kinds may also be given comma-separated ("association,contribution").
    """
    wanted = [kind.strip() for item in kinds for kind in str(item).split(",") if kind.strip()]
    if not wanted:
        return list(ties)
    present = sorted({t.tie for t in ties})
    unknown = [kind for kind in wanted if kind not in present]
    if unknown:
        raise VizError(f"no tie of kind {', '.join(map(repr, unknown))} in the rows",
                       hint="the rows hold " + (", ".join(present) if present else "no tie at all"))
    return [t for t in ties if t.tie in wanted]


def tie_colors(ties: Iterable[Tie]) -> dict[str, str]:
    """Tie kind -> colour: :data:`TIE_COLORS` for the known kinds, a palette colour for the others."""
    kinds = sorted({t.tie for t in ties})
    others = [kind for kind in kinds if kind not in TIE_COLORS]
    palette = [c for c in CATEGORY_PALETTE if c.upper() not in {v.upper() for v in TIE_COLORS.values()}]
    colors = {kind: TIE_COLORS[kind] for kind in kinds if kind in TIE_COLORS}
    colors.update({kind: palette[i % len(palette)] for i, kind in enumerate(others)})
    return colors


def relative_widths(ties: Sequence[Tie], weight_by: str = "count") -> list[float | None]:
    """Each tie's width in [0, 1], the square root of its weight (or amount) over the largest, so that a width
    reads as a magnitude without the largest swamping the rest; :data:`EQUAL_WIDTH` for all when every tie
    weighs the same; None for a tie without an amount.

    >>> ties = [Tie(1, None, None, "a", (), 1, None, ()), Tie(2, None, None, "a", (), 4, 100.0, ())]
    >>> relative_widths(ties), relative_widths(ties, "amount"), relative_widths(ties[:1])
    ([0.5, 1.0], [None, 0.3], [0.3])
    """
    if weight_by not in WEIGHTS:
        raise VizError(f"cannot weight arcs by {weight_by!r}", hint="use count or amount")
    values = [t.weight if weight_by == "count" else t.amount_usd for t in ties]
    known = [v for v in values if v is not None]
    if weight_by == "amount" and ties and not known:
        raise VizError("no tie has a US$ amount (amount_usd) to weight the arcs by",
                       hint="weight by count; amounts in another currency (a 3x1 list's MXN) are not converted")
    top = max(known, default=0.0)
    if len(set(known)) <= 1:
        # Every arc weighs the same: widths would say nothing, so all take a middle width.
        return [None if v is None else EQUAL_WIDTH for v in values]
    return [None if v is None else (math.sqrt(v / top) if top > 0 else 0.0) for v in values]


def arc_shapes(ties: Sequence[Tie]) -> list[ArcShape]:
    """Each tie's curve: bowed to the left of its direction of travel, a step more for each further arc
    between the same two places (in row order), so none hides another."""
    seen: Counter = Counter()
    shapes = []
    for tie in ties:
        pair = (tie.origin.key, tie.home.key)
        bend = BEND + BEND_STEP * seen[pair]
        seen[pair] += 1
        (x0, y0), (x1, y1) = (tie.origin.x, tie.origin.y), (tie.home.x, tie.home.y)
        dx, dy = x1 - x0, y1 - y0
        if math.hypot(dx, dy) == 0:
            # Both ends at one point: a small loop above it, so the arc can still be seen and pointed at.
            dx, dy = 0.0, 60.0
        shapes.append(ArcShape(x0, y0, (x0 + x1) / 2 - bend * dy, (y0 + y1) / 2 + bend * dx, x1, y1))
    return shapes


def bezier_points(shape: ArcShape, steps: int = 24) -> list[tuple[float, float]]:
    """Points along the curve (for bounding boxes and hit tests)."""
    out = []
    for i in range(steps + 1):
        t = i / steps
        a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t * t
        out.append((a * shape.x0 + b * shape.cx + c * shape.x1, a * shape.y0 + b * shape.cy + c * shape.y1))
    return out


@dataclass(frozen=True)
class PlaceSummary:
    """A place as the map shows it: the place, whether it is a US end ("us"), a home end ("home") or both, and
    the rows of its arcs."""

    place: Place
    role: str
    rows: tuple[int, ...]


def places_of(ties: Sequence[Tie]) -> list[PlaceSummary]:
    """Every end of every arc once, in first-seen order."""
    found: dict[tuple, tuple[Place, set[str], list[int]]] = {}
    for tie in ties:
        for place, role in ((tie.origin, "us"), (tie.home, "home")):
            entry = found.setdefault(place.key, (place, set(), []))
            entry[1].add(role)
            entry[2].append(tie.row)
    return [PlaceSummary(place, "both" if len(roles) > 1 else next(iter(roles)), tuple(rows))
            for place, roles, rows in found.values()]


def data_box(ties: Sequence[Tie]) -> Box | None:
    """The box holding every arc, curves included; None without ties."""
    points = [p for shape in arc_shapes(ties) for p in bezier_points(shape, 8)]
    if not points:
        return None
    return Box.around([p[0] for p in points], [p[1] for p in points])


def _describe(place: Place) -> str:
    details = ", ".join(part for part in (place.level, place.country) if part)
    return f"{place.name} ({details})" if details else place.name


def weight_text(tie: Tie) -> str:
    """The weight in words: "2 actors", "1 contribution", or "weight 3" for a tie kind of another query.

    >>> weight_text(Tie(1, None, None, "contribution", (), 2, None, ()))
    '2 contributions'
    """
    count = int(tie.weight) if float(tie.weight).is_integer() else tie.weight
    units = WEIGHT_UNITS.get(tie.tie)
    if units is None:
        return f"weight {format_value(count)}"
    return f"{format_value(count)} {units[0] if count == 1 else units[1]}"


def tie_tip(tie: Tie) -> dict:
    """The tooltip of an arc, shaped as the network page's (:func:`graph_loader.viz.tooltip.node_tip`): plain
    texts, never markup."""
    facts = [["from", format_value(_describe(tie.origin))], ["to", format_value(_describe(tie.home))],
             ["actors", format_value(list(tie.actors)) if tie.actors else "—"], ["weight", weight_text(tie)]]
    if tie.amount_usd is not None:
        facts.append(["amount", f"US${format_value(tie.amount_usd)}"])
    facts += [["via", format_value(path)] for path in tie.via[:4]]
    sources = [format_value(source) for source in tie.sources[:MAX_SOURCES]]
    more = max(0, len(tie.via) - 4) + max(0, len(tie.sources) - MAX_SOURCES)
    return {"name": tie.tie, "kind": format_value(f"{tie.origin.name} → {tie.home.name}"), "facts": facts,
            "sources": sources, "more": more}


def place_tip(summary: PlaceSummary, ties_by_row: Mapping[int, Tie]) -> dict:
    """The tooltip of a place: where it is, and the arcs that start or end there."""
    role = {"us": "US place", "home": "home place", "both": "US and home place"}[summary.role]
    place = summary.place
    facts = [["where", format_value(", ".join(p for p in (place.level, place.country) if p) or "—")],
             ["coordinates", f"{place.lat:.4f}, {place.lon:.4f}"], ["arcs", str(len(summary.rows))]]
    actors = sorted({a for row in summary.rows for a in ties_by_row[row].actors})
    if actors:
        facts.append(["actors", format_value(actors)])
    return {"name": place.name, "kind": role, "facts": facts, "sources": [], "more": 0}

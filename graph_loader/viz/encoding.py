"""Visual encoding shared by the HTML and the static figures: each node's colour, shape and relative size.

One function, :func:`encode`, decides how a node looks, so that an interactive page and a paper figure of the
same graph agree. A node takes the style (colour and shape) of the first of its ontology ``labels`` (most
specific first) that ``styles`` knows; the colour can instead encode a category (the node's home ``country``,
or its ``coalition``) with Paul Tol's colour-blind-safe "muted" palette. Size encodes degree or a score.

Examples
--------
>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_node("hta", labels=("HometownAssociation", "Organisation"), name="SALA")
>>> G.add_node("fed", labels=("Federation", "Organisation"), name="FEDECMI")
>>> G.add_edge("hta", "fed")
>>> enc = encode(G, styles={"Organisation": {"color": "#0072B2", "shape": "dot"}})
>>> enc.color["hta"], enc.shape["fed"], [entry.label for entry in enc.kinds]
('#0072B2', 'dot', ['Federation', 'HometownAssociation'])
"""

from __future__ import annotations

import math
import numbers
import re
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import networkx as nx

from graph_loader.errors import DiasporaKGError
from graph_loader.model import as_list

#: Style of a node none of whose labels is styled (the ontology's default too).
DEFAULT_STYLE = {"color": "#999999", "shape": "dot"}

#: Shapes a node may take: vis-network's shapes that draw themselves. Image and icon shapes are left out on
#: purpose: they fetch a picture, and a page must never reach the network.
SHAPES = frozenset(
    {
        "dot",
        "circle",
        "ellipse",
        "box",
        "square",
        "diamond",
        "triangle",
        "triangleDown",
        "star",
        "hexagon",
        "database",
        "text",
    }
)

#: Paul Tol's "muted" qualitative scheme: nine colours told apart under the common colour-vision deficiencies.
CATEGORY_PALETTE = (
    "#CC6677",
    "#332288",
    "#DDCC77",
    "#117733",
    "#88CCEE",
    "#882255",
    "#44AA99",
    "#999933",
    "#AA4499",
)
#: Colour of the categories beyond the palette, grouped as one "other" entry rather than reusing a colour.
OTHER_COLOR = "#BBBBBB"
#: Colour of nodes without a value for the category (Tol's "bad data" grey).
MISSING_COLOR = "#DDDDDD"

#: What ``color_by`` may be, and the node attribute each category mode reads.
COLOR_MODES = {"class": None, "country": "country", "coalition": "coalition"}

#: Kind of a node with neither ``kind`` nor ``labels`` (for instance a hand-made graph).
UNCLASSIFIED = "Unclassified"

_HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class VizError(DiasporaKGError, ValueError):
    """A drawing request that cannot be honoured: an unknown mode, or a size measure no node has."""


@dataclass(frozen=True)
class LegendEntry:
    """A legend line: ``label`` drawn with ``color`` and ``shape``; ``count`` nodes have it."""

    label: str
    color: str
    shape: str
    count: int


@dataclass(frozen=True)
class Encoding:
    """How every node of a graph is drawn.

    Attributes
    ----------
    kind : dict
        Node -> its kind (the ``kind`` attribute, else its most specific label).
    color, shape : dict
        Node -> ``"#RRGGBB"`` fill colour, and vis-network shape name.
    size : dict
        Node -> relative size in [0, 1], dimensionless: 0 for the smallest value (or no value), 1 for the
        largest, square-root scaled so that a drawn *area* grows in proportion to the value.
    legend_title : str
        "Class", "Country" or "Coalition".
    legend : list of LegendEntry
        What the colours mean, most frequent first (the classes, countries or coalitions shown).
    kinds : list of LegendEntry
        Every kind present, in alphabetical order, with its class style (for a filter by kind).
    """

    kind: dict
    color: dict
    shape: dict
    size: dict
    legend_title: str
    legend: list
    kinds: list


def node_kind(data: Mapping) -> str:
    """A node's kind: its ``kind`` attribute, else the first of its ``labels``, else ``"Unclassified"``."""
    labels = data.get("labels") or ()
    return str(data.get("kind") or (labels[0] if labels else UNCLASSIFIED))


def class_style(labels, styles: Mapping[str, Mapping]) -> dict:
    """The style of the first of ``labels`` that ``styles`` knows, checked, else :data:`DEFAULT_STYLE`.

    A colour that is not ``#RRGGBB`` or an unknown shape falls back to the default rather than reaching a
    page: styles come from the ontology, which users may extend.

    >>> class_style(("HometownAssociation", "Organisation"), {"Organisation": {"color": "#0072B2"}})
    {'color': '#0072B2', 'shape': 'dot'}
    """
    for label in labels or ():
        style = styles.get(label)
        if style:
            color = style.get("color")
            shape = style.get("shape")
            return {
                "color": color
                if isinstance(color, str) and _HEX_COLOR.match(color)
                else DEFAULT_STYLE["color"],
                "shape": shape if shape in SHAPES else DEFAULT_STYLE["shape"],
            }
    return dict(DEFAULT_STYLE)


def category_of(value) -> str | None:
    """A category value as legend text; a list is joined (an actor with two home countries is a category)."""
    if value is None or value == "" or value == [] or value == ():
        return None
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(sorted(str(item) for item in value))
    return str(value)


def node_names(data: Mapping, node: Hashable) -> list[str]:
    """Every name of a node, the display name first: ``name``, then ``altNames``; the node key if unnamed.

    Should ``name`` hold several values (two preferred labels loaded from two files), the first is shown and the
    others are kept as alternative names.

    >>> node_names({"name": ["Cuscatlán", "Cuscatlan"], "altNames": ["Cuscatlan"]}, "SV-CU")
    ['Cuscatlán', 'Cuscatlan']
    >>> node_names({}, "SV-CU")
    ['SV-CU']
    """
    names: list[str] = []
    for value in [*as_list(data.get("name")), *as_list(data.get("altNames"))]:
        if value not in (None, "") and str(value) not in names:
            names.append(str(value))
    return names or [str(node)]


def numeric(value) -> float | None:
    """``value`` as a finite float, or None when it is missing, not a number, a boolean, NaN or infinite.

    NumPy scalars count as numbers (analyses return them); so do decimals (amounts read from RDF).

    >>> numeric(3), numeric(True), numeric(float("nan")), numeric("7")
    (3.0, None, None, None)
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def relative_sizes(values: Mapping[Hashable, float | None]) -> dict[Hashable, float]:
    """Scale values to [0, 1] by the square root of their position between the smallest and largest.

    The square root makes the drawn area, not the radius, proportional to the value. Missing values get 0
    (drawn smallest); when every value is equal, all get 0.5.

    >>> relative_sizes({"a": 0.0, "b": 25.0, "c": 100.0, "d": None})
    {'a': 0.0, 'b': 0.5, 'c': 1.0, 'd': 0.0}
    """
    present = [value for value in values.values() if value is not None]
    if not present:
        return dict.fromkeys(values, 0.0)
    low, high = min(present), max(present)
    if high == low:
        return {node: 0.0 if value is None else 0.5 for node, value in values.items()}
    return {
        node: 0.0 if value is None else math.sqrt((value - low) / (high - low))
        for node, value in values.items()
    }


def relative_edge_widths(G: nx.Graph, attribute: str) -> list[float]:
    """Each edge's relative width in [0, 1], in ``G.edges()`` order, from a numeric edge attribute.

    The attribute is read as a tie *strength* (larger = stronger tie = wider line), for instance the number of
    ties an aggregate's edge stands for; it is scaled like node sizes (:func:`relative_sizes`).
    """
    values = {i: numeric(value) for i, (*_, value) in enumerate(G.edges(data=attribute))}
    return list(relative_sizes(values).values())


def size_values(
    G: nx.Graph, size_by: str, scores: Mapping[str, Mapping] | None
) -> dict[Hashable, float | None]:
    """Each node's raw size value: its degree, its score ``scores[size_by]`` or its attribute ``size_by``.

    Degree counts every edge, parallel edges of a multigraph included. Raises :class:`VizError` when
    ``size_by`` names a measure that no node has a number for, rather than drawing all nodes alike without a
    word.
    """
    if size_by == "degree":
        return {node: float(degree) for node, degree in G.degree()}
    if scores is not None and size_by in scores:
        measure = scores[size_by]
        values = {node: numeric(measure.get(node)) for node in G}
    else:
        values = {node: numeric(data.get(size_by)) for node, data in G.nodes(data=True)}
    if len(G) and all(value is None for value in values.values()):
        raise VizError(
            f"no node has a numeric {size_by!r} to size by",
            hint=f"pass scores={{{size_by!r}: {{node: value}}}}, set the node attribute, "
            "or use size_by='degree'",
        )
    return values


def _categories(G: nx.Graph, attribute: str, groups: Mapping | None) -> dict[Hashable, str | None]:
    if groups is not None:
        return {node: category_of(groups.get(node)) for node in G}
    return {node: category_of(data.get(attribute)) for node, data in G.nodes(data=True)}


def _category_colors(categories: Mapping[Hashable, str | None]) -> tuple[dict[str, str], list[LegendEntry]]:
    """Palette colours for the most frequent categories; the rest share one "other" colour."""
    counts = Counter(value for value in categories.values() if value is not None)
    ranked = sorted(counts, key=lambda value: (-counts[value], value))
    colors = {value: CATEGORY_PALETTE[i] for i, value in enumerate(ranked[: len(CATEGORY_PALETTE)])}
    legend = [
        LegendEntry(value, colors[value], "dot", counts[value]) for value in ranked[: len(CATEGORY_PALETTE)]
    ]
    rest = ranked[len(CATEGORY_PALETTE) :]
    if rest:
        colors.update(dict.fromkeys(rest, OTHER_COLOR))
        legend.append(LegendEntry(f"{len(rest)} other", OTHER_COLOR, "dot", sum(counts[v] for v in rest)))
    missing = sum(1 for value in categories.values() if value is None)
    if missing:
        legend.append(LegendEntry("unknown", MISSING_COLOR, "dot", missing))
    return colors, legend


def encode(
    G: nx.Graph,
    *,
    styles: Mapping[str, Mapping],
    color_by: str = "class",
    size_by: str = "degree",
    scores: Mapping[str, Mapping] | None = None,
    groups: Mapping | None = None,
) -> Encoding:
    """Decide every node's kind, colour, shape and relative size, and the legend that explains them.

    Parameters
    ----------
    G : NetworkX graph
        Nodes follow the project's contract (``labels`` most specific first, ``kind``); others are drawn in
        the default style as "Unclassified".
    styles : mapping
        Ontology label -> ``{"color": "#RRGGBB", "shape": "dot" | "box" | ...}``.
    color_by : {"class", "country", "coalition"}
        "class": the class style. "country": the node attribute ``country``. "coalition": ``groups[node]``
        when ``groups`` is given, else the node attribute ``coalition``. Shapes always follow the class.
    size_by : str
        "degree", a key of ``scores``, or a numeric node attribute.
    scores : mapping, optional
        Measure name -> {node: value}, e.g. ``{"betweenness": {...}}``.
    groups : mapping, optional
        Node -> coalition (any value), overriding the ``coalition`` attribute.

    Returns
    -------
    Encoding
    """
    if color_by not in COLOR_MODES:
        raise VizError(f"unknown color_by {color_by!r}", hint="use one of: " + ", ".join(COLOR_MODES))
    kinds = {node: node_kind(data) for node, data in G.nodes(data=True)}
    class_styles = {
        node: class_style(data.get("labels") or (kinds[node],), styles) for node, data in G.nodes(data=True)
    }
    kind_counts = Counter(kinds.values())
    kind_style = {kinds[node]: style for node, style in class_styles.items()}
    kind_entries = [
        LegendEntry(kind, kind_style[kind]["color"], kind_style[kind]["shape"], kind_counts[kind])
        for kind in sorted(kind_counts)
    ]

    if color_by == "class":
        color = {node: style["color"] for node, style in class_styles.items()}
        legend_title = "Class"
        legend = sorted(kind_entries, key=lambda entry: (-entry.count, entry.label))
    else:
        categories = _categories(G, COLOR_MODES[color_by], groups if color_by == "coalition" else None)
        if len(G) and all(value is None for value in categories.values()):
            raise VizError(
                f"no node has a {color_by} to colour by",
                hint="set the node attribute"
                + (" or pass groups={node: coalition}" if color_by == "coalition" else ""),
            )
        colors, legend = _category_colors(categories)
        color = {
            node: MISSING_COLOR if value is None else colors[value] for node, value in categories.items()
        }
        legend_title = color_by.capitalize()

    return Encoding(
        kind=kinds,
        color=color,
        shape={node: style["shape"] for node, style in class_styles.items()},
        size=relative_sizes(size_values(G, size_by, scores)),
        legend_title=legend_title,
        legend=legend,
        kinds=kind_entries,
    )

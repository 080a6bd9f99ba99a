"""What every picture of the graph is told, in one value: :class:`DrawOptions`; what ``viz`` is asked to draw:
:class:`PictureRequest`.

The interactive page (:func:`graph_loader.viz.html.write_html`) and the figure for a paper
(:func:`graph_loader.viz.static.write_figure`) encode nodes the same way; each takes a ``DrawOptions`` and, for
convenience, the same fields as keyword arguments, which override it.

>>> options = DrawOptions(size_by="betweenness")
>>> DrawOptions.of(options, color_by="country").size_by, DrawOptions.of(options, color_by="country").color_by
('betweenness', 'country')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

#: ``max_label_len`` when it is not given: each kind of picture cuts names at its own length.
DEFAULT_LABEL_LENGTH = object()


@dataclass(frozen=True)
class DrawOptions:
    """How a picture encodes the graph.

    Attributes
    ----------
    styles : mapping
        Ontology label -> ``{"color": "#RRGGBB", "shape": "dot" | "box" | ...}`` (``GraphSchema.styles()``); a
        node takes the style of the first of its labels found here.
    color_by : {"class", "country", "coalition"}
        Colour by class style, by the node attribute ``country``, or by coalition (``groups`` or the node
        attribute ``coalition``) with a colour-blind-safe palette.
    size_by : str
        "degree", a key of ``scores`` (e.g. "betweenness") or a numeric node attribute; larger values, larger
        nodes (the area grows with the value).
    scores : mapping, optional
        Measure name -> {node: value} (:attr:`graph_loader.analysis.summary.AnalysisResult.broker_scores`).
    groups : mapping, optional
        Node -> coalition, for ``color_by="coalition"``.
    title : str, optional
        The picture's title (the page's default: "diaspora-kg network"; a figure has none by default).
    layout : str or mapping, optional
        An igraph layout name ("fr", "kk", "circle", "drl", ...) or node -> (x, y) positions in any units.
    max_label_len : int or None
        Longer names are cut with an ellipsis (None: never); by default 40 characters on a page, 30 on a figure.
    seed : int
        Seed of the layout: the same graph and seed give the same picture.
    edge_width_by : str, optional
        Numeric edge attribute read as a tie *strength* (e.g. an aggregate's ``weight``): wider for larger values.
    """

    styles: Mapping[str, Mapping] = field(default_factory=dict)
    color_by: str = "class"
    size_by: str = "degree"
    scores: Mapping[str, Mapping] | None = None
    groups: Mapping | None = None
    title: str | None = None
    layout: object = None
    max_label_len: object = DEFAULT_LABEL_LENGTH
    seed: int = 0
    edge_width_by: str | None = None

    @classmethod
    def of(cls, options: DrawOptions | None = None, **overrides) -> DrawOptions:
        """``options`` (or the defaults) with ``overrides`` applied; an unknown name is a TypeError."""
        unknown = set(overrides) - {f.name for f in fields(cls)}
        if unknown:
            raise TypeError(f"unknown drawing option(s): {', '.join(sorted(unknown))}")
        return replace(options or cls(), **overrides)

    def label_length(self, default: int | None) -> int | None:
        """:attr:`max_label_len`, or ``default`` when it was not given."""
        return default if self.max_label_len is DEFAULT_LABEL_LENGTH else self.max_label_len

    def encoding_fields(self) -> dict:
        """The fields :func:`graph_loader.viz.encoding.encode` takes."""
        return {"styles": self.styles, "color_by": self.color_by, "size_by": self.size_by, "scores": self.scores,
                "groups": self.groups}


@dataclass(frozen=True)
class PictureRequest:
    """What ``diaspora-kg viz`` is asked to draw (:mod:`graph_loader.viz.picture` draws it).

    Attributes
    ----------
    out : Path
        The file: ``.html`` (the interactive page), else a figure (``.png``, ``.svg``, ``.pdf``).
    query : str, optional
        Draw the nodes this named query returns (needs Neo4j), with its ``params``.
    focus : str, optional
        Draw the neighbourhood of this actor (name, acronym or URI), ``depth`` ties deep.
    brokers : int, optional
        Draw this many best brokers and the actors tied to them.
    color_by, size_by : str
        As :class:`DrawOptions` (``size_by``: ``degree`` or a measure of
        :data:`graph_loader.choices.BROKER_MEASURES`).
    label_top : int
        A figure names this many nodes, the largest first.
    physics : bool, optional
        Force the page's physics simulation on or off (None: the page decides).
    title : str, optional
        The title (default: what is drawn, with its size).

    One of ``query``, ``focus`` and ``brokers`` chooses the view, in that order; none: the whole graph.
    """

    out: Path
    query: str | None = None
    params: Mapping = field(default_factory=dict)
    focus: str | None = None
    depth: int = 1
    brokers: int | None = None
    color_by: str = "class"
    size_by: str = "degree"
    label_top: int = 12
    physics: bool | None = None
    title: str | None = None

    @property
    def page(self) -> bool:
        """An interactive HTML page (else a figure)."""
        return self.out.suffix.lower() == ".html"

    @property
    def needed_scores(self) -> set[str]:
        """The stored scores the sizes and colours read (none for degree and class or country colours)."""
        return ({self.size_by} - {"degree"}) | ({"coalition"} if self.color_by == "coalition" else set())

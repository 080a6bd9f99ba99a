"""What every picture of the graph is told, in one value: :class:`DrawOptions`.

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

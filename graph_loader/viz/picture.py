"""The picture ``diaspora-kg viz`` draws, from a :class:`~graph_loader.viz.options.PictureRequest`: which part of
the graph (:func:`choose_view`, while the graph's source is open), with what sizes and colours, written as the
interactive page or a figure (:func:`write_picture`).

Sizes and colours by a broker measure or coalition come from the analysis the view already ran (``--brokers``), else
from the ``score_*`` properties stored in Neo4j when they hold every measure needed (written by ``analyze``,
whichever engine ran), else from the default engine of :data:`graph_loader.engines.ENGINES` (NetworkX) run on the
graph drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx

from ..analysis.summary import AnalysisParameters, AnalysisResult, stored_scores
from ..engines import DEFAULT_ENGINE, run_engine
from ..engines.source import GraphSource
from . import views
from .options import DrawOptions, PictureRequest


@dataclass
class ChosenView:
    """The part of the graph to draw, the graph it is cut from, its default title, and what was computed for it."""

    view: nx.Graph
    graph: nx.MultiDiGraph
    default_title: str
    analysed: AnalysisResult | None
    from_server: bool


def _analysed(G: nx.MultiDiGraph) -> AnalysisResult:
    """The default analysis of the full graph ``G`` (nothing written back)."""
    return run_engine(DEFAULT_ENGINE, GraphSource(graph=G), AnalysisParameters(), write=False)


def choose_view(source: GraphSource, request: PictureRequest) -> ChosenView:
    """The view ``request`` asks for, from ``source``'s full graph (a named query runs in Neo4j)."""
    G = source.full_graph()
    analysed = None
    if request.query:
        from ..neo4j.queries import run_named

        view = views.from_rows(G, run_named(source.db, request.query, dict(request.params)))
        default_title = f"What the query {request.query} returns"
    elif request.focus:
        view = views.neighbourhood(G, request.focus, request.depth)
        centre = views.find_node(G, request.focus)
        default_title = (f"{G.nodes[centre].get('name', centre)} and everything within {request.depth} "
                         f"tie{'s' if request.depth > 1 else ''}")
    elif request.brokers:
        analysed = _analysed(G)
        view = views.brokers(G, [r["uri"] for r in analysed.brokers], top=request.brokers, actors=analysed.actors)
        default_title = (f"The {request.brokers} best brokers among {analysed.actors.label}, and the actors tied "
                         "to them")
    else:
        view = views.whole(G)
        default_title = "Actors and institutions of the graph"
    return ChosenView(view, G, default_title, analysed, source.has_server)


def _scores(chosen: ChosenView, request: PictureRequest, echo: Callable[[str], None]):
    """``(scores, groups)`` for the sizes and colours (None, None when neither reads one)."""
    if chosen.analysed is not None:
        return chosen.analysed.broker_scores, chosen.analysed.groups
    needed = request.needed_scores
    if not needed:
        return None, None
    stored = stored_scores(chosen.graph) if chosen.from_server else {}
    if stored and needed <= stored.keys():  # written by `analyze`, whichever engine ran
        echo(f"Using the score_* properties stored in Neo4j ({', '.join(sorted(needed))}).")
        return {k: v for k, v in stored.items() if k != "coalition"}, stored.get("coalition", {})
    result = _analysed(chosen.graph)
    return result.broker_scores, result.groups


def write_picture(chosen: ChosenView, request: PictureRequest, styles, *, echo: Callable[[str], None] = print) -> str:
    """Draw the view to ``request.out`` with the class ``styles``; returns the line saying what was written."""
    from . import write_figure, write_html

    scores, groups = _scores(chosen, request, echo)
    options = DrawOptions(styles=styles, color_by=request.color_by, size_by=request.size_by, scores=scores,
                          groups=groups, edge_width_by="strength" if request.brokers else None)
    view = chosen.view
    if request.page:
        summary = write_html(view, request.out, options, evidence=views.evidence_index(chosen.graph),
                             title=request.title or "diaspora-kg network",
                             physics="auto" if request.physics is None else request.physics)
        return (f"Wrote {summary.path} ({summary.nodes} nodes, {summary.edges} ties, {summary.bytes / 1e6:.1f} MB, "
                f"{summary.mode}); it opens offline in any browser.")
    title = request.title or (f"{chosen.default_title} ({view.number_of_nodes():,} nodes, "
                              f"{view.number_of_edges():,} ties)")
    info = write_figure(view, request.out, options, title=title, label_top=request.label_top)
    return (f"Wrote {info.path} ({info.nodes} nodes, {info.edges} ties, {info.format}): {len(info.legend)} colours "
            f"({', '.join(info.legend)}), {len(info.labelled)} nodes named"
            + (f"; no free place for {len(info.unlabelled)} more label(s)" if info.unlabelled else "") + ".")

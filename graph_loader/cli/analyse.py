"""``diaspora-kg analyze`` and ``viz``: brokers, coalitions and pictures, from Neo4j or straight from files."""

from __future__ import annotations

from pathlib import Path

import click

from ..choices import AGENT_NETWORKS, BROKER_MEASURES, COLOR_BY, COMMUNITY_METHODS
from ..engines import AUTO_GDS_AGENTS, DEFAULT_ENGINE, ENGINE_CHOICES, needs_server
from ..report.analysis import WHAT
from ..report.table import all_columns, check_columns, parse_columns, print_rows
from .app import (
    echo,
    main,
    note,
    params_from,
    reports_errors,
    table_options,
)


# -- analysis and pictures --------------------------------------------------------------------------------------
def _files(from_rdf: tuple[Path, ...], offline: bool) -> tuple[Path, ...] | None:
    """The files ``--from-rdf`` names (``()`` with ``--offline``: the seed corpus), or None: Neo4j."""
    return tuple(from_rdf) if (from_rdf or offline) else None


def _rdf_option(func):
    return click.option("--from-rdf", "from_rdf", multiple=True, type=click.Path(exists=True, path_type=Path),
                        help="Analyse these RDF/CSV files straight, without Neo4j (repeatable).")(
        click.option("--offline", is_flag=True, help="Analyse the seed corpus files without Neo4j.")(func))


def _actor_options(func):
    func = click.option("--include-collectives", is_flag=True,
                        help="Also rank collectives (unnamed populations of actors, dkg:Collective), left out by "
                             "default.")(func)
    return click.option("--kinds", metavar="CLASS[,CLASS…]", default=None,
                        help="Only agents of these ontology classes (a class includes its subclasses), e.g. "
                             "Federation,HometownAssociation or PublicBody,Person.")(func)


def actor_set(kinds: str | None, include_collectives: bool):
    """The :class:`~graph_loader.analysis.actors.ActorSet` the options ask for; a class that is no kind of agent in
    the ontology is a usage error naming the classes that are."""
    from ..analysis.actors import ActorSet
    from ..ontology.schema import load_schema

    chosen = tuple(k.strip() for k in (kinds or "").split(",") if k.strip())
    agent_classes = sorted(c.label for c in load_schema().classes.values() if "Agent" in c.labels)
    unknown = [k for k in chosen if k not in agent_classes]
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not a kind of agent "
                                 f"in the ontology; use some of: {', '.join(agent_classes)}", param_hint="--kinds")
    return ActorSet(kinds=chosen, include_collectives=include_collectives)


@main.command()
@click.argument("what", type=click.Choice(WHAT))
@click.option("--projection", type=click.Choice(AGENT_NETWORKS), default=AGENT_NETWORKS[0], show_default=True)
@click.option("--method", type=click.Choice(COMMUNITY_METHODS), default=COMMUNITY_METHODS[0], show_default=True)
@click.option("--engine", type=click.Choice(ENGINE_CHOICES), default=DEFAULT_ENGINE, show_default=True,
              help="networkx: the graph read into this process (igraph for large networks); gds: Graph Data "
                   "Science inside Neo4j, for graphs too large for one Python process; auto: gds when the server "
                   f"has it and the network has more than {AUTO_GDS_AGENTS:,} agents.")
@click.option("--top", type=click.IntRange(1), default=15, show_default=True, help="How many brokers to show.")
@click.option("--seed", type=int, default=0, show_default=True)
@table_options
@click.option("--no-write", is_flag=True, help="Do not write the scores back to Neo4j.")
@_actor_options
@_rdf_option
@reports_errors
def analyze(what, projection, method, engine, top, seed, fmt, columns, wide, no_write, kinds, include_collectives,
            from_rdf, offline):
    """Find brokers and coalitions (NetworkX here, or GDS in Neo4j); write scores back as score_* properties.

    The actors are organisations and people: collectives (unnamed populations of actors such as a country's
    hometown associations in the US) are left out unless --include-collectives; --kinds narrows the set."""
    from ..analysis.summary import AnalysisParameters
    from ..engines import run_engine
    from ..engines.source import open_source
    from ..report.analysis import actors_line, analysis_tables, engine_line, run_lines

    asked = parse_columns(columns)
    parameters = AnalysisParameters(projection=projection, method=method, seed=seed, top=top,
                                    actors=actor_set(kinds, include_collectives))
    files = _files(from_rdf, offline)
    if files is not None and needs_server(engine):
        raise click.UsageError(f"--engine {engine} needs Neo4j (drop --offline/--from-rdf)")
    with open_source(files, echo=echo) as source:
        result = run_engine(engine, source, parameters, write=not no_write,
                            chosen=lambda name, why: echo(engine_line(name, why)))
    for line in run_lines(result):
        echo(line)
    note(actors_line(result))
    tables = analysis_tables(result, what, fmt, top)
    if asked is not None and what == "summary":  # each table takes the asked columns it has
        check_columns(asked, list(dict.fromkeys(c for rows, *_ in tables for c in all_columns(rows))))
    for rows, title, layout, about in tables:
        chosen = asked
        if asked is not None and what == "summary":
            chosen = [c for c in asked if c in all_columns(rows)] or None
        print_rows(rows, fmt, title=title, layout=layout, columns=chosen, wide=wide)
        note(about)


def _measure(value: str) -> str:
    """``--size-by``: a measure the analysis computes (checked here, not after the graph is read and analysed)."""
    if value not in BROKER_MEASURES:
        raise click.BadParameter(f"{value!r} is not a measure; choose one of {', '.join(BROKER_MEASURES)}",
                                 param_hint="--size-by")
    return value


@main.command()
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Output file: .html (interactive), .png, .svg or .pdf (static figure).")
@click.option("--query", "query_name", help="Draw the nodes a named query returns.")
@click.option("--param", "-p", "param_values", multiple=True, metavar="KEY=VALUE")
@click.option("--focus", help="Draw the neighbourhood of this organisation (name, acronym or URI).")
@click.option("--depth", type=click.IntRange(1, 6), default=1, show_default=True)
@click.option("--brokers", "brokers_top", type=click.IntRange(1, 50), default=None, metavar="N",
              help="Draw the N best brokers (organisations and people) and the actors tied to them.")
@click.option("--color-by", type=click.Choice(COLOR_BY), default=COLOR_BY[0], show_default=True)
@click.option("--size-by", default="degree", show_default=True, callback=lambda ctx, param, value: _measure(value),
              help="degree, or a broker measure: " + ", ".join(m for m in BROKER_MEASURES if m != "degree") + ".")
@click.option("--labels", "label_top", type=click.IntRange(0, 100), default=12, show_default=True,
              help="A figure names this many nodes, the largest first (the brokers first with --brokers).")
@click.option("--physics/--no-physics", default=None, help="Force the physics simulation on or off.")
@click.option("--title", default=None, help="The title (default: what is drawn, with its size).")
@_rdf_option
@reports_errors
def viz(out, query_name, param_values, focus, depth, brokers_top, color_by, size_by, label_top, physics, title,
        from_rdf, offline):
    """Draw the network: a self-contained HTML file (search, legend, filters) or a figure for a paper.

    A figure (.png, .svg, .pdf) is 7 inches wide: at most ten colours for the kinds of node (cut from the
    ontology's class tree), shapes for the home country, the largest nodes named without overlap, the legend beside
    the drawing, and a two-line title that says what is drawn and how."""
    from ..engines.source import open_source
    from ..ontology.schema import load_schema
    from ..viz.options import PictureRequest
    from ..viz.picture import choose_view, write_picture

    request = PictureRequest(out=out, query=query_name, params=params_from(param_values) if query_name else {},
                             focus=focus, depth=depth, brokers=brokers_top, color_by=color_by, size_by=size_by,
                             label_top=label_top, physics=physics, title=title)
    files = _files(from_rdf, offline)
    if request.query and files is not None:
        raise click.UsageError("--query needs Neo4j (drop --offline/--from-rdf)")
    with open_source(files, echo=echo) as source:
        chosen = choose_view(source, request)
    echo(write_picture(chosen, request, load_schema().styles(), echo=echo))

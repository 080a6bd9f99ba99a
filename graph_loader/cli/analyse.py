"""``diaspora-kg analyze`` and ``viz``: brokers, coalitions and pictures, from Neo4j or straight from files."""

from __future__ import annotations

from pathlib import Path

import click

from ..report.table import Layout, all_columns, check_columns, parse_columns, print_rows
from .app import (
    echo,
    main,
    note,
    params_from,
    reports_errors,
    table_options,
)

#: Brokers: who (name, kind, country), then the measures, most telling first; the URI and the five Gould-Fernandez
#: roles with --wide or --columns.
BROKER_LAYOUT = Layout(default=("name", "kind", "country", "betweenness", "brokerage", "effective_size",
                                "constraint", "degree"),
                       roles={"name": "name", "kind": "label", "country": "key", "uri": "uri"})
#: Coalitions: their size, what kind of actor dominates them and their members' names; the home country and the
#: sentence describing each when the terminal has room (or --wide, --columns).
COALITION_LAYOUT = Layout(default=("id", "size", "dominant_kind", "members", "dominant_country", "summary"),
                          roles={"members": "text", "summary": "text", "dominant_kind": "label",
                                 "dominant_country": "key"}, comfort={"members": 48, "summary": 40})


# -- analysis and pictures --------------------------------------------------------------------------------------
def _full_graph(from_rdf: tuple[Path, ...] | None):
    """The full NetworkX graph from Neo4j, or straight from RDF/CSV files when ``from_rdf`` is given."""
    from ..ontology.schema import load_schema

    schema = load_schema()
    if from_rdf is not None:
        from ..rdf.sources import from_files

        return from_files(from_rdf or None, schema).to_networkx(schema), None
    from ..neo4j.connection import connect
    from ..neo4j.read import read_property_graph

    db = connect(echo=echo)
    return read_property_graph(db).to_networkx(schema), db


def _rdf_option(func):
    return click.option("--from-rdf", "from_rdf", multiple=True, type=click.Path(exists=True, path_type=Path),
                        help="Analyse these RDF/CSV files straight, without Neo4j (repeatable).")(
        click.option("--offline", is_flag=True, help="Analyse the seed corpus files without Neo4j.")(func))


def _engine_analysis(engine, projection, method, top, seed, no_write, from_rdf, offline):
    """The analysis by the engine ``--engine`` asks for (``auto``: see :func:`graph_loader.engines.choose_engine`)."""
    from ..analysis.summary import analyse
    from ..engines import choose_engine

    if from_rdf or offline:
        if engine == "gds":
            raise click.UsageError("--engine gds needs Neo4j (drop --offline/--from-rdf)")
        G, _ = _full_graph(from_rdf)
        echo("Engine: networkx (reading files, not Neo4j).")
        return analyse(G, projection=projection, method=method, seed=seed)
    from ..neo4j.connection import connect

    db = connect(echo=echo)
    try:
        chosen, why = choose_engine(engine, db)
        echo(f"Engine: {chosen} ({why}).")
        if chosen == "gds":
            from ..engines.gds import analyse_gds

            result = analyse_gds(db, projection=projection, method=method, seed=seed, top=top,
                                 write=not no_write)
            meta = result.brokers_meta
            echo(f"GDS: projected {meta['nodes']:,} agents and {meta['edges']:,} ties in "
                 f"{meta['seconds']['project']:.1f} s; {meta['components']:,} components, main core "
                 f"k={meta['main_core']['k']} ({meta['main_core']['size']} agents).")
            if not no_write:
                echo("Wrote scores (betweenness, constraint, effective_size, efficiency, degree, coalition for "
                     f"every agent; brokerage roles for the {len(result.brokers)} brokers shown) as score_* "
                     "properties.")
            return result
        from ..neo4j.read import read_property_graph
        from ..ontology.schema import load_schema

        result = analyse(read_property_graph(db).to_networkx(load_schema()), projection=projection,
                         method=method, seed=seed)
        if not no_write:
            from ..neo4j.scores import write_scores

            count = write_scores(db, result.scores)
            echo(f"Wrote scores ({', '.join(sorted(result.scores))}) to {count} nodes as score_* properties.")
        return result
    finally:
        db.close()


#: Member names a coalition shows in a table (CSV and JSON carry every member).
TABLE_MEMBERS = 12


def _member_names(members: list[dict], every: bool) -> str:
    """The members' names, ``; ``-separated: all of them, or for a table the first :data:`TABLE_MEMBERS` and how
    many more (a coalition of a 10^6-agent graph has 14,000 members; laying them out took 450 MB).

    >>> members = [{"name": f"HTA {i}"} for i in range(14)]
    >>> _member_names(members, every=False)
    'HTA 0; HTA 1; HTA 2; HTA 3; HTA 4; HTA 5; HTA 6; HTA 7; HTA 8; HTA 9; HTA 10; HTA 11; … and 2 more'
    >>> _member_names(members[:2], every=False) == _member_names(members[:2], every=True) == "HTA 0; HTA 1"
    True
    """
    shown = members if every else members[:TABLE_MEMBERS]
    more = len(members) - len(shown)
    return "; ".join(str(m["name"]) for m in shown) + (f"; … and {more:,} more" if more else "")


@main.command()
@click.argument("what", type=click.Choice(["brokers", "coalitions", "summary"]))
@click.option("--projection", type=click.Choice(["organisations", "affiliation-projection"]),
              default="organisations", show_default=True)
@click.option("--method", type=click.Choice(["louvain", "leiden"]), default="louvain", show_default=True)
@click.option("--engine", type=click.Choice(["networkx", "gds", "auto"]), default="networkx", show_default=True,
              help="networkx: the graph read into this process (igraph for large networks); gds: Graph Data "
                   "Science inside Neo4j, for graphs too large for one Python process; auto: gds when the server "
                   "has it and the network has more than 100,000 agents.")
@click.option("--top", type=click.IntRange(1), default=15, show_default=True, help="How many brokers to show.")
@click.option("--seed", type=int, default=0, show_default=True)
@table_options
@click.option("--no-write", is_flag=True, help="Do not write the scores back to Neo4j.")
@_rdf_option
@reports_errors
def analyze(what, projection, method, engine, top, seed, fmt, columns, wide, no_write, from_rdf, offline):
    """Find brokers and coalitions (NetworkX here, or GDS in Neo4j); write scores back as score_* properties."""
    asked = parse_columns(columns)
    result = _engine_analysis(engine, projection, method, top, seed, no_write, from_rdf, offline)
    tables = []
    if what in ("brokers", "summary"):
        tables.append((result.brokers[:top], f"Top {min(top, len(result.brokers))} brokers ({projection} "
                                             "projection)", BROKER_LAYOUT, result.betweenness_note()))
    if what in ("coalitions", "summary"):
        rows = result.coalition_rows()
        if fmt != "json":
            rows = [{**r, "members": _member_names(r["members"], every=fmt != "table")} for r in rows]
        tables.append((rows, "Coalitions", COALITION_LAYOUT, result.coalitions_note()))
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
    from ..analysis.summary import BROKER_MEASURES

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
@click.option("--color-by", type=click.Choice(["class", "country", "coalition"]), default="class", show_default=True)
@click.option("--size-by", default="degree", show_default=True, callback=lambda ctx, param, value: _measure(value),
              help="degree, or a broker measure: betweenness, constraint, effective_size, efficiency, brokerage, "
                   "coordinator, itinerant, representative, gatekeeper, liaison.")
@click.option("--physics/--no-physics", default=None, help="Force the physics simulation on or off.")
@click.option("--title", default="diaspora-kg network")
@_rdf_option
@reports_errors
def viz(out, query_name, param_values, focus, depth, color_by, size_by, physics, title, from_rdf, offline):
    """Draw the network: a self-contained HTML file (search, legend, filters) or a figure for a paper."""
    from ..analysis.summary import analyse
    from ..ontology.schema import load_schema
    from ..viz import DrawOptions, views, write_figure, write_html

    G, db = _full_graph(from_rdf if (from_rdf or offline) else None)
    try:
        if query_name:
            if db is None:
                raise click.UsageError("--query needs Neo4j (drop --offline/--from-rdf)")
            from ..neo4j.queries import run_named

            view = views.from_rows(G, run_named(db, query_name, params_from(param_values)))
        elif focus:
            view = views.neighbourhood(G, focus, depth)
        else:
            view = views.whole(G)
    finally:
        if db is not None:
            db.close()
    scores, groups = None, None
    if size_by != "degree" or color_by == "coalition":
        from ..analysis.summary import stored_scores

        stored = stored_scores(G) if db is not None else {}
        needed = ({size_by} - {"degree"}) | ({"coalition"} if color_by == "coalition" else set())
        if stored and needed <= stored.keys():  # written by `analyze`, whichever engine ran
            echo(f"Using the score_* properties stored in Neo4j ({', '.join(sorted(needed))}).")
            scores = {k: v for k, v in stored.items() if k != "coalition"}
            groups = stored.get("coalition", {})
        else:
            result = analyse(G)
            scores, groups = result.broker_scores, result.groups
    options = DrawOptions(styles=load_schema().styles(), color_by=color_by, size_by=size_by, scores=scores,
                          groups=groups, title=title)
    if out.suffix.lower() == ".html":
        summary = write_html(view, out, options, evidence=views.evidence_index(G),
                             physics="auto" if physics is None else physics)
        echo(f"Wrote {summary.path} ({summary.nodes} nodes, {summary.edges} ties, {summary.bytes / 1e6:.1f} MB, "
              f"{summary.mode}); it opens offline in any browser.")
    else:
        info = write_figure(view, out, options)
        echo(f"Wrote {info.path} ({info.nodes} nodes, {info.edges} ties, {info.format}).")

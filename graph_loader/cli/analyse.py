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


def _engine_analysis(engine, projection, method, top, seed, no_write, from_rdf, offline, actors=None):
    """The analysis by the engine ``--engine`` asks for (``auto``: see :func:`graph_loader.engines.choose_engine`)."""
    from ..analysis.summary import analyse
    from ..engines import choose_engine

    if from_rdf or offline:
        if engine == "gds":
            raise click.UsageError("--engine gds needs Neo4j (drop --offline/--from-rdf)")
        G, _ = _full_graph(from_rdf)
        echo("Engine: networkx (reading files, not Neo4j).")
        return analyse(G, projection=projection, method=method, seed=seed, actors=actors)
    from ..neo4j.connection import connect

    db = connect(echo=echo)
    try:
        chosen, why = choose_engine(engine, db)
        echo(f"Engine: {chosen} ({why}).")
        if chosen == "gds":
            from ..engines.gds import analyse_gds

            result = analyse_gds(db, projection=projection, method=method, seed=seed, top=top,
                                 write=not no_write, actors=actors)
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
                         method=method, seed=seed, actors=actors)
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
@_actor_options
@_rdf_option
@reports_errors
def analyze(what, projection, method, engine, top, seed, fmt, columns, wide, no_write, kinds, include_collectives,
            from_rdf, offline):
    """Find brokers and coalitions (NetworkX here, or GDS in Neo4j); write scores back as score_* properties.

    The actors are organisations and people: collectives (unnamed populations of actors such as a country's
    hometown associations in the US) are left out unless --include-collectives; --kinds narrows the set."""
    asked = parse_columns(columns)
    actors = actor_set(kinds, include_collectives)
    result = _engine_analysis(engine, projection, method, top, seed, no_write, from_rdf, offline, actors)
    note(f"Actors: {result.actors.label}"
         + (f"; {result.left_out:,} agent{'s' if result.left_out != 1 else ''} left out" if result.left_out else "")
         + ("" if result.actors.collectives else " (--include-collectives adds the collectives)") + ".")

    def with_set(rows: list[dict]) -> list[dict]:
        # CSV and JSON carry the actor set on every row: a file read later says which actors it ranks
        return rows if fmt == "table" else [{**row, "actor_set": result.actors.label} for row in rows]

    tables = []
    if what in ("brokers", "summary"):
        brokers = with_set(result.brokers[:top])
        tables.append((brokers, f"Top {len(brokers)} brokers among {result.actors.label} ({projection} projection)",
                       BROKER_LAYOUT, result.betweenness_note()))
    if what in ("coalitions", "summary"):
        rows = with_set(result.coalition_rows())
        if fmt != "json":
            rows = [{**r, "members": _member_names(r["members"], every=fmt != "table")} for r in rows]
        tables.append((rows, f"Coalitions among {result.actors.label}", COALITION_LAYOUT, result.coalitions_note()))
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
@click.option("--brokers", "brokers_top", type=click.IntRange(1, 50), default=None, metavar="N",
              help="Draw the N best brokers (organisations and people) and the actors tied to them.")
@click.option("--color-by", type=click.Choice(["class", "country", "coalition"]), default="class", show_default=True)
@click.option("--size-by", default="degree", show_default=True, callback=lambda ctx, param, value: _measure(value),
              help="degree, or a broker measure: betweenness, constraint, effective_size, efficiency, brokerage, "
                   "coordinator, itinerant, representative, gatekeeper, liaison.")
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
    from ..analysis.summary import analyse
    from ..ontology.schema import load_schema
    from ..viz import DrawOptions, views, write_figure, write_html

    G, db = _full_graph(from_rdf if (from_rdf or offline) else None)
    analysed = None
    try:
        if query_name:
            if db is None:
                raise click.UsageError("--query needs Neo4j (drop --offline/--from-rdf)")
            from ..neo4j.queries import run_named

            view = views.from_rows(G, run_named(db, query_name, params_from(param_values)))
            default_title = f"What the query {query_name} returns"
        elif focus:
            view = views.neighbourhood(G, focus, depth)
            centre = views.find_node(G, focus)
            default_title = (f"{G.nodes[centre].get('name', centre)} and everything within {depth} "
                             f"tie{'s' if depth > 1 else ''}")
        elif brokers_top:
            analysed = analyse(G)
            view = views.brokers(G, [r["uri"] for r in analysed.brokers], top=brokers_top, actors=analysed.actors)
            default_title = (f"The {brokers_top} best brokers among {analysed.actors.label}, and the actors tied "
                             "to them")
        else:
            view = views.whole(G)
            default_title = "Actors and institutions of the graph"
    finally:
        if db is not None:
            db.close()
    scores, groups = None, None
    if analysed is not None:
        scores, groups = analysed.broker_scores, analysed.groups
    elif size_by != "degree" or color_by == "coalition":
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
    edge_width_by = "strength" if brokers_top else None
    options = DrawOptions(styles=load_schema().styles(), color_by=color_by, size_by=size_by, scores=scores,
                          groups=groups, edge_width_by=edge_width_by)
    if out.suffix.lower() == ".html":
        summary = write_html(view, out, options, evidence=views.evidence_index(G), title=title or "diaspora-kg network",
                             physics="auto" if physics is None else physics)
        echo(f"Wrote {summary.path} ({summary.nodes} nodes, {summary.edges} ties, {summary.bytes / 1e6:.1f} MB, "
              f"{summary.mode}); it opens offline in any browser.")
    else:
        title = title or f"{default_title} ({view.number_of_nodes():,} nodes, {view.number_of_edges():,} ties)"
        info = write_figure(view, out, options, title=title, label_top=label_top)
        echo(f"Wrote {info.path} ({info.nodes} nodes, {info.edges} ties, {info.format}): {len(info.legend)} colours "
             f"({', '.join(info.legend)}), {len(info.labelled)} nodes named"
             + (f"; no free place for {len(info.unlabelled)} more label(s)" if info.unlabelled else "") + ".")

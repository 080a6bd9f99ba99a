"""``diaspora-kg lookup TEXT``: the id of a resource from its name, for CSV templates and queries."""

from __future__ import annotations

from pathlib import Path

import click

from ..report.table import Layout, parse_columns, print_rows
from .app import echo, main, reports_errors, table_options

#: A match: its name and the id to write in a CSV template first; kind, country, place and source after; each
#: match as a record when a terminal is too narrow for them all.
LOOKUP_LAYOUT = Layout(default=("name", "id", "kind", "country", "place", "source"),
                       roles={"name": "name", "id": "key", "kind": "label", "country": "key", "place": "name",
                              "source": "text", "matched": "name", "also_known_as": "name", "files": "path",
                              "merged": "uri", "uri": "uri", "score": "number"},
                       records=True)


@main.command()
@click.argument("text", nargs=-1, required=True)
@click.option("--kind", "kinds", multiple=True, metavar="LABEL",
              help="Only resources of this class (HometownAssociation, Place, ...; repeatable).")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True, help="Matches shown at most.")
@click.option("--offline", is_flag=True, help="Look in the seed corpus files, without Neo4j.")
@click.option("--from-rdf", "from_rdf", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Look in these RDF/CSV files, without Neo4j (repeatable).")
@table_options
@reports_errors
def lookup(text, kinds, limit, offline, from_rdf, fmt, columns, wide):
    """Find resources by name: case, accents and small misspellings ignored, alternative names and acronyms
    included. Prints each match's id (the short id a CSV template takes, e.g. org/fedecmi or place/MX-ZAC),
    kind, country, place and source.

    TEXT may be several words without quotes: `diaspora-kg lookup monte escobedo`.
    """
    from ..lookup import context_types, find, quoted_type
    from ..ontology.schema import load_schema

    asked = " ".join(text).strip()
    if not asked:
        raise click.UsageError("give a name to look up")
    schema = load_schema()
    if offline or from_rdf:
        from ..rdf.sources import from_files

        found = find(asked, from_files(list(from_rdf) or None, schema), schema, limit=limit, kinds=kinds)
    else:
        from ..lookup import score
        from ..neo4j.connection import connect
        from ..neo4j.lookup import all_names, around, candidate_uris

        with connect(echo=echo) as db:
            names = all_names(db)  # every name of a graph of ordinary size: the files' answer; else the index's
            if names is None:
                uris = candidate_uris(db, asked)
            else:
                uris = [uri for _, uri, _ in score(asked, names, kinds=kinds)[:limit]]
            graph = around(db, uris, context_types(schema), quoted_type(schema))
        found = find(asked, graph, schema, limit=limit, kinds=kinds, candidates=uris)
    rows = [f.row() for f in found]
    if not rows and fmt == "table":
        echo(f"Nothing named like {asked!r}" + (f" of kind {', '.join(kinds)}" if kinds else "")
             + ". Try fewer words, another spelling or language, an acronym; `diaspora-kg query neighbourhood -p "
               "name=...` explores around a name you know.")
        return
    print_rows(rows, fmt, title=f"Resources named like {asked!r}", layout=LOOKUP_LAYOUT,
               columns=parse_columns(columns), wide=wide)
    if fmt == "table" and rows:
        echo("The id goes into a CSV template's id or link columns as it is (data/templates/README.md).")

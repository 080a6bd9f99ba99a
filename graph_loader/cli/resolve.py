"""``resolve``: records that may name the same organisation, person or place, into a decisions file; ``--review``
decides them in the terminal (each answer written at once); ``--apply`` merges the accepted pairs in Neo4j
(:mod:`graph_loader.neo4j.merges`)."""

from __future__ import annotations

import os
import shlex
import shutil
import textwrap
from pathlib import Path

import click

from ..errors import UsageError
from ..report.commands import invoked_as
from ..resolution.candidates import DEFAULT_MIN_SCORE
from .app import echo, main, progress_factory, reports_errors

#: Candidates listed on the terminal (the decisions file holds them all).
SHOWN = 15


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--offline", is_flag=True,
              help="Read RDF/CSV files (the seed corpus and PATHS), not Neo4j (default: the loaded graph).")
@click.option("--decisions", "decisions_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("decisions.csv"), show_default=True,
              help="The decisions file to write, or to bring up to date (every decision in it is kept).")
@click.option("--min-score", type=click.FloatRange(0.0, 1.0), default=DEFAULT_MIN_SCORE, show_default=True,
              help="Pairs scoring below this are no candidates.")
@click.option("--without-seed", is_flag=True, help="With --offline: read PATHS only, not the seed corpus.")
@click.option("--review", is_flag=True,
              help="Then review the undecided pairs one by one in the terminal (yes/no/unsure/skip/quit); each "
                   "answer is written to the decisions file at once.")
@click.option("--reviewer", default=None, help="Who decides in --review (default: $USER, else the login name).")
@click.option("--apply", "apply_path", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Apply this decisions file to the loaded graph instead: each accepted (yes) pair becomes one "
                   "node. `diaspora-kg unload FILE` undoes it.")
@reports_errors
def resolve(paths, offline, decisions_path, min_score, without_seed, review, reviewer, apply_path):
    """Find records that may name the same organisation, person or place, in the loaded graph (or, --offline, in
    RDF/CSV files: the seed corpus and PATHS), and write them to a decisions file to review: one row per pair,
    with its score and reasons; decide each with --review, or write yes, no or unsure, who and when in its row.
    Run again after new data: decisions are kept, scores brought up to date. `--apply FILE` merges the accepted
    pairs in the graph; `unload FILE` undoes that.

    Exit codes: 0 done, 1 a decision the graph cannot honour (an unknown id, kinds that cannot be one thing),
    2 other errors (an unreadable file, a bad decisions file: file and line named).
    """
    if apply_path is not None:
        if paths or offline or review or without_seed:
            raise UsageError("--apply takes no PATHS, --offline, --without-seed or --review",
                             hint="run `diaspora-kg resolve --apply decisions.csv` on its own")
        _apply(apply_path)
        return
    if without_seed and not offline:
        raise UsageError("--without-seed goes with --offline", hint="the loaded graph is read whole")
    if paths and not offline:
        raise UsageError("PATHS are read with --offline only",
                         hint="load them first (`diaspora-kg load PATHS`), or add --offline")
    if not paths and without_seed:
        raise UsageError("--without-seed and no file: nothing to read", hint="name files or folders to read")
    who = reviewer or os.environ.get("USER") or os.environ.get("USERNAME") or _login()
    if review and not who.strip():
        raise UsageError("--review needs to know who decides", hint="add --reviewer NAME")
    _find(paths, offline, decisions_path, min_score, without_seed, review, who.strip())


def _login() -> str:
    """The login name of this process's user (its password-database entry), or "" when there is none."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _find(paths, offline, decisions_path, min_score, without_seed, review, who) -> None:
    from ..ontology.schema import load_schema
    from ..resolution.candidates import find_candidates
    from ..resolution.decisions import merge_candidates, read_decisions, write_decisions
    from ..resolution.files import graph_from_files, seed_and
    from ..resolution.records import Vocabulary, records_from_graph

    existing = read_decisions(decisions_path) if decisions_path.exists() else []
    schema = load_schema()
    if offline:
        graph, files = graph_from_files(seed_and(paths, not without_seed), schema)
        read = f"Read {files} file(s)"
    else:
        from ..neo4j.connection import connect
        from ..neo4j.read import read_property_graph

        with connect(echo=echo) as db:
            graph = read_property_graph(db)
        read = f"Read the loaded graph ({len(graph.nodes):,} nodes)"
    records = records_from_graph(graph, Vocabulary.from_schema(schema))
    families = {f: sum(1 for r in records if r.family == f) for f in ("organisation", "person", "place")}
    candidates = find_candidates(records, min_score=min_score, progress=progress_factory())
    merged = merge_candidates(existing, candidates)
    write_decisions(decisions_path, merged.decisions)
    _show(candidates)
    echo(f"{read}: {families['organisation']} organisations, {families['person']} people, "
         f"{families['place']} places with names of their own.")
    echo(f"{len(candidates)} candidate pair(s) scoring at least {min_score:g}. Wrote {decisions_path}: "
         f"{len(merged.decisions)} row(s), {merged.new} new, {merged.updated} found again, {merged.kept} decided "
         f"and kept though no longer proposed, {merged.dropped} undecided dropped; {merged.decided} decided.")
    if review:
        _review(decisions_path, merged.decisions, {r.uri: r for r in records}, graph, who)


def _review(path: Path, decisions: list, records: dict, graph, who: str) -> None:
    """Ask about each undecided pair, best score first; write the file after every answer (a review stopped at
    any moment loses no answer given)."""
    import datetime as dt
    from dataclasses import replace

    from ..resolution.decisions import write_decisions
    from ..resolution.review import answer, details, side_by_side

    rows = {d.pair: d for d in decisions}
    todo = sorted((d for d in decisions if not d.decision), key=lambda d: (-(d.score or 0.0), d.pair))
    if not todo:
        echo(f"Nothing to review: every pair in {path} is decided.")
        return
    width = max(60, shutil.get_terminal_size((100, 20)).columns)
    answered = skipped = 0
    for number, row in enumerate(todo, 1):
        click.echo("")
        click.echo(f"Pair {number} of {len(todo)}: score {row.score if row.score is not None else '-'}")
        for line in side_by_side(details(records.get(row.left), graph, row.left),
                                 details(records.get(row.right), graph, row.right), width):
            click.echo(line)
        for reason in filter(None, (r.strip() for r in row.reasons.split(";"))):
            click.echo(textwrap.fill(reason, width, initial_indent="  · ", subsequent_indent="    "))
        try:
            while True:
                understood, decision = answer(click.prompt("Same thing? [y]es / [n]o / [u]nsure / [s]kip / [q]uit",
                                                           default="s", show_default=False))
                if understood:
                    break
                click.echo("Answer y, n, u, s or q.")
            if decision is None:
                break
            if decision == "":
                skipped += 1
                continue
            note = click.prompt("Note (why; Enter for none)", default="", show_default=False).strip()
        except click.exceptions.Abort:  # Ctrl-C or the end of the input: every answer given is written already
            click.echo("")
            echo("Review stopped.")
            break
        when = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        rows[row.pair] = replace(row, decision=decision, who=who, when=when, note=note)
        write_decisions(path, rows.values())
        answered += 1
    left = len(todo) - answered - skipped
    echo(f"Reviewed {answered} pair(s) as {who}, skipped {skipped}, {left} left undecided; wrote {path}.")
    if answered:
        echo(f"Apply the accepted pairs with `{invoked_as()} resolve --apply {shlex.quote(str(path))}`.")


def _apply(path: Path) -> None:
    from ..neo4j.connection import connect
    from ..neo4j.ledger import load_lock
    from ..neo4j.merges import apply_file

    with connect(echo=echo) as db, load_lock(db, echo):
        result = apply_file(db, path)
    if result["status"] == "unchanged":
        echo(f"{result['source']} is applied already and unchanged: nothing to do.")
        return
    undone = f" (its earlier version undone first: {result['nodes_restored']} node(s) restored)" \
        if result["status"] == "reapplied" else ""
    echo(f"Applied {result['source']}{undone}: {result['yes']} accepted pair(s) made {result['groups']} node(s) of "
         f"{result['groups'] + result['nodes_merged']} ({result['nodes_merged']} merged, "
         f"{result['relationships_moved']} relationship(s) moved); {result['no']} no, {result['unsure']} unsure, "
         f"{result['open']} undecided left as they are.")
    echo(f"Undo with `{invoked_as()} unload {shlex.quote(str(path))}`.")


def _show(candidates) -> None:
    """The best candidates, one per line, cut to the terminal's width."""
    if not candidates:
        return
    width = max(60, shutil.get_terminal_size((100, 20)).columns)
    half = (width - 11) // 2  # "0.99  " and "  ~  " around the two names
    for c in candidates[:SHOWN]:
        click.echo(f"{c.score:.2f}  {_cut(c.left_name, half)}  ~  {_cut(c.right_name, half)}")
    if len(candidates) > SHOWN:
        click.echo(f"... and {len(candidates) - SHOWN} more in the decisions file")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"

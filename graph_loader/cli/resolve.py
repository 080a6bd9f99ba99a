"""``resolve``: records that may name the same organisation, person or place, into a decisions file."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from ..errors import UsageError
from ..resolution.candidates import DEFAULT_MIN_SCORE
from .app import echo, main, progress_factory, reports_errors

#: Candidates listed on the terminal (the decisions file holds them all).
SHOWN = 15


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--offline", is_flag=True,
              help="Read RDF/CSV files (the seed corpus and PATHS), not Neo4j. Required for now.")
@click.option("--decisions", "decisions_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("decisions.csv"), show_default=True,
              help="The decisions file to write, or to bring up to date (every decision in it is kept).")
@click.option("--min-score", type=click.FloatRange(0.0, 1.0), default=DEFAULT_MIN_SCORE, show_default=True,
              help="Pairs scoring below this are no candidates.")
@click.option("--without-seed", is_flag=True, help="Read PATHS only, not the seed corpus.")
@reports_errors
def resolve(paths, offline, decisions_path, min_score, without_seed):
    """Find records that may name the same organisation, person or place (PATHS: RDF/CSV files or folders, read
    with the seed corpus), and write them to a decisions file to review: one row per pair, with its score and
    reasons; write yes, no or unsure, who and when in a row to decide it. Run again after new data: decisions
    are kept, scores brought up to date.

    Exit codes: 0 done, 2 error (an unreadable file, a bad decisions file: file and line named).
    """
    from ..resolution.candidates import find_candidates
    from ..resolution.decisions import merge_candidates, read_decisions, write_decisions
    from ..resolution.files import records_from_files, seed_and

    if not offline:
        raise UsageError("resolve reads files only for now: the search in Neo4j comes with the loader's redesign",
                         hint="run `diaspora-kg resolve --offline [FILES]`: it reads the seed corpus and FILES")
    if not paths and without_seed:
        raise UsageError("--without-seed and no file: nothing to read", hint="name files or folders to read")
    existing = read_decisions(decisions_path) if decisions_path.exists() else []
    records, files = records_from_files(seed_and(paths, not without_seed))
    families = {f: sum(1 for r in records if r.family == f) for f in ("organisation", "person", "place")}
    candidates = find_candidates(records, min_score=min_score, progress=progress_factory())
    merged = merge_candidates(existing, candidates)
    write_decisions(decisions_path, merged.decisions)
    _show(candidates)
    echo(f"Read {files} file(s): {families['organisation']} organisations, {families['person']} people, "
         f"{families['place']} places with names of their own.")
    echo(f"{len(candidates)} candidate pair(s) scoring at least {min_score:g}. Wrote {decisions_path}: "
         f"{len(merged.decisions)} row(s), {merged.new} new, {merged.updated} found again, {merged.kept} decided "
         f"and kept though no longer proposed, {merged.dropped} undecided dropped; {merged.decided} decided.")


def _show(candidates) -> None:
    """The best candidates, one per line, cut to the terminal's width."""
    if not candidates:
        return
    width = max(60, shutil.get_terminal_size((100, 20)).columns)
    half = (width - 10) // 2
    for c in candidates[:SHOWN]:
        click.echo(f"{c.score:.2f}  {_cut(c.left_name, half)}  ~  {_cut(c.right_name, half)}")
    if len(candidates) > SHOWN:
        click.echo(f"... and {len(candidates) - SHOWN} more in the decisions file")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"

"""The decisions file: candidate pairs and what a person decided about them, as a CSV file anyone can edit.

One row per pair of records, in this order of columns (:data:`COLUMNS`)::

    left,left_name,right,right_name,score,reasons,decision,who,when,note

* ``left``, ``right``: the two records' ids (absolute IRIs, or short ids such as ``org/fedecmi`` for the corpus's
  own), in either order; the file is written with ``left`` < ``right``;
* ``left_name``, ``right_name``, ``score``, ``reasons``: what ``resolve`` found, to help the reviewer (a pair
  added by hand may leave them empty);
* ``decision``: ``yes`` (the same thing), ``no`` (different things), ``unsure``, or empty (not reviewed yet);
* ``who``, ``when``: who decided (a name or handle) and when (ISO 8601: ``2026-12-07`` or
  ``2026-12-07T10:30:00+01:00``), required with a decision: a decision is a fact with a source;
* ``note``: free text (why), may hold line breaks.

:func:`read_decisions` is strict: every defect is an :class:`~graph_loader.errors.InputError` naming the file and
line (an unknown or missing column, a bad id, a pair with itself, a pair twice, a decision that is not one of
the three, a score outside 0..1, a decision without who or when, a date that is no date). :func:`write_decisions`
writes the rows sorted by ``(left, right)``, so that a new run of ``resolve`` changes only the rows whose pairs
changed and a diff of two versions reads row by row; it replaces the file whole or not at all.
:func:`merge_candidates` brings a file up to date with new candidates without losing a decision.

Decisions are data: ``resolve --apply`` loads the file as a source (:mod:`graph_loader.neo4j.merges`), with
provenance (the file, the line, who, when, the note): each group of ``yes`` pairs becomes one node, exported with
``owl:sameAs``; ``no`` and ``unsure`` change nothing in the graph (they keep the pair from being asked again), and
``unload`` of the file undoes the merges.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> path = folder / "decisions.csv"
>>> write_decisions(path, [Decision("https://example.org/b", "https://example.org/a", "yes", who="ana",
...                                 when="2026-12-07", note="same board, same address")])
1
>>> print(path.read_text(encoding="utf-8"), end="")
left,left_name,right,right_name,score,reasons,decision,who,when,note
https://example.org/a,,https://example.org/b,,,,yes,ana,2026-12-07,"same board, same address"
>>> [(d.left, d.decision, d.line) for d in read_decisions(path)]
[('https://example.org/a', 'yes', 2)]
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import InputError
from ..rdf.csv_templates import ID_HINT, MAX_CELL_CHARS, _csv_error, _records, _show, expand_id, id_problem
from ..rdf.read import inspect
from .candidates import Candidate

#: The columns, in the order they are written.
COLUMNS = ("left", "left_name", "right", "right_name", "score", "reasons", "decision", "who", "when", "note")
#: The columns a file must have; the others may be left out.
REQUIRED = ("left", "right", "decision")
#: The decisions a row may hold ("" is not reviewed yet).
DECISIONS = ("yes", "no", "unsure")
#: Columns whose values may hold line breaks.
MULTI_LINE = frozenset({"reasons", "note"})


@dataclass(frozen=True, slots=True)
class Decision:
    """One row of the decisions file; ``line`` is where it was read (None for a row not read from a file)."""

    left: str
    right: str
    decision: str = ""
    who: str = ""
    when: str = ""
    note: str = ""
    score: float | None = None
    reasons: str = ""
    left_name: str = ""
    right_name: str = ""
    line: int | None = field(default=None, compare=False)

    def __post_init__(self):
        if self.right < self.left:  # one order for a pair, whichever way it was written
            left, left_name = self.left, self.left_name
            object.__setattr__(self, "left", self.right)
            object.__setattr__(self, "left_name", self.right_name)
            object.__setattr__(self, "right", left)
            object.__setattr__(self, "right_name", left_name)

    @property
    def pair(self) -> tuple[str, str]:
        return self.left, self.right

    def row(self) -> list[str]:
        """The row as written, in the order of :data:`COLUMNS`."""
        score = "" if self.score is None else f"{self.score:.3f}"
        return [self.left, self.left_name, self.right, self.right_name, score, self.reasons, self.decision,
                self.who, self.when, self.note]


def from_candidate(candidate: Candidate) -> Decision:
    """A candidate as a row not reviewed yet."""
    return Decision(candidate.left, candidate.right, score=round(candidate.score, 3),
                    reasons=candidate.reasons_text, left_name=candidate.left_name, right_name=candidate.right_name)


# -- reading -----------------------------------------------------------------------------------------------------

def read_decisions(path: Path) -> list[Decision]:
    """Every row of a decisions file, checked (see the module's docstring); :class:`InputError` at the first
    defect, naming the file and line."""
    path = Path(path)
    try:
        inspect(path)  # exists, a regular file, not empty, UTF-8 text
    except InputError as exc:
        exc.hint = ("a decisions file is CSV text in UTF-8 with a header row, as `resolve --offline` writes it: "
                    "save it so, or delete it to start a new one")
        raise
    with open(path, newline="", encoding="utf-8-sig") as handle:
        records = _records(handle, path)
        header_line, header = _header(records, path)
        seen: dict[tuple[str, str], int] = {}
        decisions = []
        for start, end, fields in records:
            if not any(f.strip() for f in fields):
                continue
            decision = _decision(_cells(fields, header, path, start, end), path, start)
            if decision.pair in seen:
                raise InputError(str(path), f"the pair {decision.left} / {decision.right} is already on line "
                                            f"{seen[decision.pair]}", line=start,
                                 hint="keep one row per pair: merge the two rows, keeping the decision you mean")
            seen[decision.pair] = start
            decisions.append(decision)
    return decisions


def _header(records, path: Path) -> tuple[int, list[str]]:
    first = next(((start, fields) for start, _, fields in records if any(f.strip() for f in fields)), None)
    if first is None:
        raise InputError(str(path), "has no header row", hint=f"the first row names the columns: {','.join(COLUMNS)}")
    start, fields = first
    header = [f.strip() for f in fields]
    for index, name in enumerate(header):
        if name not in COLUMNS:
            raise InputError(str(path), f"unknown column {_show(name) if name else '(empty)'} in the header",
                             line=start, hint=f"the columns are: {','.join(COLUMNS)}")
        if name in header[:index]:
            raise InputError(str(path), f"column {name!r} appears twice in the header", line=start,
                             hint="keep one of the two columns")
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(str(path), f"missing required column(s) {', '.join(missing)} in the header", line=start,
                         hint=f"the header must include {', '.join(REQUIRED)}; all columns: {','.join(COLUMNS)}")
    return start, header


def _cells(fields: list[str], header: list[str], path: Path, start: int, end: int) -> dict[str, str]:
    if len(fields) != len(header):
        spans = f" (the row runs over lines {start}-{end}: an unclosed quote?)" if end > start else ""
        raise InputError(str(path), f"this row has {len(fields)} fields but the header has {len(header)}{spans}",
                         line=start, hint='a value holding a comma must be quoted ("same board, same address"); '
                                          "every row has one field per column, empty ones included (a,,c)")
    cells = {}
    for name, value in zip(header, fields, strict=True):
        if len(value) > MAX_CELL_CHARS:
            raise _csv_error(path, start, end, "field larger than field limit")
        if ("\n" in value or "\r" in value) and name not in MULTI_LINE:
            raise InputError(str(path), f"column {name}: the value runs over lines {start}-{end}, and only "
                                        f"{' and '.join(sorted(MULTI_LINE))} may hold line breaks: an unclosed "
                                        "quote?", line=start, hint="close the quote in this row")
        cells[name] = value.strip()
    return cells


def _decision(cells: dict[str, str], path: Path, line: int) -> Decision:
    def bad(message: str, hint: str) -> InputError:
        return InputError(str(path), message, line=line, hint=hint)

    ids = {}
    for column in ("left", "right"):
        value = cells.get(column, "")
        problem = id_problem(value)
        if problem:
            raise bad(f"column {column}: {_show(value)} is not an id ({problem})", ID_HINT)
        ids[column] = expand_id(value)
    if ids["left"] == ids["right"]:
        raise bad(f"the pair is {ids['left']} with itself", "a row pairs two different records")
    decision = cells.get("decision", "").lower()
    if decision not in ("", *DECISIONS):
        raise bad(f"column decision: {_show(cells['decision'])} is not a decision",
                  "write yes (the same thing), no (different things), unsure, or leave it empty (not reviewed)")
    score = None
    if cells.get("score"):
        try:
            score = float(cells["score"])
        except ValueError:
            score = float("nan")
        if not 0.0 <= score <= 1.0:
            raise bad(f"column score: {_show(cells['score'])} is not a number from 0 to 1",
                      "leave the score as resolve wrote it, or empty")
    who, when = cells.get("who", ""), cells.get("when", "")
    if decision and not who:
        raise bad(f"a decision ({decision}) without who made it", "write your name or handle in the column who")
    if decision and not when:
        raise bad(f"a decision ({decision}) without when it was made",
                  "write the date in the column when, as 2026-12-07")
    if when:
        try:
            dt.datetime.fromisoformat(when)
        except ValueError:
            raise bad(f"column when: {_show(when)} is not an ISO 8601 date or time",
                      "write the date as 2026-12-07, or date and time as 2026-12-07T10:30:00+01:00") from None
    if "\n" in who or "\r" in who:
        raise bad("column who holds a line break", "write one name or handle")
    return Decision(ids["left"], ids["right"], decision, who, when, cells.get("note", ""), score,
                    cells.get("reasons", ""), cells.get("left_name", ""), cells.get("right_name", ""), line=line)


# -- writing -----------------------------------------------------------------------------------------------------

def write_decisions(path: Path, decisions: Iterable[Decision]) -> int:
    """Write ``decisions`` sorted by pair, replacing ``path`` whole or not at all; the number of rows written."""
    path = Path(path)
    rows = sorted(decisions, key=lambda d: d.pair)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=path.parent,
                                         prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows(d.row() for d in rows)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return len(rows)


@dataclass(frozen=True)
class Merged:
    """What :func:`merge_candidates` did: the rows, and how many are new, updated (score and reasons of a pair
    found again), kept (decided pairs no longer proposed) and dropped (undecided pairs no longer proposed)."""

    decisions: list[Decision]
    new: int = 0
    updated: int = 0
    kept: int = 0
    dropped: int = 0

    @property
    def decided(self) -> int:
        return sum(1 for d in self.decisions if d.decision)


def merge_candidates(existing: Iterable[Decision], candidates: Iterable[Candidate]) -> Merged:
    """The decisions file after a new run of ``resolve``: every decision kept, with the scores, reasons and names
    of the pairs found again brought up to date; new pairs added undecided; undecided pairs no longer found
    dropped.

    >>> old = [Decision("ex:a", "ex:b", "no", who="ana", when="2026-12-01"), Decision("ex:a", "ex:c")]
    >>> new = [Candidate("ex:a", "ex:b", 0.8, ()), Candidate("ex:b", "ex:d", 0.6, ())]
    >>> merged = merge_candidates(old, new)
    >>> [(d.pair, d.decision, d.score) for d in merged.decisions], merged.new, merged.updated, merged.dropped
    ([(('ex:a', 'ex:b'), 'no', 0.8), (('ex:b', 'ex:d'), '', 0.6)], 1, 1, 1)
    """
    by_pair = {d.pair: d for d in existing}
    out: dict[tuple[str, str], Decision] = {}
    new = updated = 0
    for candidate in candidates:
        fresh = from_candidate(candidate)
        old = by_pair.get(fresh.pair)
        if old is None:
            new += 1
            out[fresh.pair] = fresh
        else:
            updated += 1
            out[fresh.pair] = replace(old, score=fresh.score, reasons=fresh.reasons, left_name=fresh.left_name,
                                      right_name=fresh.right_name)
    kept = dropped = 0
    for pair, old in by_pair.items():
        if pair in out:
            continue
        if old.decision:
            kept += 1
            out[pair] = old
        else:
            dropped += 1
    return Merged(sorted(out.values(), key=lambda d: d.pair), new, updated, kept, dropped)

"""The search: records in, candidate pairs out, each with its score and reasons.

:func:`find_candidates` prepares every record's names once (:func:`graph_loader.resolution.scoring.prepare`),
finds the pairs worth comparing (:class:`graph_loader.resolution.blocking.Blocks`), keeps those whose kinds are
compatible (:func:`graph_loader.resolution.records.compatible_kinds`) and scores them
(:func:`graph_loader.resolution.scoring.compare`); pairs scoring at least ``min_score`` are candidates.

Place codes written in names: a two- or three-letter code in capitals that is the last part of one place's
``isoCode`` among the records (``IL`` of ``US-IL``) is also read as that place's name (*FED. CLUBES MICHOACANOS
IL* is also compared as *FED. CLUBES MICHOACANOS Illinois*); a code that several places share (``CA``: California,
Cabañas) or that is a stop word (``LA``, ``DE``, ``IN``) is left as it is.

Examples
--------
>>> from graph_loader.resolution.records import Record, Where
>>> org = frozenset({"Organisation"})
>>> records = [
...     Record("ex:fed", "organisation", org | {"Federation"}, "Federation",
...            ("Federación de Clubes Michoacanos en Illinois",)),
...     Record("ex:csv-1", "organisation", org, "Organisation", ("FED. CLUBES MICHOACANOS IL",)),
...     Record("ex:il", "place", frozenset({"Place", "State"}), "State", ("Illinois",),
...            codes=frozenset({("isoCode", "US-IL")})),
...     Record("ex:club", "organisation", org | {"HometownAssociation"}, "HometownAssociation",
...            ("Club Michoacano",))]
>>> [(c.left, c.right, round(c.score, 2)) for c in find_candidates(records)]
[('ex:csv-1', 'ex:fed', 0.99)]
"""

from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..model import fold
from .blocking import Blocks, initials_keys, keys, probe_keys
from .names import STOP_WORDS, Mention, NameForm, PlaceNames, places_differ
from .records import Record, compatible_kinds
from .scoring import CODE_IN_NAME, Prepared, Reason, acronym_similarity, compare, prepare, token_similarity

#: Pairs scoring below this are no candidates.
DEFAULT_MIN_SCORE = 0.5
#: From this many records on, pairs are compared by two processes (see :func:`find_candidates`).
PARALLEL_FROM = 20_000
#: Records whose pairs one task compares (the unit of work handed to a process, and of the progress bar).
CHUNK = 2_000
#: The property whose values are place codes that names may use (``US-IL`` -> ``IL``).
PLACE_CODE = "isoCode"
#: Names at least this alike are spellings of one name (when counting the names an acronym fits).
SAME_NAME = 0.85
#: At most this many places a code found in a name is read as.
MAX_SPELT_OUT = 3

#: ``make(description, total)`` -> ``advance(n)``: a progress bar (``cli.app.progress_factory``), or None.
Progress = Callable[[str, int], Callable[[int], None]]


@dataclass(frozen=True, slots=True)
class Candidate:
    """Two records that may name one thing: their URIs (``left`` < ``right``) and names, the score (0 to 1) and
    its reasons."""

    left: str
    right: str
    score: float
    reasons: tuple[Reason, ...]
    left_name: str = ""
    right_name: str = ""

    @property
    def reasons_text(self) -> str:
        """The reasons in one line: ``names 0.94: 'A' ~ 'B' (+2.6); same home place: x (+2.0)``."""
        return "; ".join(map(str, self.reasons))


def place_codes(records: Iterable[Record], code: str = PLACE_CODE) -> dict[str, list[Record]]:
    """``{"IL": [Illinois], "CA": [Cabañas, California]}``: the last part of each place's code (two or three
    letters), and the places it can stand for (by name).

    >>> il = Record("ex:il", "place", frozenset({"Place"}), "Place", ("Illinois",), codes=frozenset({("isoCode", "US-IL")}))
    >>> {short: [p.name for p in places] for short, places in place_codes([il]).items()}
    {'IL': ['Illinois']}
    """
    found: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        if record.family != "place":
            continue
        for scheme, value in record.codes:
            short = value.rsplit("-", 1)[-1].upper()
            if scheme == code and "-" in value and 2 <= len(short) <= 3:
                found[short].append(record)
    return {short: sorted(places, key=lambda p: p.name) for short, places in sorted(found.items())}


def known_places(records: list[Record]) -> PlaceNames:
    """The names of the places the records point at (home, base, where a place lies): the gazetteer's, not a
    misspelt place of some list that nothing refers to."""
    referred = {uri for r in records for where in (r.home, r.based) for uri in where.all}
    return PlaceNames((r.uri, n) for r in records if r.family == "place" and r.uri in referred for n in r.names)


def spelt_out(name: str, codes: dict[str, list[str]]) -> list[str]:
    """``name`` with a place code written out, once per place the code can stand for (at most
    :data:`MAX_SPELT_OUT`); none when the name has no code. A code is read in capitals only, after another word
    (a name that is only a code, or starts with one, is an acronym: ``US``, ``IME``), and one that is a stop word
    (``LA``, ``DE``) only in a name not written all in capitals (*Fed. de Clubes de Tabasco LA*).

    >>> spelt_out("FED. CLUBES MICHOACANOS IL", {"IL": ["Illinois"]})
    ['FED. CLUBES MICHOACANOS Illinois']
    >>> spelt_out("CLUB LA GOMA", {"LA": ["Louisiana"]}), spelt_out("Club La Goma", {"LA": ["Louisiana"]})
    ([], [])
    """
    if not codes:
        return []
    shouting = name.upper() == name
    found = [m for m in CODE_IN_NAME.finditer(name) if m.group(0) in codes and m.start() > 0
             and not (shouting and fold(m.group(0)) in STOP_WORDS)]
    if not found:
        return []
    match = found[-1]  # a place code ends a name (... IL) far more often than it starts one
    return [name[:match.start()] + place + name[match.end():] for place in codes[match.group(0)][:MAX_SPELT_OUT]]


def acronym_fits(prepared: list[Prepared], probed: dict[int, set[int]]) -> dict[int, int]:
    """For each record with an acronym, how many different bodies' names it is an acronym of: the records
    (of compatible kinds) whose names it fits, grouped so that spellings of one name count once
    (:data:`SAME_NAME`)."""
    fitted: dict[int, list[tuple[NameForm, tuple[Mention, ...]]]] = defaultdict(list)
    for i, j in ((i, j) for i, js in probed.items() for j in js):
        a, b = prepared[i], prepared[j]
        if not compatible_kinds(a.record.kinds, b.record.kinds):
            continue
        for short, other, k in ((a, b, i), (b, a, j)):
            best = [fo for fs in short.forms if fs.acronym for fo in other.forms if acronym_similarity(fs, fo)[1]]
            if best:
                fitted[k].append((best[0], other.mentions_of(best[0])))
    fits = {}
    for k, names in fitted.items():
        groups: list[tuple[NameForm, tuple[Mention, ...]]] = []
        for form, places in names:
            if not any(token_similarity(form.tokens, g.tokens) >= SAME_NAME and not places_differ(places, gp)
                       for g, gp in groups):
                groups.append((form, places))
        fits[k] = len(groups)
    return fits


def find_candidates(records: Iterable[Record], *, min_score: float = DEFAULT_MIN_SCORE,
                    progress: Progress | None = None, workers: int | None = None) -> list[Candidate]:
    """Every pair of records whose kinds are compatible and whose score is at least ``min_score``, best first
    (then by URIs).

    ``workers``: processes that compare pairs (forked, so they share the prepared records without copying);
    default: both cores from :data:`PARALLEL_FROM` records on, where the comparisons outweigh the start of a
    process, else this process alone.
    """
    records = list(records)
    codes = place_codes(records)
    code_names = {short: [p.name for p in places] for short, places in codes.items()}
    code_places = {short: frozenset(p.uri for p in places) for short, places in codes.items()}
    places = known_places(records)
    prepared = []
    for record in records:
        # a place's own name is not read through codes: "US" is the United States, not Usulután (SV-US)
        extra = () if record.family == "place" else \
            tuple(s for name in record.names for s in spelt_out(name, code_names))
        prepared.append(prepare(record, extra, places, code_places))
    blocks = Blocks([keys(p.record.family, p.forms, p.record.codes) for p in prepared],
                    [{k for f in p.forms for k in initials_keys(p.record.family, f)} for p in prepared],
                    [{k for f in p.forms for k in probe_keys(p.record.family, f)} for p in prepared])
    probed = blocks.probed()
    work = _Work(prepared, blocks, probed, acronym_fits(prepared, probed), min_score)
    parts = [(start, min(start + CHUNK, len(records))) for start in range(0, len(records), CHUNK)]
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if len(records) >= PARALLEL_FROM else 1
    if multiprocessing.current_process().daemon:  # a daemonic process may not have children
        workers = 1
    found: list[Candidate] = []
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        global _WORK
        _WORK = work
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                advance = progress("comparing names", len(records)) if progress else None
                for (start, stop), part in zip(parts, pool.imap(_compare_part, parts), strict=True):
                    found += part
                    if advance:
                        advance(stop - start)
        finally:
            _WORK = None
    else:
        advance = progress("comparing names", len(records)) if progress else None
        for start, stop in parts:
            found += work.compare(start, stop)
            if advance:
                advance(stop - start)
    found.sort(key=lambda c: (-c.score, c.left, c.right))
    return found


@dataclass
class _Work:
    """Everything the comparison of pairs needs, prepared once (and shared with forked workers)."""

    prepared: list[Prepared]
    blocks: Blocks
    probed: dict[int, set[int]]
    fits: dict[int, int]
    min_score: float

    def compare(self, start: int, stop: int) -> list[Candidate]:
        """The candidates among the pairs ``(i, j)`` with ``start <= i < stop``."""
        found = []
        for i, j in self.blocks.pairs(self.probed, start, stop):
            a, b = self.prepared[i], self.prepared[j]
            if not compatible_kinds(a.record.kinds, b.record.kinds) or linked(a.record, b.record):
                continue
            score, reasons = compare(a, b, max(self.fits.get(i, 1), self.fits.get(j, 1)), self.min_score)
            if reasons is not None:
                if a.record.uri > b.record.uri:
                    a, b = b, a
                found.append(Candidate(a.record.uri, b.record.uri, score, tuple(reasons), a.record.name,
                                       b.record.name))
        return found


def linked(a: Record, b: Record) -> bool:
    """True when a source already links the two (:attr:`Record.linked`): nothing is left to decide."""
    return b.uri in a.linked or a.uri in b.linked


#: The work a forked worker reads (set by the parent just before it forks).
_WORK: _Work | None = None


def _compare_part(part: tuple[int, int]) -> list[Candidate]:
    return _WORK.compare(*part)

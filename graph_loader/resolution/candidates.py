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

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..model import fold
from .blocking import Blocks, initials_key, keys, probe_keys
from .names import STOP_WORDS
from .records import Record, compatible_kinds
from .scoring import Reason, compare, prepare

#: Pairs scoring below this are no candidates.
DEFAULT_MIN_SCORE = 0.5
#: The property whose values are place codes that names may use (``US-IL`` -> ``IL``).
PLACE_CODE = "isoCode"
_CODE_IN_NAME = re.compile(r"\b[A-Z]{2,3}\b")

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


def place_code_names(records: Iterable[Record], code: str = PLACE_CODE) -> dict[str, str]:
    """``{"IL": "Illinois"}``: the last part of each place's code, for the codes that name one place only and
    are no stop word.

    >>> il = Record("ex:il", "place", frozenset({"Place"}), "Place", ("Illinois",), codes=frozenset({("isoCode", "US-IL")}))
    >>> place_code_names([il])
    {'IL': 'Illinois'}
    """
    found: dict[str, set[str]] = defaultdict(set)
    for record in records:
        if record.family != "place":
            continue
        for scheme, value in record.codes:
            if scheme == code and "-" in value:
                found[value.rsplit("-", 1)[1].upper()].add(record.name)
    return {short: names.pop() for short, names in sorted(found.items())
            if len(names) == 1 and fold(short) not in STOP_WORDS and 2 <= len(short) <= 3}


def spelt_out(name: str, codes: dict[str, str]) -> str | None:
    """``name`` with its place codes written out, or None when it has none.

    >>> spelt_out("FED. CLUBES MICHOACANOS IL", {"IL": "Illinois"})
    'FED. CLUBES MICHOACANOS Illinois'
    """
    if not codes:
        return None
    changed = _CODE_IN_NAME.sub(lambda m: codes.get(m.group(0), m.group(0)), name)
    return changed if changed != name else None


def find_candidates(records: Iterable[Record], *, min_score: float = DEFAULT_MIN_SCORE,
                    progress: Progress | None = None) -> list[Candidate]:
    """Every pair of records whose kinds are compatible and whose score is at least ``min_score``, best first
    (then by URIs)."""
    records = list(records)
    codes = place_code_names(records)
    prepared = []
    for record in records:
        extra = tuple(s for s in (spelt_out(n, codes) for n in record.names) if s)
        prepared.append(prepare(record, extra))
    blocks = Blocks([keys(p.record.family, p.forms, p.record.codes) for p in prepared],
                    [{k for f in p.forms if (k := initials_key(p.record.family, f))} for p in prepared],
                    [{k for f in p.forms for k in probe_keys(p.record.family, f)} for p in prepared])
    advance = progress("comparing names", len(records)) if progress else None
    found = []
    last = 0
    for i, j in blocks.pairs():
        if advance and i > last:
            advance(i - last)
            last = i
        a, b = prepared[i], prepared[j]
        if not compatible_kinds(a.record.kinds, b.record.kinds):
            continue
        score, reasons = compare(a, b)
        if score >= min_score:
            if a.record.uri > b.record.uri:
                a, b = b, a
            found.append(Candidate(a.record.uri, b.record.uri, score, tuple(reasons), a.record.name,
                                   b.record.name))
    if advance and len(records) > last:
        advance(len(records) - last)
    found.sort(key=lambda c: (-c.score, c.left, c.right))
    return found

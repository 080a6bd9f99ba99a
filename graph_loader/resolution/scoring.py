"""Two records compared: how likely they name the same thing, and why.

The score adds up evidence as log-odds, one :class:`Reason` per piece, and turns the sum into a number between 0
and 1 (the logistic function): 0.5 is "as much for as against". What counts:

* **names** (:func:`name_similarity`): the best pair of names of the two records, compared on their tokens
  (:mod:`graph_loader.resolution.names`: folded, abbreviations expanded, kind words in one language, stop words
  out) with rapidfuzz's normalised Indel similarity, order of words ignored; the words that name the body (its
  *core*: *Monte Escobedo*) count, the kind words (*Club*) do not, so a dropped or changed prefix costs nothing;
  an acronym is compared by how it is formed from the other name's words. :data:`NAME_CURVE` turns the
  similarity into log-odds.
* **what the names say the bodies are**: a club's name against a federation's name (``kind`` of
  :class:`~graph_loader.resolution.names.NameForm`) lowers the score.
* **places** (:func:`place_reasons`): the same home place raises it; different home places, home states or
  countries lower it, the farther apart the more; the same for where a body is based, with smaller weights (a
  body moves more easily than its home town changes). For a place, where it lies.
* **founding years**: equal raises, different lowers (a year apart a little, since sources round and misremember).
* **codes**: the same code of the same kind (``isoCode``) settles it; different codes of one kind rule it out.

Every weight is a module constant, named for what it weighs; ``benchmarks/resolution.py`` measures the result.

Examples
--------
>>> from graph_loader.resolution.records import Record, Where
>>> a = Record("ex:a", "organisation", frozenset({"Federation", "Organisation"}), "Federation",
...            ("Federación de Clubes Michoacanos en Illinois",), home=Where(states=frozenset({"ex:MX-MIC"})))
>>> b = Record("ex:b", "organisation", frozenset({"Organisation"}), "Organisation", ("FEDECMI",),
...            acronyms=("FEDECMI",))
>>> c = Record("ex:c", "organisation", frozenset({"Organisation"}), "Organisation",
...            ("Federacion de Clubes Michoacanos en California",), home=Where(states=frozenset({"ex:MX-MIC"})))
>>> score, reasons = compare(prepare(a), prepare(b))
>>> round(score, 2), [r.code for r in reasons]
(0.97, ['acronym'])
>>> score, reasons = compare(prepare(a), prepare(c))
>>> score < 0.5, [r.code for r in reasons]
(True, ['name', 'same-home-state'])
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass

from rapidfuzz import fuzz

from .names import NameForm, acronym_match, name_form
from .records import Record, Where

#: Name similarity -> log-odds, linear between these points (similarity, log-odds).
NAME_CURVE: tuple[tuple[float, float], ...] = (
    (0.0, -9.0), (0.70, -6.0), (0.80, -3.0), (0.87, 0.0), (0.93, 2.5), (1.0, 4.5))
#: The similarity an acronym formed from the other name is worth, by its number of letters (5 and more: the
#: last), for initials; word beginnings and small words' initials are as good (they spell the name's words).
ACRONYM_SIMILARITY = (0.0, 0.0, 0.84, 0.90, 0.94, 0.97)
#: Log-odds of the names saying different kinds of body (a club's name against a federation's).
KIND_WORDS_DIFFER = -4.0
#: Log-odds for home places: the same place; the same state (when a side names no place below it); different
#: places in one state; different states; different countries.
SAME_HOME_PLACE, SAME_HOME_STATE = 2.0, 0.5
HOME_PLACES_DIFFER, HOME_STATES_DIFFER, HOME_COUNTRIES_DIFFER = -3.5, -5.0, -5.0
#: Log-odds for where a body is based (same scale as home places; a body moves more easily than its home town).
SAME_BASE_PLACE, SAME_BASE_STATE = 1.0, 0.3
BASE_PLACES_DIFFER, BASE_STATES_DIFFER, BASE_COUNTRIES_DIFFER = -0.5, -3.0, -3.0
#: Log-odds for founding years: equal; one year apart; farther apart.
SAME_YEAR, YEAR_APART, YEARS_APART = 1.0, -1.0, -3.0
#: Log-odds for codes of one kind (isoCode): a shared one; only different ones.
SAME_CODE, CODES_DIFFER = 6.0, -8.0


@dataclass(frozen=True, slots=True)
class Reason:
    """One piece of evidence: ``code`` (machine-readable: ``name``, ``acronym``, ``same-home-place``...),
    ``weight`` (log-odds; positive for "the same thing") and ``text`` (for people)."""

    code: str
    weight: float
    text: str

    def __str__(self) -> str:
        return f"{self.text} ({self.weight:+.1f})"


@dataclass(frozen=True, slots=True)
class Prepared:
    """A record with its names prepared for comparison (one :class:`~graph_loader.resolution.names.NameForm`
    per name and per acronym)."""

    record: Record
    forms: tuple[NameForm, ...]


def prepare(record: Record, extra_names: tuple[str, ...] = ()) -> Prepared:
    """``record``'s names as :class:`NameForm` (its acronyms marked as such); ``extra_names``: more spellings to
    compare (a place code written out: ``IL`` -> ``Illinois``)."""
    acronyms = set(record.acronyms)
    forms = [name_form(n, n in acronyms) for n in dict.fromkeys((*record.names, *record.acronyms, *extra_names))]
    return Prepared(record, tuple(dict.fromkeys(forms)))


def logistic(x: float) -> float:
    """Log-odds -> probability."""
    return 1.0 / (1.0 + math.exp(-x))


def curve(points: tuple[tuple[float, float], ...], x: float) -> float:
    """The piecewise-linear function through ``points`` at ``x`` (constant beyond the ends).

    >>> curve(((0.0, 0.0), (1.0, 10.0)), 0.25)
    2.5
    """
    xs = [p[0] for p in points]
    k = bisect_right(xs, x)
    if k == 0:
        return points[0][1]
    if k == len(points):
        return points[-1][1]
    (x0, y0), (x1, y1) = points[k - 1], points[k]
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def _ratio(a: str, b: str) -> float:
    return fuzz.ratio(a, b, processor=None) / 100.0


def _aligned(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Similarity of two token lists of one length, each token of ``b`` put beside its best match in ``a`` (so
    that a typo in a word's first letter does not reorder the words)."""
    rest = list(b)
    order = []
    for token in a:
        best = max(rest, key=lambda other: _ratio(token, other))
        rest.remove(best)
        order.append(best)
    return _ratio(" ".join(a), " ".join(order))


def token_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """How alike two token lists are, 0 to 1, whatever the order of the tokens.

    >>> token_similarity(("monte", "escobedo"), ("escobedo", "monte"))
    1.0
    >>> round(token_similarity(("santa", "ana"), ("santa", "ana", "maya")), 2)
    0.78
    """
    if not a or not b:
        return 0.0
    sa, sb = " ".join(sorted(a)), " ".join(sorted(b))
    if sa == sb:
        return 1.0
    similarity = _ratio(sa, sb)
    if len(a) == len(b) > 1:
        similarity = max(similarity, _aligned(a, b))
    return similarity


def name_similarity(a: NameForm, b: NameForm) -> tuple[float, str]:
    """How alike two names are (0 to 1) and how they were compared (``"name"`` or an acronym's habit).

    >>> name_similarity(name_form("Club Monte Escobedo"), name_form("MONTE ESCOBEDO"))
    (1.0, 'name')
    >>> name_similarity(name_form("FEDECMI"), name_form("Federación de Clubes Michoacanos en Illinois"))
    (0.97, 'word beginnings')
    """
    if a.acronym and b.acronym:
        return (1.0, "name") if a.acronym == b.acronym else (0.0, "name")
    if a.acronym or b.acronym:
        short, long = (a, b) if a.acronym else (b, a)
        if len(long.words) < 2:
            return _ratio(short.acronym, "".join(long.words)), "name"
        habit = acronym_match(short.acronym, long.words)
        if habit is None:
            return 0.0, "name"
        return ACRONYM_SIMILARITY[min(len(short.acronym), len(ACRONYM_SIMILARITY) - 1)], habit
    if a.core and b.core:
        return token_similarity(a.core, b.core), "name"
    return token_similarity(a.tokens, b.tokens), "name"


def best_names(a: Prepared, b: Prepared) -> tuple[float, str, NameForm, NameForm]:
    """The most alike pair of names of two records: similarity, how compared, and the two names."""
    best = (-1.0, "name", a.forms[0], b.forms[0])
    for fa in a.forms:
        for fb in b.forms:
            similarity, how = name_similarity(fa, fb)
            if similarity > best[0] or (similarity == best[0] and how == "name" and best[1] != "name"):
                best = (similarity, how, fa, fb)
                if similarity >= 1.0:
                    return best
    return best


def _local(uri: str) -> str:
    """The last segment of a URI, to name a place in a reason."""
    return uri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _names(uris: frozenset[str]) -> str:
    return ", ".join(sorted(map(_local, uris)))


def place_reasons(a: Where, b: Where, what: str, weights: tuple[float, ...]) -> list[Reason]:
    """What two :class:`Where` say, as reasons: ``what`` names the relation (``"home"``, ``"base"``,
    ``"location"``); ``weights`` are (same place, same state, places differ, states differ, countries differ).

    >>> from graph_loader.resolution.records import Where
    >>> town = lambda p, s: Where(frozenset({p}), frozenset({s}), frozenset({"MX"}))
    >>> [r.code for r in place_reasons(town("a", "MX-ZAC"), town("b", "MX-ZAC"), "home", (2, .5, -3, -5, -5))]
    ['home-places-differ']
    >>> [r.code for r in place_reasons(town("a", "MX-ZAC"), Where(states=frozenset({"MX-MIC"})), "home",
    ...                                (2, .5, -3, -5, -5))]
    ['home-states-differ']
    """
    same_place, same_state, places_differ, states_differ, countries_differ = weights
    if not a or not b:
        return []
    if a.countries and b.countries and not a.countries & b.countries:
        return [Reason(f"{what}-countries-differ", countries_differ,
                       f"{what} countries differ: {_names(a.countries)} / {_names(b.countries)}")]
    if a.states and b.states and not a.states & b.states:
        return [Reason(f"{what}-states-differ", states_differ,
                       f"{what} states differ: {_names(a.states)} / {_names(b.states)}")]
    if a.places and b.places:
        if a.places & b.places:
            return [Reason(f"same-{what}-place", same_place, f"same {what} place: {_names(a.places & b.places)}")]
        return [Reason(f"{what}-places-differ", places_differ,
                       f"{what} places differ: {_names(a.places)} / {_names(b.places)}")]
    if a.states & b.states:
        return [Reason(f"same-{what}-state", same_state, f"same {what} state: {_names(a.states & b.states)}")]
    return []


HOME_WEIGHTS = (SAME_HOME_PLACE, SAME_HOME_STATE, HOME_PLACES_DIFFER, HOME_STATES_DIFFER, HOME_COUNTRIES_DIFFER)
BASE_WEIGHTS = (SAME_BASE_PLACE, SAME_BASE_STATE, BASE_PLACES_DIFFER, BASE_STATES_DIFFER, BASE_COUNTRIES_DIFFER)


def fact_reasons(a: Record, b: Record) -> list[Reason]:
    """The reasons of everything but the names: places, founding years, codes."""
    reasons = place_reasons(a.home, b.home, "location" if a.family == "place" else "home", HOME_WEIGHTS)
    reasons += place_reasons(a.based, b.based, "base", BASE_WEIGHTS)
    if a.founded is not None and b.founded is not None:
        gap = abs(a.founded - b.founded)
        if gap == 0:
            reasons.append(Reason("same-founding-year", SAME_YEAR, f"both founded in {a.founded}"))
        else:
            reasons.append(Reason("founding-years-differ", YEAR_APART if gap == 1 else YEARS_APART,
                                  f"founded {a.founded} / {b.founded}"))
    schemes = {s for s, _ in a.codes} & {s for s, _ in b.codes}
    for scheme in sorted(schemes):
        ours = {v for s, v in a.codes if s == scheme}
        theirs = {v for s, v in b.codes if s == scheme}
        if ours & theirs:
            reasons.append(Reason("same-code", SAME_CODE, f"same {scheme}: {', '.join(sorted(ours & theirs))}"))
        else:
            reasons.append(Reason("codes-differ", CODES_DIFFER,
                                  f"{scheme} differs: {', '.join(sorted(ours))} / {', '.join(sorted(theirs))}"))
    return reasons


def compare(a: Prepared, b: Prepared) -> tuple[float, list[Reason]]:
    """The score (0 to 1) that ``a`` and ``b`` name the same thing, and its reasons (kinds assumed compatible:
    :func:`graph_loader.resolution.records.compatible_kinds`)."""
    similarity, how, fa, fb = best_names(a, b)
    weight = curve(NAME_CURVE, similarity)
    if how == "name":
        reasons = [Reason("name", weight, f"names {similarity:.2f}: {fa.raw!r} ~ {fb.raw!r}")]
    else:
        short, long = (fa, fb) if fa.acronym else (fb, fa)
        reasons = [Reason("acronym", weight, f"{short.raw!r} is an acronym of {long.raw!r} ({how})")]
    if fa.kind and fb.kind and fa.kind != fb.kind:
        reasons.append(Reason("kind-words-differ", KIND_WORDS_DIFFER,
                              f"the names say {fa.kind} / {fb.kind}"))
    reasons += fact_reasons(a.record, b.record)
    return logistic(sum(r.weight for r in reasons)), reasons

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
* **founding years**: equal raises, different lowers, the more the farther apart (a year apart a little, since
  sources round and misremember).
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
(0.94, ['acronym'])
>>> score, reasons = compare(prepare(a), prepare(c))
>>> score < 0.5, [r.code for r in reasons]
(True, ['name', 'same-home-state'])
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz

from .names import (
    KIND_GROUPS,
    STOP_WORDS,
    Mention,
    NameForm,
    PlaceNames,
    acronym_match,
    canonical,
    name_form,
    places_differ,
)
from .records import Record, Where

#: A place code as names write it: two or three capitals (``IL``, ``CA``).
CODE_IN_NAME = re.compile(r"\b[A-Z]{2,3}\b")
#: Name similarity -> log-odds, linear between these points (similarity, log-odds).
NAME_CURVE: tuple[tuple[float, float], ...] = (
    (0.0, -9.0), (0.70, -6.0), (0.80, -3.0), (0.87, 0.0), (0.93, 2.5), (1.0, 4.5))
#: The similarity an acronym formed from the other name is worth, by its number of letters (5 and more: the
#: last), for initials; word beginnings and small words' initials are as good (they spell the name's words).
ACRONYM_SIMILARITY = (0.0, 0.0, 0.84, 0.90, 0.94, 0.97)
#: What two different acronyms' similarity as words is worth (``ASOSAC``, ``ASOSC``: not one typo apart, two
#: acronyms; two single words in capitals may be misspelt words, though: ``TEMOAC``, ``TEMMOAC``).
ACRONYMS_APART = 0.9
#: Log-odds of the names saying different kinds of body (a club's name against a federation's).
KIND_WORDS_DIFFER = -4.0
#: Log-odds of the names naming different places (*... en Idaho* / *... en Ohio*: :func:`names.places_differ`).
PLACE_NAMES_DIFFER = -4.0
#: Log-odds of the names holding different numbers (*2da. Sección* / *3ra. Sección*, *Sección 1* / *Sección 2*).
NUMBERS_DIFFER = -4.0
#: Log-odds of one name adding a place the other does not name (*Club Monte Escobedo Zacatecas*), once the
#: names are compared without it; tried for names whose similarity lies in this range.
ADDED_PLACE, ADDED_PLACE_RANGE = -0.5, (0.5, 0.97)
#: How much less a person's name with initials is worth than one written out (*J. L. Gutiérrez*).
INITIALS_FACTOR = 0.97
#: Log-odds for home places: the same place; the same state (when a side names no place below it); different
#: places in one state; different states; different countries.
SAME_HOME_PLACE, SAME_HOME_STATE = 2.0, 0.5
HOME_PLACES_DIFFER, HOME_STATES_DIFFER, HOME_COUNTRIES_DIFFER = -3.5, -5.0, -5.0
#: Log-odds for where a body is based (same scale as home places; a body moves more easily than its home town).
SAME_BASE_PLACE, SAME_BASE_STATE = 1.0, 0.3
BASE_PLACES_DIFFER, BASE_STATES_DIFFER, BASE_COUNTRIES_DIFFER = -0.5, -3.0, -3.0
#: Log-odds for founding years: equal; one year apart (sources round and misremember); two to four; five or more.
SAME_YEAR, YEAR_APART, YEARS_APART, YEARS_FAR_APART = 1.0, -1.0, -2.5, -4.0
#: Log-odds for codes of one kind (isoCode): a shared one settles it, only different ones rule it out.
SAME_CODE, CODES_DIFFER = 12.0, -12.0


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
    """A record with its names prepared for comparison: one :class:`~graph_loader.resolution.names.NameForm`
    per name and per acronym, and the places each names."""

    record: Record
    forms: tuple[NameForm, ...]
    mentions: tuple[tuple[Mention, ...], ...] = ()

    def mentions_of(self, form: NameForm) -> tuple[Mention, ...]:
        if not self.mentions:
            return ()
        return self.mentions[0] if form is self.forms[0] else self.mentions[self.forms.index(form)]


def prepare(record: Record, extra_names: tuple[str, ...] = (), places: PlaceNames | None = None,
            codes: Mapping[str, frozenset[str]] | None = None) -> Prepared:
    """``record``'s names as :class:`NameForm` (its acronyms marked as such); ``extra_names``: more spellings to
    compare (a place code written out: ``IL`` -> ``Illinois``); ``places``: the known places' names, and
    ``codes`` their codes as names write them (``{"IL": {uri of Illinois}}``), to find places in the names."""
    acronyms = set(record.acronyms)
    forms = tuple(dict.fromkeys(name_form(n, n in acronyms)
                                for n in dict.fromkeys((*record.names, *record.acronyms, *extra_names))))
    if not places:
        return Prepared(record, forms)
    mentions = []
    for form in forms:
        found = places.mentions(form.words)
        if codes and not form.acronym:
            found += tuple(Mention(code, codes[code]) for code in CODE_IN_NAME.findall(form.raw) if code in codes)
        mentions.append(found)
    return Prepared(record, forms, tuple(mentions))


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


#: Token lists whose sorted forms are this alike or more, or this unlike or less, are not aligned word by word
#: (:func:`token_similarity`): alignment would not move them across the curve's steep part.
ALIGN_BELOW, ALIGN_ABOVE = 0.95, 0.6


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


def token_similarity(a: tuple[str, ...], b: tuple[str, ...], keys: tuple[str, str] | None = None) -> float:
    """How alike two token lists are, 0 to 1, whatever the order of the tokens (``keys``: the tokens of each,
    sorted and joined, when known already).

    >>> token_similarity(("monte", "escobedo"), ("escobedo", "monte"))
    1.0
    >>> round(token_similarity(("santa", "ana"), ("santa", "ana", "maya")), 2)
    0.78
    """
    if not a or not b:
        return 0.0
    sa, sb = keys if keys else (" ".join(sorted(a)), " ".join(sorted(b)))
    if sa == sb:
        return 1.0
    similarity = _ratio(sa, sb)
    if len(a) == len(b) > 1 and ALIGN_BELOW > similarity > ALIGN_ABOVE:
        similarity = max(similarity, _aligned(a, b))
    return similarity


def acronym_similarity(a: NameForm, b: NameForm) -> tuple[float, str | None]:
    """What one name being an acronym of the other is worth (0 to 1), and the habit (None when it is not one).

    The worth grows with the acronym's letters, but letters spelt by a kind word that starts the name say
    nothing of this body: ``CLUBSS`` has three letters that tell (*CLUB*, then S, S), ``FEDECMI`` four.

    >>> acronym_similarity(name_form("CLUBSS"), name_form("Club San Simón"))
    (0.9, 'word beginnings')
    """
    short, long = (a, b) if a.acronym else (b, a)
    if not short.acronym or long.acronym or len(long.words) < 2:
        return 0.0, None
    habit = acronym_match(short.acronym, long.words)
    if habit is None and long.compounds:
        habit = acronym_match(short.acronym, long.compounds)
    if habit is None:
        return 0.0, None
    letters = len(short.acronym)
    head = long.words[0]
    if canonical(head) in KIND_GROUPS:
        spelt = next((k for k in range(min(len(head), letters), 0, -1) if short.acronym[:k] == head[:k]), 1)
        letters -= spelt - 1
    return ACRONYM_SIMILARITY[min(letters, len(ACRONYM_SIMILARITY) - 1)], habit


def name_similarity(a: NameForm, b: NameForm) -> tuple[float, str]:
    """How alike two names are (0 to 1) and how they were compared (``"name"`` or an acronym's habit): the
    better of their tokens compared and one being an acronym of the other.

    >>> name_similarity(name_form("Club Monte Escobedo"), name_form("MONTE ESCOBEDO"))
    (1.0, 'name')
    >>> name_similarity(name_form("FEDECMI"), name_form("Federación de Clubes Michoacanos en Illinois"))
    (0.94, 'word beginnings')
    """
    if a.core and b.core:
        similarity = token_similarity(a.core, b.core, (a.core_key, b.core_key))
    else:
        similarity = token_similarity(a.tokens, b.tokens, (a.key, b.key))
    if a.acronym and b.acronym and similarity < 1.0:
        similarity *= ACRONYMS_APART  # one letter apart, two acronyms are two different acronyms
    if a.acronym or b.acronym:
        by_acronym, habit = acronym_similarity(a, b)
        if habit and by_acronym > similarity:
            return by_acronym, habit
    return similarity, "name"


def _person_words(form: NameForm) -> list[str]:
    """A person's name words: initials kept, particles (*de*, *la*) left out."""
    return [w for w in form.words if len(w) == 1 or w not in STOP_WORDS]


def person_similarity(a: NameForm, b: NameForm) -> tuple[float, str]:
    """Like :func:`name_similarity`, an initial standing for a name that starts with it (*J. L. Gutiérrez*,
    *José Luis Gutiérrez*), at :data:`INITIALS_FACTOR`.

    >>> person_similarity(name_form("J. L. Gutiérrez"), name_form("Gutiérrez, José Luis"))
    (0.97, 'given names as initials')
    """
    wa, wb = _person_words(a), _person_words(b)

    def expand(xs: list[str], ys: list[str]) -> tuple[list[str], bool]:
        free = [y for y in ys if len(y) > 1]
        out, changed = [], False
        for x in xs:
            match = next((y for y in free if y[0] == x), None) if len(x) == 1 else None
            if match:
                free.remove(match)
                changed = True
            out.append(match or x)
        return out, changed

    ea, changed_a = expand(wa, wb)
    eb, changed_b = expand(wb, wa)
    if not (changed_a or changed_b):
        return name_similarity(a, b)
    return token_similarity(tuple(ea), tuple(eb)) * INITIALS_FACTOR, "given names as initials"


def best_names(a: Prepared, b: Prepared) -> tuple[float, str, NameForm, NameForm]:
    """The most alike pair of names of two records: similarity, how compared, and the two names."""
    best = (-1.0, "name", a.forms[0], b.forms[0])
    similar = person_similarity if a.record.family == "person" else name_similarity
    for fa in a.forms:
        for fb in b.forms:
            similarity, how = similar(fa, fb)
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


#: A piece of evidence before it is worded: ``(code, weight, template, arguments)``; the text is made only for
#: the pairs that become candidates (most pairs compared do not).
Evidence = tuple[str, float, str, tuple]


def _worded(evidence: Evidence) -> Reason:
    code, weight, template, args = evidence
    return Reason(code, weight, template.format(*args))


def _place_evidence(a: Where, b: Where, what: str, weights: tuple[float, ...]) -> Evidence | None:
    same_place, same_state, places_differ, states_differ, countries_differ = weights
    if not a or not b:
        return None
    if a.countries and b.countries and not a.countries & b.countries:
        return (f"{what}-countries-differ", countries_differ, "{} countries differ: {} / {}",
                (what, _names(a.countries), _names(b.countries)))
    if a.states and b.states and not a.states & b.states:
        return (f"{what}-states-differ", states_differ, "{} states differ: {} / {}",
                (what, _names(a.states), _names(b.states)))
    if a.places and b.places:
        if a.places & b.places:
            return f"same-{what}-place", same_place, "same {} place: {}", (what, _names(a.places & b.places))
        return (f"{what}-places-differ", places_differ, "{} places differ: {} / {}",
                (what, _names(a.places), _names(b.places)))
    if a.states & b.states:
        return f"same-{what}-state", same_state, "same {} state: {}", (what, _names(a.states & b.states))
    return None


def place_reasons(a: Where, b: Where, what: str, weights: tuple[float, ...]) -> list[Reason]:
    """What two :class:`Where` say, as reasons: ``what`` names the relation (``"home"``, ``"base"``,
    ``"location"``); ``weights`` are (same place, same state, places differ, states differ, countries differ).

    >>> from graph_loader.resolution.records import Where
    >>> town = lambda p, s: Where(frozenset({p}), frozenset({s}), frozenset({"MX"}))
    >>> [r.code for r in place_reasons(town("a", "MX-ZAC"), town("b", "MX-ZAC"), "home", (2, .5, -3, -5, -5))]
    ['home-places-differ']
    >>> [str(r) for r in place_reasons(town("a", "MX-ZAC"), Where(states=frozenset({"MX-MIC"})), "home",
    ...                                (2, .5, -3, -5, -5))]
    ['home states differ: MX-ZAC / MX-MIC (-5.0)']
    """
    found = _place_evidence(a, b, what, weights)
    return [_worded(found)] if found else []


HOME_WEIGHTS = (SAME_HOME_PLACE, SAME_HOME_STATE, HOME_PLACES_DIFFER, HOME_STATES_DIFFER, HOME_COUNTRIES_DIFFER)
BASE_WEIGHTS = (SAME_BASE_PLACE, SAME_BASE_STATE, BASE_PLACES_DIFFER, BASE_STATES_DIFFER, BASE_COUNTRIES_DIFFER)


def _fact_evidence(a: Record, b: Record) -> list[Evidence]:
    found = [e for e in (_place_evidence(a.home, b.home, "location" if a.family == "place" else "home",
                                         HOME_WEIGHTS),
                         _place_evidence(a.based, b.based, "base", BASE_WEIGHTS)) if e]
    if a.founded is not None and b.founded is not None:
        gap = abs(a.founded - b.founded)
        if gap == 0:
            found.append(("same-founding-year", SAME_YEAR, "both founded in {}", (a.founded,)))
        else:
            weight = YEAR_APART if gap == 1 else YEARS_APART if gap < 5 else YEARS_FAR_APART
            found.append(("founding-years-differ", weight, "founded {} / {}", (a.founded, b.founded)))
    if a.codes and b.codes:
        for scheme in sorted({s for s, _ in a.codes} & {s for s, _ in b.codes}):
            ours = {v for s, v in a.codes if s == scheme}
            theirs = {v for s, v in b.codes if s == scheme}
            if ours & theirs:
                found.append(("same-code", SAME_CODE, "same {}: {}", (scheme, ", ".join(sorted(ours & theirs)))))
            else:
                found.append(("codes-differ", CODES_DIFFER, "{} differs: {} / {}",
                              (scheme, ", ".join(sorted(ours)), ", ".join(sorted(theirs)))))
    return found


def fact_reasons(a: Record, b: Record) -> list[Reason]:
    """The reasons of everything but the names: places, founding years, codes."""
    return [_worded(e) for e in _fact_evidence(a, b)]


def _best_facts(a: Record, b: Record) -> float:
    """The most the facts of two records could add to a score (each shared fact the same)."""
    return ((SAME_HOME_PLACE if a.home and b.home else 0.0) + (SAME_BASE_PLACE if a.based and b.based else 0.0)
            + (SAME_YEAR if a.founded is not None and b.founded is not None else 0.0)
            + (SAME_CODE if a.codes and b.codes else 0.0))


#: The most all the facts of two records without codes could add (each shared, the same).
MOST_FACTS = SAME_HOME_PLACE + SAME_BASE_PLACE + SAME_YEAR


def _others(mentions: tuple[Mention, ...], uris: set[str]) -> list[Mention]:
    """``mentions`` without the places ``uris`` (those naming nothing else dropped)."""
    kept = (Mention(m.text, m.places - uris) for m in mentions)
    return [m for m in kept if m.places]


def _without_added_place(a: Prepared, fa: NameForm, b: Prepared, fb: NameForm) -> tuple[float, str] | None:
    """The names' similarity with the places only one of them names left out of it (*Club Monte Escobedo
    Zacatecas* / *Club Monte Escobedo*), and the words left out; None when neither or both add a place."""
    ma, mb = a.mentions_of(fa), b.mentions_of(fb)
    if not (ma or mb) or not (fa.core and fb.core):
        return None
    ours = {a.record.uri, b.record.uri}
    ma, mb = _others(ma, ours), _others(mb, ours)
    only_a = [m for m in ma if not any(m.places & n.places for n in mb)]
    only_b = [n for n in mb if not any(n.places & m.places for m in ma)]
    if bool(only_a) == bool(only_b):
        return None
    extra, form, other = (only_a, fa, fb) if only_a else (only_b, fb, fa)
    strip = {canonical(w) for m in extra for w in m.text.split()}
    core = tuple(t for t in form.core if t not in strip)
    if not core:
        return None
    return token_similarity(core, other.core), ", ".join(m.text for m in extra)


def compare(a: Prepared, b: Prepared, acronym_fits: int = 1,
            min_score: float = 0.0) -> tuple[float, list[Reason] | None]:
    """The score (0 to 1) that ``a`` and ``b`` name the same thing, and its reasons (kinds assumed compatible:
    :func:`graph_loader.resolution.records.compatible_kinds`). ``acronym_fits``: how many different bodies'
    names the acronym of the pair (if the names match by one) fits; the evidence is shared among them.

    A pair that cannot reach ``min_score`` gets no reasons (None) and a score no lower than its own: the names
    are compared first, and the rest only when the facts could still lift the pair to ``min_score``.
    """
    similarity, how, fa, fb = best_names(a, b)
    added = None
    if how == "name" and ADDED_PLACE_RANGE[0] < similarity < ADDED_PLACE_RANGE[1]:
        added = _without_added_place(a, fa, b, fb)
        if added and added[0] > similarity:
            similarity = added[0]
        else:
            added = None
    weight = curve(NAME_CURVE, similarity) + (ADDED_PLACE if added else 0.0)
    bar = math.log(min_score / (1 - min_score)) if 0 < min_score < 1 else -math.inf
    if weight + MOST_FACTS < bar and not (a.record.codes and b.record.codes):  # cheap: no more facts than that
        return logistic(weight + MOST_FACTS), None
    best = weight + _best_facts(a.record, b.record)
    if best < bar:
        return logistic(best), None
    if how in ("name", "given names as initials"):
        found: list[Evidence] = [("name", weight, "names {:.2f}: {!r} ~ {!r}{}",
                                  (similarity, fa.raw, fb.raw, f", {added[1]} left out" if added else ""))]
    else:
        short, long = (fa, fb) if fa.acronym else (fb, fa)
        found = [("acronym", weight, "{!r} is an acronym of {!r} ({})", (short.raw, long.raw, how))]
        if acronym_fits > 1:
            found.append(("acronym-fits-many", -math.log(acronym_fits), "{!r} fits {} names",
                          (short.raw, acronym_fits)))
    if fa.kind and fb.kind and fa.kind != fb.kind:
        found.append(("kind-words-differ", KIND_WORDS_DIFFER, "the names say {} / {}", (fa.kind, fb.kind)))
    if fa.numbers and fb.numbers and fa.numbers != fb.numbers:
        found.append(("numbers-differ", NUMBERS_DIFFER, "the names hold different numbers: {} / {}",
                      (" ".join(fa.numbers), " ".join(fb.numbers))))
    mentions_a, mentions_b = a.mentions_of(fa), b.mentions_of(fb)
    if mentions_a and mentions_b:
        # a place's own name names itself: no evidence about whether it is the other
        ours = {a.record.uri, b.record.uri}
        differ = places_differ(_others(mentions_a, ours), _others(mentions_b, ours))
        if differ:
            found.append(("place-names-differ", PLACE_NAMES_DIFFER, "the names name different places: {} / {}",
                          (", ".join(differ[0]), ", ".join(differ[1]))))
    found += _fact_evidence(a.record, b.record)
    score = logistic(sum(e[1] for e in found))
    return score, ([_worded(e) for e in found] if score >= min_score else None)

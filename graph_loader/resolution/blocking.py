"""Which pairs of records are worth comparing: those that share a *blocking key*.

Comparing every record with every other is quadratic (10^5 records: 5 x 10^9 pairs). Two records are compared
only when they share a key of the same family (organisation, person, place):

* ``n``: a whole name, its tokens in alphabetical order (*Monte Escobedo, Club* and *Club Monte Escobedo*);
* ``t``: a token of a name's core, or that token with one letter left out (:func:`~graph_loader.resolution.names.deletions`),
  so that two spellings one typo apart share a key (*Escobedo*, *Escobeod*: both give ``escobed``); tokens of
  fewer than :data:`MIN_TYPO_LENGTH` letters give only themselves, and tokens shorter than
  :data:`MIN_TOKEN_LENGTH` nothing;
* ``a``: an acronym as written (*FEDECMI* and *FEDECMI*);
* ``c``: a code (``isoCode`` ``MX-MIC``);
* and, one way only, an acronym against the initials of longer names: *FEDECMI* is compared with every name
  whose initials (*fcmi*) are a subsequence of its letters that keeps the first
  (:func:`~graph_loader.resolution.names.subsequences`).

A ``t`` key shared by more than :data:`MAX_BLOCK` records (a common word: *juan*, *santa*) pairs nobody: it says
too little to be worth the comparisons, and a record's other keys find its pairs. A record all of whose ``t``
keys are that common keeps its rarest one.

Examples
--------
>>> from graph_loader.resolution.names import name_form
>>> sorted(keys("organisation", [name_form("Club Zacapu")]))[:3]
['organisation|n|club zacapu', 'organisation|t|acapu', 'organisation|t|zaapu']
>>> blocks = Blocks([["x|t|a", "x|t|b"], ["x|t|b"], ["x|t|c"]])
>>> sorted(blocks.pairs())
[(0, 1)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from .names import NameForm, deletions, initials, subsequences

#: Tokens shorter than this give no key (``la``, ``ii``).
MIN_TOKEN_LENGTH = 3
#: Tokens at least this long also give their one-letter-shorter forms (a typo in a short word makes another word).
MIN_TYPO_LENGTH = 5
#: A token key shared by more records than this pairs nobody (see the module's docstring).
MAX_BLOCK = 400
#: Acronyms of more letters than this are not probed against initials (2^(n-1) subsequences).
MAX_ACRONYM_PROBE = 12


def keys(family: str, forms: Iterable[NameForm], codes: Iterable[tuple[str, str]] = ()) -> set[str]:
    """The symmetric blocking keys of a record of ``family`` with these names and codes."""
    found: set[str] = set()
    for form in forms:
        if form.acronym:
            found.add(f"{family}|a|{form.acronym}")
            continue
        found.add(f"{family}|n|{form.key}")
        for token in form.core or form.tokens:
            if len(token) >= MIN_TYPO_LENGTH:
                found.update(f"{family}|t|{variant}" for variant in deletions(token))
            elif len(token) >= MIN_TOKEN_LENGTH:
                found.add(f"{family}|t|{token}")
    found.update(f"{family}|c|{scheme}:{value}" for scheme, value in codes)
    return found


def initials_key(family: str, form: NameForm) -> str | None:
    """The key under which a name of two or more words waits for acronyms: its initials."""
    letters = initials(form.words)
    return f"{family}|i|{letters}" if len(letters) >= 2 and not form.acronym else None


def probe_keys(family: str, form: NameForm) -> set[str]:
    """The initials keys an acronym looks up: every subsequence of its letters that keeps the first."""
    if not form.acronym or len(form.acronym) > MAX_ACRONYM_PROBE:
        return set()
    return {f"{family}|i|{s}" for s in subsequences(form.acronym)}


class Blocks:
    """Records (by index) indexed by their keys; :meth:`pairs` yields the pairs worth comparing, each once.

    ``symmetric[i]``: record ``i``'s keys; ``waiting[i]``: its initials keys (looked up by acronyms only);
    ``probing[i]``: the initials keys its acronyms look up.
    """

    def __init__(self, symmetric: Sequence[Iterable[str]], waiting: Sequence[Iterable[str]] = (),
                 probing: Sequence[Iterable[str]] = (), max_block: int = MAX_BLOCK):
        self.keys = [sorted(set(k)) for k in symmetric]
        self.index: dict[str, list[int]] = defaultdict(list)
        for i, record_keys in enumerate(self.keys):
            for key in record_keys:
                self.index[key].append(i)
        self.waiting: dict[str, list[int]] = defaultdict(list)
        for i, record_keys in enumerate(waiting):
            for key in set(record_keys):
                self.waiting[key].append(i)
        self.probing = [sorted(set(k)) for k in probing]
        self.max_block = max_block

    def usable(self, i: int) -> tuple[list[str], str | None]:
        """Record ``i``'s keys that pair it: all but the too common token keys; and, when all its token keys are
        too common, the rarest of them (its *fallback*)."""
        keys_i = self.keys[i]
        kept = [k for k in keys_i if "|t|" not in k or len(self.index[k]) <= self.max_block]
        tokens = [k for k in keys_i if "|t|" in k]
        if tokens and not any("|t|" in k for k in kept):
            return kept, min(tokens, key=lambda k: (len(self.index[k]), k))
        return kept, None

    def pairs(self) -> Iterator[tuple[int, int]]:
        """Every pair ``(i, j)``, ``i < j``, that shares a usable key, or an acronym and its initials, or the
        fallback key of one of them; each once."""
        usable = [self.usable(i) for i in range(len(self.keys))]
        extra: set[tuple[int, int]] = set()  # found one way: acronym probes and fallback keys
        for i, record_keys in enumerate(self.probing):
            for key in record_keys:
                extra.update((min(i, j), max(i, j)) for j in self.waiting.get(key, ()) if j != i)
        for i, (_, fallback) in enumerate(usable):
            if fallback is not None:
                extra.update((min(i, j), max(i, j)) for j in self.index[fallback] if j != i)
        for i, (kept, _) in enumerate(usable):
            partners: set[int] = set()
            for key in kept:
                partners.update(self.index[key])
            for j in sorted(p for p in partners if p > i):
                if (i, j) not in extra:
                    yield i, j
        yield from sorted(extra)

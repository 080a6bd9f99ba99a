"""Which pairs of records are worth comparing: those that share a *blocking key*.

Comparing every record with every other is quadratic (10^5 records: 5 x 10^9 pairs). Two records are compared
only when they share a key of the same family (organisation, person, place):

* ``n``: a whole name, its tokens in alphabetical order (*Monte Escobedo, Club* and *Club Monte Escobedo*);
* ``k``: a name's core (its tokens without the kind words, :mod:`graph_loader.resolution.names`), in the same
  order, so that the spellings the folding, the abbreviations, the kind words' languages and a changed prefix
  make all meet (*Asoc. Monte Escobedo*, *Monte Escobedo Club*);
* ``d``: that core, and that core with one letter left out (:func:`~graph_loader.resolution.names.deletions`),
  so that two spellings one typo apart share a key (*monte escobedo*, *monte escobeod*: both give ``monte escobed``); cores
  shorter than :data:`MIN_TYPO_LENGTH` letters give none (a typo in a short name makes another name);
* ``a``: an acronym as written (*FEDECMI* and *FEDECMI*); ``c``: a code (``isoCode`` ``MX-MIC``);
* ``t``: a token of a core (of at least :data:`MIN_TOKEN_LENGTH` letters) that at most :data:`MAX_BLOCK`
  records share, so that a name with a word more (*Club Monte Escobedo Zacatecas*) still meets its record: a
  rare word says something, a common one (*juan*, *santa*) would pair thousands for nothing;
* and, one way only, an acronym against the initials of longer names: *FEDECMI* is compared with the names whose
  initials (*fcmi*) are a subsequence of its letters that keeps the first
  (:func:`~graph_loader.resolution.names.subsequences`) and has at most :data:`MAX_EXTRA_LETTERS` letters fewer
  (the letters an acronym takes beyond one per word: *FEDE*), in groups of at most :data:`MAX_PROBE_BLOCK`
  names.

Examples
--------
>>> from graph_loader.resolution.names import name_form
>>> sorted(k for k in keys("organisation", [name_form("Club Zacapu")]) if "|d|" not in k)
['organisation|k|zacapu', 'organisation|n|club zacapu', 'organisation|t|zacapu']
>>> blocks = Blocks([["x|k|a", "x|k|b"], ["x|k|b"], ["x|k|c"]])
>>> sorted(blocks.pairs())
[(0, 1)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from .names import NameForm, deletions, initials, subsequences

#: Tokens shorter than this give no ``t`` key.
MIN_TOKEN_LENGTH = 4
#: Cores at least this long, and at most :data:`MAX_TYPO_LENGTH`, also give their one-letter-shorter forms (a
#: longer core has words enough for a misspelt one to leave a rare one whole, a ``t`` key).
MIN_TYPO_LENGTH, MAX_TYPO_LENGTH = 4, 40
#: A ``t`` key shared by more records than this pairs nobody (see the module's docstring).
MAX_BLOCK = 20
#: An acronym is tried against initials at most this many letters shorter than itself.
MAX_EXTRA_LETTERS = 3
#: An initials key shared by more names than this is not tried (the acronym would fit too many to tell).
MAX_PROBE_BLOCK = 40
#: Acronyms of more letters than this are not probed against initials.
MAX_ACRONYM_PROBE = 12


def keys(family: str, forms: Iterable[NameForm], codes: Iterable[tuple[str, str]] = ()) -> set[str]:
    """The symmetric blocking keys of a record of ``family`` with these names and codes."""
    found: set[str] = set()
    for form in forms:
        found.add(f"{family}|n|{form.key}")
        core = form.core_key or form.key
        found.add(f"{family}|k|{core}")
        if MIN_TYPO_LENGTH <= len(core) <= MAX_TYPO_LENGTH:
            found.update(f"{family}|d|{variant}" for variant in deletions(core))  # the core itself included
        if form.acronym:
            found.add(f"{family}|a|{form.acronym}")
        found.update(f"{family}|t|{token}" for token in form.core or form.tokens if len(token) >= MIN_TOKEN_LENGTH)
    found.update(f"{family}|c|{scheme}:{value}" for scheme, value in codes)
    return found


def initials_keys(family: str, form: NameForm) -> set[str]:
    """The keys under which a name of two or more words waits for acronyms: its initials (and those of its
    words with hyphenated compounds as one: *Inter-American Development Bank*, ``idb``)."""
    if form.acronym:
        return set()
    found = set()
    for words in (form.words, form.compounds or ()):
        letters = initials(words)
        if len(letters) >= 2:
            found.add(f"{family}|i|{letters}")
    return found


def probe_keys(family: str, form: NameForm) -> set[str]:
    """The initials keys an acronym looks up (see the module's docstring)."""
    if not form.acronym or len(form.acronym) > MAX_ACRONYM_PROBE:
        return set()
    shortest = max(2, len(form.acronym) - MAX_EXTRA_LETTERS)
    return {f"{family}|i|{s}" for s in subsequences(form.acronym, shortest)}


class Blocks:
    """Records (by index) indexed by their keys; :meth:`pairs` yields the pairs worth comparing, each once.

    ``symmetric[i]``: record ``i``'s keys; ``waiting[i]``: its initials keys (looked up by acronyms only);
    ``probing[i]``: the initials keys its acronyms look up.
    """

    def __init__(self, symmetric: Sequence[Iterable[str]], waiting: Sequence[Iterable[str]] = (),
                 probing: Sequence[Iterable[str]] = (), max_block: int = MAX_BLOCK,
                 max_probe_block: int = MAX_PROBE_BLOCK):
        self.index: dict[str, list[int]] = defaultdict(list)
        self.keys: list[list[str]] = []
        for i, record_keys in enumerate(symmetric):
            record_keys = sorted(set(record_keys))
            self.keys.append(record_keys)
            for key in record_keys:
                self.index[key].append(i)
        self.waiting: dict[str, list[int]] = defaultdict(list)
        for i, record_keys in enumerate(waiting):
            for key in set(record_keys):
                self.waiting[key].append(i)
        self.probing = [sorted(set(k)) for k in probing]
        self.max_block, self.max_probe_block = max_block, max_probe_block

    def usable(self, key: str) -> bool:
        """Whether ``key`` pairs its records: every key but a token shared by too many."""
        return "|t|" not in key or len(self.index[key]) <= self.max_block

    def probed(self) -> dict[int, set[int]]:
        """``{i: {j > i}}``: the pairs an acronym finds among names whose initials it could spell."""
        found: dict[int, set[int]] = defaultdict(set)
        for i, record_keys in enumerate(self.probing):
            for key in record_keys:
                block = self.waiting.get(key, ())
                if len(block) <= self.max_probe_block:
                    for j in block:
                        if j != i:
                            found[min(i, j)].add(max(i, j))
        return found

    def pairs(self, probed: dict[int, set[int]] | None = None, start: int = 0,
              stop: int | None = None) -> Iterator[tuple[int, int]]:
        """Every pair ``(i, j)``, ``i < j``, that shares a usable key, or an acronym and its initials; each once,
        by ``i`` ascending (``probed``: :meth:`probed`, when computed already; ``start``, ``stop``: the ``i`` of
        one part of the work)."""
        probed = self.probed() if probed is None else probed
        for i in range(start, len(self.keys) if stop is None else min(stop, len(self.keys))):
            record_keys = self.keys[i]
            partners: set[int] = set()
            for key in record_keys:
                if self.usable(key):
                    partners.update(self.index[key])
            partners = {j for j in partners if j > i} | probed.get(i, set())
            for j in sorted(partners):
                yield i, j

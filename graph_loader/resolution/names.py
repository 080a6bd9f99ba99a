"""Names as entity resolution compares them: folded, split into words, abbreviations expanded, Spanish and English
kind words made one, and acronyms recognised.

One name becomes a :class:`NameForm`:

* ``words``: the folded words (:func:`graph_loader.model.fold`: lower case, no accents), punctuation gone, dotted
  initials joined (``A.C.`` -> ``ac``), known abbreviations expanded (``Fed.`` -> ``federacion``, ``Asoc.`` ->
  ``asociacion``, ``Cd.`` -> ``ciudad``), legal forms dropped (``A.C.``, ``Inc.``), titles of people dropped;
  the acronym test reads these, since an acronym is made of the words as written;
* ``tokens``: the words that carry meaning, stop words (:data:`STOP_WORDS`) left out and the words of
  :data:`CONCEPTS` written one way whatever the language or number (``Federation``, ``federaciones`` ->
  ``federacion``; ``clubs``, ``clubes`` -> ``club``); name similarity reads these;
* ``core``: the tokens without the kind words (``club``, ``asociacion``, ``federacion``...): what names this
  particular body (``monte escobedo``), so that *Club Monte Escobedo* and *Monte Escobedo* compare as equal;
* ``kind``: the kind of body the name says it is (:data:`KIND_GROUPS`: a club and an association are the same
  kind of body, a federation another), or None: the group of its first kind word, except that a name with a
  federation's word is a federation's, whatever else it says (*Federación de Clubes*, *Clubs Federation*);
* ``acronym``: the folded letters when the name is an acronym (a ``dkg:acronym`` value, or one word of 2 to 10
  capital letters: ``FEDECMI``, ``SALA``).

How acronyms are formed (:func:`acronym_match`). Spanish and English acronyms of organisations take, in order, a
leading part of each word that carries meaning, and sometimes the initial of a small word: *initials*
(``IFAD`` = International Fund for Agricultural Development), *initials with small words* (``CONACYT``'s ``Y``),
and *word beginnings*, one or more letters, often a syllable or two (``FEDECMI`` = FEDE-ración de C-lubes
M-ichoacanos en I-llinois, ``PEMEX`` = PE-tróleos MEX-icanos, ``CONACYT`` = CO-nsejo NA-cional de C-iencia Y
T-ecnología). A leading part of a word covers both the first-letter and the syllable habits, so one rule,
checked by dynamic programming over the words, accepts all of them; every word that carries meaning must give at
least its first letter, so ``FCM`` is no acronym of *Federación de Clubes Michoacanos en Illinois*.

Examples
--------
>>> form = name_form("Fed. de Clubes Michoacanos en Illinois, A.C.")
>>> form.words
('federacion', 'de', 'clubes', 'michoacanos', 'en', 'illinois')
>>> form.tokens, form.core, form.kind
(('federacion', 'club', 'michoacanos', 'illinois'), ('michoacanos', 'illinois'), 'federation')
>>> name_form("Federation of Michoacanos Clubs in Illinois").key == form.key
True
>>> acronym_match("FEDECMI", name_form("Federación de Clubes Michoacanos en Illinois").words)
'word beginnings'
>>> name_form("FEDECMI").acronym
'fedecmi'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from ..model import fold

#: Small words that carry no meaning in a name (Spanish and English): never a token, optional in an acronym.
STOP_WORDS = frozenset({
    "de", "del", "la", "las", "el", "los", "lo", "y", "e", "en", "a", "al", "para", "por", "con", "o", "u",
    "of", "the", "and", "in", "for", "at", "on", "to", "an",
})

#: Abbreviations as written in lists and registers (folded, without their dot) -> the word they stand for.
#: Only abbreviations that cannot be read as another word of a name are listed (``Col.`` is Colima or colonia).
ABBREVIATIONS = {
    "fed": "federacion", "fedn": "federacion", "asoc": "asociacion", "assoc": "association",
    "assn": "association", "cd": "ciudad", "sta": "santa", "sto": "santo", "gral": "general", "nal": "nacional",
    "natl": "national", "intl": "international", "inst": "instituto", "depto": "departamento",
    "dept": "department", "edo": "estado", "mpio": "municipio", "univ": "universidad", "cte": "comite",
    "confed": "confederacion", "org": "organizacion", "dir": "direccion",
}

#: Legal forms written after a name (``A.C.``: asociación civil; ``NFP``: not for profit): not part of the name.
LEGAL_FORMS = frozenset({"ac", "inc", "nfp", "llc", "corp", "ltd", "sc", "iap", "abp"})

#: Titles before a person's name: not part of the name.
TITLES = frozenset({"lic", "dr", "dra", "ing", "sr", "sra", "srta", "mr", "mrs", "ms", "prof", "mtro", "mtra"})

#: Words written one way whatever their language or number: ``{canonical: (forms...)}``. The canonical form is
#: the Spanish singular. These are the common words of institution names; a place's or a person's name is never
#: translated.
CONCEPTS: dict[str, tuple[str, ...]] = {
    "club": ("clubs", "clubes"),
    "asociacion": ("asociaciones", "association", "associations"),
    "comite": ("comites", "committee", "committees"),
    "federacion": ("federaciones", "federation", "federations"),
    "confederacion": ("confederaciones", "confederation", "confederations"),
    "consejo": ("consejos", "council", "councils"),
    "instituto": ("institutos", "institute", "institutes"),
    "ministerio": ("ministerios", "ministry", "ministries"),
    "gobierno": ("gobiernos", "government", "governments"),
    "oficina": ("oficinas", "office", "offices"),
    "direccion": ("directorate", "direction"),
    "fondo": ("fondos", "fund", "funds"),
    "fundacion": ("fundaciones", "foundation", "foundations"),
    "programa": ("programas", "program", "programs", "programme", "programmes"),
    "banco": ("bancos", "bank", "banks"),
    "consulado": ("consulados", "consulate", "consulates"),
    "embajada": ("embajadas", "embassy", "embassies"),
    "coordinacion": ("coordination",),
    "estado": ("estados", "state", "states"),
    "ciudad": ("ciudades", "city", "cities"),
    "nacional": ("nacionales", "national"),
    "internacional": ("internacionales", "international"),
    "general": ("generales",),
    "desarrollo": ("development",),
    "comunidad": ("comunidades", "community", "communities"),
    "migrante": ("migrantes", "migrant", "migrants"),
    "exterior": ("abroad",),
    "presidencial": ("presidential",),
    "unidos": ("unidas", "united"),
    "municipio": ("municipios", "municipality", "municipalities"),
    "departamento": ("departamentos", "department", "departments"),
    "universidad": ("universidades", "university", "universities"),
    "organizacion": ("organizaciones", "organization", "organizations", "organisation", "organisations"),
}

#: Kind words: what kind of body a name says it is. A club, an association and a committee are the bodies of one
#: home town; a federation groups them; the others are bodies of other kinds. Two names whose kind words share no
#: group name different kinds of body (*Club Michoacán* is no *Federación Michoacana*).
KIND_GROUPS: dict[str, str] = {
    "club": "hometown association", "asociacion": "hometown association", "comite": "hometown association",
    "federacion": "federation", "confederacion": "federation",
    "consejo": "council", "instituto": "institute", "ministerio": "ministry", "gobierno": "government",
    "oficina": "office", "direccion": "directorate", "fondo": "fund", "fundacion": "foundation",
    "programa": "programme", "banco": "bank", "consulado": "consulate", "embajada": "embassy",
    "coordinacion": "coordination",
}

#: The kind of a body that groups others: a name with one of its words is a federation's name.
FEDERATION = "federation"
#: Kind words so common in the names of diaspora organisations that a word one typo away from them is read as
#: them (*Clb*, *Asocaición*, *Fedreación*); the other kind words are too short or too close to other words.
MISSPELT_KIND_WORDS = ("club", "asociacion", "federacion", "confederacion", "comite")

_CANONICAL = {form: canonical for canonical, forms in CONCEPTS.items() for form in (canonical, *forms)}


def _one_typo(word: str) -> set[str]:
    """Every string one edit from ``word`` (a letter changed, added or dropped, two neighbours swapped)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in cuts if b} | {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
            | {a + c + b[1:] for a, b in cuts if b for c in letters} | {a + c + b for a, b in cuts for c in letters})


def _misspelt_kind_words() -> dict[str, str]:
    """``{misspelling: canonical kind word}`` for :data:`MISSPELT_KIND_WORDS` and their plurals; never a word of
    :data:`CONCEPTS`, :data:`STOP_WORDS` or :data:`ABBREVIATIONS`, nor a word of fewer than three letters."""
    known = set(_CANONICAL) | STOP_WORDS | set(ABBREVIATIONS)
    found: dict[str, str] = {}
    for canonical_word in MISSPELT_KIND_WORDS:
        for form in (canonical_word, *CONCEPTS[canonical_word]):
            for typo in _one_typo(form):
                if len(typo) >= 3 and typo not in known:
                    found.setdefault(typo, canonical_word)
    return found


_MISSPELT = _misspelt_kind_words()
#: Dotted initials written without spaces (``A.C.``, ``U.S.A.``): one word.
_DOTTED = re.compile(r"(?<![\w.])((?:\w\.){2,})")
_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"\d+")
#: An acronym as written: one word of 2 to 10 capital letters (digits allowed after the first letter).
_ACRONYM = re.compile(r"^[^\W\d_][^\W_]{1,9}$")


@dataclass(frozen=True, slots=True)
class NameForm:
    """One name as it is compared (the module's docstring says what each part holds)."""

    raw: str
    words: tuple[str, ...]
    tokens: tuple[str, ...]
    core: tuple[str, ...]
    kind: str | None = None
    acronym: str | None = None
    #: The words with hyphenated compounds written as one (*Inter-American* -> ``interamerican``), when the name
    #: has any: acronyms take one letter for a compound (``IDB``).
    compounds: tuple[str, ...] | None = None
    #: The tokens in alphabetical order: equal keys are the same name, whatever the order of its words.
    key: str = ""
    #: The core tokens in alphabetical order.
    core_key: str = ""
    #: The numbers the name holds (``2da`` -> ``"2"``), in order.
    numbers: tuple[str, ...] = ()


def split_words(name: str) -> list[str]:
    """The folded words of ``name``: dotted initials joined, punctuation dropped, abbreviations expanded.

    >>> split_words("FED. CLUBES MICHOACANOS IL")
    ['federacion', 'clubes', 'michoacanos', 'il']
    >>> split_words("Cd. Hidalgo, Asoc. Civil (A.C.)")
    ['ciudad', 'hidalgo', 'asociacion', 'civil', 'ac']
    """
    folded = fold(name)
    folded = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), folded)
    return [ABBREVIATIONS.get(w, w) for w in _WORD.findall(folded)]


def _meaningful(words: Sequence[str]) -> list[str]:
    """``words`` without a trailing legal form and leading titles (never emptied)."""
    words = list(words)
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    while len(words) > 1 and words[0] in TITLES:
        words.pop(0)
    return words


def canonical(word: str) -> str:
    """The one spelling of a word of :data:`CONCEPTS` (``"federation"`` -> ``"federacion"``), of a kind word
    misspelt by one letter (``"clb"`` -> ``"club"``: :data:`MISSPELT_KIND_WORDS`), else the word.

    >>> canonical("federations"), canonical("asocaicion"), canonical("zacapu")
    ('federacion', 'asociacion', 'zacapu')
    """
    return _CANONICAL.get(word) or _MISSPELT.get(word, word)


def looks_like_acronym(name: str) -> bool:
    """One word of 2 to 10 capital letters, as written: ``FEDECMI``, ``SALA``, ``IME``.

    >>> looks_like_acronym("FEDECMI"), looks_like_acronym("Fedecmi"), looks_like_acronym("FED. CLUBES")
    (True, False, False)
    """
    text = name.strip().rstrip(".")
    return bool(_ACRONYM.match(text)) and text.upper() == text and not text.isdigit()


@lru_cache(maxsize=1 << 18)
def name_form(name: str, acronym: bool = False) -> NameForm:
    """``name`` prepared for comparison; ``acronym``: the name is known to be an acronym (``dkg:acronym``).

    >>> f = name_form("Club Monte Escobedo")
    >>> f.tokens, f.core, f.kind
    (('club', 'monte', 'escobedo'), ('monte', 'escobedo'), 'hometown association')
    """
    words = tuple(_meaningful(split_words(name)))
    letters = "".join(words)
    is_acronym = (acronym or looks_like_acronym(name)) and len(words) == 1 and letters.isalnum()
    # an acronym is no misspelt word: CLUBEV is not "clubes" with a typo
    spelling = _CANONICAL.get if is_acronym else canonical
    tokens = tuple(spelling(w) or w for w in words if w not in STOP_WORDS) or words
    core = tuple(t for t in tokens if t not in KIND_GROUPS)
    groups = [KIND_GROUPS[t] for t in tokens if t in KIND_GROUPS]
    kind = FEDERATION if FEDERATION in groups else groups[0] if groups else None
    compounds = tuple(_meaningful(split_words(re.sub(r"(?<=\w)-(?=\w)", "", name)))) if "-" in name else None
    numbers = tuple(str(int(n)) for n in _NUMBER.findall(" ".join(words)))
    return NameForm(name, words, tokens, core, kind, letters if is_acronym else None,
                    compounds if compounds != words else None, " ".join(sorted(tokens)), " ".join(sorted(core)),
                    numbers)


@lru_cache(maxsize=1 << 16)
def acronym_match(acronym: str, words: tuple[str, ...]) -> str | None:
    """How ``acronym`` is formed from ``words`` (folded words, stop words included), or None when it is not.

    Each word that carries meaning gives a leading part of itself (at least its first letter), in order; a stop
    word, or a word that starts with a digit (*2da.*, *3ra.*), gives nothing or its first letter. The answer names the habit: ``"initials"`` (one letter per word that
    carries meaning), ``"initials with small words"`` (and the first letter of some stop words), ``"word
    beginnings"`` (some word gives more than its first letter).

    >>> words = name_form("International Fund for Agricultural Development").words
    >>> acronym_match("IFAD", words), acronym_match("IFFAD", words), acronym_match("IAD", words)
    ('initials', 'initials with small words', None)
    >>> acronym_match("PEMEX", ("petroleos", "mexicanos"))
    'word beginnings'
    """
    letters = fold(acronym).replace(".", "").replace(" ", "")
    words = [w for w in words if w]
    optional = [w in STOP_WORDS or w[0].isdigit() for w in words]
    needed = optional.count(False)
    if not letters or not needed or needed > len(letters) or len(letters) > sum(map(len, words)):
        return None
    first = optional.index(False)  # the first letter comes from a word up to the first that carries meaning
    if letters[0] not in {w[0] for w in words[:first + 1]}:
        return None
    n, m = len(letters), len(words)
    # best[j][i]: the plainest habit that forms letters[:i] from words[:j] (0 initials, 1 small words,
    # 2 word beginnings), or None when none does.
    best: list[list[int | None]] = [[None] * (n + 1) for _ in range(m + 1)]
    best[0][0] = 0
    for j, word in enumerate(words):
        stop = optional[j]
        for i in range(n + 1):
            habit = best[j][i]
            if habit is None:
                continue
            steps: list[tuple[int, int]] = []
            if stop:
                steps.append((i, habit))
                if i < n and letters[i] == word[0]:
                    steps.append((i + 1, max(habit, 1)))
            else:
                length = 0
                while i + length < n and length < len(word) and letters[i + length] == word[length]:
                    length += 1
                    steps.append((i + length, habit if length == 1 else 2))
            for k, h in steps:
                if best[j + 1][k] is None or h < best[j + 1][k]:
                    best[j + 1][k] = h
    habit = best[m][n]
    return None if habit is None else ("initials", "initials with small words", "word beginnings")[habit]


def initials(words: Iterable[str]) -> str:
    """The first letters of the words that carry meaning: the plainest acronym of a name.

    >>> initials(name_form("Federación de Clubes Michoacanos en Illinois").words)
    'fcmi'
    """
    return "".join(w[0] for w in words if w and w not in STOP_WORDS and not w[0].isdigit())


def subsequences(letters: str, shortest: int = 2) -> set[str]:
    """Every subsequence of ``letters`` that keeps its first letter and has at least ``shortest`` letters: the
    initials a name must have to be spelt by the acronym ``letters`` (:func:`acronym_match`).

    >>> sorted(subsequences("abc"))
    ['ab', 'abc', 'ac']
    """
    if not letters:
        return set()
    rest = letters[1:]
    return {letters[0] + "".join(picked) for size in range(max(0, shortest - 1), len(rest) + 1)
            for picked in combinations(rest, size)}


@dataclass(frozen=True, slots=True)
class Mention:
    """A place named inside a name: the words as written there, and the places (URIs) that bear that name."""

    text: str
    places: frozenset[str]


class PlaceNames:
    """The names of known places, to find them inside other names (*Federación de Clubes de Zacatecas en
    Illinois* names Zacatecas and Illinois): two names that name different places name different things, however
    alike they read.

    >>> gazetteer = PlaceNames([("ex:il", "Illinois"), ("ex:oh", "Ohio"), ("ex:bcs", "Baja California Sur"),
    ...                         ("ex:bc", "Baja California")])
    >>> [m.text for m in gazetteer.mentions(name_form("Fed. de Clubes de Baja California Sur en Ohio").words)]
    ['baja california sur', 'ohio']
    """

    def __init__(self, names: Iterable[tuple[str, str]]):
        phrases: dict[tuple[str, ...], set[str]] = {}
        for uri, name in names:
            words = tuple(split_words(name))
            if not words or all(w in STOP_WORDS for w in words) or (len(words) == 1 and len(words[0]) < 3):
                continue
            phrases.setdefault(words, set()).add(uri)
        self.phrases = {words: frozenset(uris) for words, uris in phrases.items()}
        self.longest = max(map(len, self.phrases), default=0)

    def mentions(self, words: Sequence[str]) -> tuple[Mention, ...]:
        """The places named in ``words``, longest names first, left to right, none overlapping."""
        found = []
        i = 0
        while i < len(words):
            for length in range(min(self.longest, len(words) - i), 0, -1):
                places = self.phrases.get(tuple(words[i:i + length]))
                if places:
                    found.append(Mention(" ".join(words[i:i + length]), places))
                    i += length
                    break
            else:
                i += 1
        return tuple(found)


def places_differ(a: Sequence[Mention], b: Sequence[Mention]) -> tuple[list[str], list[str]] | None:
    """The places each of two names names and the other does not, when both name such a place; else None.

    A place one name adds (*Club Monte Escobedo, Zacatecas*) is no difference; one place in each name, different
    (*en Idaho* / *en Ohio*), is.
    """
    only_a = [m.text for m in a if not any(m.places & n.places for n in b)]
    only_b = [n.text for n in b if not any(n.places & m.places for m in a)]
    return (only_a, only_b) if only_a and only_b else None


def deletions(token: str) -> set[str]:
    """``token`` and every string one letter shorter: two words one typo apart share one of these (a letter
    changed, added, dropped, or two swapped).

    >>> sorted(deletions("club"))
    ['clb', 'clu', 'club', 'cub', 'lub']
    """
    return {token} | {token[:i] + token[i + 1:] for i in range(len(token))}

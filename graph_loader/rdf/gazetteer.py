"""The gazetteer as a lookup: places by code and by name within a state, with rules that never guess.

The gazetteer files (``data/gazetteer/places.ttl`` and ``data/gazetteer/full/*.ttl``, written by
``data/gazetteer/build.py``) are read once, with the loader's parser, into :class:`Gazetteer`. Two users:

* ``data/gazetteer/link.py`` matches the seed corpus's towns and cities to gazetteer entries;
* :mod:`graph_loader.rdf.csv_templates` resolves a place a CSV row names by code (``inegi:32031``) or by name and
  state (``Monte Escobedo (MX-ZAC)``).

Matching by name follows :func:`Gazetteer.match`'s rules, in order, and reports the rule that matched: a name
with several candidates is :class:`Ambiguous` (the candidates listed), never picked at random. Names are compared
folded (:func:`name_key`: accents, case, spacing, full stops and commas ignored), against the preferred and the
alternative names.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph

from ..errors import InputError
from ..model import GEO_NS, RDF_NS, RDF_TYPE, XSD_NS, Lit, Term, Triple, fold
from ..ontology.terms import DKG_NS
from ..resources import data_dir

SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
#: The code schemes a place may be named by, and the dkg property each reads.
CODE_SCHEMES = {"inegi": "inegiCode", "fips": "fipsCode", "geonames": "geonamesId", "iso": "isoCode"}
#: What each scheme's codes look like (a CSV value is checked before it is looked up).
CODE_PATTERNS = {"inegi": r"[0-9]{2}(?:[0-9]{3})?", "fips": r"[0-9]{2}(?:[0-9]{3})?", "geonames": r"[1-9][0-9]{0,9}",
                 "iso": r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?"}
#: Place classes below the first level of a country, from the most to the least encompassing.
LOCAL_KINDS = ("County", "Municipality", "District", "Locality", "City")
FIRST_LEVEL_KINDS = ("AdministrativeArea", "State", "Department")
#: In the rule "dominant population", the largest candidate must be at least this many times the next one.
DOMINANCE = 10


def name_key(name: str) -> str:
    """How names are compared: folded (:func:`~graph_loader.model.fold`), abbreviation dots dropped, ``,`` read as
    a space.

    >>> name_key("Washington, D.C.") == name_key("washington dc")
    True
    >>> name_key("St. Louis")
    'st louis'
    """
    return " ".join(re.sub(r",", " ", fold(name).replace(".", "")).split())


def gazetteer_files() -> list[Path]:
    """The gazetteer's files: ``places.ttl`` and the municipal gazetteer of ``full/``."""
    folder = data_dir() / "gazetteer"
    return [folder / "places.ttl", *sorted((folder / "full").glob("*.ttl"))]


@dataclass
class GazetteerPlace:
    """One place of the gazetteer as the lookups see it."""

    iri: str
    kind: str
    name: str
    file: Path
    alt_names: list[str] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)
    part_of: list[str] = field(default_factory=list)
    lat: float | None = None
    long: float | None = None
    population: int | None = None
    #: ``(source IRI, locator)`` of each evidence the gazetteer gives for the place.
    evidence: list[tuple[str, str]] = field(default_factory=list)

    def label(self, gazetteer: Gazetteer | None = None) -> str:
        """``Monte Escobedo (Municipality, MX-ZAC, inegi:32031)``: enough to tell candidates apart."""
        where = gazetteer.area_code(self) if gazetteer else None
        code = next((f"{scheme}:{self.codes[prop]}" for scheme, prop in CODE_SCHEMES.items()
                     if prop in self.codes and scheme != "iso"), None)
        parts = [self.kind, *(p for p in (where, code) if p)]
        if self.population is not None:
            parts.append(f"population {self.population:,}")
        return f"{self.name} ({', '.join(parts)})"


@dataclass(frozen=True)
class Match:
    """A name matched to one place, and the rule that matched it."""

    place: GazetteerPlace
    rule: str
    explanation: str
    others: tuple[GazetteerPlace, ...] = ()


@dataclass(frozen=True)
class Ambiguous:
    """A name that several places bear: reported with the candidates, never resolved."""

    name: str
    candidates: tuple[GazetteerPlace, ...]


@dataclass(frozen=True)
class NotFound:
    """A name no place of the kinds looked for bears (within the area given)."""

    name: str
    within: str | None


class Gazetteer:
    """Places by IRI, by code and by folded name, read from the gazetteer files."""

    def __init__(self, files: Iterable[Path]):
        self.places: dict[str, GazetteerPlace] = {}
        #: Every triple of the files by subject (blank nodes made unique per file), for :meth:`records`.
        self.triples: dict[str, list[Triple]] = defaultdict(list)
        #: The reified statements about each place (blank nodes with that ``rdf:subject``).
        self.statements: dict[str, list[str]] = defaultdict(list)
        self.by_code: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.by_name: dict[str, list[str]] = defaultdict(list)
        for path in files:
            self._read(Path(path))
        for place in self.places.values():
            for scheme, prop in CODE_SCHEMES.items():
                if prop in place.codes:
                    self.by_code[(scheme, place.codes[prop])].append(place.iri)
            for name in dict.fromkeys(name_key(n) for n in (place.name, *place.alt_names)):
                self.by_name[name].append(place.iri)

    def _read(self, path: Path) -> None:
        kinds = {DKG_NS + k: k for k in (*LOCAL_KINDS, *FIRST_LEVEL_KINDS, "Country")}
        values: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        blank = f"_:gaz{len(self.triples)}x{abs(hash(path.name)) % 10**6}b"
        for quad in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE):
            subject, predicate, obj = quad.subject, quad.predicate.value, quad.object
            key = _plain(subject, blank)
            self.triples[key].append((key, predicate, _plain(obj, blank)))
            if predicate == RDF_NS + "subject" and not isinstance(subject, pyoxigraph.NamedNode):
                self.statements[obj.value].append(key)
            if not isinstance(subject, pyoxigraph.NamedNode):
                continue
            values[subject.value][predicate].append(obj)
        records = {iri: (props[DKG_NS + "source"][0].value, props[DKG_NS + "locator"][0].value)
                   for iri, props in values.items() if props.get(DKG_NS + "source") and props.get(DKG_NS + "locator")}
        for iri, props in values.items():
            kind = next((kinds[t.value] for t in props.get(RDF_TYPE, []) if t.value in kinds), None)
            if kind is None:
                continue
            labels = props.get(SKOS_NS + "prefLabel", [])
            place = GazetteerPlace(
                iri=iri, kind=kind, file=path, name=labels[0].value if labels else iri.rsplit("/", 1)[-1],
                alt_names=[v.value for v in labels[1:] + props.get(SKOS_NS + "altLabel", [])],
                codes={prop: props[DKG_NS + prop][0].value for prop in CODE_SCHEMES.values()
                       if props.get(DKG_NS + prop)},
                part_of=[v.value for v in props.get(DKG_NS + "partOf", [])])
            if props.get(GEO_NS + "lat") and props.get(GEO_NS + "long"):
                place.lat, place.long = float(props[GEO_NS + "lat"][0].value), float(props[GEO_NS + "long"][0].value)
            if props.get(DKG_NS + "population"):
                place.population = int(props[DKG_NS + "population"][0].value)
            place.evidence = [records[e.value] for e in props.get(DKG_NS + "evidence", []) if e.value in records]
            self.places[iri] = place

    # -- places and areas -----------------------------------------------------------------------------------
    def ancestors(self, iri: str) -> list[str]:
        """The places ``iri`` lies in, nearest first (following ``partOf`` up to the country)."""
        seen, frontier = [], [iri]
        while frontier:
            nxt = []
            for current in frontier:
                for parent in self.places[current].part_of if current in self.places else ():
                    if parent not in seen and parent != iri:
                        seen.append(parent)
                        nxt.append(parent)
            frontier = nxt
        return seen

    def area_code(self, place: GazetteerPlace) -> str | None:
        """The ISO code of the first-level area (or else the country) a place lies in."""
        for iri in self.ancestors(place.iri):
            ancestor = self.places.get(iri)
            if ancestor is not None and ancestor.kind in FIRST_LEVEL_KINDS:
                return ancestor.codes.get("isoCode")
        return next((self.places[i].codes.get("isoCode") for i in self.ancestors(place.iri)
                     if i in self.places and self.places[i].kind == "Country"), None)

    def area(self, text: str) -> GazetteerPlace | None:
        """A country or first-level area named by ISO code (``MX-ZAC``, ``SV``) or by name (``Zacatecas``)."""
        text = text.strip()
        for iri in self.by_code.get(("iso", text.upper()), []):
            return self.places[iri]
        found = [self.places[i] for i in self.by_name.get(name_key(text), [])
                 if self.places[i].kind in (*FIRST_LEVEL_KINDS, "Country")]
        return found[0] if len(found) == 1 else None

    def records(self, iris: Iterable[str]) -> list[Triple]:
        """The gazetteer's triples about the places ``iris`` and every place they lie in: their descriptions, the
        reified statements of their ``partOf`` ties, their evidence and the sources it cites. A CSV row that names
        a place brings these with it, so the place loads with its codes, coordinates and provenance."""
        wanted = dict.fromkeys(i for iri in iris for i in (iri, *self.ancestors(iri)))
        subjects = dict.fromkeys(s for iri in wanted for s in (iri, *self.statements.get(iri, [])))
        evidence = dict.fromkeys(o for s in subjects for _, p, o in self.triples.get(s, [])
                                 if p == DKG_NS + "evidence")
        sources = dict.fromkeys(o for e in evidence for _, p, o in self.triples.get(e, []) if p == DKG_NS + "source")
        sources_evidence = dict.fromkeys(o for s in sources for _, p, o in self.triples.get(s, [])
                                         if p == DKG_NS + "evidence")
        return [t for s in (*subjects, *evidence, *sources, *sources_evidence) for t in self.triples.get(s, [])]

    # -- lookups ----------------------------------------------------------------------------------------------
    def by_scheme(self, scheme: str, code: str) -> list[GazetteerPlace]:
        """The places a code names in one scheme (``inegi``, ``fips``, ``geonames``, ``iso``)."""
        return [self.places[i] for i in self.by_code.get((scheme, code), [])]

    def candidates(self, name: str, kinds: Iterable[str], within: str | None = None) -> list[GazetteerPlace]:
        """Places of ``kinds`` bearing ``name`` (folded), inside the place ``within`` (an IRI) when given."""
        kinds = set(kinds)
        found = [self.places[i] for i in self.by_name.get(name_key(name), []) if self.places[i].kind in kinds]
        if within is not None:
            found = [p for p in found if within in self.ancestors(p.iri)]
        return sorted(found, key=lambda p: p.iri)

    def match(self, name: str, kinds: Iterable[str], within: str | None = None, *,
              dominance: bool = True) -> Match | Ambiguous | NotFound:
        """The one place of ``kinds`` named ``name`` inside ``within`` (an area's IRI), by these rules in order:

        1. ``name in area`` (``within`` given) or ``unique name`` (no area given): exactly one candidate;
        2. ``dominant population``: every candidate has a population and the largest has at least
           :data:`DOMINANCE` times the next one's (Austin, TX and Austin, MN); the others are kept in the match;
        3. otherwise :class:`Ambiguous` with every candidate, or :class:`NotFound`.

        ``dominance=False`` skips rule 2: a CSV row must then name such a place by its code.
        """
        kinds = tuple(kinds)
        found = self.candidates(name, kinds, within)
        where = self.places[within].name if within in self.places else None
        if not found:
            return NotFound(name, where)
        if len(found) == 1:
            rule = "name in area" if within else "unique name"
            scope = f"in {where}" if within else "in the whole gazetteer"
            return Match(found[0], rule, f"the only place named {name!r} {scope} among the gazetteer's "
                                         f"{', '.join(k.lower() for k in kinds)} entries")
        by_size = sorted(found, key=lambda p: -(p.population or 0))
        if dominance and all(p.population for p in found) \
                and by_size[0].population >= DOMINANCE * by_size[1].population:
            return Match(by_size[0], "dominant population",
                         f"{len(found)} places named {name!r}{' in ' + where if where else ''}; "
                         f"{by_size[0].label(self)} has at least {DOMINANCE} times the population of any other",
                         tuple(by_size[1:]))
        return Ambiguous(name, tuple(found))


def _plain(term, blank: str) -> Term:
    """A pyoxigraph term as the package's plain value (see :mod:`graph_loader.model`)."""
    if isinstance(term, pyoxigraph.NamedNode):
        return term.value
    if isinstance(term, pyoxigraph.BlankNode):
        return blank + term.value
    datatype = term.datatype.value
    if term.language:
        return Lit(term.value, None, term.language)
    return Lit(term.value, None if datatype == XSD_NS + "string" else datatype, None)


@cache
def default_gazetteer() -> Gazetteer:
    """The gazetteer of this installation's ``data/gazetteer`` (read once per process, about a second)."""
    return Gazetteer(gazetteer_files())


#: ``Monte Escobedo (MX-ZAC)`` or ``Monte Escobedo (Zacatecas)``: a place named with its area in parentheses.
NAME_IN_AREA = re.compile(r"(?P<name>[^()]*?\S)\s*\((?P<area>[^()]+)\)")
#: ``inegi:32031``: a place named by a code of one of :data:`CODE_SCHEMES`.
CODE_REFERENCE = re.compile(r"(?P<scheme>" + "|".join(CODE_SCHEMES) + r"):(?P<code>\S+)", re.IGNORECASE)


def resolve(value: str, gazetteer: Gazetteer, where: tuple[str, int, str]) -> str | None:
    """The gazetteer IRI a CSV value names, or None when the value is not a place reference (an id).

    ``inegi:32031``, ``fips:17031``, ``geonames:4887398``, ``iso:MX-ZAC``: a place by code. ``Monte Escobedo
    (MX-ZAC)`` or ``Monte Escobedo (Zacatecas)``: a municipality, district, town or city by name within a state,
    department or country (:meth:`Gazetteer.match`). A code no place has, a malformed code, an unknown area and a
    name no place or several places bear raise :class:`~graph_loader.errors.InputError` at ``where``
    (file, line, column), naming the candidates.
    """
    path, line, column = where
    code = CODE_REFERENCE.fullmatch(value)
    if code:
        scheme, text = code["scheme"].lower(), code["code"]
        text = text.upper() if scheme == "iso" else text
        if not re.fullmatch(CODE_PATTERNS[scheme], text):
            raise InputError(path, f"column {column}: {value!r} is not a well-formed {scheme}: code", line=line,
                             hint=CODE_HINT)
        found = gazetteer.by_scheme(scheme, text)
        if not found:
            raise InputError(path, f"column {column}: no place of the gazetteer has the {scheme} code {text}",
                             line=line, hint="check the code; the gazetteer's places are listed in "
                                             "data/gazetteer/ (load data/gazetteer/full to browse them)")
        if len(found) > 1:  # no scheme gives two places one code; kept for a gazetteer built otherwise
            raise InputError(path, f"column {column}: the {scheme} code {text} names "
                             + "; ".join(p.label(gazetteer) for p in found), line=line)
        return found[0].iri
    named = NAME_IN_AREA.fullmatch(value)
    if named is None:
        return None
    area = gazetteer.area(named["area"])
    if area is None:
        raise InputError(path, f"column {column}: {named['area']!r} is not a state, department or country of the "
                               "gazetteer", line=line,
                         hint="write the area as an ISO 3166-2 code (MX-ZAC, SV-CU, US-IL) or its name (Zacatecas)")
    result = gazetteer.match(named["name"], LOCAL_KINDS, area.iri, dominance=False)
    if isinstance(result, Match):
        return result.place.iri
    if isinstance(result, Ambiguous):
        choices = "; ".join(f"{p.label(gazetteer)} -> write {reference(p)}" for p in result.candidates)
        raise InputError(path, f"column {column}: {named['name']!r} names {len(result.candidates)} places in "
                               f"{area.name}: {choices}", line=line,
                         hint="name the place by its code, as listed, so that the row says which one it means")
    raise InputError(path, f"column {column}: no municipality, district, town or city named {named['name']!r} in "
                           f"{area.name} ({area.codes.get('isoCode')})", line=line,
                     hint="check the spelling (accents and case do not matter) and the state, or name the place by "
                          "its code: inegi:32031, fips:17031, geonames:4887398")


def reference(place: GazetteerPlace) -> str:
    """How a CSV names ``place`` by code: ``inegi:32031``, ``fips:17031``, ``geonames:…`` or ``iso:MX-ZAC``."""
    for scheme, prop in CODE_SCHEMES.items():
        if prop in place.codes and scheme != "iso":
            return f"{scheme}:{place.codes[prop]}"
    return f"iso:{place.codes.get('isoCode')}"


CODE_HINT = ("name a place by code as inegi:32031 (a municipio's 5-digit CVEGEO, or a state's 2 digits), fips:17031 "
             "(a US county, or a state's 2 digits), geonames:4887398 or iso:MX-ZAC; or by name and area: "
             "Monte Escobedo (MX-ZAC)")

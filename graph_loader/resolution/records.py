"""What one node says about itself, as entity resolution reads it: a :class:`Record`.

A record is plain data, built the same way whatever holds the graph: from the rows of a
:class:`~graph_loader.model.PropertyGraph` (read from RDF files by ``rdf.sources.from_files``, or from Neo4j by
``neo4j.read``), or from any rows ``(uri, labels, properties)`` and ties ``(type, start uri, end uri)``
(:func:`records_from_rows`). The names of labels, relationship types and properties come from the ontology
through a :class:`Vocabulary` (:meth:`Vocabulary.from_schema`), never from a list written here.

Which nodes become records: those of the three families that entity resolution compares (organisations, people,
places: the ontology's ``dkg:Organisation``, ``dkg:Person`` and ``dkg:Place`` and their subclasses), that have a
name of their own. An unnamed node (``dkg:unnamed true``, whose label describes it: "a Los Angeles hometown
association") and a stub (a node only pointed at) are left out: their labels are no names to match.

Examples
--------
>>> vocabulary = Vocabulary(families={"Organisation": "organisation", "Place": "place"},
...                         state_labels=frozenset({"State"}), country_labels=frozenset({"Country"}))
>>> nodes = [("ex:fed", ("Federation", "Organisation", "Resource"),
...           {"name": "Federación de Clubes Michoacanos en Illinois", "altNames": ["FEDECMI"],
...            "acronyms": ["FEDECMI"], "sources": ["data/seed/20.ttl"]}),
...          ("ex:mic", ("State", "Place"), {"name": "Michoacán", "isoCode": "MX-MIC"}),
...          ("ex:mx", ("Country", "Place"), {"name": "Mexico", "isoCode": "MX"})]
>>> ties = [("ORIGINATES_FROM", "ex:fed", "ex:mic"), ("PART_OF", "ex:mic", "ex:mx")]
>>> fed, mic, mx = records_from_rows(nodes, ties, vocabulary)
>>> fed.family, fed.names, fed.acronyms, fed.home.states, fed.home.countries
('organisation', ('Federación de Clubes Michoacanos en Illinois', 'FEDECMI'), ('FEDECMI',), frozenset({'ex:mic'}), frozenset({'ex:mx'}))
>>> mic.codes, mic.home.countries
(frozenset({('isoCode', 'MX-MIC')}), frozenset({'ex:mx'}))
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import RESOURCE_LABEL, PropertyGraph, as_list

if TYPE_CHECKING:  # annotations only
    from ..ontology.schema import GraphSchema

#: How far up ``partOf`` a place's states and countries are looked for (a guard against cycles in bad data).
MAX_PLACE_DEPTH = 8


@dataclass(frozen=True, slots=True)
class Where:
    """Where something is, as the graph says: the places named, and the states (first-level administrative areas:
    Mexican states, Salvadoran departments, US states) and countries they lie in. Each a set of URIs; an empty
    set is "not known", never "nowhere".
    """

    places: frozenset[str] = frozenset()
    states: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.places or self.states or self.countries)

    @property
    def all(self) -> frozenset[str]:
        """Every place named, at every level."""
        return self.places | self.states | self.countries


NOWHERE = Where()


@dataclass(frozen=True, slots=True)
class Record:
    """What one node says about itself, for entity resolution.

    * ``uri``: the node's id; ``family``: ``"organisation"``, ``"person"`` or ``"place"``;
    * ``kinds``: the node's ontology classes with all their superclasses (labels, ``Resource`` left out); two
      records can be one thing only when the classes of one are all classes of the other (a
      ``DiasporaOrganisation`` can be a ``HometownAssociation``; a ``HometownAssociation`` is no ``Federation``);
      ``kind``: the most specific one, for display;
    * ``names``: the name first, then the other names (alternative labels, other languages, acronyms), as the
      sources write them; ``acronyms``: those of them that are acronyms (``dkg:acronym``);
    * ``home``: where an organisation comes from (``originatesFrom``, with ``homeCountry``); for a place, where
      it lies (``partOf``); ``based``: where it is (``locatedIn``);
    * ``founded``: the founding year; ``codes``: identifiers as ``(property, value)`` pairs (``isoCode``);
    * ``sources``: the source files (or keys) that state the node;
    * ``linked``: the nodes a source already links this one to as the same place or the place it lies in
      (``gazetteerPlace``): a decided tie, never proposed again as a candidate.
    """

    uri: str
    family: str
    kinds: frozenset[str]
    kind: str
    names: tuple[str, ...]
    acronyms: tuple[str, ...] = ()
    home: Where = NOWHERE
    based: Where = NOWHERE
    founded: int | None = None
    codes: frozenset[tuple[str, str]] = frozenset()
    sources: tuple[str, ...] = ()
    linked: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return self.names[0] if self.names else self.uri


def compatible_kinds(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two nodes with these classes can be one thing: the classes of one are all classes of the other.

    >>> hta = frozenset({"HometownAssociation", "DiasporaOrganisation", "Organisation", "Agent"})
    >>> compatible_kinds(hta, frozenset({"DiasporaOrganisation", "Organisation", "Agent"}))
    True
    >>> compatible_kinds(hta, frozenset({"Federation", "DiasporaOrganisation", "Organisation", "Agent"}))
    False
    """
    return a <= b or b <= a


@dataclass(frozen=True)
class Vocabulary:
    """The ontology's names that records are read with: labels, relationship types and property names.

    ``families``: label -> family (``{"Organisation": "organisation", ...}``); ``state_labels`` and
    ``country_labels``: the labels of first-level administrative areas and of countries.
    """

    families: Mapping[str, str]
    state_labels: frozenset[str]
    country_labels: frozenset[str]
    home: str = "ORIGINATES_FROM"
    based: str = "LOCATED_IN"
    home_country: str = "HOME_COUNTRY"
    part_of: str = "PART_OF"
    linked: str = "GAZETTEER_PLACE"
    founded: str = "foundedYear"
    unnamed: str = "unnamed"
    codes: tuple[str, ...] = ("isoCode",)
    #: label -> depth in the class tree (the most specific label of a node is the deepest); for display only.
    depths: Mapping[str, int] = field(default_factory=dict)
    #: Labels that are no class of the ontology (the label every node carries).
    ignored_labels: frozenset[str] = field(default_factory=lambda: frozenset({RESOURCE_LABEL}))

    @classmethod
    def from_schema(cls, schema: GraphSchema) -> Vocabulary:
        """Every name from the ontology: ``dkg:Organisation``, ``dkg:Person``, ``dkg:Place``,
        ``dkg:AdministrativeArea``, ``dkg:Country``, ``dkg:originatesFrom``, ``dkg:locatedIn``,
        ``dkg:homeCountry``, ``dkg:partOf``, ``dkg:gazetteerPlace``, ``dkg:foundedYear``, ``dkg:unnamed``, ``dkg:isoCode``."""
        from ..ontology.terms import DKG

        def label(term) -> str:
            return schema.classes[str(term)].label

        def rel_type(term) -> str:
            return schema.object_properties[str(term)].type

        def prop(term) -> str:
            return schema.datatype_properties[str(term)].name

        return cls(
            families={label(DKG.Organisation): "organisation", label(DKG.Person): "person",
                      label(DKG.Place): "place"},
            state_labels=frozenset({label(DKG.AdministrativeArea)}),
            country_labels=frozenset({label(DKG.Country)}),
            home=rel_type(DKG.originatesFrom), based=rel_type(DKG.locatedIn),
            home_country=rel_type(DKG.homeCountry), part_of=rel_type(DKG.partOf),
            linked=rel_type(DKG.gazetteerPlace),
            founded=prop(DKG.foundedYear), unnamed=prop(DKG.unnamed), codes=(prop(DKG.isoCode),),
            depths={c.label: c.depth for c in schema.classes.values()})


Row = tuple[str, Iterable[str], Mapping]
Tie = tuple[str, str, str]


def records_from_rows(nodes: Iterable[Row], ties: Iterable[Tie], vocabulary: Vocabulary) -> list[Record]:
    """The records of ``nodes`` (``(uri, labels, properties)``), placed by ``ties`` (``(type, start, end)``).

    Properties read: ``name``, ``altNames``, ``acronyms`` (the loader's derived names), ``sources``, the
    founding year, the codes and ``unnamed``; ``stub`` nodes are skipped. Ties read: where an organisation comes
    from and is based, its home country, and ``partOf`` between places (followed up to the states and countries).
    """
    nodes = list(nodes)
    labels_of = {uri: frozenset(labels) - vocabulary.ignored_labels for uri, labels, _ in nodes}
    wanted = {vocabulary.home, vocabulary.based, vocabulary.home_country, vocabulary.part_of, vocabulary.linked}
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for rel_type, start, end in ties:
        if rel_type in wanted:
            out[start][rel_type].append(end)
    places = _Places(labels_of, out, vocabulary)
    records = []
    for uri, _, props in nodes:
        labels = labels_of[uri]
        families = {vocabulary.families[lab] for lab in labels if lab in vocabulary.families}
        if len(families) != 1 or props.get("stub") or props.get(vocabulary.unnamed) is True:
            continue
        family = families.pop()
        names = [str(n) for n in [props.get("name"), *as_list(props.get("altNames"))] if n]
        if not names:
            continue
        ties_out = out.get(uri, {})
        if family == "place":
            home = places.where(ties_out.get(vocabulary.part_of, []))
            based = NOWHERE
        else:
            home = places.where(ties_out.get(vocabulary.home, []))
            countries = ties_out.get(vocabulary.home_country, [])
            if countries:
                home = Where(home.places, home.states, home.countries | frozenset(countries))
            based = places.where(ties_out.get(vocabulary.based, []))
        records.append(Record(
            uri=uri, family=family, kinds=labels, kind=_most_specific(labels, vocabulary.depths),
            names=tuple(dict.fromkeys(names)), acronyms=tuple(str(a) for a in as_list(props.get("acronyms"))),
            home=home, based=based, founded=_year(props.get(vocabulary.founded)),
            codes=frozenset((code, str(v)) for code in vocabulary.codes for v in as_list(props.get(code))),
            sources=tuple(str(s) for s in as_list(props.get("sources"))),
            linked=frozenset(ties_out.get(vocabulary.linked, []))))
    return records


def records_from_graph(graph: PropertyGraph, vocabulary: Vocabulary) -> list[Record]:
    """The records of a :class:`~graph_loader.model.PropertyGraph` (from files or from Neo4j)."""
    nodes = ((uri, node["labels"], node["props"]) for uri, node in graph.nodes.items())
    ties = ((rel["type"], rel["start"], rel["end"]) for rel in graph.relationships.values())
    return records_from_rows(nodes, ties, vocabulary)


class _Places:
    """The states and countries of places, found up ``partOf`` (and ``locatedIn``) once per place."""

    def __init__(self, labels_of: Mapping[str, frozenset[str]], out: Mapping[str, Mapping[str, list[str]]],
                 vocabulary: Vocabulary):
        self.labels_of, self.out, self.vocabulary = labels_of, out, vocabulary
        self._above: dict[str, frozenset[str]] = {}

    def above(self, place: str) -> frozenset[str]:
        """Every place ``place`` lies in, up to :data:`MAX_PLACE_DEPTH` levels."""
        if place not in self._above:
            found: set[str] = set()
            frontier = [place]
            for _ in range(MAX_PLACE_DEPTH):
                frontier = [up for p in frontier for t in (self.vocabulary.part_of, self.vocabulary.based)
                            for up in self.out.get(p, {}).get(t, []) if up not in found and up != place]
                if not frontier:
                    break
                found.update(frontier)
            self._above[place] = frozenset(found)
        return self._above[place]

    def where(self, targets: Iterable[str]) -> Where:
        """The places ``targets``, with the states and countries they lie in; a state or a country named itself
        counts as one (``places`` holds only what lies below the states)."""
        targets = list(targets)
        if not targets:
            return NOWHERE
        levels = set(targets)
        for target in targets:
            levels |= self.above(target)
        states = frozenset(p for p in levels if self.labels_of.get(p, frozenset()) & self.vocabulary.state_labels)
        countries = frozenset(p for p in levels
                              if self.labels_of.get(p, frozenset()) & self.vocabulary.country_labels)
        return Where(frozenset(targets) - states - countries, states, countries)


def _most_specific(labels: frozenset[str], depths: Mapping[str, int]) -> str:
    """The deepest label in the class tree (alphabetically first among equals), for display."""
    return min(labels, key=lambda lab: (-depths.get(lab, 0), lab)) if labels else RESOURCE_LABEL


def _year(value: object) -> int | None:
    """A founding year as an int (``1998``, ``"1998"``: a gYear is stored as an int, or as its lexical form when
    it is out of range), else None."""
    for item in as_list(value):
        text = str(item).strip()
        if text[:4].isdigit():
            return int(text[:4])
    return None

"""A synthetic corpus for benchmarks: realistic in shape, invented in every name, number and tie.

The corpus imitates the structure the source article describes, at any size:

* home countries -> states or departments -> municipalities, each with its government;
* hometown associations (HTAs), each from one home municipality and based in a city of the host country,
  grouped into federations by home state, sometimes into an umbrella group, sometimes partnered with an NGO,
  sometimes with a home community committee as their counterpart;
* per home country a ministry of foreign affairs with an outreach agency and a development fund that runs a
  national matching-fund programme; some states run their own; international organisations run development
  programmes and co-fund a few projects;
* projects in the HTAs' home municipalities, co-funded through ``dkg:Contribution`` by the HTA, the body
  running the programme, often the municipal government and sometimes an international organisation.

Sizes are heavy-tailed as in the field: a few municipalities send most HTAs (Zipf), most HTAs fund no
project or one while a few fund dozens (Pareto), costs are log-normal around US$30,000.

Everything is under :data:`SYNTH_NS` and marked as synthetic twice: ``dkg:note "synthetic"`` on every
resource (the ontology has no dedicated property), and ``dkg:evidence`` pointing to one evidence record whose
``dkg:Source`` says the data are invented by this module. The output is deterministic for a seed and written
as it is generated (memory stays flat at 10^6 triples). It is never written into ``data/``.

Examples
--------
>>> triples = list(synthetic_triples(300, seed=1))
>>> len(triples) >= 300
True
>>> all(s.startswith(SYNTH_NS) for s, _, _ in triples)
True
>>> triples == list(synthetic_triples(300, seed=1))
True
"""

from __future__ import annotations

import math
import random
import re
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from ..model import RDF_TYPE, XSD_NS, Lit, Triple
from ..ontology.terms import DKG_NS
from ..resources import data_dir

SYNTH_NS = "https://w3id.org/diaspora-kg/synthetic/"
#: The value of ``dkg:note`` that marks every synthetic resource.
SYNTHETIC_NOTE = "synthetic"
#: Folder the generator refuses to write into: it holds the real corpus only.
DATA_DIR = data_dir()

SKOS = "http://www.w3.org/2004/02/skos/core#"
DKG = DKG_NS

#: Host-country ISO code: the analyses treat actors based there as "in the US" (the article's host country).
HOST_CODE = "US"
#: User-assigned ISO 3166-1 codes (XA-XZ, QM-QY): they can never name a real country.
HOME_CODES = tuple(f"X{c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ") + tuple(f"Q{c}" for c in "MNOPQRSTUVWXY")
#: Project categories with the weights of the article's 45 FISDL projects (17 infrastructure, 14 recreation, ...).
CATEGORIES = (("infrastructure", "infraestructura", 17), ("recreation", "recreación", 14), ("health", "salud", 6),
              ("schools", "escuelas", 5), ("water", "agua", 4), ("productive", "productiva", 2))
_CATEGORY_CUMULATIVE = list(accumulate(weight for _, _, weight in CATEGORIES))
#: The scheme the shapes require project categories to be in (an IRI the synthetic categories point to).
PROJECT_CATEGORY_SCHEME = "https://w3id.org/diaspora-kg/id/scheme/project-category"
#: Triples one HTA brings on average with its projects and its share of places and governments (55 to 58 for
#: seeds 0-4 at 10^5 triples): sizes the skeleton so that places and governments stay in proportion to the HTAs.
TRIPLES_PER_HTA = 56
MEDIAN_PROJECT_COST_USD = 30_000


def _iri(local: str) -> str:
    return SYNTH_NS + local


def _zipf_cumulative(count: int, exponent: float = 1.1) -> list[float]:
    """Cumulative Zipf weights of ranks 1..count: rank r is chosen with probability proportional to r^-exponent."""
    return list(accumulate(1 / (rank ** exponent) for rank in range(1, count + 1)))


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    """An index drawn with the weights whose running sums are ``cumulative`` (O(log n))."""
    return bisect(cumulative, rng.random() * cumulative[-1])


@dataclass
class _State:
    """A home state: its place in the hierarchy and what the skeleton gave it."""

    country: str
    index: int
    municipalities: int
    federation_city: int | None
    runs_programme: bool

    @property
    def code(self) -> str:
        return f"{self.country}-{self.index:02d}"


@dataclass
class _Skeleton:
    """Countries, states, municipalities, cities and bodies, sized for the expected number of HTAs."""

    countries: list[str]
    states: dict[str, list[_State]]
    cities: int
    city_states: int
    international: int
    ngos: int
    country_cumulative: list[float] = field(default_factory=list)
    city_cumulative: list[float] = field(default_factory=list)
    state_cumulative: dict[str, list[float]] = field(default_factory=dict)
    municipality_cumulative: dict[int, list[float]] = field(default_factory=dict)

    def municipality_weights(self, count: int) -> list[float]:
        if count not in self.municipality_cumulative:
            self.municipality_cumulative[count] = _zipf_cumulative(count)
        return self.municipality_cumulative[count]


def _plan(htas: int, rng: random.Random) -> _Skeleton:
    """Decide the skeleton's sizes for about ``htas`` HTAs (a few countries, a few hundred HTAs per state)."""
    countries = list(HOME_CODES[: max(1, min(len(HOME_CODES), round(htas ** 0.3 / 2)))])
    states_per_country = max(2, min(32, round(math.sqrt(htas / len(countries)) / 3)))
    municipalities_per_state = max(2, min(150, round(htas / (len(countries) * states_per_country) / 3)))
    cities = max(2, min(80, htas // 150))
    states = {}
    for country in countries:
        count = rng.randint(max(2, states_per_country // 2), states_per_country + states_per_country // 2)
        states[country] = [
            _State(country, i, rng.randint(max(2, municipalities_per_state // 2), municipalities_per_state * 3 // 2),
                   rng.randrange(cities) if rng.random() < 0.6 else None, rng.random() < 0.3)
            for i in range(1, count + 1)
        ]
    skeleton = _Skeleton(countries, states, cities, city_states=max(1, min(10, cities // 4)),
                         international=max(1, min(6, len(countries) // 2)), ngos=max(1, min(50, htas // 400)))
    skeleton.country_cumulative = _zipf_cumulative(len(countries))
    skeleton.city_cumulative = _zipf_cumulative(cities)
    skeleton.state_cumulative = {c: _zipf_cumulative(len(s)) for c, s in states.items()}
    return skeleton


class _Emitter:
    """Builds each resource's triples, adding the synthetic marks; counts what it yields."""

    def __init__(self, seed: int):
        self.seed = seed
        self.count = 0
        self.evidence = _iri("evidence-generator")
        self.source = _iri("source-generator")

    def resource(self, local: str, cls: str | tuple[str, ...], label: str | None, *pairs,
                 cited: bool = True) -> Iterator[Triple]:
        """The triples of one resource: its classes, its English label, ``pairs`` (a None value is left out)
        and the synthetic marks (the evidence only when ``cited``: the evidence record does not cite itself)."""
        subject = _iri(local)
        for c in (cls,) if isinstance(cls, str) else cls:
            yield subject, RDF_TYPE, c
        if label is not None:
            yield subject, SKOS + "prefLabel", Lit(label, None, "en")
        for predicate, value in pairs:
            if value is not None:
                yield subject, predicate, value
        yield subject, DKG + "note", Lit(SYNTHETIC_NOTE)
        if cited:
            yield subject, DKG + "evidence", self.evidence


def _year(value: int) -> Lit:
    return Lit(str(value), XSD_NS + "gYear")


def _usd(value: float) -> Lit:
    return Lit(f"{value:.2f}", XSD_NS + "decimal")


def _decimal(value: float, places: int = 4) -> Lit:
    return Lit(f"{value:.{places}f}", XSD_NS + "decimal")


def _integer(value: int) -> Lit:
    return Lit(str(value), XSD_NS + "integer")


def synthetic_triples(triples: int, seed: int = 0) -> Iterator[Triple]:
    """Yield a synthetic corpus of at least ``triples`` triples (a few dozen more: HTAs are never cut short).

    Parameters
    ----------
    triples : int
        The number of triples wanted (at least 1); the corpus stops after the first HTA that reaches it.
    seed : int
        Seed of every random choice: the same seed and size give the same triples in the same order.

    Yields
    ------
    tuple
        ``(subject, predicate, object)`` as :mod:`graph_loader.rdf.read` gives them (IRIs as ``str``,
        literals as :class:`~graph_loader.rdf.read.Lit`), each resource's triples together.
    """
    if triples < 1:
        raise ValueError(f"the number of triples must be at least 1, got {triples}")
    rng = random.Random(seed)
    out = _Emitter(seed)
    skeleton = _plan(max(1, triples // TRIPLES_PER_HTA), rng)
    for triple in _skeleton_triples(skeleton, out):
        out.count += 1
        yield triple
    hta = 0
    while out.count < triples:
        hta += 1
        for triple in _hta_triples(hta, skeleton, rng, out):
            out.count += 1
            yield triple


def _skeleton_triples(sk: _Skeleton, out: _Emitter) -> Iterator[Triple]:
    """Provenance, categories, places, governments, agencies, programmes and other bodies."""
    yield from out.resource(
        "source-generator", DKG + "Source", f"diaspora-kg synthetic benchmark corpus (seed {out.seed})",
        (DKG + "description", Lit("Synthetic data generated by graph_loader.synth for benchmarks and tests: every "
                                  "name, number and tie is invented by code and describes nothing real.", None,
                                  "en")))
    yield from out.resource("evidence-generator", DKG + "Evidence", None, (DKG + "source", out.source),
                            (DKG + "locator", Lit(f"graph_loader.synth, seed {out.seed}")), cited=False)
    for slug, spanish, _ in CATEGORIES:
        yield from out.resource(f"category-{slug}", (SKOS + "Concept", DKG + "ProjectCategory"),
                                f"Synthetic project category: {slug}",
                                (SKOS + "prefLabel", Lit(f"Categoría de proyecto sintética: {spanish}", None, "es")),
                                (SKOS + "inScheme", PROJECT_CATEGORY_SCHEME))

    host = f"country-{HOST_CODE}"
    yield from out.resource(host, DKG + "Country", f"Synthetic host country ({HOST_CODE})",
                            (DKG + "isoCode", Lit(HOST_CODE)))
    for i in range(1, sk.city_states + 1):
        yield from out.resource(f"state-{HOST_CODE}-{i:02d}", DKG + "State", f"Synthetic host state {i}",
                                (DKG + "partOf", _iri(host)))
    for i in range(sk.cities):
        yield from out.resource(f"city-{i}", DKG + "City", f"Synthetic city {i}",
                                (DKG + "partOf", _iri(f"state-{HOST_CODE}-{i % sk.city_states + 1:02d}")))

    for c in sk.countries:
        yield from _country_triples(c, sk, out)
    for i in range(1, sk.international + 1):
        programme = f"programme-intl-{i}"
        yield from out.resource(f"intl-{i}", DKG + "InternationalOrganisation",
                                f"Synthetic international development fund {i}",
                                (DKG + "runs", _iri(programme)),
                                *((DKG + "partnersWith", _iri(f"agency-{c}-fund"))
                                  for c in sk.countries[i - 1::sk.international]))
        yield from out.resource(programme, DKG + "DevelopmentProgramme", f"Synthetic rural development programme {i}",
                                *((DKG + "operatesIn", _iri(f"country-{c}"))
                                  for c in sk.countries[i - 1::sk.international]))
    for i in range(1, sk.ngos + 1):
        yield from out.resource(f"ngo-{i}", DKG + "NGO", f"Synthetic immigrant-rights NGO {i}",
                                (DKG + "locatedIn", _iri(f"city-{i % sk.cities}")))


def _country_triples(c: str, sk: _Skeleton, out: _Emitter) -> Iterator[Triple]:
    """A home country with its national bodies, programmes, consulates, states and municipalities."""
    country = _iri(f"country-{c}")
    home = (DKG + "homeCountry", country)
    yield from out.resource(f"country-{c}", DKG + "Country", f"Synthetic country {c}", (DKG + "isoCode", Lit(c)))
    yield from out.resource(f"government-{c}", DKG + "NationalGovernment", f"Government of synthetic country {c}",
                            (DKG + "governmentLevel", Lit("national")), (DKG + "jurisdiction", country), home)
    yield from out.resource(f"ministry-{c}", DKG + "Ministry", f"Ministry of Foreign Affairs of synthetic country {c}",
                            (DKG + "subOrganisationOf", _iri(f"government-{c}")), home)
    yield from out.resource(f"agency-{c}-outreach", DKG + "GovernmentAgency",
                            f"Directorate for communities abroad of synthetic country {c}",
                            (DKG + "subOrganisationOf", _iri(f"ministry-{c}")),
                            (DKG + "runs", _iri(f"programme-{c}-outreach")), home)
    yield from out.resource(
        f"agency-{c}-fund", DKG + "GovernmentAgency", f"Local development fund of synthetic country {c}",
        (DKG + "subOrganisationOf", _iri(f"government-{c}")), (DKG + "runs", _iri(f"programme-{c}-matching")),
        *((DKG + "coRuns", _iri(f"programme-{s.code}-matching")) for s in sk.states[c] if s.runs_programme), home)
    yield from out.resource(f"programme-{c}-outreach", DKG + "OutreachProgramme",
                            f"Outreach programme for emigrants of synthetic country {c}")
    yield from out.resource(f"programme-{c}-matching", DKG + "MatchingFundProgramme",
                            f"National matching-fund programme of synthetic country {c}",
                            (DKG + "operatesIn", country))
    for city in sorted({s.federation_city for s in sk.states[c] if s.federation_city is not None}):
        yield from out.resource(f"consulate-{c}-{city}", DKG + "Consulate",
                                f"Consulate of synthetic country {c} in synthetic city {city}",
                                (DKG + "subOrganisationOf", _iri(f"ministry-{c}")),
                                (DKG + "locatedIn", _iri(f"city-{city}")), home)
    area = DKG + ("Department" if HOME_CODES.index(c) % 3 == 2 else "State")
    for s in sk.states[c]:
        yield from _state_triples(s, area, country, sk, out)


def _state_triples(s: _State, area: str, country: str, sk: _Skeleton, out: _Emitter) -> Iterator[Triple]:
    state = _iri(f"state-{s.code}")
    home = (DKG + "homeCountry", country)
    yield from out.resource(f"state-{s.code}", area, f"Synthetic state {s.code}",
                            (DKG + "isoCode", Lit(s.code)), (DKG + "partOf", country))
    yield from out.resource(f"government-{s.code}", DKG + "StateGovernment",
                            f"Government of synthetic state {s.code}", (DKG + "governmentLevel", Lit("state")),
                            (DKG + "jurisdiction", state),
                            (DKG + "runs", _iri(f"programme-{s.code}-matching") if s.runs_programme else None),
                            home)
    if s.runs_programme:
        yield from out.resource(f"programme-{s.code}-matching", DKG + "MatchingFundProgramme",
                                f"Matching-fund programme of synthetic state {s.code}", (DKG + "operatesIn", state))
    if s.federation_city is not None:
        yield from out.resource(f"federation-{s.code}", DKG + "Federation",
                                f"Synthetic federation of hometown associations of {s.code}",
                                (DKG + "originatesFrom", state),
                                (DKG + "locatedIn", _iri(f"city-{s.federation_city}")), home)
    for m in range(1, s.municipalities + 1):
        code = f"{s.code}-{m:03d}"
        yield from out.resource(f"municipality-{code}", DKG + "Municipality", f"Synthetic municipality {code}",
                                (DKG + "partOf", state))
        yield from out.resource(f"government-{code}", DKG + "MunicipalGovernment",
                                f"Municipal government of synthetic municipality {code}",
                                (DKG + "governmentLevel", Lit("municipal")),
                                (DKG + "jurisdiction", _iri(f"municipality-{code}")), home)


def _hta_triples(n: int, sk: _Skeleton, rng: random.Random, out: _Emitter) -> Iterator[Triple]:
    """HTA number ``n``: its home, base, memberships, counterpart and the projects it co-funds."""
    c = sk.countries[_pick(rng, sk.country_cumulative)]
    state = sk.states[c][_pick(rng, sk.state_cumulative[c])]
    m = _pick(rng, sk.municipality_weights(state.municipalities)) + 1
    municipality = f"{state.code}-{m:03d}"
    city = _pick(rng, sk.city_cumulative)
    founded = rng.randint(1965, 2003)
    hta = f"hta-{n}"
    member_of = []
    if state.federation_city is not None and rng.random() < 0.5:
        member_of.append(_iri(f"federation-{state.code}"))
    yield from out.resource(
        hta, DKG + "HometownAssociation", f"Synthetic hometown association {n}",
        (DKG + "originatesFrom", _iri(f"municipality-{municipality}")), (DKG + "locatedIn", _iri(f"city-{city}")),
        (DKG + "homeCountry", _iri(f"country-{c}")), *((DKG + "memberOf", f) for f in member_of),
        (DKG + "partnersWith", _iri(f"ngo-{rng.randint(1, sk.ngos)}") if rng.random() < 0.03 else None),
        (DKG + "foundedYear", _year(founded)),
        (DKG + "memberCount", _integer(min(2000, int(10 * rng.paretovariate(1.5))))))
    if rng.random() < 0.2:
        yield from out.resource(f"committee-{n}", DKG + "HomeCommunityCommittee",
                                f"Home community committee of synthetic hometown association {n}",
                                (DKG + "counterpartOf", _iri(hta)),
                                (DKG + "locatedIn", _iri(f"municipality-{municipality}")))
    programme = f"programme-{state.code}-matching" if state.runs_programme else f"programme-{c}-matching"
    runner = f"government-{state.code}" if state.runs_programme else f"agency-{c}-fund"
    projects = min(60, int(rng.paretovariate(1.6)) - 1)
    for p in range(1, projects + 1):
        yield from _project_triples(f"{n}-{p}", hta, municipality, programme, runner, founded, sk, rng, out)


def _project_triples(key: str, hta: str, municipality: str, programme: str, runner: str, founded: int,
                     sk: _Skeleton, rng: random.Random, out: _Emitter) -> Iterator[Triple]:
    """A project and its contributions; the contributors' shares add up to the whole cost."""
    year = rng.randint(max(founded, 1993), 2004)
    cost = round(MEDIAN_PROJECT_COST_USD * rng.lognormvariate(0, 0.9), 2)
    category = CATEGORIES[_pick(rng, _CATEGORY_CUMULATIVE)][0]
    project = f"project-{key}"
    yield from out.resource(project, DKG + "Project", f"Synthetic project {key}",
                            (DKG + "locatedIn", _iri(f"municipality-{municipality}")),
                            (DKG + "beneficiary", _iri(f"municipality-{municipality}")),
                            (DKG + "inProgramme", _iri(programme)),
                            (DKG + "category", _iri(f"category-{category}")),
                            (DKG + "year", _year(year)), (DKG + "totalCostUsd", _usd(cost)))
    shares = [(hta, rng.uniform(0.05, 0.6))]
    if rng.random() < 0.6:
        shares.append((f"government-{municipality}", rng.uniform(0.05, 0.25)))
    if rng.random() < 0.05:
        shares.append((f"intl-{rng.randint(1, sk.international)}", rng.uniform(0.1, 0.5)))
    scale = min(1.0, 0.95 / sum(share for _, share in shares))  # the runner always pays at least 5 %
    shares = [(who, round(share * scale, 4)) for who, share in shares]
    shares.append((runner, round(1 - sum(share for _, share in shares), 4)))
    for i, (contributor, share) in enumerate(shares, start=1):
        yield from out.resource(f"contribution-{key}-{i}", DKG + "Contribution", None,
                                (DKG + "contributor", _iri(contributor)), (DKG + "recipient", _iri(project)),
                                (DKG + "inProgramme", _iri(programme)),
                                (DKG + "amountUsd", _usd(cost * share)), (DKG + "share", _decimal(share)),
                                (DKG + "year", _year(year)))


# -- serialisation ----------------------------------------------------------------------------------------------
PREFIXES = {"dkg": DKG, "synth": SYNTH_NS, "skos": SKOS, "xsd": XSD_NS}
_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(text: str) -> str:
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def _nt_term(term) -> str:
    if isinstance(term, Lit):
        suffix = f"@{term.lang}" if term.lang else f"^^<{term.datatype}>" if term.datatype else ""
        return f'"{_escape(term.value)}"{suffix}'
    return f"<{term}>"


def _ttl_term(term) -> str:
    if isinstance(term, Lit):
        suffix = f"@{term.lang}" if term.lang else f"^^{_ttl_term(term.datatype)}" if term.datatype else ""
        return f'"{_escape(term.value)}"{suffix}'
    for prefix, namespace in PREFIXES.items():
        if term.startswith(namespace) and _LOCAL.fullmatch(term[len(namespace):]):
            return f"{prefix}:{term[len(namespace):]}"
    return f"<{term}>"


def _write_ntriples(triples: Iterator[Triple], out) -> int:
    count = 0
    write = out.write
    for s, p, o in triples:
        write(f"<{s}> <{p}> {_nt_term(o)} .\n")
        count += 1
    return count


def _write_turtle(triples: Iterator[Triple], out) -> int:
    """Turtle with one block per subject (the generator yields each resource's triples together)."""
    out.write("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()))
    count = 0
    current = None
    for s, p, o in triples:
        count += 1
        predicate = "a" if p == RDF_TYPE else _ttl_term(p)
        if s == current:
            out.write(f" ;\n    {predicate} {_ttl_term(o)}")
        else:
            out.write(f" .\n\n{_ttl_term(s)} {predicate} {_ttl_term(o)}" if current else
                      f"\n{_ttl_term(s)} {predicate} {_ttl_term(o)}")
            current = s
    if current is not None:
        out.write(" .\n")
    return count


WRITERS = {".nt": _write_ntriples, ".ttl": _write_turtle}


def in_part(triples: Iterator[Triple], part: str) -> Iterator[Triple]:
    """The same corpus moved under ``SYNTH_NS + part + "/"``: it shares no resource with a corpus of another part
    (or none), so it loads beside it as genuinely new triples (an incremental load), without conflicts.

    >>> next(in_part(iter([(SYNTH_NS + "hta-1", RDF_TYPE, SYNTH_NS + "x")]), "b"))[0] == SYNTH_NS + "b/hta-1"
    True
    """
    moved = SYNTH_NS + part + "/"

    def move(term):
        return moved + term[len(SYNTH_NS):] if isinstance(term, str) and term.startswith(SYNTH_NS) else term

    for s, p, o in triples:
        yield move(s), p, move(o)


def write_synthetic(path: Path, triples: int, seed: int = 0, part: str = "") -> int:
    """Write a synthetic corpus of at least ``triples`` triples to ``path`` and return how many were written.

    The format follows the extension: ``.ttl`` (Turtle) or ``.nt`` (N-Triples). Triples are written as they are
    generated, so memory does not grow with the size. A ``part`` puts every resource under a namespace of its own
    (:func:`in_part`).

    Raises
    ------
    ValueError
        For another extension, or a path inside the project's ``data/`` folder (real data only).
    """
    path = Path(path)
    writer = WRITERS.get(path.suffix.lower())
    if writer is None:
        raise ValueError(f"{path}: use a .ttl (Turtle) or .nt (N-Triples) file name")
    if path.resolve().is_relative_to(DATA_DIR.resolve()):
        raise ValueError(f"{path}: synthetic data are never written into {DATA_DIR} (it holds the real corpus)")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", buffering=1 << 20) as out:
        generated = synthetic_triples(triples, seed)
        return writer(in_part(generated, part) if part else generated, out)

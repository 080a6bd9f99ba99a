"""Link the seed corpus's towns and cities to the gazetteer, by rules that report what they cannot decide.

For every place of ``data/seed/`` below the first level of a country (Monte Escobedo, Cojutepeque, Suchitoto, the
nine US cities), :meth:`graph_loader.rdf.gazetteer.Gazetteer.match` looks for the gazetteer entry of that name,
inside the most specific area the seed places it in (a state or department, else its country, else anywhere):

* a seed ``dkg:City`` is matched to gazetteer cities, a ``dkg:Locality`` to towns (then, failing that, to the
  municipality of the same name), a plain ``dkg:Place`` (the article does not say what it is) to municipalities,
  towns, cities and first-level areas alike;
* the match is a tie ``dkg:gazetteerPlace`` from the seed place to the gazetteer entry, with a reified statement
  whose ``dkg:note`` names the rule and the candidates, and an evidence citing the gazetteer's package and record;
  the seed place also gets the entry's ``geo:lat``/``geo:long``, so that every place with known coordinates carries
  them (the locator says they are the gazetteer entry's);
* a name with several candidates (San Miguel: a department and a city) is reported and not linked.

Writes ``data/seed/99-gazetteer-links.ttl`` (the links; unlinked places listed in its header) and
``data/gazetteer/seed-places.ttl`` (the gazetteer records the links point to, copied from ``full/``, so that the
seed corpus loads them without the whole municipal gazetteer). Run after ``build.py``::

    .venv/bin/python data/gazetteer/link.py           # write both files, print what was linked and what not
    .venv/bin/python data/gazetteer/link.py --check   # exit 1 when a committed file differs
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Graph, Namespace
from rdflib.namespace import SKOS

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import build  # noqa: E402  (this folder's build.py: the prefixes and the packages)

from graph_loader.rdf.gazetteer import (  # noqa: E402
    FIRST_LEVEL_KINDS,
    Ambiguous,
    Gazetteer,
    GazetteerPlace,
    Match,
    NotFound,
    gazetteer_files,
)

DKG = Namespace("https://w3id.org/diaspora-kg/ontology#")
SEED_DIR = ROOT / "data" / "seed"
LINKS = SEED_DIR / "99-gazetteer-links.ttl"
SEED_PLACES = HERE / "seed-places.ttl"
#: The gazetteer kinds a seed place of each class may be matched to, tried in this order.
KINDS = {
    "City": [("City",)],
    "Locality": [("Locality",), ("Municipality",)],
    "Municipality": [("Municipality",)],
    "District": [("District",)],
    "Place": [("Municipality", "Locality", "City", *FIRST_LEVEL_KINDS)],
}


@dataclass
class SeedPlace:
    """A place of the seed corpus below the first level: its IRI, class, names and the areas it is placed in."""

    iri: str
    kind: str
    names: list[str]
    areas: list[str]


def seed_places(graph: Graph, gazetteer: Gazetteer) -> list[SeedPlace]:
    """The seed's places below the first level that are not gazetteer entries themselves."""
    places = []
    for kind in KINDS:
        for subject in sorted(set(graph.subjects(RDF.type, DKG[kind]))):
            if not str(subject).startswith(build.DKGID) or str(subject) in gazetteer.places:
                continue
            labels = sorted(graph.objects(subject, SKOS.prefLabel), key=lambda lit: (lit.language or "", str(lit)))
            alt = sorted(graph.objects(subject, SKOS.altLabel), key=str)
            places.append(SeedPlace(str(subject), kind, list(dict.fromkeys(str(v) for v in (*labels, *alt))),
                                    sorted(str(o) for o in graph.objects(subject, DKG.partOf))))
    return sorted(places, key=lambda p: p.iri)


def most_specific_area(gazetteer: Gazetteer, place: SeedPlace) -> str | None:
    """The area the seed places ``place`` in that lies deepest in the gazetteer (a state before its country)."""
    known = [a for a in place.areas if a in gazetteer.places]
    return max(known, key=lambda a: len(gazetteer.ancestors(a)), default=None)


def link(gazetteer: Gazetteer, place: SeedPlace) -> Match | Ambiguous | NotFound:
    """The first match for any of the place's names, kinds in order; else the most telling failure."""
    within = most_specific_area(gazetteer, place)
    failure = None
    for kinds in KINDS[place.kind]:
        for name in place.names:
            result = gazetteer.match(name, kinds, within)
            if isinstance(result, Match):
                return result
            if failure is None or isinstance(result, Ambiguous):
                failure = result if not isinstance(failure, Ambiguous) else failure
    return failure


def prefixed(iri: str) -> str:
    """``inegi:32031`` for a gazetteer IRI; ``<iri>`` for any other (seed IRIs hold characters Turtle escapes)."""
    for prefix, namespace in sorted(build.PREFIX_IRIS.items(), key=lambda kv: -len(kv[1])):
        local = iri[len(namespace):]
        if iri.startswith(namespace) and re.fullmatch(r"[A-Za-z0-9_-]+", local):
            return f"{prefix}:{local}"
    return f"<{iri}>"


def slug(iri: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", iri[len(build.DKGID):].lower()).strip("-")


def source_key(source_iri: str) -> str:
    return source_iri.rsplit("/", 1)[-1]


def render_link(gazetteer: Gazetteer, place: SeedPlace, match: Match) -> str:
    """The Turtle of one link: the tie, its reified statement with the rule, the evidence, the coordinates."""
    target = match.place
    source, locator = target.evidence[0]
    within = most_specific_area(gazetteer, place)
    where = f"in {gazetteer.places[within].codes.get('isoCode')}" if within else "anywhere in the gazetteer"
    evidence = f"gazetteer-link-{slug(place.iri)}"
    note = f"Rule '{match.rule}': {match.explanation}."
    if match.others:
        note += " Other candidates: " + "; ".join(o.label(gazetteer) for o in match.others) + "."
    lines = [f"{prefixed(place.iri)} dkg:gazetteerPlace {prefixed(target.iri)} ;"]
    if target.lat is not None:
        lines.append(f"    geo:lat {build.degrees(target.lat)} ; geo:long {build.degrees(target.long)} ;")
    lines.append(f"    dkg:evidence ev:{evidence} .")
    lines.append(f"[] a rdf:Statement ; rdf:subject {prefixed(place.iri)} ; rdf:predicate dkg:gazetteerPlace ; "
                 f"rdf:object {prefixed(target.iri)} ;\n   dkg:note {build.turtle_string(note)}@en ; "
                 f"dkg:evidence ev:{evidence} .")
    link_locator = (f"data/gazetteer/link.py, rule '{match.rule}' ({place.names[0]!r} {where}), matched "
                    f"{target.label(gazetteer)}; gazetteer record: {locator}"
                    + ("; coordinates copied from the gazetteer record" if target.lat is not None else ""))
    lines.append(f"ev:{evidence} a dkg:Evidence ; dkg:source src:{source_key(source)} ; "
                 f"dkg:locator {build.turtle_string(link_locator)} .")
    return "\n".join(lines) + "\n"


def gazetteer_block(text: str, start: str) -> str:
    """The block of a generated gazetteer file that starts with the line ``start``, up to the next blank line."""
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(start))
    block = []
    for line in lines[first:]:
        if not line.strip():
            break
        block.append(line)
    return "\n".join(block) + "\n"


def render_seed_places(targets: list[GazetteerPlace]) -> str:
    """``seed-places.ttl``: the gazetteer records the links point to, and their sources, copied verbatim."""
    texts = {path: path.read_text(encoding="utf-8") for path in {t.file for t in targets}}
    sources = sorted({source_key(s) for t in targets for s, _ in t.evidence})
    source_blocks = []
    for key in sources:
        text = next(txt for txt in texts.values() if f"\nsrc:{key} a dkg:Source ;" in txt)
        source_blocks.append(gazetteer_block(text, f"src:{key} a dkg:Source ;"))
    places = [gazetteer_block(texts[t.file], f"{prefixed(t.iri)} a dkg:") for t in sorted(targets, key=lambda t: t.iri)]
    header = ["# The gazetteer records the seed corpus links to (data/seed/99-gazetteer-links.ttl), copied from",
              "# data/gazetteer/full/, so that the seed loads them without the whole municipal gazetteer.",
              "# GENERATED by data/gazetteer/link.py from the files data/gazetteer/build.py writes; do not edit by hand.",
              f"# {len(places)} places."]
    return "\n".join(header) + "\n\n" + build.PREFIXES + "\n" + "\n".join(source_blocks) + "\n" + "\n".join(places)


def render_links(gazetteer: Gazetteer, results: list[tuple[SeedPlace, object]]) -> str:
    """``99-gazetteer-links.ttl``: the links, and in its header what could not be linked and why."""
    linked = [(p, r) for p, r in results if isinstance(r, Match)]
    header = ["# Links from the seed corpus's towns and cities to the gazetteer (dkg:gazetteerPlace).",
              "# GENERATED by data/gazetteer/link.py; do not edit by hand. Not from the article: each link cites the",
              "# gazetteer's package and record and names the rule that matched (data/gazetteer/README.md).",
              f"# {len(linked)} of {len(results)} places linked."]
    for place, result in results:
        if isinstance(result, Ambiguous):
            header.append(f"# NOT LINKED, ambiguous: {place.iri}: {result.name!r} names "
                          + "; ".join(c.label(gazetteer) for c in result.candidates))
        elif isinstance(result, NotFound) or result is None:
            header.append(f"# NOT LINKED, not in the gazetteer: {place.iri} ({', '.join(place.names)})")
    return "\n".join(header) + "\n\n" + build.PREFIXES + "\n" + "\n".join(render_link(gazetteer, p, r) for p, r in linked)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a committed file differs")
    args = parser.parse_args(argv)
    seed = Graph()
    for path in sorted(SEED_DIR.glob("*.ttl")):
        if path != LINKS:
            seed.parse(path, format="turtle")
    gazetteer = Gazetteer(gazetteer_files())
    results = [(place, link(gazetteer, place)) for place in seed_places(seed, gazetteer)]
    for place, result in results:
        if isinstance(result, Match):
            print(f"linked    {place.names[0]!r} -> {result.place.label(gazetteer)} [{result.rule}]")
        elif isinstance(result, Ambiguous):
            print(f"AMBIGUOUS {place.names[0]!r}: " + "; ".join(c.label(gazetteer) for c in result.candidates))
        else:
            print(f"NOT FOUND {place.names[0]!r} ({place.iri})")
    targets = list({r.place.iri: r.place for _, r in results if isinstance(r, Match)}.values())
    files = {LINKS: render_links(gazetteer, results), SEED_PLACES: render_seed_places(targets)}
    stale = [path.name for path, text in files.items()
             if args.check and (not path.is_file() or path.read_text(encoding="utf-8") != text)]
    if not args.check:
        for path, text in files.items():
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if stale:
        print("out of date: " + ", ".join(stale) + " (run data/gazetteer/link.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

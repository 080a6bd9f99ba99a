"""Write the gazetteer ``places.ttl`` from pycountry's ISO 3166-1 and ISO 3166-2 databases.

The gazetteer holds the countries the seed corpus speaks of (El Salvador, Mexico, the United States, Colombia,
the Dominican Republic) and every first-level subdivision of El Salvador (14 departments), Mexico (32 states) and
the United States (50 states and the District of Columbia). Each place gets ``dkg:isoCode``, pycountry's name
as ``skos:prefLabel``, ``dkg:partOf`` its country (with a reified statement, as every tie of the corpus has) and
``dkg:evidence`` citing the pycountry record it comes from.

The output is deterministic for a given pycountry version: places are sorted by ISO code and the Turtle is
written as text, not through a serializer whose layout could change between rdflib releases. Never edit
``places.ttl`` by hand: run ``.venv/bin/python data/gazetteer/build.py`` (``--output PATH`` to write elsewhere).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pycountry

DEFAULT_OUTPUT = Path(__file__).with_name("places.ttl")

COUNTRY_CODES = ("CO", "DO", "MX", "SV", "US")

# Which ISO 3166-2 subdivision types are kept, and the dkg class each becomes. Mexico City is a "Federal entity"
# in ISO 3166-2 but one of the 32 federal entities the corpus treats as states; the District of Columbia is not a
# state, so it stays a plain administrative area. US outlying areas are left out: the article never needs them.
SUBDIVISION_CLASSES = {
    "SV": {"Department": "dkg:Department"},
    "MX": {"State": "dkg:State", "Federal entity": "dkg:State"},
    "US": {"State": "dkg:State", "District": "dkg:AdministrativeArea"},
}

# ISO 3166-2 gives subdivision names in the country's own language (Spanish for El Salvador and Mexico);
# ISO 3166-1 country names are English.
SUBDIVISION_LANGUAGE = {"SV": "es", "MX": "es", "US": "en"}

PREFIXES = """\
@prefix dkg:   <https://w3id.org/diaspora-kg/ontology#> .
@prefix place: <https://w3id.org/diaspora-kg/id/place/> .
@prefix src:   <https://w3id.org/diaspora-kg/id/source/> .
@prefix ev:    <https://w3id.org/diaspora-kg/id/evidence/> .
@prefix rdf:   <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos:  <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:   <http://www.w3.org/2001/XMLSchema#> .
"""


@dataclass(frozen=True)
class PlaceRecord:
    """One gazetteer place as read from pycountry.

    Attributes
    ----------
    code : str
        ISO 3166-1 alpha-2 code of a country ("SV") or ISO 3166-2 code of a subdivision ("SV-CU"); also the
        last segment of the place's IRI.
    dkg_class : str
        The dkg class, as a prefixed name ("dkg:Country", "dkg:Department", ...).
    name : str
        pycountry's name of the place, which becomes its ``skos:prefLabel``.
    language : str
        Language tag of ``name``.
    official_name : str or None
        The ISO 3166-1 official name of a country, kept as a ``skos:altLabel``.
    iso_type : str
        ISO 3166-2 subdivision type ("Department", "State", ...) or "Country".
    country : str or None
        Code of the containing country; None for a country.
    """

    code: str
    dkg_class: str
    name: str
    language: str
    official_name: str | None
    iso_type: str
    country: str | None

    @property
    def locator(self) -> str:
        """Where the record sits in the ISO standard pycountry implements."""
        if self.country is None:
            return f"ISO 3166-1, {self.code}"
        return f"ISO 3166-2:{self.country}, {self.code}"

    @property
    def evidence_slug(self) -> str:
        """Lowercase local name of the place's evidence resource."""
        return f"gazetteer-{self.code.lower()}"


def place_records() -> list[PlaceRecord]:
    """All gazetteer places read from pycountry, sorted by ISO code."""
    records = []
    for code in COUNTRY_CODES:
        country = pycountry.countries.get(alpha_2=code)
        records.append(PlaceRecord(code=code, dkg_class="dkg:Country", name=country.name, language="en",
                                   official_name=getattr(country, "official_name", None), iso_type="Country",
                                   country=None))
    for country_code, classes in SUBDIVISION_CLASSES.items():
        for subdivision in pycountry.subdivisions.get(country_code=country_code):
            if subdivision.type not in classes:
                continue
            records.append(PlaceRecord(code=subdivision.code, dkg_class=classes[subdivision.type],
                                       name=subdivision.name, language=SUBDIVISION_LANGUAGE[country_code],
                                       official_name=None, iso_type=subdivision.type, country=country_code))
    return sorted(records, key=lambda record: record.code)


def turtle_string(text: str) -> str:
    """``text`` as a Turtle short string literal (quotes and backslashes escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_place(record: PlaceRecord, country_names: dict[str, str]) -> str:
    """The Turtle block of one place: its description, its tie to its country and its evidence."""
    lines = [f"place:{record.code} a {record.dkg_class} ;",
             f"    skos:prefLabel {turtle_string(record.name)}@{record.language} ;"]
    if record.official_name:
        lines.append(f"    skos:altLabel {turtle_string(record.official_name)}@en ;")
    lines.append(f"    dkg:isoCode {turtle_string(record.code)} ;")
    if record.country is None:
        description = f"Country, ISO 3166-1 alpha-2 code {record.code}."
    else:
        description = (f"ISO 3166-2 subdivision of {country_names[record.country]} "
                       f"(ISO 3166-2 type: {record.iso_type}).")
    lines.append(f"    dkg:description {turtle_string(description)}@en ;")
    if record.country is not None:
        lines.append(f"    dkg:partOf place:{record.country} ;")
    lines.append(f"    dkg:evidence ev:{record.evidence_slug} .")
    if record.country is not None:
        lines.append(f"[] a rdf:Statement ; rdf:subject place:{record.code} ; rdf:predicate dkg:partOf ; "
                     f"rdf:object place:{record.country} ; dkg:evidence ev:{record.evidence_slug} .")
    lines.append(f"ev:{record.evidence_slug} a dkg:Evidence ; dkg:source src:pycountry ; "
                 f"dkg:locator {turtle_string(record.locator)} .")
    return "\n".join(lines) + "\n"


def render_source(pycountry_version: str) -> str:
    """The Turtle block of the pycountry source record, with the version the places were read from."""
    label = f"pycountry {pycountry_version} (ISO 3166-1 and ISO 3166-2 databases)"
    description = (f"The Python package pycountry, version {pycountry_version}, which ships the ISO 3166-1 "
                   "(countries) and ISO 3166-2 (country subdivisions) databases from Debian's iso-codes.")
    return (f"src:pycountry a dkg:Source ;\n"
            f"    skos:prefLabel {turtle_string(label)}@en ;\n"
            f"    dkg:description {turtle_string(description)}@en ;\n"
            f'    dkg:url "https://pypi.org/project/pycountry/{pycountry_version}/"^^xsd:anyURI ;\n'
            f"    dkg:evidence ev:gazetteer-pycountry .\n"
            f"ev:gazetteer-pycountry a dkg:Evidence ; dkg:source src:pycountry ; "
            f"dkg:locator {turtle_string(f'pycountry {pycountry_version} package metadata')} .\n")


def render_gazetteer(records: list[PlaceRecord], pycountry_version: str) -> str:
    """The whole ``places.ttl`` text: header comment, prefixes, the pycountry source and every place."""
    header = (f"# Gazetteer of diaspora-kg: countries and first-level subdivisions (ISO 3166-1, ISO 3166-2).\n"
              f"# GENERATED by data/gazetteer/build.py from pycountry {pycountry_version}; do not edit by hand.\n"
              f"# {len(records)} places. Article spellings (\"Michoacan\", \"Usulutan\", ...) are added as\n"
              f"# skos:altLabel in data/seed/, with the article as evidence, not here.\n\n")
    country_names = {r.code: r.name for r in records if r.country is None}
    body = "\n".join(render_place(record, country_names) for record in records)
    return header + PREFIXES + "\n" + render_source(pycountry_version) + "\n" + body


def build(output: Path = DEFAULT_OUTPUT) -> Path:
    """Write the gazetteer to ``output`` and return the path."""
    output.write_text(render_gazetteer(place_records(), version("pycountry")), encoding="utf-8")
    return output


def main(argv: list[str] | None = None) -> None:
    """Command line: ``build.py [--output PATH]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write (default: places.ttl)")
    args = parser.parse_args(argv)
    print(build(args.output))


if __name__ == "__main__":
    main()

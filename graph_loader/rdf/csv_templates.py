"""CSV templates: how analysts bring their own data without writing RDF.

A CSV file is read with the template its file name names (``hometown_associations.csv``,
``2024_contributions.csv``, ...; see :data:`TEMPLATES`). Its columns are terms of the ontology, so the ontology
decides what each column means:

* ``id`` — the resource, in one of two forms (anything else is refused, see *Ids* below): an absolute IRI, or a
  short id expanded under ``https://w3id.org/diaspora-kg/id/`` (``org/sala`` is the seed corpus's SALA, so rows
  can point at the corpus). Every row needs one, except n-ary rows (memberships, contributions), whose id may be
  left empty and is then made from the file and row;
* ``type`` — a class name (``HometownAssociation``); defaults to the template's class;
* any datatype property (``acronym``, ``amountUsd``, ``year``) or label (``prefLabel``, ``altLabel``); add
  ``@es``/``@en`` for a language (``prefLabel@es``) on text columns only;
* any object property (``memberOf``, ``originatesFrom``, ``locatedIn``, ``contributor``): ids as above;
* ``source``, ``locator``, ``quote`` — where the row's facts come from. Every row gets a ``dkg:Evidence`` (its
  locator defaults to ``<file>, row <n>``) attached to the resource and to every tie the row states.

Several values in one cell are separated by ``|``.

What is refused. The whole file is read before anything is written, and the first problem stops the load (exit
code 2, nothing written) with ``file:line`` — the physical line where the offending record *starts* (the header
is line 1; blank lines count) — the column, and what to do:

* **The shape of the file** (RFC 4180 CSV, comma-separated, ``"`` quotes, a quote inside a quoted value
  doubled): every row has exactly as many fields as the header (an unquoted comma inside a value, or a missing
  one, would shift the cells); a header names each column once; a value under a column without a name is
  refused (an empty trailing column is harmless); an unknown or missing required column is refused.
* **Unclosed quotes.** Python's ``csv`` reads an unclosed quote as a value running on to the next quote, however
  many rows that swallows. Such a record is refused when it runs to the end of the file, when text follows the
  quote that closes it, or when the value it makes holds a line break outside the free-text columns
  (:data:`MULTI_LINE_COLUMNS`: ``quote``, ``description``, notes), where line breaks are legitimate and kept.
  (An unclosed quote in a free-text column that a stray quote later closes cleanly cannot be told from a quote
  with line breaks: the rows it swallows go missing from the graph, and the quote holds them.)
* **A value longer than** :data:`MAX_CELL_CHARS` (131,072 characters, Python's ``csv`` limit, kept on purpose:
  a longer value is a file swallowed by an unclosed quote, not a fact); an id, a link, a label or a free-text
  ``source`` longer than :data:`graph_loader.rdf.xsd.INDEXED_BYTES` bytes of UTF-8, which Neo4j cannot index.
* **Numbers** are checked by the datatype of their property and written as canonical XSD literals.
  ``xsd:decimal``: an optional sign, digits, an optional decimal *point*; a thousands comma is read only in
  groups of three (``1,200`` and ``1,234.50``; ``1,5`` is refused, not read as 15 or 1.5); no exponent
  (``1e3``: a spreadsheet that shows ``1.2E+21`` has already lost digits), no ``_``, no ``NaN`` or infinity.
  Neo4j stores decimals as 64-bit floats, so a value that float would change (more than ~15 significant digits,
  or beyond 1.8e308) is refused. ``xsd:integer``: the same without a decimal point, within Neo4j's 64-bit
  range (-2^63 .. 2^63-1). ``1,200`` is written ``1200``, ``+0.50`` ``0.5``, ``007`` ``7``.
  ``xsd:gYear``: ``YYYY``; ``xsd:date``: ``YYYY-MM-DD``; ``xsd:boolean``: ``true``/``false``/``yes``/``no``/
  ``1``/``0`` (written ``true``/``false``); ``xsd:anyURI``: an absolute IRI as for ids.
* **Language tags** (``prefLabel@es-MX``) must be well-formed BCP 47 (RFC 5646); they are written lower-case,
  as the RDF parser writes them, so ``@ES`` and ``@es`` are one language.
* **Ids** (``id``, object-property columns such as ``memberOf``, and a ``source`` without spaces that holds
  ``:`` or ``/``) are either an absolute IRI with scheme ``http`` or ``https`` (with a host) or ``urn`` (with a
  namespace), without spaces, control or bidi characters, ``< > " { } | \\ ^`` or a backquote, or ``.``/``..``
  path segments; or a short id matching :data:`SHORT_ID` (ASCII letters, digits and ``. _ ~ -``, segments
  separated by single ``/``, no ``.`` or ``..`` segment, no leading ``/``). Other schemes (``javascript:``,
  ``file:``, ``data:``) are refused: ids end up as links in exported pages.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from rdflib import OWL, RDFS, URIRef
from rdflib.collection import Collection

from ..errors import InputError
from ..model import RDF_NS, RDF_TYPE, XSD_NS, Lit, Triple
from ..ontology.load import ontology_graph
from ..ontology.schema import EXTERNAL_PROPERTY_NAMES, GraphSchema, load_schema, local_name
from ..ontology.terms import DKG_NS, DKGID_NS
from ..resources import templates_dir
from . import gazetteer
from .mapping import NAME_PREDICATES
from .xsd import INDEXED_BYTES, index_problem

SPECIAL = ("id", "type", "source", "locator", "quote")
SEPARATOR = "|"
#: The committed templates (:func:`graph_loader.resources.templates_dir`), which ``write_templates`` regenerates.
TEMPLATES_DIR = templates_dir()
EXTERNAL_IRI = {name: str(iri) for iri, name in EXTERNAL_PROPERTY_NAMES.items()}

#: The longest value one cell may hold, in characters: Python's csv default limit, kept on purpose (see above).
MAX_CELL_CHARS = 131_072
#: Columns (by property name) whose values are free text and may hold line breaks.
MULTI_LINE_COLUMNS = frozenset({"quote", "description", "note", "ruleText", "bibliographicCitation", "definition",
                                "skosNote", "comment"})
#: A short id, expanded under the corpus namespace: ASCII segments separated by single slashes.
SHORT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*(?:/[A-Za-z0-9._~-]+)*")
ID_SCHEMES = ("http", "https", "urn")
ID_HINT = ("write an absolute IRI (https://example.org/org/my-club, urn:example:my-club) or a short id of "
           "letters, digits and . _ ~ - in segments separated by / (org/sala)")
#: Characters no IRI may hold (RFC 3987): controls, space, ``<>"{}|\\^` `` and the bidi formatting characters.
_NOT_IN_IRI = re.compile(r'[\x00-\x20\x7f-\x9f<>"{}|\\^`\u200e\u200f\u202a-\u202e\u2066-\u2069]|\s')
_HTTP_IRI = re.compile(r"https?://[^/?#@]+(?:[/?#].*)?", re.IGNORECASE | re.DOTALL)
_URN = re.compile(r"urn:[A-Za-z0-9][A-Za-z0-9-]{1,31}:.+", re.IGNORECASE | re.DOTALL)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")

#: A well-formed BCP 47 language tag (RFC 5646 ``langtag`` or private use; irregular grandfathered tags aside).
LANGUAGE_TAG = re.compile(r"""
    (?: (?: [a-z]{2,3} (?:-[a-z]{3}){0,3} | [a-z]{4,8} )   # language, extended language subtags
        (?: -[a-z]{4} )?                                    # script
        (?: -(?:[a-z]{2}|[0-9]{3}) )?                       # region
        (?: -(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}) )*          # variants
        (?: -[a-wyz0-9](?:-[a-z0-9]{2,8})+ )*               # extensions
        (?: -x(?:-[a-z0-9]{1,8})+ )?                        # private use
    | x(?:-[a-z0-9]{1,8})+ )
    """, re.VERBOSE | re.IGNORECASE)
LANGUAGE_HINT = "a language tag is BCP 47: es, en, es-MX, zh-Hant-TW (letters and digits, subtags joined by -)"

#: Numbers as analysts type them: sign, digits (thousands commas only in groups of three), decimal point.
_NUMBER = re.compile(r"(?P<sign>[+-]?)(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:(?P<point>\.)(?P<frac>[0-9]*))?")
_NOT_A_NUMBER = re.compile(r"[+-]?(?:s?nan|inf|infinity)", re.IGNORECASE)
INT64 = (-(2**63), 2**63 - 1)
DECIMAL_TYPES = {XSD_NS + "decimal", XSD_NS + "double", XSD_NS + "float"}
INTEGER_TYPES = {XSD_NS + "integer", XSD_NS + "nonNegativeInteger", XSD_NS + "long", XSD_NS + "int"}
TEXT_TYPES = {None, XSD_NS + "string"}
NUMBER_HINT = ("write digits with an optional sign and a decimal point: 1200.50 (a thousands comma in groups of "
               "three is read: 1,200.50); no exponent, no _, no NaN or infinity")
INTEGER_HINT = "write a whole number: 1200 or 1,200 (no decimal point, no exponent, no _)"


@dataclass(frozen=True)
class Template:
    """A CSV template: the class of its rows, the columns a file must have, and the columns it suggests.

    A *record template* (``expand`` set) reads rows shaped like the records researchers bring, one row holding
    several resources (a 3x1 project with its four contributions): ``expand(cells, row)`` splits a row into
    ``(class name or None, {ontology-term column: value})`` parts, each then read like a row of a plain template;
    ``own`` says what each of its columns that is not an ontology term means.
    """

    name: str
    cls: str
    required: tuple[str, ...]
    suggested: tuple[str, ...]
    description: str
    expand: Callable[[dict[str, str], _Row], list[tuple[str | None, dict[str, str]]]] | None = None
    own: tuple[tuple[str, str], ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.required, *(c for c in self.suggested if c not in self.required))


# -- record templates ----------------------------------------------------------------------------------------------

class _Row:
    """What a record template's ``expand`` may ask of the row it splits: its place references resolved, errors."""

    def __init__(self, path: Path, line: int, places: _Places):
        self.path, self.line, self.places = path, line, places

    def place(self, value: str, column: str) -> str:
        """The IRI a place column names (a gazetteer place by code or by name and area, or an id)."""
        return self.places.value(value, self.path, self.line, column)

    def gazetteer_place(self, value: str, column: str) -> gazetteer.GazetteerPlace | None:
        return gazetteer.default_gazetteer().places.get(self.place(value, column))

    def error(self, column: str, message: str, hint: str | None = None) -> InputError:
        return InputError(str(self.path), f"column {column}: {message}", line=self.line, hint=hint)


#: What the 3x1 template calls each level of government, its class and ``dkg:governmentLevel``.
GOVERNMENT_LEVELS = {"federal": ("NationalGovernment", "national"), "state": ("StateGovernment", "state"),
                     "municipal": ("MunicipalGovernment", "municipal")}


def government_id(place: gazetteer.GazetteerPlace) -> str:
    """The id of the government of a gazetteer place: ``org/gov-MX``, ``org/gov-MX-ZAC`` (the seed corpus's own
    names for the governments of countries and states) and ``org/gov-MX-32031`` for a municipio, so that every
    file naming the same place's government meets the same node."""
    code = place.codes.get("isoCode") or f"MX-{place.codes['inegiCode']}"
    return f"org/gov-{code}"


def _expand_3x1(cells: dict[str, str], row: _Row) -> list[tuple[str | None, dict[str, str]]]:
    """A 3x1 project row: the project, the club that proposed it (and its federation), and one contribution per
    level that paid: federal, state and municipal governments of the project's municipio, and the club."""
    project, year = cells["id"], cells.get("year", "")
    municipio = row.gazetteer_place(cells["locatedIn"], "locatedIn")
    if municipio is None or municipio.kind != "Municipality":
        raise row.error("locatedIn", f"{cells['locatedIn']!r} is not a municipio of the gazetteer",
                        hint="name the project's municipio by its CVEGEO (inegi:32031) or by name and state "
                             "(Monte Escobedo (MX-ZAC)); the 3x1 programme funds projects by municipio")
    places = gazetteer.default_gazetteer().places
    ancestors = [places[i] for i in gazetteer.default_gazetteer().ancestors(municipio.iri) if i in places]
    area = {"municipal": municipio, "state": next(p for p in ancestors if p.kind in gazetteer.FIRST_LEVEL_KINDS),
            "federal": next(p for p in ancestors if p.kind == "Country")}
    parts: list[tuple[str | None, dict[str, str]]] = [("Project", {
        "id": project, "prefLabel": cells["prefLabel"], "year": year, "locatedIn": municipio.iri,
        **{k: cells[k] for k in ("category", "inProgramme", "peopleBenefited", "description") if cells.get(k)}})]
    club, federation = cells.get("club"), cells.get("federation")
    if club:
        parts.append((None, {"id": club, "proposes": project, **({"memberOf": federation} if federation else {})}))
    elif federation:
        raise row.error("federation", "a federation is given without the club that is its member",
                        hint="fill the club column, or leave federation empty")
    for level, column in (("federal", "federalAmount"), ("state", "stateAmount"), ("municipal", "municipalAmount"),
                          ("migrant", "migrantAmount")):
        if not cells.get(column):
            continue
        if not cells.get("currency"):
            raise row.error("currency", f"empty, but {column} is given", hint="write the currency of the amounts "
                            "as an ISO 4217 code: MXN for pesos, USD for dollars")
        if level == "migrant":
            if not club:
                raise row.error(column, "a migrant amount is given without the club that paid it",
                                hint="fill the club column")
            contributor = club
        else:
            place = area[level]
            cls, word = GOVERNMENT_LEVELS[level]
            contributor = government_id(place)
            where = place.name if place.kind != "Municipality" else f"{place.name} ({ancestors[0].name})"
            parts.append((cls, {"id": contributor, "label": f"{word.capitalize()} government of {where}",
                                "governmentLevel": word, "jurisdiction": place.iri}))
        parts.append(("Contribution", {"id": f"{project}/contribution/{level}", "contributor": contributor,
                                       "recipient": project, "amount": cells[column], "currency": cells["currency"],
                                       **({"year": year} if year else {})}))
    return parts


#: The board roles a club registration lists, as columns.
BOARD_ROLES = ("president", "secretary", "treasurer")


def _expand_registration(cells: dict[str, str], row: _Row) -> list[tuple[str | None, dict[str, str]]]:
    """A consulate's registration of a club (toma de nota): the club with its home municipio, the registration
    (folio, validity) and one membership per board member named."""
    club = cells["id"]
    parts: list[tuple[str | None, dict[str, str]]] = [("HometownAssociation", {
        "id": club, "prefLabel": cells["prefLabel"], "originatesFrom": row.place(cells["originatesFrom"],
                                                                                 "originatesFrom"),
        **({"locatedIn": row.place(cells["locatedIn"], "locatedIn")} if cells.get("locatedIn") else {}),
        **({"memberOf": cells["federation"]} if cells.get("federation") else {})})]
    folio = cells["registrationNumber"]
    parts.append(("Registration", {
        "id": f"{club}/registration/{_slug(folio)}", "registrant": club, "registrar": cells["consulate"],
        "registrationNumber": folio, **{k: cells[k] for k in ("validFrom", "validUntil") if cells.get(k)}}))
    years = {"startYear": cells.get("validFrom", "")[:4], "endYear": cells.get("validUntil", "")[:4]}
    for role in BOARD_ROLES:
        for name in filter(None, (n.strip() for n in cells.get(role, "").split(SEPARATOR))):
            person = f"{club}/person/{_slug(name)}"
            parts.append(("Person", {"id": person, "prefLabel": name}))
            parts.append(("Membership", {"id": f"{club}/board/{role}-{_slug(name)}", "member": person,
                                         "organisation": club, "role": role,
                                         **{k: v for k, v in years.items() if re.fullmatch(r"\d{4}", v)}}))
    return parts


TEMPLATES = {t.name: t for t in (
    Template("hometown_associations", "HometownAssociation", ("id", "prefLabel"),
             ("prefLabel@es", "altLabel", "acronym", "originatesFrom", "locatedIn", "memberOf", "homeCountry",
              "foundedYear", "memberCount", "unnamed", "source", "locator", "quote"),
             "Hometown associations: name, home community, US city, federation."),
    Template("federations", "Federation", ("id", "prefLabel"),
             ("prefLabel@es", "altLabel", "acronym", "locatedIn", "originatesFrom", "homeCountry", "foundedYear",
              "source", "locator", "quote"),
             "Federations of hometown associations."),
    Template("memberships", "Membership", ("member", "organisation"),
             ("id", "role", "startYear", "endYear", "source", "locator", "quote"),
             "Who is a member of which organisation (an HTA in a federation, a person on a board)."),
    Template("places", "Municipality", ("id", "type", "prefLabel", "partOf"),
             ("altLabel", "isoCode", "source", "locator", "quote"),
             "Places: municipalities, localities, cities, with the area they are part of."),
    Template("programmes", "Programme", ("id", "type", "prefLabel"),
             ("prefLabel@es", "altLabel", "acronym", "startYear", "description", "source", "locator", "quote"),
             "Programmes (matching-fund, outreach, investment)."),
    Template("projects", "Project", ("id", "prefLabel"),
             ("inProgramme", "category", "locatedIn", "year", "totalCostUsd", "description", "source", "locator",
              "quote"),
             "Funded projects: programme, category, place, cost in US$."),
    Template("contributions", "Contribution", ("contributor", "recipient"),
             ("id", "amount", "currency", "amountUsd", "share", "year", "inKind", "source", "locator", "quote"),
             "Who paid how much into which project or programme (amount, currency, share of cost 0-1, year)."),
    Template("partnerships", "Organisation", ("id", "partnersWith"),
             ("source", "locator", "quote"),
             "Partnerships between organisations (rows add ties to organisations defined elsewhere)."),
    Template("organisations", "Organisation", ("id", "type", "prefLabel"),
             ("prefLabel@es", "altLabel", "acronym", "locatedIn", "homeCountry", "jurisdiction", "source", "locator",
              "quote"),
             "Organisations of any other kind, named by type: Consulate, NGO, GovernmentAgency, ..."),
    Template("projects_3x1", "Project", ("id", "prefLabel", "year", "locatedIn"),
             ("club", "federation", "category", "inProgramme", "peopleBenefited", "currency", "federalAmount",
              "stateAmount", "municipalAmount", "migrantAmount", "description", "source", "locator", "quote"),
             "Projects of Mexico's 3x1 programme as its lists give them: year, municipio, club, federation, "
             "project type, federal/state/municipal/migrant amounts, beneficiaries (one row, several resources).",
             expand=_expand_3x1, own=(
                 ("locatedIn", "the project's municipio: inegi:32031 (CVEGEO = CVE_ENT + CVE_MUN) or "
                               "Monte Escobedo (MX-ZAC)"),
                 ("club", "id of the club (HTA) that proposed and co-funded the project; it becomes "
                          "`(club)-[:PROPOSES]->(project)`"),
                 ("federation", "id of the club's federation: `(club)-[:MEMBER_OF]->(federation)`"),
                 ("currency", "ISO 4217 code of the four amounts (MXN, USD)"),
                 ("federalAmount", "paid by the federal government of the municipio's country (`org/gov-MX`): "
                                   "a FUNDS contribution"),
                 ("stateAmount", "paid by the state government (`org/gov-MX-ZAC`)"),
                 ("municipalAmount", "paid by the municipal government (`org/gov-MX-32031`)"),
                 ("migrantAmount", "paid by the club"),
             )),
    Template("club_registrations", "HometownAssociation",
             ("id", "prefLabel", "consulate", "registrationNumber", "originatesFrom"),
             ("locatedIn", "federation", "validFrom", "validUntil", "president", "secretary", "treasurer", "source",
              "locator", "quote"),
             "Registrations of clubs at a consulate (Mexico's toma de nota): folio, consulate, club, home "
             "municipio, board, validity (one row, several resources).",
             expand=_expand_registration, own=(
                 ("id", "the club's id"),
                 ("consulate", "id of the consulate that registered the club: `(club)-[:REGISTERED_WITH "
                               "{registrationNumber, validFrom, validUntil}]->(consulate)`"),
                 ("originatesFrom", "the club's home municipio: inegi:32031 or Monte Escobedo (MX-ZAC)"),
                 ("locatedIn", "where the club is based: geonames:4887398 or Chicago (US-IL), or an id"),
                 ("federation", "id of the club's federation: `(club)-[:MEMBER_OF]->(federation)`"),
                 ("president", "name(s) of the board member(s) in this role (several separated by a vertical bar): a Person "
                               "`MEMBER_OF` the club with role and the years of the validity"),
                 ("secretary", "as president"),
                 ("treasurer", "as president"),
             )),
)}


def template_for(path: Path) -> Template:
    """The template whose name appears in the file name (longest match wins)."""
    stem = path.stem.lower()
    matches = [t for name, t in TEMPLATES.items() if name in stem]
    if not matches:
        if "decisions" in stem:  # what `resolve` writes: applied as a source by `resolve --apply`
            raise InputError(str(path), "a decisions file is no CSV template",
                             hint=f"apply its accepted pairs with `diaspora-kg resolve --apply {path}`")
        raise InputError(str(path), "no CSV template matches this file name",
                         hint="name the file after a template in data/templates/: "
                              + ", ".join(f"{n}.csv" for n in TEMPLATES))
    return max(matches, key=lambda t: len(t.name))



# -- ids ---------------------------------------------------------------------------------------------------------

def id_problem(value: str) -> str | None:
    """Why ``value`` is not an acceptable id (see the module docstring), or None when it is one.

    >>> id_problem("org/sala") is None and id_problem("https://example.org/test/a") is None
    True
    >>> id_problem("javascript:alert(1)")
    "the scheme 'javascript' is not allowed: only http, https, urn"
    >>> id_problem("../etc/passwd")
    "has a '.' or '..' segment"
    """
    if not value:
        return "empty"
    if _NOT_IN_IRI.search(value):
        char = _NOT_IN_IRI.search(value).group()
        return "contains a space" if char.isspace() else f"contains {char!r}, which no IRI may hold"
    scheme = _SCHEME.match(value)
    if scheme:
        name = scheme.group()[:-1].lower()
        if name not in ID_SCHEMES:
            return f"the scheme {name!r} is not allowed: only {', '.join(ID_SCHEMES)}"
        if name == "urn":
            return None if _URN.fullmatch(value) else "is not a URN (urn:<namespace>:<name>)"
        if not _HTTP_IRI.fullmatch(value):
            return f"an {name} IRI has a host: {name}://host/path"
        path = re.split(r"[?#]", value.split("://", 1)[1], maxsplit=1)[0]
        if any(segment in (".", "..") for segment in path.split("/")):
            return "has a '.' or '..' segment"
        return None
    segments = value.split("/")
    if any(segment in (".", "..") for segment in segments):
        return "has a '.' or '..' segment"
    if not SHORT_ID.fullmatch(value):
        return "neither an absolute IRI nor a short id"
    return None


def expand_id(value: str) -> str:
    """An absolute IRI as it is (scheme in lower case); a short id under the corpus namespace (``org/sala``).

    ``value`` must be an id :func:`id_problem` accepts.
    """
    value = value.strip()
    scheme = _SCHEME.match(value)
    if scheme:
        return scheme.group().lower() + value[scheme.end():]
    return DKGID_NS + value


def short_id(uri: str) -> str:
    """The id a CSV template takes for ``uri``: its short form under the corpus namespace when it has one that
    :func:`expand_id` turns back into ``uri`` (``org/fedecmi``, ``place/MX-ZAC``), else the IRI itself.

    >>> short_id("https://w3id.org/diaspora-kg/id/place/MX-ZAC")
    'place/MX-ZAC'
    >>> short_id("https://example.org/org/my-club")
    'https://example.org/org/my-club'
    """
    if uri.startswith(DKGID_NS):
        short = uri[len(DKGID_NS):]
        if id_problem(short) is None and expand_id(short) == uri:
            return short
    return uri


def _checked_id(value: str, path: Path, line: int, column: str) -> str:
    problem = id_problem(value)
    if problem:
        raise InputError(str(path), f"column {column}: {_show(value)} is not an id ({problem})", line=line,
                         hint=ID_HINT)
    iri = expand_id(value)
    _check_indexable(iri, path, line, column)
    return iri


def _check_indexable(value: str, path: Path, line: int, column: str) -> None:
    """Refuse an id or a name Neo4j could not index (see :func:`graph_loader.rdf.xsd.index_problem`)."""
    problem = index_problem(value)
    if problem:
        raise InputError(str(path), f"column {column}: {problem}", line=line,
                         hint=f"names and ids hold at most {INDEXED_BYTES:,} bytes (UTF-8); a long text belongs "
                              "in a description or note column")


def _show(value: str, limit: int = 60) -> str:
    """A value quoted for a message, cut when long."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + f"... ({len(value):,} characters)"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "source"


# -- records -----------------------------------------------------------------------------------------------------

def _records(lines: Iterable[str], path: Path) -> Iterator[tuple[int, int, list[str]]]:
    """``(first line, last line, fields)`` of each record, blank lines included (as ``[]``).

    The csv module is strict: text after a closing quote and a quote still open at the end of the file are
    errors, reported at the line where the record starts (where the quote was opened).
    """
    reader = csv.reader(lines, strict=True)
    end = 0
    while True:
        start = end + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _csv_error(path, start, reader.line_num, str(exc)) from exc
        end = reader.line_num
        yield start, end, fields


def _csv_error(path: Path, start: int, end: int, reason: str) -> InputError:
    """The csv module's complaint about the record that starts on line ``start``, told in the file's terms."""
    quote_hint = ('close the quote; a quote inside a quoted value is doubled ("a ""b"" c"); a value without '
                  "commas or line breaks needs no quotes")
    if "field larger than field limit" in reason:
        return InputError(str(path), f"a value is longer than {MAX_CELL_CHARS:,} characters (the limit for one "
                                     "cell)" + (f"; it runs on to line {end}: an unclosed quote?" if end > start
                                                else ""), line=start,
                          hint="shorten the value, or close the quote that swallows the rows after it")
    if "unexpected end of data" in reason:
        return InputError(str(path), "unclosed quote: a quoted value that starts in this row is never closed, "
                                     "so the rest of the file would be one cell", line=start, hint=quote_hint)
    if "expected after" in reason and end > start:
        return InputError(str(path), f"unclosed quote: a quoted value that starts in this row runs on to line "
                                     f"{end}, where a quote closes it in mid-value", line=start, hint=quote_hint)
    if "expected after" in reason:
        return InputError(str(path), "text follows the closing quote of a quoted value", line=start,
                          hint=quote_hint)
    return InputError(str(path), f"cannot be read as CSV: {reason}", line=start,
                      hint="save the file as comma-separated values (CSV, UTF-8)")


def _header(records: Iterator[tuple[int, int, list[str]]], path: Path,
            template: Template) -> tuple[int, list[str]]:
    """The header's line and column names (stripped); refuses duplicates and missing required columns."""
    for start, _, fields in records:
        if any(f.strip() for f in fields):
            line = start
            break
    else:
        raise InputError(str(path), "has no header row", hint=f"the first row names the columns: "
                                                              f"{', '.join(template.columns)}")
    header = [f.strip() for f in fields]
    seen: dict[str, int] = {}
    for index, name in enumerate(header, 1):
        if name and name in seen:
            raise InputError(str(path), f"column {name!r} appears twice in the header (columns {seen[name]} and "
                                        f"{index}); only one of its values would be kept", line=line,
                             hint="merge the two columns: several values go in one cell, separated by |")
        seen.setdefault(name, index)
    missing = [c for c in template.required if c not in header]
    if missing:
        raise InputError(str(path), f"missing required column(s) {', '.join(missing)} "
                                    f"(template {template.name})", line=line,
                         hint=f"the header must include: {', '.join(template.required)}")
    return line, header


def _cells(fields: list[str], header: list[str], path: Path, start: int, end: int) -> dict[str, str]:
    """A record's values by column, stripped; refuses a record whose fields do not line up with the header."""
    if len(fields) != len(header):
        spans = f" (the row runs over lines {start}-{end}: an unclosed quote?)" if end > start else ""
        raise InputError(str(path), f"this row has {len(fields)} fields but the header has {len(header)}{spans}",
                         line=start, hint='a value holding a comma must be quoted: "Club B, Chicago"; every row '
                                          "has one field per column, empty ones included (a,,c)")
    cells = {}
    for index, (name, value) in enumerate(zip(header, fields, strict=True), 1):
        if len(value) > MAX_CELL_CHARS:  # also when another module raised csv's global limit
            raise _csv_error(path, start, end, "field larger than field limit")
        if not name:
            if value.strip():
                raise InputError(str(path), f"column {index} has no name in the header but holds "
                                            f"{_show(value.strip())}", line=start,
                                 hint="name the column in the header (a term of the ontology), or empty it")
            continue
        if ("\n" in value or "\r" in value) and name.partition("@")[0] not in MULTI_LINE_COLUMNS:
            raise InputError(str(path), f"column {name}: the value runs over lines {start}-{end}, and only "
                                        "free-text columns may hold line breaks: an unclosed quote?", line=start,
                             hint="close the quote in this row; line breaks may stand only in "
                                  + ", ".join(sorted(MULTI_LINE_COLUMNS)))
        cells[name] = value.strip()
    return cells


# -- columns and values ------------------------------------------------------------------------------------------

class _Columns:
    """What each column of a file means, resolved once through the ontology."""

    def __init__(self, schema: GraphSchema, header: list[str], path: Path, template: Template, line: int = 1):
        self.by_column: dict[str, tuple[str, str, str | None, str | None]] = {}
        names = {p.name: p for p in (*schema.object_properties.values(), *schema.datatype_properties.values())}
        for column in filter(None, header):
            base, at, lang = column.partition("@")
            if column in SPECIAL:
                continue
            if base in EXTERNAL_IRI:
                kind, iri, datatype = "literal", EXTERNAL_IRI[base], None
            elif base in names and names[base].iri in schema.object_properties:
                kind, iri, datatype = "link", names[base].iri, None
            elif base in names:
                kind, iri, datatype = "literal", names[base].iri, names[base].datatype
            else:
                raise InputError(str(path), f"unknown column {column!r}: not a term of the ontology", line=line,
                                 hint=f"template {template.name} suggests: {', '.join(template.columns)}")
            if at:
                if kind == "link" or datatype not in TEXT_TYPES:
                    holds = "ids" if kind == "link" else local_name(datatype)
                    raise InputError(str(path), f"column {column!r}: only text columns take a language ({base} "
                                                f"holds {holds})", line=line, hint=f"name the column {base}")
                if not LANGUAGE_TAG.fullmatch(lang):
                    raise InputError(str(path), f"column {column!r}: {lang!r} is not a valid language tag",
                                     line=line, hint=f"{LANGUAGE_HINT}; for example {base}@es")
            self.by_column[column] = (kind, iri, datatype, lang.lower() or None)


def _literal(value: str, datatype: str | None, lang: str | None, where: tuple[str, int, str]) -> Lit:
    """The literal of one value of a column, checked against the column's datatype and written canonical."""
    path, line, column = where

    def bad(kind: str, hint: str | None = None, *, detail: str = ""):
        raise InputError(path, f"column {column}: {_show(value)} is not {kind}{detail}", line=line, hint=hint)

    if lang:
        return Lit(value, None, lang)
    if datatype in DECIMAL_TYPES or datatype in INTEGER_TYPES:
        if _NOT_A_NUMBER.fullmatch(value):
            bad("a number", NUMBER_HINT, detail=" (NaN and infinities cannot be stored)")
        if datatype in INTEGER_TYPES:
            canonical = _integer(value, bad)
            if datatype == XSD_NS + "nonNegativeInteger" and canonical.startswith("-"):
                bad("a whole number of zero or more", INTEGER_HINT)
            return Lit(canonical, datatype)
        return Lit(_decimal(value, bad), datatype)
    if datatype == XSD_NS + "gYear":
        if not re.fullmatch(r"\d{4}", value):
            bad("a year (YYYY)", "write the year with four digits: 1998")
        return Lit(value, datatype)
    if datatype == XSD_NS + "date":
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError(value)
            dt.date.fromisoformat(value)
        except ValueError:
            bad("a date (YYYY-MM-DD)", "write the date as YYYY-MM-DD: 2024-03-31")
        return Lit(value, datatype)
    if datatype == XSD_NS + "boolean":
        if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
            bad("true or false", "write true, false, yes, no, 1 or 0")
        return Lit("true" if value.lower() in ("true", "1", "yes") else "false", datatype)
    if datatype == XSD_NS + "anyURI":
        problem = id_problem(value)
        if problem or not _SCHEME.match(value):
            bad("an absolute IRI", "write an absolute http, https or urn IRI: https://example.org/page",
                detail=f" ({problem or 'no scheme'})")
        return Lit(expand_id(value), datatype)
    return Lit(value, datatype if datatype and datatype != XSD_NS + "string" else None)


def _number_parts(value: str) -> tuple[str, str, str | None] | None:
    """``(sign, whole digits, fraction digits or None)`` of a number as typed; None when it is not one.

    >>> _number_parts("+1,234.50"), _number_parts(".5"), _number_parts("1,5"), _number_parts("1e3")
    (('', '1234', '50'), ('', '', '5'), None, None)
    """
    match = _NUMBER.fullmatch(value)
    if not match or not (match["whole"] or match["frac"]):
        return None
    sign = "-" if match["sign"] == "-" else ""
    return sign, match["whole"].replace(",", ""), match["frac"] if match["point"] else None


def _integer(value: str, bad) -> str:
    """The canonical xsd:integer of ``value``, within Neo4j's 64-bit range.

    >>> _integer("+1,200", None), _integer("-007", None), _integer("-0", None)
    ('1200', '-7', '0')
    """
    parts = _number_parts(value)
    if parts is None or parts[2] is not None or not parts[1]:
        bad("a whole number", INTEGER_HINT)
    number = int(parts[0] + parts[1])
    if not INT64[0] <= number <= INT64[1]:
        bad("a whole number Neo4j can store", "Neo4j stores whole numbers as 64-bit integers",
            detail=f" (beyond the 64-bit range {INT64[0]:,} .. {INT64[1]:,})")
    return str(number)


def _decimal(value: str, bad) -> str:
    """The canonical xsd:decimal of ``value`` (no ``+``, no leading or trailing zeros, no point for whole
    numbers), refused when Neo4j's 64-bit float would store another number.

    >>> _decimal("1,234,567.50", None), _decimal("+.250", None), _decimal("-0.0", None), _decimal("12.", None)
    ('1234567.5', '0.25', '0', '12')
    """
    parts = _number_parts(value)
    if parts is None:
        bad("a number", NUMBER_HINT)
    sign, whole, frac = parts
    whole, frac = whole.lstrip("0") or "0", (frac or "").rstrip("0")
    canonical = whole + (f".{frac}" if frac else "")
    if canonical != "0":
        canonical = sign + canonical
    exact = Decimal(canonical)
    stored = float(exact)
    if stored in (float("inf"), float("-inf")):
        bad("a number Neo4j can store", "Neo4j stores decimals as 64-bit floats",
            detail=" (it has too many digits: beyond the largest float, about 1.8e308)")
    if Decimal(repr(stored)) != exact:
        bad("a number Neo4j can store exactly", "round it to at most 15 significant digits",
            detail=f" (it has more significant digits than a 64-bit float keeps; it would be stored as "
                   f"{stored!r})")
    return canonical


# -- places ------------------------------------------------------------------------------------------------------

@cache
def place_properties() -> frozenset[str]:
    """The object properties whose values are places (``rdfs:range`` ``dkg:Place`` or a subclass, such as
    ``dkg:Country``, alone or in a union): their columns also take a place by code or by name and area
    (:func:`graph_loader.rdf.gazetteer.resolve`)."""
    graph = ontology_graph()
    places = set(graph.transitive_subjects(RDFS.subClassOf, URIRef(DKG_NS + "Place")))
    found = set()
    for prop, rng in graph.subject_objects(RDFS.range):
        members = set(Collection(graph, graph.value(rng, OWL.unionOf))) if graph.value(rng, OWL.unionOf) else {rng}
        if members & places and str(prop).startswith(DKG_NS):
            found.add(str(prop))
    return frozenset(found)


class _Places:
    """The gazetteer places a file names, resolved once each; their records are added to the file's triples."""

    def __init__(self):
        self.used: dict[str, None] = {}

    def value(self, value: str, path: Path, line: int, column: str) -> str:
        """The IRI of a value in a place column: a gazetteer place by code or name and area, else an id."""
        if gazetteer.CODE_REFERENCE.fullmatch(value) or gazetteer.NAME_IN_AREA.fullmatch(value):
            iri = gazetteer.resolve(value, gazetteer.default_gazetteer(), (str(path), line, column))
            if iri is not None:
                self.used[iri] = None
                return iri
        return _checked_id(value, path, line, column)

    def records(self) -> list[Triple]:
        return gazetteer.default_gazetteer().records(self.used) if self.used else []


# -- rows to triples ---------------------------------------------------------------------------------------------

def csv_triples(path: Path, schema: GraphSchema | None = None, *, data: bytes | None = None) -> Iterator[Triple]:
    """The triples of one CSV file read with its template; :class:`InputError` at the first bad record.

    ``data``: the file's bytes, already read (so that what is parsed is what was hashed); else it is read here.
    """
    schema = schema or load_schema()
    path = Path(path)
    template = template_for(path)
    file_id = hashlib.sha1(path.name.encode()).hexdigest()[:8]
    reader = _Reader(schema, path, template, file_id)
    if data is None:
        data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), "is not valid UTF-8 text", line=data[:exc.start].count(b"\n") + 1,
                         hint="save the file as UTF-8") from exc
    with io.StringIO(text, newline="") as f:
        records = _records(f, path)
        header_line, header = _header(records, path, template)
        if template.expand is None:
            columns = _Columns(schema, header, path, template, header_line)
        else:
            _check_record_columns(header, path, template, header_line)
        for row_number, end, fields in records:
            if not any(field.strip() for field in fields):
                continue  # a blank line, or a row of empty cells: no data to lose
            cells = _cells(fields, header, path, row_number, end)
            evidence = f"{DKGID_NS}evidence/csv/{_slug(path.stem)}-{file_id}/row-{row_number}"
            if template.expand is None:
                typed = template.name != "partnerships" or bool(cells.get("type"))
                yield from reader.resource(row_number, cells.get("type") or template.cls, cells, columns, typed,
                                           evidence, cells)
                continue
            for cls_name, part in template.expand(cells, _Row(path, row_number, reader.places)):
                yield from reader.resource(row_number, cls_name or template.cls, part, reader.columns_for(part),
                                           cls_name is not None, evidence, cells)
    yield from reader.places.records()


def _check_record_columns(header: list[str], path: Path, template: Template, line: int) -> None:
    """A record template's header names only its own columns (they are not all ontology terms)."""
    for column in filter(None, header):
        if column not in template.columns:
            raise InputError(str(path), f"unknown column {column!r} for template {template.name}", line=line,
                             hint=f"template {template.name} takes: {', '.join(template.columns)}")


class _Reader:
    """Turns the resources of a file's rows into triples; shared state: places named, sources met, columns."""

    def __init__(self, schema: GraphSchema, path: Path, template: Template, file_id: str):
        self.schema, self.path, self.template, self.file_id = schema, path, template, file_id
        self.classes = {c.label: c.iri for c in schema.classes.values()}
        self.places, self.place_columns = _Places(), place_properties()
        self.sources: dict[str, str] = {}
        self._columns: dict[tuple[str, ...], _Columns] = {}

    def columns_for(self, part: dict[str, str]) -> _Columns:
        key = tuple(part)
        if key not in self._columns:
            self._columns[key] = _Columns(self.schema, list(key), self.path, self.template)
        return self._columns[key]

    def resource(self, row_number: int, cls_name: str, cells: dict[str, str], columns: _Columns, typed: bool,
                 evidence: str, row: dict[str, str]) -> Iterator[Triple]:
        """The triples of one resource of a row (``row``: the whole row, for its provenance columns)."""
        path = self.path
        if cls_name not in self.classes:
            raise InputError(str(path), f"column type: {cls_name!r} is not a class of the ontology",
                             line=row_number)
        cls = self.classes[cls_name]
        is_nary = self.schema.classes[cls].relationship is not None
        if cells.get("id") or not is_nary:
            if not cells.get("id"):
                raise InputError(str(path), f"column id: empty, but a {cls_name} row needs an id",
                                 line=row_number, hint=ID_HINT)
            subject = _checked_id(cells["id"], path, row_number, "id")
        else:  # an n-ary row (a membership, a contribution) may leave its id to the loader
            subject = f"{DKGID_NS}csv/{_slug(path.stem)}-{self.file_id}/row-{row_number}"
        if typed:
            yield (subject, RDF_TYPE, cls)
        own = dict(self.template.own)
        ties = []
        for column, (kind, predicate, datatype, lang) in columns.by_column.items():
            raw = cells.get(column, "")
            # A record template's resource column is named after the row's column it came from, in messages.
            shown = next((c for c in own if row.get(c) == raw and raw), column) if self.template.expand else column
            for value in filter(None, (v.strip() for v in raw.split(SEPARATOR))):
                if kind == "link" and predicate in self.place_columns:
                    obj = self.places.value(value, path, row_number, shown)
                    yield (subject, predicate, obj)
                    ties.append((predicate, obj))
                elif kind == "link":
                    obj = _checked_id(value, path, row_number, shown)
                    yield (subject, predicate, obj)
                    ties.append((predicate, obj))
                else:
                    if predicate in NAME_PREDICATES:
                        _check_indexable(value, path, row_number, shown)
                    yield (subject, predicate, _literal(value, datatype, lang, (str(path), row_number, shown)))
        yield from _evidence(subject, evidence, row, path, row_number, [] if is_nary else ties, self.sources)


def _evidence(subject, evidence, cells, path, row_number, ties, sources) -> Iterator[Triple]:
    """The row's Evidence, attached to the row's resource and reified onto each tie (an n-ary row has none)."""
    source_text = cells.get("source") or path.name
    source = sources.get(source_text)
    if source is None:
        # Free text (it has a space, or neither ':' nor '/') names a Source of its own; anything else is an id.
        is_id = not re.search(r"\s", source_text) and (":" in source_text or "/" in source_text)
        source = _checked_id(source_text, path, row_number, "source") if is_id else \
            f"{DKGID_NS}source/{_slug(source_text)}"
        sources[source_text] = source
        if not is_id:  # a source named in free text becomes a Source of its own; an id points at one
            _check_indexable(source_text, path, row_number, "source")
            yield (source, RDF_TYPE, DKG_NS + "Source")
            yield (source, EXTERNAL_IRI["prefLabel"], Lit(source_text))
    yield (evidence, RDF_TYPE, DKG_NS + "Evidence")
    yield (evidence, DKG_NS + "source", source)
    yield (evidence, DKG_NS + "locator", Lit(cells.get("locator") or f"{path.name}, row {row_number}"))
    if cells.get("quote"):
        yield (evidence, DKG_NS + "quote", Lit(cells["quote"]))
    yield (subject, DKG_NS + "evidence", evidence)
    for predicate, obj in ties:
        statement = f"_:csv{hashlib.sha1(f'{subject} {predicate} {obj}'.encode()).hexdigest()[:16]}"
        yield (statement, RDF_TYPE, RDF_NS + "Statement")
        yield (statement, RDF_NS + "subject", subject)
        yield (statement, RDF_NS + "predicate", predicate)
        yield (statement, RDF_NS + "object", obj)
        yield (statement, DKG_NS + "evidence", evidence)



def write_templates(directory: Path = TEMPLATES_DIR) -> list[Path]:
    """Write one header-only CSV per template (the files in ``data/templates/`` come from here)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for template in TEMPLATES.values():
        path = directory / f"{template.name}.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\n").writerow(template.columns)
        paths.append(path)
    return paths


def describe(schema: GraphSchema | None = None) -> str:
    """Markdown documentation of the templates, with each column's meaning from the ontology."""
    schema = schema or load_schema()
    names = {p.name: p for p in (*schema.object_properties.values(), *schema.datatype_properties.values())}
    lines = []
    for template in TEMPLATES.values():
        rows = (f"Rows are `dkg:{template.cls}` unless a `type` column says otherwise." if template.expand is None
                else "A record template: each row becomes several resources (below); only these columns are read.")
        lines += [f"### `{template.name}.csv` — {template.description}", "",
                  f"{rows} Required: " + ", ".join(f"`{c}`" for c in template.required) + ".", "",
                  "| column | ontology term | kind |", "|---|---|---|"]
        own = dict(template.own)
        for column in template.columns:
            base = column.split("@")[0]
            if column in own:
                lines.append(f"| `{column}` | (record) | {own[column]} |")
            elif column in SPECIAL:
                lines.append(f"| `{column}` | (provenance / identity) | special |")
            elif base in names:
                prop = names[base]
                kind = "link (ids)" if prop.iri in schema.object_properties else \
                    f"value ({local_name(getattr(prop, 'datatype', '') or 'string')})"
                lines.append(f"| `{column}` | `dkg:{base}` | {kind} |")
            else:
                lines.append(f"| `{column}` | `{base}` | label |")
        lines.append("")
    return "\n".join(lines)

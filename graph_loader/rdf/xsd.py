"""XSD lexical spaces, and what Neo4j can store: one source of truth for both SHACL engines and the mapping.

Python's parsers accept more than XSD does (``int("31_342")``, ``Decimal("NaN")``, ``Decimal("1.75972507E7")``,
``int("١٢٣")``), and rdflib, hence pySHACL, inherits that: such literals passed ``sh:datatype`` and some crashed
range checks (``Decimal('NaN') > 0`` raises). Here a literal's lexical form is checked against its datatype's
lexical space as TopBraid SHACL (on Apache Jena) checks it, so that :mod:`graph_loader.shacl.pyshacl_engine`,
:mod:`graph_loader.shacl.compiled` and TopBraid agree on which values break ``sh:datatype``
(``tests/faults/test_xsd_lexical.py`` compares the three):

* whitespace: XSD's ``whiteSpace="collapse"`` of every type here but ``xsd:string`` (only space, tab, CR and LF;
  a no-break space is not whitespace): ``" 42 "^^xsd:integer`` is 42.
* numbers, booleans and dates follow the regular expressions of XSD 1.1 Part 2 (``xsd:decimal``
  ``(\\+|-)?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)``; ``xsd:integer`` ``[\\-+]?[0-9]+``; ``xsd:double`` and ``xsd:float``
  with exponents, ``INF``, ``-INF``, ``NaN``; ``xsd:boolean`` ``true|false|1|0``; years of four digits or more,
  ``0000`` included, time zones up to ±14:00), with ASCII digits only, the day checked against its month
  (leap years of the proleptic Gregorian calendar, year 0 a leap year), and the bounds of the derived integer
  types (``xsd:nonNegativeInteger``, ``xsd:int``, ...).
* ``xsd:anyURI``: XSD 1.1 accepts any string, which would check nothing; this follows XSD 1.0's definition,
  as Jena does: a URI reference (RFC 3986, IPv6 hosts per RFC 2732) once the characters that URIs do not allow
  (spaces, non-ASCII letters, ``{}``...) are percent-encoded. So ``%`` must start a ``%XX`` escape, there is at
  most one ``#``, a scheme is a letter followed by letters, digits, ``+-.`` and is followed by something,
  and ``[ ]`` only enclose an IPv6 address as host (or sit in a query, a fragment, an opaque part).
* ``xsd:string`` and language-tagged text are not checked (Jena does not check XML characters either), nor are
  datatypes not listed here (:func:`checks` tells which are).

Neo4j's limits are this project's own rule, not XSD's (TopBraid does not report them), and they hold for every
literal of the data, whatever the shapes say: an integer is stored as a 64-bit integer, an ``xsd:decimal``,
``xsd:double`` or ``xsd:float`` as a 64-bit float, a date as a date of years 1 to 9999 (what Python's and the
Neo4j driver's date types hold). Neo4j itself accepts NaN and infinite floats, but this loader refuses them
(:func:`storage_problem`): NaN is not equal to itself, which breaks the union of values from several files and
the idempotence of reloads, JSON has no NaN or Infinity for the ``--format json`` outputs, and no amount,
count or share is infinite. ``"NaN"^^xsd:decimal`` is simply ill-formed (decimals have no NaN).

What is stored must come back exactly (``load`` -> ``export`` -> ``load`` gives the same graph, the export's
literals denote the same values): so :func:`storage_problem` also refuses an ``xsd:decimal`` that a 64-bit float
would round (``1234567890123456.7``: more significant digits than a float keeps), a time zone on an ``xsd:date`` or
``xsd:gYear`` (a Neo4j date or a year has none), and an ``xsd:dateTime`` with more than six digits of a second
(Python's datetimes end at microseconds). :func:`lexical_form` writes a stored value back in its datatype's lexical
space (a double with every digit it needs, a decimal without an exponent, a year of four digits).

>>> well_formed("31_342", XSD_NS + "integer"), well_formed(" 42 ", XSD_NS + "integer"), well_formed("NaN", XSD_NS + "decimal")
(False, True, False)
>>> storage_problem("99999999999999999999999", XSD_NS + "integer")[:48]
'99999999999999999999999 is too large for Neo4j: '
>>> stored_value("2002", XSD_NS + "gYear"), stored_value("1.50", XSD_NS + "decimal"), stored_value("1e3", XSD_NS + "decimal")
(2002, 1.5, '1e3')
"""

from __future__ import annotations

import calendar
import datetime as dt
import decimal
import functools
import ipaddress
import math
import re

from ..model import XSD_NS

# -- lexical spaces -------------------------------------------------------------------------------------------
_YEAR = r"(?P<year>-?(?:[1-9][0-9]{3,}|0[0-9]{3}))"
_MONTH_DAY = r"(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12][0-9]|3[01])"
_TIME = r"(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)"
_ZONE = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
_DECIMAL = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_INTEGER = r"[+-]?[0-9]+"

#: The lexical space of each datatype checked here, as a regular expression over the whitespace-collapsed form.
PATTERNS: dict[str, re.Pattern] = {XSD_NS + name: re.compile(pattern) for name, pattern in {
    "decimal": _DECIMAL,
    "integer": _INTEGER,
    "double": rf"{_DECIMAL}(?:[Ee][+-]?[0-9]+)?|[+-]?INF|NaN",
    "float": rf"{_DECIMAL}(?:[Ee][+-]?[0-9]+)?|[+-]?INF|NaN",
    "boolean": r"true|false|1|0",
    "date": rf"{_YEAR}-{_MONTH_DAY}{_ZONE}?",
    "dateTime": rf"{_YEAR}-{_MONTH_DAY}T{_TIME}{_ZONE}?",
    "time": rf"{_TIME}{_ZONE}?",
    "gYear": rf"{_YEAR}{_ZONE}?",
}.items()}

#: Integer types derived from xsd:integer, with their bounds (None: unbounded on that side).
INTEGER_BOUNDS: dict[str, tuple[int | None, int | None]] = {XSD_NS + name: bounds for name, bounds in {
    "integer": (None, None),
    "nonNegativeInteger": (0, None), "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1),
    "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1), "byte": (-128, 127),
    "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
}.items()}
FLOAT_TYPES = frozenset(XSD_NS + name for name in ("decimal", "double", "float"))
ANY_URI = XSD_NS + "anyURI"
STRING = XSD_NS + "string"

_CHECKED = frozenset(PATTERNS) | frozenset(INTEGER_BOUNDS) | {ANY_URI}
#: Neo4j's integers: 64 bits.
INT64 = (-2**63, 2**63 - 1)
#: Years of Python's dates (and of the Neo4j driver's).
DATE_YEARS = (dt.MINYEAR, dt.MAXYEAR)
#: The longest string, in bytes of UTF-8, that Neo4j 5.26's RANGE indexes take as a key (measured against the
#: server, with characters of 1 to 4 bytes: ``tests/faults/test_index_limits.py``). The ``uri`` uniqueness
#: constraint, ``resource_name`` and the per-type ``rel_uri_*`` indexes are RANGE indexes.
INDEXED_BYTES = 8164
_WHITESPACE = re.compile(r"[ \t\n\r]+")


def checks(datatype: str | None) -> bool:
    """True when this module knows the lexical space of ``datatype`` (a full IRI)."""
    return datatype in _CHECKED


def normal_form(lexical: str, datatype: str | None) -> str:
    """``lexical`` with XSD's whitespace collapsed, for the datatypes checked here (others are left as they are).

    >>> normal_form("\\t42\\n", XSD_NS + "integer"), normal_form(" a  b ", XSD_NS + "string")
    ('42', ' a  b ')
    """
    if datatype not in _CHECKED:
        return lexical
    return _WHITESPACE.sub(" ", lexical).strip(" ")


@functools.lru_cache(maxsize=1 << 14)
def well_formed(lexical: str, datatype: str | None) -> bool:
    """True unless ``datatype`` is checked here and ``lexical`` is outside its lexical space (see the module).

    Literals of other datatypes, plain and language-tagged text are well-formed.
    """
    if datatype not in _CHECKED:
        return True
    text = normal_form(lexical, datatype)
    if datatype == ANY_URI:
        return _uri_reference(text)
    bounds = INTEGER_BOUNDS.get(datatype)
    if bounds is not None:
        if not PATTERNS[XSD_NS + "integer"].fullmatch(text):
            return False
        low, high = bounds
        return (low is None or _int(text) >= low) and (high is None or _int(text) <= high)
    match = PATTERNS[datatype].fullmatch(text)
    if match is None:
        return False
    if "day" in match.groupdict():
        year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
        return day <= _days_in_month(year, month)
    return True


def _days_in_month(year: int, month: int) -> int:
    # XSD 1.1 counts years as numbers (0000 is 1 BCE, a leap year); Python's % keeps the Gregorian rule there.
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 29 if month == 2 and leap else calendar.mdays[month]


def _int(text: str) -> int:
    """The value of an xsd:integer lexical form of any length (``int()`` refuses more than 4,300 digits)."""
    digits = text.lstrip("+-").lstrip("0") or "0"
    if len(digits) > 4000:
        magnitude = 10 ** len(digits)  # only compared with bounds far below it
        return -magnitude if text.startswith("-") else magnitude
    return int(text)


# -- anyURI ---------------------------------------------------------------------------------------------------
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
_BRACKETED_HOST = re.compile(r"(?:[^@\[\]]*@)?\[(?P<address>[^\[\]]*)\](?::[0-9]*)?")


def _uri_reference(text: str) -> bool:
    """XSD 1.0's anyURI as Jena checks it: an RFC 3986 URI reference once disallowed characters are escaped."""
    if _PERCENT.search(text):
        return False
    reference, hash_mark, fragment = text.partition("#")
    if "#" in fragment:
        return False
    start = next((i for i, ch in enumerate(reference) if ch in ":/?#"), len(reference))
    if start < len(reference) and reference[start] == ":":
        if not _SCHEME.fullmatch(reference[:start]):
            return False
        rest = reference[start + 1:]
        if not rest:
            return False  # "mailto:", "http:": a scheme with nothing after it
        if not rest.startswith("/"):
            return True  # an opaque part ("urn:isbn:...") may hold any character
    else:
        rest = reference
    hierarchical = rest.split("?", 1)[0]
    if hierarchical.startswith("//"):
        authority, slash, path = hierarchical[2:].partition("/")
        if "[" in authority or "]" in authority:
            host = _BRACKETED_HOST.fullmatch(authority)
            if host is None or "%" in host["address"]:
                return False
            try:
                ipaddress.IPv6Address(host["address"])
            except ValueError:
                return False
        hierarchical = path
    return "[" not in hierarchical and "]" not in hierarchical


# -- values and what Neo4j stores -----------------------------------------------------------------------------
def to_python(lexical: str, datatype: str | None):
    """The value the loader stores for a literal: int, float, bool, date, datetime, or the lexical form.

    The lexical form when the literal is ill-formed (:func:`well_formed`), of a datatype without a Python value
    here, or beyond what Python's types hold (a date of year 0); :func:`storage_problem` says which values
    Neo4j cannot take. An ``xsd:gYear`` is stored as its year, an ``xsd:decimal`` as a float, a date with a
    time zone as its date (as rdflib reads it).
    """
    if datatype is None or not well_formed(lexical, datatype):
        return lexical
    text = normal_form(lexical, datatype)
    if datatype in INTEGER_BOUNDS:
        return _int(text) if len(text) <= 4000 else lexical
    if datatype in FLOAT_TYPES:
        return float(text)
    if datatype == XSD_NS + "boolean":
        return text in ("true", "1")
    if datatype == XSD_NS + "gYear":
        return _int(PATTERNS[datatype].fullmatch(text)["year"])
    try:
        if datatype == XSD_NS + "date":
            match = PATTERNS[datatype].fullmatch(text)
            return dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
        if datatype == XSD_NS + "dateTime":
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:  # a year outside 1..9999, or 24:00:00
        return lexical
    return lexical


#: Datatypes whose values can exceed what Neo4j stores, or lose something on the way.
STORAGE_CHECKED = frozenset(INTEGER_BOUNDS) | FLOAT_TYPES | {XSD_NS + "gYear", XSD_NS + "date", XSD_NS + "dateTime"}


#: Lexical forms this short always fit: integers below 10^18 (< 2^63), decimals of at most 15 digits (a float
#: holds any 15 significant digits exactly), years of four digits.
_ALWAYS_STORABLE_LENGTH = {**dict.fromkeys(INTEGER_BOUNDS, 18), XSD_NS + "gYear": 4, XSD_NS + "decimal": 15}


def storage_problem(lexical: str, datatype: str | None) -> str | None:
    """Why the value of a (well-formed) literal cannot be stored in Neo4j, or None when it can.

    Ill-formed literals are stored as their lexical form (text), which always can; ``sh:datatype`` reports them.
    """
    if datatype not in STORAGE_CHECKED or len(lexical) <= _ALWAYS_STORABLE_LENGTH.get(datatype, -1):
        return None  # the common case, without a look at the cache: the compiled validator asks for every value
    return _storage_problem(lexical, datatype)


@functools.lru_cache(maxsize=1 << 14)
def _storage_problem(lexical: str, datatype: str) -> str | None:
    if not well_formed(lexical, datatype):
        return None
    text = normal_form(lexical, datatype)
    if datatype in INTEGER_BOUNDS or datatype == XSD_NS + "gYear":
        number = text if datatype != XSD_NS + "gYear" else PATTERNS[datatype].fullmatch(text)["year"]
        value = _int(number)
        if not INT64[0] <= value <= INT64[1]:
            return (f"{_shown(lexical)} is too large for Neo4j: integers are stored in 64 bits, "
                    f"from {INT64[0]} to {INT64[1]}.")
        if datatype == XSD_NS + "gYear" and _ZONED.search(text):
            return (f"{_shown(lexical)} cannot be stored exactly: a year in Neo4j is a number, without a time "
                    f"zone, so the zone would be lost. Write the year without it ({_ZONED.sub('', text)}).")
        return None
    if datatype in FLOAT_TYPES:
        value = float(text)
        if not math.isfinite(value):
            if text.lstrip("+-") in ("INF", "NaN"):
                return (f"{_shown(lexical)} is not a finite number: the loader stores finite numbers only "
                        "(NaN and infinities are no amount, count or share).")
            return (f"{_shown(lexical)} is too large for Neo4j: numbers are stored as 64-bit floats, "
                    "whose largest value is about 1.8e308.")
        if datatype == XSD_NS + "decimal" and decimal.Decimal(repr(value)) != decimal.Decimal(text):
            return (f"{_shown(lexical)} cannot be stored exactly: Neo4j keeps decimals as 64-bit floats, which hold "
                    f"about 15 significant digits, and would store {lexical_form(value, datatype)}. Round it to 15 significant digits "
                    "(or keep the exact figure as text, in a note).")
        return None
    match = PATTERNS[datatype].fullmatch(text)
    if not DATE_YEARS[0] <= _int(match["year"]) <= DATE_YEARS[1]:
        return (f"{_shown(lexical)} cannot be stored as a date: years must lie between {DATE_YEARS[0]} and "
                f"{DATE_YEARS[1]}.")
    if datatype == XSD_NS + "date" and _ZONED.search(text):
        return (f"{_shown(lexical)} cannot be stored exactly: a date in Neo4j has no time zone, so the zone would "
                f"be lost. Write the date without it ({_ZONED.sub('', text)}).")
    fraction = _FRACTION.search(text) if datatype == XSD_NS + "dateTime" else None
    if fraction and fraction[1][6:].strip("0"):
        return (f"{_shown(lexical)} cannot be stored exactly: times are kept to the microsecond (six digits of a "
                "second); round it.")
    return None


#: A time zone at the end of a date or a year; the fraction of a second of a time.
_ZONED = re.compile(rf"{_ZONE}$")
_FRACTION = re.compile(r"T[0-9:]{8}\.([0-9]+)")


def mixed_datatypes_problem(datatypes: set[str | None]) -> str | None:
    """Why the values of one property of one resource, of these ``datatypes`` (None: plain text), cannot all be
    kept, or None: Neo4j holds them as one list of one type, and the export writes one datatype for a property.

    >>> mixed_datatypes_problem({None, XSD_NS + "string"}) is None
    True
    >>> mixed_datatypes_problem({XSD_NS + "int", None})
    'values of one property of one resource with different datatypes (plain text and xsd:int) cannot all be kept: Neo4j holds them as one list of one type. Write them with one datatype.'
    """
    kinds = {STRING if d is None else d for d in datatypes}
    if len(kinds) < 2:
        return None
    shown = sorted("plain text" if d == STRING else "xsd:" + d[len(XSD_NS):] if d.startswith(XSD_NS) else f"<{d}>"
                   for d in kinds)
    return (f"values of one property of one resource with different datatypes ({' and '.join(shown)}) cannot all "
            "be kept: Neo4j holds them as one list of one type. Write them with one datatype.")


def index_problem(text: str) -> str | None:
    """Why Neo4j cannot index ``text`` (an IRI, which becomes a ``uri``, or a name), or None when it can.

    Its RANGE indexes take keys of at most :data:`INDEXED_BYTES` bytes of UTF-8; a longer ``uri`` or ``name``
    makes the write fail ("too large to index") and a bulk import leave the index FAILED.

    >>> index_problem("é" * 4082) is None, index_problem("é" * 4083)[-62:]
    (True, '(UTF-8), over the 8,164 bytes a Neo4j index holds: shorten it.')
    """
    if len(text) <= INDEXED_BYTES // 4:  # four bytes at most per character: no need to encode
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    if size <= INDEXED_BYTES:
        return None
    return (f"{_shown(text)} is too long to be indexed: names and IRIs are looked up through Neo4j's indexes "
            f"(the uri constraint, the name index), and this one is {size:,} bytes (UTF-8), over the "
            f"{INDEXED_BYTES:,} bytes a Neo4j index holds: shorten it.")


def shown(lexical: str) -> str:
    """A lexical form for a message: a 5,000-digit number is named by its start and length."""
    return lexical if len(lexical) <= 60 else f"{lexical[:40]}... ({len(lexical)} characters)"


_shown = shown


def lexical_form(value, datatype: str | None) -> str:
    """A stored ``value`` (a Python or Neo4j driver value) written in the lexical space of ``datatype``: the
    literal that loads back as the same value (see :func:`storage_problem`).

    >>> [lexical_form(v, XSD_NS + t) for v, t in ((1e22, "decimal"), (-0.0, "decimal"), (0.1, "double"),
    ...                                             (1.2345678901234567, "double"), (44, "gYear"), (-44, "gYear"))]
    ['10000000000000000000000', '-0.0', '0.1', '1.2345678901234567', '0044', '-0044']
    >>> lexical_form(True, XSD_NS + "boolean"), lexical_form(dt.date(44, 3, 15), XSD_NS + "date")
    ('true', '0044-03-15')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if datatype == XSD_NS + "gYear":
            return f"-{-value:04d}" if value < 0 else f"{value:04d}"
        return str(value)
    if isinstance(value, float):
        if datatype == XSD_NS + "decimal" or (datatype in INTEGER_BOUNDS and value.is_integer()):
            text = format(decimal.Decimal(repr(value)), "f")
            return text.removesuffix(".0") if datatype in INTEGER_BOUNDS else text
        return repr(value)  # the shortest form that reads back as the same double
    if hasattr(value, "iso_format"):  # the Neo4j driver's Date, DateTime, LocalDateTime
        return value.iso_format()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def datatype_of_value(value) -> str | None:
    """The XSD datatype a stored value of unknown provenance is written with: its Python type's, or None (text)."""
    if isinstance(value, bool):
        return XSD_NS + "boolean"
    if isinstance(value, int):
        return XSD_NS + "integer"
    if isinstance(value, float):
        return XSD_NS + "double"
    if isinstance(value, dt.datetime) or type(value).__name__ in ("DateTime", "LocalDateTime"):
        return XSD_NS + "dateTime"
    if isinstance(value, dt.date) or type(value).__name__ == "Date":
        return XSD_NS + "date"
    return None


def stored_value(lexical: str, datatype: str | None):
    """:func:`to_python`, or the lexical form when that value cannot be stored: never raises, never unwritable.

    Validation reports the values that :func:`storage_problem` refuses, so a load stops before they are written;
    the fallback keeps the writer safe all the same.
    """
    if storage_problem(lexical, datatype) is not None:
        return lexical
    return to_python(lexical, datatype)

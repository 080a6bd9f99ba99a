"""CSV templates: how analysts bring their own data without writing RDF.

A CSV file is read with the template its file name names (``hometown_associations.csv``,
``2024_contributions.csv``, ...; see :data:`TEMPLATES`). Its columns are terms of the ontology, so the ontology
decides what each column means:

* ``id`` — the resource: an absolute IRI, or a short id expanded under ``https://w3id.org/diaspora-kg/id/``
  (``org/sala`` is the seed corpus's SALA, so rows can point at the corpus); for n-ary rows (memberships,
  contributions) it may be left empty and is then made from the file and row;
* ``type`` — a class name (``HometownAssociation``); defaults to the template's class;
* any datatype property (``acronym``, ``amountUsd``, ``year``) or label (``prefLabel``, ``altLabel``); add
  ``@es``/``@en`` for a language (``prefLabel@es``);
* any object property (``memberOf``, ``originatesFrom``, ``locatedIn``, ``contributor``): ids as above;
* ``source``, ``locator``, ``quote`` — where the row's facts come from. Every row gets a ``dkg:Evidence`` (its
  locator defaults to ``<file>, row <n>``) attached to the resource and to every tie the row states.

Several values in one cell are separated by ``|``. An unknown or missing required column stops the load with
the file and column named; a value of the wrong kind names the file, line and column.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..errors import InputError
from ..schema import DKG_NS, DKGID_NS, EXTERNAL_PROPERTY_NAMES, GraphSchema, load_schema, local_name
from .read import Lit, Triple

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SPECIAL = ("id", "type", "source", "locator", "quote")
SEPARATOR = "|"
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "data" / "templates"
EXTERNAL_IRI = {name: str(iri) for iri, name in EXTERNAL_PROPERTY_NAMES.items()}


@dataclass(frozen=True)
class Template:
    """A CSV template: the class of its rows, the columns a file must have, and the columns it suggests."""

    name: str
    cls: str
    required: tuple[str, ...]
    suggested: tuple[str, ...]
    description: str

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.required, *(c for c in self.suggested if c not in self.required))


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
)}


def template_for(path: Path) -> Template:
    """The template whose name appears in the file name (longest match wins)."""
    stem = path.stem.lower()
    matches = [t for name, t in TEMPLATES.items() if name in stem]
    if not matches:
        raise InputError(str(path), "no CSV template matches this file name",
                         hint="name the file after a template in data/templates/: "
                              + ", ".join(f"{n}.csv" for n in TEMPLATES))
    return max(matches, key=lambda t: len(t.name))


def expand_id(value: str) -> str:
    """An absolute IRI as it is; a short id under the corpus namespace (``org/sala``)."""
    value = value.strip()
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value):
        return value
    return DKGID_NS + value.lstrip("/")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "source"


class _Columns:
    """What each column of a file means, resolved once through the ontology."""

    def __init__(self, schema: GraphSchema, header: list[str], path: Path, template: Template):
        self.by_column: dict[str, tuple[str, str, str | None, str | None]] = {}
        names = {p.name: p for p in (*schema.object_properties.values(), *schema.datatype_properties.values())}
        external = {name: str(iri) for iri, name in EXTERNAL_PROPERTY_NAMES.items()}
        for column in header:
            base, _, lang = column.partition("@")
            if column in SPECIAL:
                continue
            if base in external:
                self.by_column[column] = ("literal", external[base], None, lang or None)
            elif base in names and names[base].iri in schema.object_properties:
                self.by_column[column] = ("link", names[base].iri, None, None)
            elif base in names:
                self.by_column[column] = ("literal", names[base].iri, names[base].datatype, lang or None)
            else:
                raise InputError(str(path), f"unknown column {column!r}: not a term of the ontology", line=1,
                                 hint=f"template {template.name} suggests: {', '.join(template.columns)}")


def _literal(value: str, datatype: str | None, lang: str | None, where: tuple[str, int, str]) -> Lit:
    path, line, column = where

    def bad(kind: str):
        raise InputError(path, f"column {column}: {value!r} is not {kind}", line=line)

    if lang:
        return Lit(value, None, lang)
    if datatype in (XSD + "decimal", XSD + "double", XSD + "float"):
        try:
            Decimal(value.replace(",", ""))
        except InvalidOperation:
            bad("a number")
        return Lit(value.replace(",", ""), datatype)
    if datatype in (XSD + "integer", XSD + "nonNegativeInteger"):
        if not re.fullmatch(r"-?\d+", value.replace(",", "")):
            bad("a whole number")
        return Lit(value.replace(",", ""), datatype)
    if datatype == XSD + "gYear":
        if not re.fullmatch(r"-?\d{4}", value):
            bad("a year (YYYY)")
        return Lit(value, datatype)
    if datatype == XSD + "boolean":
        if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
            bad("true or false")
        return Lit("true" if value.lower() in ("true", "1", "yes") else "false", datatype)
    return Lit(value, datatype if datatype and datatype != XSD + "string" else None)


def csv_triples(path: Path, schema: GraphSchema | None = None) -> Iterator[Triple]:
    """The triples of one CSV file read with its template."""
    schema = schema or load_schema()
    path = Path(path)
    template = template_for(path)
    classes = {c.label: c.iri for c in schema.classes.values()}
    file_id = hashlib.sha1(path.name.encode()).hexdigest()[:8]
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = [h.strip() for h in (reader.fieldnames or [])]
        reader.fieldnames = header
        missing = [c for c in template.required if c not in header]
        if missing:
            raise InputError(str(path), f"missing required column(s) {', '.join(missing)} "
                                        f"(template {template.name})", line=1,
                             hint=f"the header must include: {', '.join(template.required)}")
        columns = _Columns(schema, header, path, template)
        sources: dict[str, str] = {}
        last_line = 1
        for row in reader:
            # DictReader skips blank lines; the record starts on the line after the previous record ended.
            row_number, last_line = last_line + 1, reader.line_num
            cells = {k: (v or "").strip() for k, v in row.items() if k}
            if not any(cells.values()):
                continue
            cls_name = cells.get("type") or template.cls
            if cls_name not in classes:
                raise InputError(str(path), f"column type: {cls_name!r} is not a class of the ontology",
                                 line=row_number)
            cls = classes[cls_name]
            subject = expand_id(cells["id"]) if cells.get("id") else \
                f"{DKGID_NS}csv/{_slug(path.stem)}-{file_id}/row-{row_number}"
            if template.name != "partnerships" or cells.get("type"):
                yield (subject, RDF_TYPE, cls)
            evidence = f"{DKGID_NS}evidence/csv/{_slug(path.stem)}-{file_id}/row-{row_number}"
            ties = []
            for column, (kind, predicate, datatype, lang) in columns.by_column.items():
                raw = cells.get(column, "")
                for value in filter(None, (v.strip() for v in raw.split(SEPARATOR))):
                    if kind == "link":
                        obj = expand_id(value)
                        yield (subject, predicate, obj)
                        ties.append((predicate, obj))
                    else:
                        yield (subject, predicate, _literal(value, datatype, lang, (str(path), row_number, column)))
            is_nary = schema.classes[cls].relationship is not None
            yield from _evidence(subject, evidence, cells, path, row_number, [] if is_nary else ties, sources)


def _evidence(subject, evidence, cells, path, row_number, ties, sources) -> Iterator[Triple]:
    """The row's Evidence, attached to the row's resource and reified onto each tie (an n-ary row has none)."""
    source_text = cells.get("source") or path.name
    source = sources.get(source_text)
    if source is None:
        is_id = not re.search(r"\s", source_text) and (":" in source_text or "/" in source_text)
        source = expand_id(source_text) if is_id else f"{DKGID_NS}source/{_slug(source_text)}"
        sources[source_text] = source
        if not is_id:  # a source named in free text becomes a Source of its own; an id points at one
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
        lines += [f"### `{template.name}.csv` — {template.description}", "",
                  f"Rows are `dkg:{template.cls}` unless a `type` column says otherwise. Required: "
                  + ", ".join(f"`{c}`" for c in template.required) + ".", "",
                  "| column | ontology term | kind |", "|---|---|---|"]
        for column in template.columns:
            base = column.split("@")[0]
            if column in SPECIAL:
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

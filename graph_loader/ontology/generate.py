"""Generate the artefacts that repeat the ontology, so that they never drift from it.

``python -m graph_loader.ontology.generate`` rewrites, from ``ontology/diaspora.ttl``:

* ``graph_loader/ontology/terms.py``: the namespace constants ``DKG_NS`` and ``DKGID_NS``, the
  :class:`rdflib.namespace.DefinedNamespace` ``DKG`` (see :func:`render`) and the relationship types ``REL``
  (see :func:`render_relationship_types`);
* in ``ontology/shapes.ttl``, between ``# BEGIN GENERATED ranges`` / ``# END GENERATED ranges``: one SHACL
  shape per property checking that its values fit its ``rdfs:range`` (see :func:`render_range_shapes`);
* in ``ontology/shapes.ttl``, between ``# BEGIN GENERATED currencies`` / ``# END GENERATED currencies``: the
  ``sh:in`` list of ISO 4217 codes, taken from ``pycountry.currencies`` (see :func:`render_currency_list`);
* in ``ontology/README.md``, between ``<!-- diagram:start -->`` / ``<!-- diagram:end -->``: a Mermaid class
  diagram (see :func:`render_diagram`).

``--diagram`` only prints the diagram; ``--check`` writes nothing and exits with status 1 when a file is out
of date. The unit tests compare each file with these functions.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pycountry
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .load import ontology_dir, ontology_graph
from .schema import schema_from_graph
from .terms import DKG_NS as DKG_NAMESPACE
from .terms import DKGID_NS

TERMS_PATH = Path(__file__).resolve().parent / "terms.py"

TERM_KINDS: tuple[tuple[URIRef, str], ...] = (
    (OWL.Class, "Classes"),
    (OWL.ObjectProperty, "Object properties"),
    (OWL.DatatypeProperty, "Datatype properties"),
    (OWL.AnnotationProperty, "Annotation properties (Neo4j mapping and styles)"),
)

_PREFIXES = {
    "dkg": DKG_NAMESPACE,
    "xsd": str(XSD),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "skos": "http://www.w3.org/2004/02/skos/core#",
}

# How a datatype range is written in a message, so the fix is obvious to whoever reads the violation.
_LITERAL_EXAMPLES = {
    XSD.decimal: 'an xsd:decimal, e.g. 30000.00 (a bare 30000 is an xsd:integer)',
    XSD.integer: "an xsd:integer, e.g. 45",
    XSD.gYear: 'an xsd:gYear, e.g. "2002"^^xsd:gYear',
    XSD.boolean: "an xsd:boolean: true or false",
    XSD.date: 'an xsd:date, e.g. "2005-02-03"^^xsd:date',
    XSD.anyURI: 'an xsd:anyURI literal, e.g. "https://example.org/"^^xsd:anyURI',
    XSD.string: "an untagged string",
    RDF.PlainLiteral: "text, with or without a language tag",
}


@dataclass(frozen=True)
class Term:
    """One term of the dkg: namespace.

    Attributes
    ----------
    name : str
        Local name, e.g. ``"memberOf"``.
    kind : rdflib.URIRef
        ``owl:Class``, ``owl:ObjectProperty``, ``owl:DatatypeProperty`` or ``owl:AnnotationProperty``.
    label : str
        The English ``rdfs:label``.
    """

    name: str
    kind: URIRef
    label: str


def qname(iri: URIRef) -> str:
    """Return ``prefix:local`` for IRIs of the namespaces used in generated text, else ``<iri>``.

    >>> qname(URIRef("https://w3id.org/diaspora-kg/ontology#memberOf"))
    'dkg:memberOf'
    """
    for prefix, namespace in _PREFIXES.items():
        if str(iri).startswith(namespace):
            return f"{prefix}:{str(iri)[len(namespace):]}"
    return f"<{iri}>"


def english_label(graph: Graph, iri: URIRef) -> str:
    """The ``rdfs:label`` of ``iri`` tagged ``@en`` (empty string when there is none)."""
    labels = [str(lab) for lab in graph.objects(iri, RDFS.label) if getattr(lab, "language", None) == "en"]
    return min(labels) if labels else ""


def ontology_terms(ontology: Graph) -> list[Term]:
    """Every class and property of the dkg: namespace, grouped by kind, sorted by name within each kind."""
    terms = []
    for kind, _title in TERM_KINDS:
        names = {
            str(s)[len(DKG_NAMESPACE):]
            for s in ontology.subjects(RDF.type, kind)
            if isinstance(s, URIRef) and str(s).startswith(DKG_NAMESPACE)
        }
        for name in sorted(names):
            terms.append(Term(name, kind, english_label(ontology, URIRef(DKG_NAMESPACE + name))))
    return terms


def render(ontology: Graph | None = None) -> str:
    """Return the text of ``graph_loader/ontology/terms.py`` for the ontology (default: the repository's)."""
    ontology = ontology_graph() if ontology is None else ontology
    terms = ontology_terms(ontology)
    lines = [
        '"""Terms of the diaspora-kg ontology as Python names.',
        "",
        "GENERATED from ontology/diaspora.ttl by ``python -m graph_loader.ontology.generate``: do not edit by hand.",
        "A misspelt term raises AttributeError instead of silently minting a new IRI.",
        "",
        ">>> DKG.memberOf",
        f"rdflib.term.URIRef('{DKG_NAMESPACE}memberOf')",
        ">>> DKGID['org/fisdl']",
        "rdflib.term.URIRef('https://w3id.org/diaspora-kg/id/org/fisdl')",
        '"""',
        "",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "from rdflib.term import URIRef",
        "",
        "#: The ontology's namespace: the one place it is written (the generator checks it against the ontology IRI).",
        f'DKG_NS = "{DKG_NAMESPACE}"',
        "#: Where the seed corpus and gazetteer mint their resources' IRIs.",
        f'DKGID_NS = "{DKGID_NS}"',
        "",
        "",
        "class DKG(DefinedNamespace):",
        f'    """Classes, properties and annotation properties of ``dkg:`` (<{DKG_NAMESPACE}>)."""',
        "",
        "    _fail = True",
        "    _NS = Namespace(DKG_NS)",
    ]
    for kind, title in TERM_KINDS:
        lines += ["", f"    # {title}"]
        lines += [f"    {t.name}: URIRef  # {t.label}" for t in terms if t.kind == kind]
    lines += ["", "", *render_relationship_types(ontology)]
    lines += [
        "",
        "",
        "DKGID = Namespace(DKGID_NS)",
        '"""Resources of the seed corpus and gazetteer, e.g. ``DKGID["place/SV-CU"]``."""',
        "",
    ]
    return "\n".join(lines)


def render_relationship_types(ontology: Graph) -> list[str]:
    """The lines of the class ``REL``: one constant per relationship type the loader writes (an object property's
    ``dkg:neo4jType`` or UPPER_SNAKE name, an n-ary class's type), commented with the English label."""
    schema = schema_from_graph(ontology)
    label_of = {p.type: p.iri for p in schema.object_properties.values()}
    label_of.update({n.type: n.class_iri for n in schema.nary.values()})
    lines = [
        "class REL:",
        '    """Neo4j relationship types of the ontology (``REL.MEMBER_OF == "MEMBER_OF"``): what code names a type by.',
        "",
        "    Object properties stored as relationships and n-ary classes (:mod:`graph_loader.ontology.schema`); a",
        "    misspelt type raises AttributeError.",
        '    """',
        "",
    ]
    lines += [f'    {rel_type} = "{rel_type}"  # {english_label(ontology, URIRef(label_of[rel_type]))}'
              for rel_type in sorted(schema.relationship_types)]
    return lines


def _union_members(ontology: Graph, node) -> list[URIRef]:
    """The classes of ``owl:unionOf`` at ``node``, or ``[node]`` for a named class."""
    union = ontology.value(node, OWL.unionOf)
    return list(Collection(ontology, union)) if union is not None else [node]


def _turtle_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _range_constraint(ontology: Graph, prop: URIRef, range_node) -> tuple[list[str], str]:
    """Turtle lines constraining the values of ``prop`` to ``range_node``, and what they say in words."""
    if (prop, RDF.type, OWL.DatatypeProperty) in ontology:
        if range_node == RDF.PlainLiteral:
            lines = ["sh:or ( [ sh:datatype xsd:string ] [ sh:datatype rdf:langString ] ) ;"]
        else:
            lines = [f"sh:datatype {qname(range_node)} ;"]
        return lines, f"must be {_LITERAL_EXAMPLES[range_node]}"
    classes = _union_members(ontology, range_node)
    if len(classes) == 1:
        lines = [f"sh:class {qname(classes[0])} ;"]
    else:
        lines = ["sh:or ( " + " ".join(f"[ sh:class {qname(c)} ]" for c in classes) + " ) ;"]
    names = [qname(c) for c in classes]
    words = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return lines, f"must be a {words} (typed in the data being validated)"


def render_range_shapes(ontology: Graph | None = None) -> str:
    """Return the generated SHACL shapes: for each property with an ``rdfs:range``, its values must fit it.

    Each shape is a top-level ``sh:PropertyShape`` named ``dkg:<property>RangeShape`` that targets the subjects
    of the property, so ranges are checked wherever a property is used, whatever the subject's class. (Top
    level because pySHACL rebuilds a nested ``sh:property``'s constraints for every focus node.)
    """
    ontology = ontology_graph() if ontology is None else ontology
    blocks = []
    for term in ontology_terms(ontology):
        if term.kind not in (OWL.ObjectProperty, OWL.DatatypeProperty):
            continue
        prop = URIRef(DKG_NAMESPACE + term.name)
        range_node = ontology.value(prop, RDFS.range)
        if range_node is None:
            continue
        constraint, words = _range_constraint(ontology, prop, range_node)
        message = _turtle_string(f"Values of {qname(prop)} ({term.label}) {words}.")
        blocks.append(
            "\n".join(
                [
                    f"dkg:{term.name}RangeShape a sh:PropertyShape ;",
                    f"    sh:targetSubjectsOf {qname(prop)} ;",
                    f"    sh:path {qname(prop)} ;",
                    *(f"    {line}" for line in constraint),
                    f"    sh:message {message} ;",
                    f'    rdfs:comment "Generated from the rdfs:range of {qname(prop)} in ontology/diaspora.ttl." .',
                ]
            )
        )
    return "\n\n".join(blocks) + "\n"


def render_currency_list(codes_per_line: int = 14) -> str:
    """Return the ``sh:in`` list of ISO 4217 alphabetic codes known to :mod:`pycountry` (indented 4 spaces)."""
    codes = sorted(currency.alpha_3 for currency in pycountry.currencies)
    rows = [codes[i : i + codes_per_line] for i in range(0, len(codes), codes_per_line)]
    body = "\n".join("        " + " ".join(f'"{code}"' for code in row) for row in rows)
    return f"    sh:in (\n{body}\n    ) ;\n"


def render_diagram(ontology: Graph | None = None) -> str:
    """Return a Mermaid ``classDiagram`` of the dkg: classes, their subclass links and the main relationships.

    "Main" object properties are those whose domain and range are both single named classes; each n-ary
    class stored as a relationship is drawn as an edge from the range of its source property to the range of
    its target property, labelled ``<Class> as <TYPE>``.
    """
    ontology = ontology_graph() if ontology is None else ontology
    dkg = {t.name: URIRef(DKG_NAMESPACE + t.name) for t in ontology_terms(ontology)}
    classes = sorted(n for n, iri in dkg.items() if (iri, RDF.type, OWL.Class) in ontology)

    def local(iri) -> str | None:
        return str(iri)[len(DKG_NAMESPACE):] if isinstance(iri, URIRef) and str(iri).startswith(DKG_NAMESPACE) else None

    lines = ["classDiagram", "    direction LR", "    %% subclass links"]
    for name in classes:
        for parent in sorted(filter(None, map(local, ontology.objects(dkg[name], RDFS.subClassOf)))):
            lines.append(f"    {parent} <|-- {name}")
    lines.append("    %% object properties with a single domain and range class")
    for name in sorted(dkg):
        if (dkg[name], RDF.type, OWL.ObjectProperty) not in ontology:
            continue
        domain = local(ontology.value(dkg[name], RDFS.domain))
        range_ = local(ontology.value(dkg[name], RDFS.range))
        if domain and range_:
            lines.append(f"    {domain} --> {range_} : {name}")
    lines.append("    %% n-ary classes stored as relationships")
    asrel = URIRef(DKG_NAMESPACE + "asRelationship")
    for name in classes:
        if not ontology.value(dkg[name], asrel):
            continue
        rel_type = ontology.value(dkg[name], URIRef(DKG_NAMESPACE + "neo4jType"))
        source = ontology.value(dkg[name], URIRef(DKG_NAMESPACE + "relationshipSource"))
        target = ontology.value(dkg[name], URIRef(DKG_NAMESPACE + "relationshipTarget"))
        for start in _union_members(ontology, ontology.value(source, RDFS.range)):
            for end in _union_members(ontology, ontology.value(target, RDFS.range)):
                lines.append(f"    {local(start)} --> {local(end)} : {name} as {rel_type}")
    return "```mermaid\n" + "\n".join(lines) + "\n```\n"


def replace_block(text: str, begin: str, end: str, body: str) -> str:
    """Replace what lies between the line containing ``begin`` and the line containing ``end``.

    >>> replace_block("a\\n# BEGIN x\\nold\\n# END x\\nb\\n", "BEGIN x", "END x", "new\\n")
    'a\\n# BEGIN x\\nnew\\n# END x\\nb\\n'
    """
    pattern = re.compile(rf"(^[^\n]*{re.escape(begin)}[^\n]*\n)(.*?)(^[^\n]*{re.escape(end)})", re.M | re.S)
    if not pattern.search(text):
        raise ValueError(f"markers {begin!r} / {end!r} not found")
    return pattern.sub(lambda m: m.group(1) + body + m.group(3), text, count=1)


def generated_files() -> dict[Path, str]:
    """Map each generated file to the text it should have now."""
    ontology = ontology_graph()
    declared = {str(s) + "#" for s in ontology.subjects(RDF.type, OWL.Ontology)}
    if DKG_NAMESPACE not in declared:
        raise ValueError(f"terms.DKG_NS is {DKG_NAMESPACE} but the ontology declares {sorted(declared)}: "
                         "edit DKG_NS in graph_loader/ontology/terms.py by hand once, then regenerate")
    shapes_path = ontology_dir() / "shapes.ttl"
    readme_path = ontology_dir() / "README.md"
    shapes = shapes_path.read_text(encoding="utf-8")
    shapes = replace_block(shapes, "BEGIN GENERATED ranges", "END GENERATED ranges", render_range_shapes(ontology))
    shapes = replace_block(shapes, "BEGIN GENERATED currencies", "END GENERATED currencies", render_currency_list())
    readme = replace_block(
        readme_path.read_text(encoding="utf-8"), "<!-- diagram:start -->", "<!-- diagram:end -->",
        render_diagram(ontology),
    )
    return {TERMS_PATH: render(ontology), shapes_path: shapes, readme_path: readme}


def main(argv: list[str] | None = None) -> int:
    """Command line: regenerate (default), ``--check`` that nothing is stale, or print ``--diagram``."""
    parser = argparse.ArgumentParser(prog="python -m graph_loader.ontology.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--diagram", action="store_true", help="print the Mermaid diagram and exit")
    parser.add_argument("--check", action="store_true", help="exit 1 if a generated file is out of date")
    args = parser.parse_args(argv)
    if args.diagram:
        sys.stdout.write(render_diagram())
        return 0
    expected = generated_files()
    stale = [path for path, text in expected.items() if not path.exists() or path.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"out of date: {path}", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(expected[path], encoding="utf-8")
        print(f"rewrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

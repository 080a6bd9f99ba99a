"""The one loader of the ontology files: the TBox with its concept schemes, and the SHACL shapes.

Each is parsed once per process and folder and shared (do not modify the graphs). The folder is
``$DKG_ONTOLOGY_DIR`` when set (this folder only), else the ``ontology/`` that :mod:`graph_loader.resources`
finds (the checkout's, the installed package's, or ``$DKG_RESOURCES_DIR/ontology``).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from .. import resources
from .terms import DKG_NS

ONTOLOGY_DIR_ENV = "DKG_ONTOLOGY_DIR"
#: The TBox and the SKOS concept schemes, read together as "the ontology".
ONTOLOGY_FILES = ("diaspora.ttl", "concepts.ttl")
SHAPES_FILE = "shapes.ttl"
_TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def ontology_dir() -> Path:
    """The folder holding ``diaspora.ttl``, ``concepts.ttl`` and ``shapes.ttl``."""
    override = os.environ.get(ONTOLOGY_DIR_ENV)
    return Path(override) if override else resources.ontology_dir()


@functools.cache
def _parse(*paths: Path) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def ontology_graph(directory: Path | None = None) -> Graph:
    """The ontology (``diaspora.ttl`` + ``concepts.ttl``) of ``directory`` (default :func:`ontology_dir`)."""
    folder = Path(directory) if directory is not None else ontology_dir()
    return _parse(*(folder / name for name in ONTOLOGY_FILES))


def shapes_graph(directory: Path | None = None) -> Graph:
    """The SHACL shapes (``shapes.ttl``) of ``directory`` (default :func:`ontology_dir`)."""
    folder = Path(directory) if directory is not None else ontology_dir()
    return _parse(folder / SHAPES_FILE)


def defined_terms(ontology: Graph) -> frozenset[URIRef]:
    """The IRIs of the dkg: namespace that the ontology declares as a class or property."""
    return frozenset(
        s
        for kind in _TERM_TYPES
        for s in ontology.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(DKG_NS)
    )

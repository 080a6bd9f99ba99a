"""The graph's constraints and indexes as Cypher: rendered from the ontology's index specs, and the ledger's; and
how a name of the ontology is written into Cypher text (:func:`quote_name`).

:func:`graph_loader.ontology.schema.index_specs` says which constraints and indexes the property graph needs
(typed :class:`~graph_loader.ontology.schema.IndexSpec` values, no Cypher); the ledger of loaded sources
(:mod:`.ledger`) adds its own (:data:`LEDGER_INDEX`). This module is the one place that writes them as Cypher
statements: for the loader (:meth:`graph_loader.neo4j.writer.GraphWriter.ensure_schema`), for the ledger's lock,
and for analysts (``cypher/schema/create_schema.cypher``, written by ``diaspora-kg schema --write-cypher``).
Constraints come first, then the indexes in the ontology's order.
"""

from __future__ import annotations

import re

from ..ontology.schema import GraphSchema, IndexKind, IndexSpec, index_specs
from ..resources import cypher_dir

#: The label of the ledger's nodes, one per loaded source (:mod:`.ledger`).
LEDGER_LABEL = "LoadedSource"
#: The ledger's uniqueness constraint. Two transactions that MERGE one key wait for each other on it: that is what
#: the load lock is made of.
LEDGER_INDEX = IndexSpec("loaded_source_key", IndexKind.UNIQUE, ("key",), label=LEDGER_LABEL)
#: Indexes earlier versions created and the loader drops: ``resource_sources`` (a RANGE index on the list
#: ``n.sources``) served no query (``$key IN n.sources`` is a label scan) and refused a node whose list of sources
#: grew past 8 KB (a place a few hundred files point at).
OBSOLETE_INDEXES = ("resource_sources",)
#: The generated schema file of the query library (:func:`graph_loader.resources.cypher_dir`).
SCHEMA_CYPHER = cypher_dir() / "schema" / "create_schema.cypher"


def quote_name(name: str) -> str:
    """Backtick-quote a label, type or property name for Cypher text (names come from the ontology only).

    >>> quote_name("MEMBER_OF")
    '`MEMBER_OF`'
    """
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"not a safe Neo4j name: {name!r}")
    return f"`{name}`"


def render(spec: IndexSpec) -> str:
    """The ``CREATE … IF NOT EXISTS`` statement of one spec.

    >>> render(IndexSpec("rel_uri_funds", IndexKind.RANGE, ("uri",), type="FUNDS"))
    'CREATE INDEX rel_uri_funds IF NOT EXISTS FOR ()-[r:`FUNDS`]-() ON (r.uri)'
    >>> render(LEDGER_INDEX)
    'CREATE CONSTRAINT loaded_source_key IF NOT EXISTS FOR (n:`LoadedSource`) REQUIRE n.key IS UNIQUE'
    """
    if spec.label is not None:
        var, pattern = "n", f"(n:{quote_name(spec.label)})"
    else:
        var, pattern = "r", f"()-[r:{quote_name(spec.type)}]-()"
    props = [f"{var}.{_bare(p)}" for p in spec.properties]
    head = f"{_bare(spec.name)} IF NOT EXISTS FOR {pattern}"
    if spec.kind is IndexKind.UNIQUE:
        return f"CREATE CONSTRAINT {head} REQUIRE {', '.join(props)} IS UNIQUE"
    if spec.kind is IndexKind.FULLTEXT:
        options = f" OPTIONS {{indexConfig: {{`fulltext.analyzer`: '{spec.analyzer}'}}}}" if spec.analyzer else ""
        return f"CREATE FULLTEXT INDEX {head} ON EACH [{', '.join(props)}]{options}"
    kind = "POINT INDEX" if spec.kind is IndexKind.POINT else "INDEX"
    return f"CREATE {kind} {head} ON ({', '.join(props)})"


def _bare(name: str) -> str:
    """``name`` unquoted, once :func:`quote_name` has found it a safe name."""
    quote_name(name)
    return name


#: The ledger's constraint as a statement (:mod:`.ledger` creates it before taking the lock).
LEDGER_CONSTRAINT = render(LEDGER_INDEX)


def schema_specs(schema: GraphSchema) -> list[IndexSpec]:
    """The ontology's specs and the ledger's, constraints first (each group in its given order)."""
    specs = [*index_specs(schema), LEDGER_INDEX]
    return [s for s in specs if s.kind is IndexKind.UNIQUE] + [s for s in specs if s.kind is not IndexKind.UNIQUE]


def schema_statements(schema: GraphSchema, *, constraints_only: bool = False) -> list[str]:
    """Constraints and indexes, generated from the ontology (also written to ``cypher/schema/``); only the
    constraints with ``constraints_only``."""
    return [render(spec) for spec in schema_specs(schema)
            if not constraints_only or spec.kind is IndexKind.UNIQUE]


def drop_obsolete_statements() -> list[str]:
    """The statements that drop :data:`OBSOLETE_INDEXES` (each a no-op when the index is not there)."""
    return [f"DROP INDEX {quote_name(name)} IF EXISTS" for name in OBSOLETE_INDEXES]


def schema_cypher(schema: GraphSchema) -> str:
    """The text of ``cypher/schema/create_schema.cypher``: the loader's constraints and indexes, for analysts."""
    header = [
        "// name: create_schema",
        "// description: Constraints and indexes the loader creates, generated from ontology/diaspora.ttl by",
        "//   `diaspora-kg schema --write-cypher` (do not edit by hand; a test checks it is in sync).",
        "// params: none",
        "// returns: nothing",
        "// mode: write",
        "",
    ]
    return "\n".join(header + [f"{statement};" for statement in schema_statements(schema)]) + "\n"

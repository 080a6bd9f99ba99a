"""The one merge: how node and relationship rows (:class:`~graph_loader.model.NodeRow`,
:class:`~graph_loader.model.RelationshipRow`) become what a node or relationship holds, and what an unload leaves.

Every part that builds "the graph a load writes" merges here and nowhere else: the mapping (statements about one
tie, facts added to an n-ary relationship), the offline graph (:func:`graph_loader.rdf.sources.from_prepared`),
the Bolt writer (:mod:`graph_loader.neo4j.writer`, inside its transactions) and the bulk importer
(:mod:`graph_loader.neo4j.bulk_import`, whose graph is :func:`plan_graph`'s). No Cypher, no driver: values are
plain Python (a place's point is a :class:`~graph_loader.model.GeoPoint`; the writer turns it into the driver's).

* Values are unioned, never overwritten (:func:`merge_props`); ``sources`` and ``evidence`` accumulate.
* Derived keys (:data:`DERIVED_KEYS`: the names from the labels, ``location`` from ``lat`` and ``long``) are
  dropped before values merge and computed again afterwards.
* A node or relationship that several sources describe keeps what each one asserted (:data:`ASSERTED_KEY`), so
  that unloading one source takes exactly its values away (:func:`node_without`).

>>> a = NodeRow("urn:x", ("Resource",), {"prefLabel": "Uno"})
>>> b = NodeRow("urn:x", ("Resource",), {"altLabel": "One"})
>>> plan = plan_graph([("a", [a], []), ("b", [b], [])])
>>> props = plan.graph.nodes["urn:x"]["props"]
>>> props["name"], props["altNames"], props["sources"]
('Uno', ['One'], ['a', 'b'])
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .model import (
    RESOURCE_LABEL,
    GeoPoint,
    NodeRow,
    PropertyGraph,
    RelationshipRow,
    as_list,
    fold,
    local_name,
)

#: The names derived from a node's labels (:func:`derive_names`).
DERIVED_NAME_KEYS = ("name", "altNames", "acronyms", "nameKeys")
#: The property holding a place's point, derived from its ``lat`` and ``long`` (never read from a source).
LOCATION_KEY = "location"
#: Keys computed from a node's other values: dropped before values are merged and computed again afterwards.
DERIVED_KEYS = (*DERIVED_NAME_KEYS, LOCATION_KEY)
#: Bookkeeping property of a node or relationship several sources describe: what each one asserted, one JSON text
#: per source, ``{"source", "labels", "props", "evidence", "stub"}`` (``props`` as ``[key, value]`` pairs, dates
#: as ``{"date": ...}``). A node only one source describes has none: all its values are that source's (the common
#: case stays cheap).
ASSERTED_KEY = "assertedBy"
#: Properties no source asserts: bookkeeping, derived names and point, and the analyses' scores (``score_*``).
NOT_ASSERTED = {"uri", "sources", "evidence", "stub", ASSERTED_KEY, *DERIVED_KEYS}
#: The prefix of the analyses' scores, which a merge keeps as they are.
SCORE_PREFIX = "score_"


# -- values ----------------------------------------------------------------------------------------------------------
def collapse(values: list):
    """One value stays a scalar; several distinct values become a list (order kept)."""
    unique = list(dict.fromkeys(values))
    return unique[0] if len(unique) == 1 else unique


def merge_props(old: dict, new: dict) -> dict:
    """Union of two property maps: equal values stay, different values become a list (nothing overwritten).

    >>> merge_props({"a": 1, "b": "x"}, {"b": "y", "c": [1, 2]})
    {'a': 1, 'b': ['x', 'y'], 'c': [1, 2]}
    """
    merged = dict(old)
    for key, value in new.items():
        if key not in merged or merged[key] == value:
            merged[key] = value
        else:  # a set of values, in a fixed order whatever the order of the sources
            merged[key] = collapse(sorted(set(as_list(merged[key]) + as_list(value)),
                                          key=lambda v: (type(v).__name__, str(v))))
    return merged


def union_props(maps: Iterable[dict]) -> dict:
    """The values of several property maps as one node holds them (:func:`merge_props` in turn): what entity
    resolution's accepted pairs make of the nodes they merge.

    >>> union_props([{"a": 1}, {"a": 2, "b": "x"}])
    {'a': [1, 2], 'b': 'x'}
    """
    values: dict = {}
    for props in maps:
        values = merge_props(values, props)
    return values


def derive_names(props: dict, uri: str) -> dict:
    """``name``, ``altNames``, ``acronyms`` and ``nameKeys`` from the label properties of a node.

    ``name`` is the preferred label as the source gives it (untagged, else English, else Spanish, else any
    language), falling back to ``rdfs:label``, an acronym, then the IRI's last segment.
    """
    def family(base: str) -> list[str]:
        keys = [base, f"{base}_en", f"{base}_es"]
        keys += sorted(k for k in props if k.startswith(base + "_") and k not in keys)
        return [str(v) for k in keys for v in as_list(props.get(k))]

    preferred = family("prefLabel") + family("label")
    acronyms = [str(v) for v in as_list(props.get("acronym"))]
    others = family("altLabel") + family("hiddenLabel")
    names = list(dict.fromkeys(preferred + acronyms + others))
    name = names[0] if names else local_name(uri)
    alt = [n for n in names if n != name]
    return {
        "name": name,
        "altNames": alt,
        "acronyms": acronyms,
        "nameKeys": list(dict.fromkeys(fold(n) for n in [name, *alt])),
    }


def derive_location(props: dict) -> dict:
    """``{"location": GeoPoint}`` when ``props`` holds one latitude and one longitude in range, else ``{}``.

    Two sources that disagree on a coordinate leave a list of values: no point is made then (and validation
    reports the second value).

    >>> derive_location({"lat": 22.374919, "long": -103.46199})
    {'location': GeoPoint(longitude=-103.46199, latitude=22.374919)}
    >>> derive_location({"lat": [22.3, 22.4], "long": -103.4}), derive_location({"lat": 95.0, "long": 0.0})
    ({}, {})
    """
    lat, long = props.get("lat"), props.get("long")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, long)):
        return {}
    if not (-90.0 <= lat <= 90.0 and -180.0 <= long <= 180.0):  # also false for NaN
        return {}
    return {LOCATION_KEY: GeoPoint(longitude=float(long), latitude=float(lat))}


def stored_value(value):
    """A value as a property graph can store it: lists are homogeneous (mixed lists become strings; ints among
    floats become floats), no None inside lists, nested lists and maps as JSON text.

    >>> stored_value([1, 2.5]), stored_value(["a", 1]), stored_value({"k": 1})
    ([1.0, 2.5], ['a', '1'], '{"k": 1}')
    """
    if isinstance(value, list):
        if len(value) == 1:  # most lists (a row's one source, one piece of evidence): nothing to make alike
            item = value[0]
            return [] if item is None else [json.dumps(item) if isinstance(item, dict | list) else item]
        items = [v for v in value if v is not None]
        kinds = {type(v) for v in items}
        if len(kinds) > 1 and not kinds <= {int, float}:
            items = [v.isoformat() if isinstance(v, dt.date) else str(v) for v in items]
        elif kinds == {int, float}:
            items = [float(v) for v in items]
        return [json.dumps(v) if isinstance(v, dict | list) else v for v in items]
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def clean(props: dict) -> dict:
    """Stored values only: no None, no empty list (a property without values is absent, as in RDF)."""
    cleaned = {}
    for key, value in props.items():
        if isinstance(value, list | dict):
            value = stored_value(value)
            if value != []:
                cleaned[key] = value
        elif value is not None:  # a scalar is stored as it is
            cleaned[key] = value
    return cleaned


def public(props: dict) -> dict:
    """Properties without what each source asserted (:data:`ASSERTED_KEY`, the loader's bookkeeping for unloads):
    what exports and analyses see."""
    return {k: v for k, v in props.items() if k != ASSERTED_KEY}


# -- rows within one input (the mapping) -----------------------------------------------------------------------------
def absorb(row: NodeRow | RelationshipRow, props: dict, evidence: Iterable[str]) -> None:
    """Add ``props`` and ``evidence`` that one input states about ``row``'s node or tie to ``row`` (several
    reified statements about one tie, facts a file adds to an n-ary relationship)."""
    row.props = merge_props(row.props, props)
    row.evidence = sorted(set(row.evidence) | set(evidence))


# -- a row into what a node or relationship holds --------------------------------------------------------------------
def merged_node_props(old: dict, row: NodeRow, source: str, *, created: bool = False) -> dict:
    """The properties a node has after ``row`` from ``source`` is added to what it had (``created``: nothing)."""
    base = {k: v for k, v in old.items() if k not in DERIVED_KEYS}
    new = {k: v for k, v in row.props.items() if k not in DERIVED_KEYS}
    props = merge_props(base, new)
    props["uri"] = row.uri
    props["sources"] = sorted(set(as_list(old.get("sources"))) | {source})
    props["evidence"] = sorted(set(as_list(old.get("evidence"))) | set(row.evidence))
    if row.stub and created:
        props["stub"] = True  # only referenced so far; the file that describes it will clear the flag
    elif not row.stub:
        props.pop("stub", None)
    derived = {k: row.props[k] for k in DERIVED_NAME_KEYS if k in row.props}
    if old or len(derived) != len(DERIVED_NAME_KEYS):
        # The names come from every label the node now has; a new node's are the ones its row was mapped with.
        derived = derive_names(props, row.uri)
    props.update(derived)
    props.update(derive_location(props))  # from the merged lat and long
    return clean(props)


def merged_relationship_props(old: dict, row: RelationshipRow, source: str) -> dict:
    """The properties a relationship has after ``row`` from ``source`` is added to what it had."""
    props = merge_props(old, row.props)
    props["uri"] = row.uri
    props["sources"] = sorted(set(as_list(old.get("sources"))) | {source})
    props["evidence"] = sorted(set(as_list(old.get("evidence"))) | set(row.evidence))
    return clean(props)


def node_after(existing: tuple[Iterable[str], dict] | None, row: NodeRow, source: str) -> tuple[str, list[str], dict]:
    """A node after ``row`` of ``source`` is written: ``(state, labels, props)``, state created|updated|unchanged.

    ``existing`` is the node's ``(labels, props)`` before (plain values), None when it is new. A node that another
    source describes too keeps what each one asserted (:data:`ASSERTED_KEY`), so that an unload can take one
    source's values away again (:func:`node_without`).
    """
    if existing is None:
        return "created", list(row.labels), merged_node_props({}, row, source, created=True)
    labels, old = existing
    if set(as_list(old.get("sources"))) <= {source}:  # this source's node only: nothing to tell apart
        props = merged_node_props(old, row, source)
        new_labels = list(dict.fromkeys([*labels, *row.labels]))
    else:
        records = _records(labels, old)
        records[source] = _merged_record(records.get(source), _row_record(row, row.labels))
        new_labels, props = _composed(row.uri, records, old)
    changed = not set(new_labels) <= set(labels) or not _same(old, props)
    return ("updated" if changed else "unchanged"), list(dict.fromkeys([*labels, *new_labels])), props


def relationship_after(old: dict | None, row: RelationshipRow, source: str) -> tuple[str, dict]:
    """A relationship after ``row`` of ``source`` is written: ``(state, props)``; ``old`` None when it is new.

    As for nodes, one that several sources describe keeps what each one asserted (:data:`ASSERTED_KEY`)."""
    if old is None:
        return "created", merged_relationship_props({}, row, source)
    if set(as_list(old.get("sources"))) <= {source}:
        props = merged_relationship_props(old, row, source)
    else:
        records = _records(None, old)
        records[source] = _merged_record(records.get(source), _row_record(row, ()))
        _, props = _composed(row.uri, records, old, node=False)
    return ("unchanged" if _same(old, props) else "updated"), props


def node_without(existing: tuple[Iterable[str], dict], source: str) -> tuple[list[str], dict]:
    """A node that ``source`` and at least one other source describe, once ``source`` is unloaded: ``(labels,
    props)`` made of what the other sources asserted (labels only ``source`` gave go too)."""
    labels, old = existing
    records = _records(labels, old)
    records.pop(source, None)
    return _composed(old.get("uri"), records, old)


def relationship_without(old: dict, source: str) -> dict:
    """A relationship that ``source`` and at least one other source describe, once ``source`` is unloaded."""
    records = _records(None, old)
    records.pop(source, None)
    return _composed(old.get("uri"), records, old, node=False)[1]


# -- what each source asserted ---------------------------------------------------------------------------------------
def _asserted(props: dict) -> dict:
    return {k: v for k, v in props.items() if k not in NOT_ASSERTED and not k.startswith(SCORE_PREFIX)}


def _row_record(row: NodeRow | RelationshipRow, labels: Iterable[str]) -> dict:
    return {"labels": sorted(labels), "props": clean(_asserted(row.props)), "evidence": sorted(set(row.evidence)),
            "stub": bool(getattr(row, "stub", False))}


def _merged_record(old: dict | None, new: dict) -> dict:
    if old is None:
        return new
    return {"labels": sorted(set(old["labels"]) | set(new["labels"])),
            "props": clean(merge_props(old["props"], new["props"])),
            "evidence": sorted(set(old["evidence"]) | set(new["evidence"])), "stub": old["stub"] and new["stub"]}


def _records(labels: Iterable[str] | None, props: dict) -> dict[str, dict]:
    """``{source: record}`` of a stored node (``labels`` given) or relationship (None).

    A node one source described has no records yet: everything it holds is that source's. One that an older
    loader wrote for several sources without records gives each of them the whole node: its values then stay
    until the last of them is unloaded, as they did before.
    """
    records = {record.pop("source"): record for record in map(_decode, as_list(props.get(ASSERTED_KEY)))}
    whole = {"labels": sorted(labels or []), "props": clean(_asserted(props)),
             "evidence": sorted(as_list(props.get("evidence"))), "stub": bool(props.get("stub"))}
    for source in as_list(props.get("sources")):
        records.setdefault(source, whole)
    return records


def _composed(uri: str, records: dict[str, dict], old: dict, *, node: bool = True) -> tuple[list[str], dict]:
    """The labels and properties of a node (``node``) or relationship made of ``records``; the analyses' scores
    of ``old`` stay."""
    props: dict = {}
    labels: dict[str, None] = {}
    evidence: set[str] = set()
    for source in sorted(records):
        record = records[source]
        props = merge_props(props, record["props"])
        labels.update(dict.fromkeys(record["labels"]))
        evidence |= set(record["evidence"])
    props.update({k: v for k, v in old.items() if k.startswith(SCORE_PREFIX)})
    props["uri"] = uri
    props["sources"] = sorted(records)
    props["evidence"] = sorted(evidence)
    if node:
        if all(record["stub"] for record in records.values()):
            props["stub"] = True
        props.update(derive_names(props, uri))
        props.update(derive_location(props))
    if len(records) > 1:
        props[ASSERTED_KEY] = [_encode({"source": source, **records[source]}) for source in sorted(records)]
    return (list(labels) or [RESOURCE_LABEL]), clean(props)


def _encode(record: dict) -> str:
    # Properties as [key, value] pairs: a property named "date" must never read back as a typed date.
    record = {**record, "props": sorted([key, value] for key, value in record["props"].items())}
    return json.dumps(record, ensure_ascii=False, sort_keys=True, default=_typed)


def _typed(value):
    """JSON for the stored values JSON has no type for: dates and date-times (the driver's or Python's)."""
    if hasattr(value, "to_native"):
        value = value.to_native()
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return str(value)


def _decode(text: str) -> dict:
    def typed(obj: dict):
        if obj.keys() == {"datetime"}:
            return dt.datetime.fromisoformat(obj["datetime"])
        if obj.keys() == {"date"}:
            return dt.date.fromisoformat(obj["date"])
        return obj

    record = json.loads(text, object_hook=typed)
    record["props"] = dict(record["props"])
    return record


def _same(a: dict, b: dict) -> bool:
    return clean(a) == b


# -- what a load writes, counted ---------------------------------------------------------------------------------------
@dataclass
class WriteCounts:
    """Nodes and relationships created, updated and unchanged, by (most specific) label and by type."""

    nodes: Counter = field(default_factory=Counter)
    relationships: Counter = field(default_factory=Counter)
    by_label: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    by_type: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    dangling: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Rows these counts are about (dangling relationships included)."""
        return sum(self.nodes.values()) + sum(self.relationships.values()) + len(self.dangling)

    def add(self, other: WriteCounts) -> None:
        self.nodes.update(other.nodes)
        self.relationships.update(other.relationships)
        for key, counter in other.by_label.items():
            self.by_label[key].update(counter)
        for key, counter in other.by_type.items():
            self.by_type[key].update(counter)
        self.dangling += other.dangling

    def to_dict(self) -> dict:
        return {
            "nodes": dict(self.nodes), "relationships": dict(self.relationships),
            "nodes_by_label": {k: dict(v) for k, v in sorted(self.by_label.items())},
            "relationships_by_type": {k: dict(v) for k, v in sorted(self.by_type.items())},
            "dangling": self.dangling,
        }


#: What a reference row is counted under instead of a label: a node a source points at (the end of one of its
#: ties) without describing it. An existing node gains only the source in its ``sources``; a missing one is made
#: as a bare ``stub`` node, until a file describes it.
REFERENCED = "(referenced)"


def counted_label(row: NodeRow) -> str:
    """The label a node row is counted under: its most specific one, or :data:`REFERENCED` for a reference row."""
    if row.stub:
        return REFERENCED
    return row.labels[0] if row.labels else RESOURCE_LABEL


def dangling_text(row: RelationshipRow) -> str:
    """How a report names a relationship whose endpoint is missing."""
    return f"{row.start} -{row.type}-> {row.end}"


@dataclass
class GraphPlan:
    """The graph a load of some sources into an empty graph leaves, and what it counts per source."""

    graph: PropertyGraph = field(default_factory=PropertyGraph)
    counts: dict[str, WriteCounts] = field(default_factory=dict)


def plan_graph(sources: Iterable[tuple[str, list[NodeRow], list[RelationshipRow]]]) -> GraphPlan:
    """Merge ``(source key, node rows, relationship rows)`` in order, as a load writes them into an empty graph.

    The one definition of "the graph a load writes": the offline graph and the bulk importer's graph are this
    one, and the Bolt writer applies the same :func:`node_after` and :func:`relationship_after` row by row.
    Relationships go type by type, as the writer writes them; one whose endpoint is missing is counted as
    dangling and left out, as the writer leaves it. Labels are tuples, values plain (the graph keeps
    :data:`ASSERTED_KEY`; :func:`public` takes it away).
    """
    plan = GraphPlan()
    nodes, relationships = plan.graph.nodes, plan.graph.relationships
    for key, node_rows, relationship_rows in sources:
        counts = plan.counts.setdefault(key, WriteCounts())
        for row in node_rows:
            node = nodes.get(row.uri)
            state, labels, props = node_after(None if node is None else (node["labels"], node["props"]), row, key)
            nodes[row.uri] = {"labels": tuple(labels), "props": props}
            counts.nodes[state] += 1
            counts.by_label[counted_label(row)][state] += 1
        # A relationship's uri belongs to one type only.
        for row in sorted(relationship_rows, key=lambda r: r.type):
            if row.start not in nodes or row.end not in nodes:
                counts.dangling.append(dangling_text(row))
                continue
            old = relationships.get(row.uri)
            state, props = relationship_after(None if old is None else old["props"], row, key)
            relationships[row.uri] = {"type": row.type, "start": row.start, "end": row.end, "props": props}
            counts.relationships[state] += 1
            counts.by_type[row.type][state] += 1
    return plan

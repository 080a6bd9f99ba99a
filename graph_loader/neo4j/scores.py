"""Writing analysis scores back to Neo4j as node properties, so Cypher and the visualisation can use them.

Every score property starts with ``score_`` (``score_betweenness``, ``score_constraint``, ``score_effective_size``,
``score_efficiency``, ``score_brokerage`` and one per Gould–Fernandez role, ``score_coalition`` (coalition id),
``score_degree``): they are computed, not asserted by a source, so the RDF export leaves them out and a new run
replaces them.
"""

from __future__ import annotations

from ..ontology.schema import RESOURCE_LABEL
from .connection import Database

SCORE_PREFIX = "score_"
CLEAR = f"MATCH (n:{RESOURCE_LABEL}) WHERE any(k IN keys(n) WHERE k STARTS WITH $prefix AND k IN $keys) " \
        "SET n += $nulls"
WRITE = f"UNWIND $rows AS row MATCH (n:{RESOURCE_LABEL} {{uri: row.uri}}) SET n += row.scores"


def write_scores(db: Database, scores: dict[str, dict[str, float]]) -> int:
    """Write ``{measure: {uri: value}}`` as ``score_<measure>`` properties; old values of those measures go first.

    Returns the number of nodes that received a score.
    """
    keys = [SCORE_PREFIX + measure for measure in scores]
    db.write(CLEAR, {"prefix": SCORE_PREFIX, "keys": keys, "nulls": dict.fromkeys(keys)})
    by_node: dict[str, dict] = {}
    for measure, values in scores.items():
        for uri, value in values.items():
            if value is not None:
                by_node.setdefault(uri, {})[SCORE_PREFIX + measure] = value
    rows = [{"uri": uri, "scores": s} for uri, s in by_node.items()]
    for start in range(0, len(rows), 5000):
        db.write(WRITE, {"rows": rows[start:start + 5000]})
    return len(rows)

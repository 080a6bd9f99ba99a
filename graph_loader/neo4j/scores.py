"""Writing analysis scores back to Neo4j as node properties, so Cypher and the visualisation can use them.

Every score property starts with ``score_`` (``score_betweenness``, ``score_constraint``, ``score_effective_size``,
``score_efficiency``, ``score_brokerage`` and one per Gould–Fernandez role, ``score_coalition`` (coalition id),
``score_degree``): they are computed, not asserted by a source, so the RDF export leaves them out and a new run
replaces them.
"""

from __future__ import annotations

from ..merge import SCORE_PREFIX
from ..ontology.schema import RESOURCE_LABEL
from .connection import Database

# In batches: one transaction over every scored node of a 10^6-agent graph would hold them all in the heap.
CLEAR = f"MATCH (n:{RESOURCE_LABEL}) WHERE any(k IN keys(n) WHERE k STARTS WITH $prefix AND k IN $keys) " \
        "CALL (n) { SET n += $nulls } IN TRANSACTIONS OF 10000 ROWS"
WRITE = f"UNWIND $rows AS row MATCH (n:{RESOURCE_LABEL} {{uri: row.uri}}) SET n += row.scores"


def write_scores(db: Database, scores: dict[str, dict[str, float]]) -> int:
    """Write ``{measure: {uri: value}}`` as ``score_<measure>`` properties; old values of those measures go first.

    Returns the number of nodes that received a score.
    """
    clear_scores(db, scores)
    by_node: dict[str, dict] = {}
    for measure, values in scores.items():
        for uri, value in values.items():
            if value is not None:
                by_node.setdefault(uri, {})[SCORE_PREFIX + measure] = value
    rows = [{"uri": uri, "scores": s} for uri, s in by_node.items()]
    for start in range(0, len(rows), 5000):
        db.write(WRITE, {"rows": rows[start:start + 5000]})
    return len(rows)


def clear_scores(db: Database, measures) -> None:
    """Remove the ``score_<measure>`` property of every node, for each of ``measures`` (before new values land)."""
    keys = [SCORE_PREFIX + measure for measure in measures]
    with db.connection_guard(), db.session() as session:  # CALL IN TRANSACTIONS needs an auto-commit transaction
        session.run(CLEAR, prefix=SCORE_PREFIX, keys=keys, nulls=dict.fromkeys(keys)).consume()

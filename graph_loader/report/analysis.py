"""What an analysis of brokers and coalitions says to a reader: the tables of ``analyze`` (titles, columns, notes)
and the lines the commands print about how it ran, made from a typed
:class:`~graph_loader.analysis.summary.AnalysisResult` (whichever engine computed it).

The engines and the analysis return fields; every sentence about them is written here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .table import Layout

if TYPE_CHECKING:
    from ..analysis.summary import AnalysisResult

#: ``analyze`` shows these.
WHAT = ("brokers", "coalitions", "summary")

#: Brokers: who (name, kind, country), then the measures, most telling first; the URI and the five Gould-Fernandez
#: roles with --wide or --columns.
BROKER_LAYOUT = Layout(default=("name", "kind", "country", "betweenness", "brokerage", "effective_size",
                                "constraint", "degree"),
                       roles={"name": "name", "kind": "label", "country": "key", "uri": "uri"})
#: Coalitions: their size, what kind of actor dominates them and their members' names; the home country and the
#: sentence describing each when the terminal has room (or --wide, --columns).
COALITION_LAYOUT = Layout(default=("id", "size", "dominant_kind", "members", "dominant_country", "summary"),
                          roles={"members": "text", "summary": "text", "dominant_kind": "label",
                                 "dominant_country": "key"}, comfort={"members": 48, "summary": 40})

#: Member names a coalition shows in a table (CSV and JSON carry every member).
TABLE_MEMBERS = 12


def member_names(members: list[dict], every: bool) -> str:
    """The members' names, ``; ``-separated: all of them, or for a table the first :data:`TABLE_MEMBERS` and how
    many more (a coalition of a 10^6-agent graph has 14,000 members; laying them out took 450 MB).

    >>> members = [{"name": f"HTA {i}"} for i in range(14)]
    >>> member_names(members, every=False)
    'HTA 0; HTA 1; HTA 2; HTA 3; HTA 4; HTA 5; HTA 6; HTA 7; HTA 8; HTA 9; HTA 10; HTA 11; … and 2 more'
    >>> member_names(members[:2], every=False) == member_names(members[:2], every=True) == "HTA 0; HTA 1"
    True
    """
    shown = members if every else members[:TABLE_MEMBERS]
    more = len(members) - len(shown)
    return "; ".join(str(m["name"]) for m in shown) + (f"; … and {more:,} more" if more else "")


def engine_line(engine: str, why: str) -> str:
    """Which engine runs, and why (:func:`graph_loader.engines.choose_engine`)."""
    return f"Engine: {engine} ({why})."


def run_lines(result: AnalysisResult) -> list[str]:
    """What the engine did besides the tables: the GDS projection, the scores written back."""
    info, lines = result.broker_info, []
    if info.main_core is not None:  # the GDS engine reports its projection
        k, size = info.main_core
        lines.append(f"GDS: projected {info.nodes:,} agents and {info.edges:,} ties in "
                     f"{info.seconds['project']:.1f} s; {info.components:,} components, main core "
                     f"k={k} ({size} agents).")
    if result.written is not None:
        if info.roles_of is not None:
            lines.append("Wrote scores (betweenness, constraint, effective_size, efficiency, degree, coalition for "
                         f"every agent; brokerage roles for the {len(result.brokers)} brokers shown) as score_* "
                         "properties.")
        else:
            lines.append(f"Wrote scores ({', '.join(sorted(result.scores))}) to {result.written} nodes as score_* "
                         "properties.")
    return lines


def actors_line(result: AnalysisResult) -> str:
    """The actor set, how many agents it left out, and how to add the collectives."""
    left_out = result.left_out
    return (f"Actors: {result.actors.label}"
            + (f"; {left_out:,} agent{'s' if left_out != 1 else ''} left out" if left_out else "")
            + ("" if result.actors.collectives else " (--include-collectives adds the collectives)") + ".")


def summary_line(result: AnalysisResult) -> str:
    """The pipeline's line: the actor set, the network's size, what was left out, how many coalitions."""
    info = result.broker_info
    return (f"among {result.actors.label}: {info.nodes} actors, {info.edges} ties "
            f"({result.left_out} agents left out); {len(result.coalitions)} coalitions")


def betweenness_note(result: AnalysisResult) -> str:
    """One line on how betweenness was computed (method, backend, sample, stated error)."""
    info, b = result.broker_info, result.broker_info.betweenness
    return (f"betweenness: {b.method} ({b.backend}{', k=' + str(b.k) if b.k else ''}) on "
            f"{info.nodes} nodes, {info.edges} ties; weights as distances" + (f"; {b.error}" if b.error else ""))


def coalitions_note(result: AnalysisResult) -> str:
    """One line on the partition: method, modularity, stability across seeds, actors left out."""
    c = result.coalition_info
    stable = (f"stability across {c.stability.runs} seeds: mean ARI {c.stability.mean_ari:.2f}"
              if c.stability else "stability not measured")
    return (f"{c.method} ({c.backend}), modularity {c.modularity:.3f}, {stable}; "
            f"{c.singletons} actors in no coalition" + (f"; {c.note}" if c.note else ""))


def analysis_tables(result: AnalysisResult, what: str, fmt: str, top: int) -> list[tuple[list[dict], str, Layout, str]]:
    """The tables ``analyze WHAT`` prints, each as ``(rows, title, layout, note)``.

    ``what`` is one of :data:`WHAT`; ``fmt`` the output format (``table``, ``csv``, ``json``): CSV and JSON carry
    the actor set on every row (a file read later says which actors it ranks) and every member of a coalition.
    """
    label = result.actors.label

    def with_set(rows: list[dict]) -> list[dict]:
        return rows if fmt == "table" else [{**row, "actor_set": label} for row in rows]

    tables = []
    if what in ("brokers", "summary"):
        brokers = with_set(result.brokers[:top])
        tables.append((brokers, f"Top {len(brokers)} brokers among {label} ({result.parameters.projection} "
                       "projection)", BROKER_LAYOUT, betweenness_note(result)))
    if what in ("coalitions", "summary"):
        rows = with_set(result.coalition_rows())
        if fmt != "json":
            rows = [{**r, "members": member_names(r["members"], every=fmt != "table")} for r in rows]
        tables.append((rows, f"Coalitions among {label}", COALITION_LAYOUT, coalitions_note(result)))
    return tables

"""The main job (``make run`` / ``diaspora-kg run``): load, ask, analyse, audit, draw, report.

Each step is timed and says what it did. With no Neo4j to be had (no Java/Maven and no ``NEO4J_URI``) the job
still validates the corpus and runs the analyses and pictures straight from the RDF files, and says what it skipped.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DiasporaKGError, ServerError
from .report.rows import parse_param, to_csv, to_json
from .settings import PROJECT_ROOT

DEFAULT_OUT = PROJECT_ROOT / "out"
SKIP_THEMES = {"schema", "audit"}
#: The named query whose rows the map of transnational ties draws.
MAP_QUERY = "transnational_ties"


if TYPE_CHECKING:
    from .analysis.summary import AnalysisResult


@dataclass
class RunResult:
    """What the job did: timed steps, files written, and the material of the report."""

    out: Path
    steps: list[dict] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    load: dict | None = None
    counts: dict = field(default_factory=dict)
    questions: list[dict] = field(default_factory=list)
    analysis: AnalysisResult | None = None
    audit: list[dict] | None = None
    audit_markdown: str | None = None
    uri: str | None = None
    #: The map of transnational ties, when drawn: {"html", "png", "arcs", "places", "ties", "query"}.
    ties_map: dict | None = None


def _write(result: RunResult, path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    result.files.append(path)


def example_params(query) -> dict:
    """Parameters from a query's ``// example:`` header line (``key=value`` pairs)."""
    text = query.header.get("example", "")
    # Values may contain spaces ("city=Los Angeles"): a value runs until the next "key=".
    pairs = re.findall(r"(\w+)=(.*?)(?=\s+\w+=|$)", text.strip())
    return dict(parse_param(f"{key}={value.strip()}") for key, value in pairs)


def run(out: Path = DEFAULT_OUT, *, echo: Callable[[str], None] = print, offline: bool = False) -> RunResult:
    """Run every step; see the module docstring."""
    from .ontology.schema import load_schema

    result = RunResult(out=Path(out))
    schema = load_schema()

    def step(name: str):
        def wrap(fn):
            started = time.perf_counter()
            value = fn()
            seconds = time.perf_counter() - started
            result.steps.append({"step": name, "seconds": round(seconds, 2)})
            echo(f"[{seconds:6.1f} s] {name}")
            return value
        return wrap

    db = None
    if not offline:
        try:
            from .neo4j.connection import connect

            db = step("connect to Neo4j")(lambda: connect(echo=echo))
            result.uri = db.uri
        except (ServerError, DiasporaKGError) as exc:
            result.skipped.append(f"Neo4j ({exc.message}; {exc.hint or ''}): loading, the Cypher questions, "
                                  "the score write-back and the audit were skipped")
            echo(f"No Neo4j: {exc.message}. Running what needs no server.")
    try:
        if db is not None:
            _online(result, db, schema, step, echo)
        else:
            _offline(result, schema, step)
        _pictures_and_exports(result, schema, step, db)
    finally:
        if db is not None:
            db.close()
    from .report.document import write_report

    result.files += step("write the report")(lambda: write_report(result))
    _write(result, result.out / "run.json", json.dumps(
        {"steps": result.steps, "skipped": result.skipped, "files": [str(p) for p in result.files],
         "load": result.load}, indent=2, default=str))
    return result


def _online(result: RunResult, db, schema, step, echo) -> None:
    from .analysis.summary import analyse
    from .loading import load
    from .neo4j.catalogue import catalogue
    from .neo4j.ledger import label_counts
    from .neo4j.queries import run_named
    from .neo4j.read import read_property_graph
    from .neo4j.scores import write_scores

    report = step("validate and load the seed corpus")(lambda: load(None, db))
    result.load = report.to_dict()
    statuses = [f.status for f in report.files]
    echo(f"           {statuses.count('loaded') + statuses.count('reloaded')} file(s) loaded, "
         f"{statuses.count('unchanged')} unchanged"
         + (f"; written with {report.method}: {report.method_reason}" if report.method else ""))
    result.counts = label_counts(db)

    def questions():
        for query in catalogue().values():
            if query.theme in SKIP_THEMES or query.mode != "read":
                continue
            params = example_params(query)
            rows = run_named(db, query.name, params)
            base = result.out / "queries" / query.name
            _write(result, base.with_suffix(".csv"), to_csv(rows))
            _write(result, base.with_suffix(".json"), to_json(rows))
            result.questions.append({"query": query, "params": params, "rows": rows})
        return len(result.questions)

    count = step("answer the questions in cypher/")(questions)
    echo(f"           {count} queries answered")
    graph = step("read the graph into NetworkX")(lambda: read_property_graph(db).to_networkx(schema))
    result.analysis = step("find brokers and coalitions")(lambda: analyse(graph))
    written = step("write scores back to Neo4j")(lambda: write_scores(db, result.analysis.scores))
    echo(f"           score_* properties on {written} nodes")
    _analysis_files(result)
    try:
        from .audit import run_audit, to_markdown
    except ImportError:
        result.skipped.append("the audit (module not installed)")
        return
    findings = step("audit the figures")(lambda: run_audit(db))
    result.audit = [f.to_dict() for f in findings]
    result.audit_markdown = to_markdown(findings)
    _write(result, result.out / "audit.json", to_json(result.audit))
    _write(result, result.out / "audit.md", result.audit_markdown)


def _offline(result: RunResult, schema, step) -> None:
    from . import shacl
    from .analysis.summary import analyse
    from .rdf.sources import DEFAULT_PATHS, context_from_files, from_prepared, prepare, referenced_uris

    prepared = step("read and map the seed corpus")(lambda: prepare(DEFAULT_PATHS, schema))
    report = step("validate the seed corpus")(
        lambda: shacl.validate(prepared, context_from_files(referenced_uris(prepared))))
    result.load = {"validation": {"conforms": report.conforms, "violations": len(report.violations),
                                  "warnings": len(report.warnings)}, "files": [p.source.key for p in prepared]}
    nx_graph = from_prepared(prepared).to_networkx(schema)
    result.analysis = step("find brokers and coalitions")(lambda: analyse(nx_graph))
    _analysis_files(result)


def _analysis_files(result: RunResult) -> None:
    analysis = result.analysis
    _write(result, result.out / "brokers.csv", to_csv(analysis.brokers))
    _write(result, result.out / "brokers.json", to_json(analysis.brokers))
    _write(result, result.out / "coalitions.json", to_json(analysis.coalitions["coalitions"]))
    _write(result, result.out / "coalitions.csv", to_csv(analysis.membership_rows()))


def _pictures_and_exports(result: RunResult, schema, step, db) -> None:
    from .export import gephi_graph, replacing
    from .viz import DrawOptions, views, write_figure, write_html

    graph = result.analysis.graph
    view = views.whole(graph)
    options = DrawOptions(styles=schema.styles(), size_by="betweenness", scores=result.analysis.broker_scores)
    html = step("draw the interactive network")(lambda: write_html(
        view, result.out / "network.html", options, evidence=views.evidence_index(graph),
        title="diaspora-kg: the seed corpus network"))
    result.files.append(html.path)
    figure = step("draw the figure")(lambda: write_figure(view, result.out / "network.png", options))
    result.files.append(figure.path)
    if db is not None:
        _ties_map(result, step, db)
    else:
        result.skipped.append(f"the map of transnational ties (it draws the rows of the Neo4j query {MAP_QUERY})")

    def graphml():
        import networkx as nx

        path = result.out / "graph.graphml"
        with replacing(path) as tmp:
            nx.write_graphml(gephi_graph(graph), tmp)
        return path

    result.files.append(step("export GraphML for Gephi")(graphml))


def _ties_map(result: RunResult, step, db) -> None:
    """The map of transnational ties, page and figure, from the rows of :data:`MAP_QUERY` (those the questions
    step already got, else asked now)."""
    from .neo4j.queries import run_named
    from .viz.geo.figure import write_map_figure
    from .viz.geo.page import write_map_html
    from .viz.geo.ties import ties_from_rows

    answered = next((q["rows"] for q in result.questions if q["query"].name == MAP_QUERY and not q["params"]), None)
    rows = answered if answered is not None else run_named(db, MAP_QUERY, {})
    ties = ties_from_rows(rows, what=f"the rows of the query {MAP_QUERY}")
    page = step("draw the map of transnational ties")(lambda: write_map_html(
        ties, result.out / "ties.html", title="diaspora-kg: transnational ties"))
    figure = step("draw the map figure")(lambda: write_map_figure(ties, result.out / "ties.png"))
    result.files += [page.path, figure.path]
    result.ties_map = {"html": page.path, "png": figure.path, "arcs": page.arcs, "places": page.places,
                       "ties": page.ties, "query": MAP_QUERY}

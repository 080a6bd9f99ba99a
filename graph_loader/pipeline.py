"""The main job (``make run`` / ``diaspora-kg run``): load, ask, analyse, audit, draw, report.

The job is a list of steps (:data:`STEPS`), each a name, a function of the :class:`Run` and what it needs: Neo4j
(``"neo4j"``), the full graph (``"graph"``) or nothing. Each step is timed and says what it did. With no Neo4j to be
had (no Java/Maven and no ``NEO4J_URI``) or with ``offline=True`` the job validates the corpus and runs the
analyses and pictures straight from the RDF files; the steps that need Neo4j are skipped and said to be, on the
terminal and in the report. A later step (a map, say) is one more :class:`Step` in :data:`STEPS`; what it writes
goes into ``run.files`` (:meth:`Run.write`) and what the report should show into ``run.sections`` (blocks of
:mod:`graph_loader.report.blocks`, placed after the answers).

Every question of the query library is answered in full: a query whose parameters are all optional runs once with
its defaults (``who_funds_what`` for every funder, not for IFAD alone); a query that needs a parameter runs for
every value the graph holds (:func:`parameter_values`), and its answer is every row of every run.

``out/`` holds what this run wrote and nothing of an earlier one: the files the previous run listed in its
``run.json`` and this run did not write are removed (files the job never wrote are left alone).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DiasporaKGError, ServerError
from .report.commands import invoked_as, shell_command
from .report.rows import parse_param, to_csv, to_json
from .settings import PROJECT_ROOT

DEFAULT_OUT = PROJECT_ROOT / "out"
#: Themes of the query library the report does not ask (the schema; the audit's own queries).
SKIP_THEMES = {"schema", "audit"}
#: A required parameter named ``name`` is asked for every agent; one named like a class of the ontology
#: (``programme``, ``country``) for every instance of that class.
NAME_PARAMETER_CLASS = "Agent"
#: At most this many runs of one query (the product of its parameters' values); the report says when it stopped.
MAX_RUNS_PER_QUERY = 400
#: How many brokers the report's figure shows with the actors tied to them.
FIGURE_BROKERS = 5
#: The named query whose rows the map of transnational ties draws.
MAP_QUERY = "transnational_ties"

if TYPE_CHECKING:
    from .analysis.summary import AnalysisResult
    from .neo4j.catalogue import NamedQuery


@dataclass
class Answer:
    """One question of the library answered in full.

    ``runs`` holds the parameters of every run that had rows, with their row counts, in the order of ``rows``
    (the rows of all runs, one after the other); ``asked`` how many runs were made; ``values_from`` what the
    values of the required parameters were (None when the query ran once with its defaults); ``csv`` the file
    holding every row.
    """

    query: NamedQuery
    rows: list[dict]
    runs: list[dict]
    asked: int
    values_from: str | None
    csv: Path
    capped: bool = False

    @property
    def params(self) -> dict:
        """The parameters of the first run with rows (what a Reproduce line runs); {} for one default run."""
        return self.runs[0]["params"] if self.runs else {}


@dataclass
class RunResult:
    """What the job did: timed steps, files written, what it skipped, and the material of the report."""

    out: Path
    offline: bool = False
    steps: list[dict] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    load: dict | None = None
    counts: list[dict] = field(default_factory=list)
    questions: list[Answer] = field(default_factory=list)
    analysis: AnalysisResult | None = None
    audit: list[dict] | None = None
    audit_markdown: str | None = None
    uri: str | None = None
    figures: dict = field(default_factory=dict)
    sections: list = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    command: str = "diaspora-kg"

    def write(self, path: Path, text: str) -> Path:
        """Write ``text`` to ``path`` (inside ``out``) and record it as written by this run."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.files.append(path)
        return path

    def shell(self, *args: str) -> str:
        """A command line that runs as pasted: this install's ``diaspora-kg`` and the arguments, shell-quoted."""
        return shell_command(self.command, *args)
    #: The map of transnational ties, when drawn: {"html", "png", "arcs", "places", "ties", "query"}.
    ties_map: dict | None = None


@dataclass
class Run:
    """What the steps share: the result being built, the schema, the database (None offline), the full graph,
    how to report progress."""

    result: RunResult
    schema: object
    db: object | None
    echo: Callable[[str], None]
    graph: object | None = None


@dataclass(frozen=True)
class Step:
    """One step of the job: ``name`` (said on the terminal and timed), ``run`` (a function of the :class:`Run`),
    and what it ``needs``: ``"neo4j"`` (skipped offline, and said to be: ``skipped_means`` names it in the report),
    ``"files"`` (offline only: the graph read from the files instead), ``"graph"`` (the full graph), or None."""

    name: str
    run: Callable[[Run], None]
    needs: str | None = None
    skipped_means: str = ""




def parameter_values(query: NamedQuery, graph, schema) -> tuple[dict[str, list[str]], str]:
    """The values to ask a query's required parameters for, from the graph (URIs, in the graph's order), and
    what they are in words. ``name`` takes every agent; a parameter named like a class of the ontology
    (``programme``, ``country``) every instance of it; any other required parameter leaves the query unasked."""
    labels = {label.lower(): label for label in schema.node_labels}
    values: dict[str, list[str]] = {}
    words = []
    for param in query.params:
        if param.optional:
            continue
        label = NAME_PARAMETER_CLASS if param.name == "name" else labels.get(param.name.lower())
        if label is None:
            return {}, f"no value of ${param.name} can be read from the graph"
        values[param.name] = [data.get("uri", node) for node, data in graph.nodes(data=True)
                              if label in (data.get("labels") or ())]
        words.append(f"every {label} ({len(values[param.name]):,}) as ${param.name}")
    return values, " and ".join(words)


def _is_example(params: dict, example: dict, graph) -> bool:
    """Whether ``params`` (URIs) name what the query header's ``example`` names (a name, acronym, code or URI)."""
    from .model import fold

    for key, value in params.items():
        wanted = example.get(key)
        if wanted is None:
            return False
        data = graph.nodes[value] if value in graph else {}
        keys = set(data.get("nameKeys") or ()) | {fold(str(data.get("name", "")))}
        if not (wanted == value or fold(str(wanted)) in keys or str(wanted).upper() == str(data.get("isoCode"))):
            return False
    return True


def example_params(query) -> dict:
    """The parameters of a query header's ``// example:`` line (``key=value`` pairs; a value may hold spaces)."""
    import re

    text = query.header.get("example", "")
    pairs = re.findall(r"(\w+)=(.*?)(?=\s+\w+=|$)", text.strip())
    return dict(parse_param(f"{key}={value.strip()}") for key, value in pairs)


def _combinations(values: dict[str, list[str]]):
    keys = list(values)
    if not keys:
        yield {}
        return
    import itertools

    for combo in itertools.product(*(values[k] for k in keys)):
        yield dict(zip(keys, combo, strict=True))


# -- the steps ---------------------------------------------------------------------------------------------------


def _load(run: Run) -> None:
    from .loading import load
    from .neo4j.ledger import label_counts

    report = load(None, run.db)
    run.result.load = report.to_dict()
    statuses = [f.status for f in report.files]
    run.echo(f"           {statuses.count('loaded') + statuses.count('reloaded')} file(s) loaded, "
             f"{statuses.count('unchanged')} unchanged"
             + (f"; written with {report.method}: {report.method_reason}" if report.method else ""))
    run.result.counts = label_counts(run.db)


def _read_graph(run: Run) -> None:
    from .neo4j.read import read_property_graph

    run.graph = read_property_graph(run.db).to_networkx(run.schema)
    run.echo(f"           {run.graph.number_of_nodes():,} nodes, {run.graph.number_of_edges():,} relationships")


def _read_files(run: Run) -> None:
    from .loading import prepare_and_validate
    from .rdf.sources import DEFAULT_PATHS, FilesContext, from_prepared, inspect_paths

    prepared, report = prepare_and_validate(inspect_paths(DEFAULT_PATHS), FilesContext(), schema=run.schema)
    run.result.load = {"validation": {"conforms": report.conforms, "violations": len(report.violations),
                                      "warnings": len(report.warnings)},
                       "files": [{"source": p.source.key, "status": "validated", "triples": len(p.triples)}
                                 for p in prepared]}
    run.graph = from_prepared(prepared).to_networkx(run.schema)
    run.echo(f"           {len(prepared)} files, {sum(len(p.triples) for p in prepared):,} triples, "
             f"{len(report.violations)} violations; {run.graph.number_of_nodes():,} nodes")


def _questions(run: Run) -> None:
    from .neo4j.catalogue import catalogue
    from .neo4j.queries import run_named

    result = run.result
    queries = [q for q in catalogue().values() if q.theme not in SKIP_THEMES and q.mode == "read"]
    plans = []
    for query in queries:
        values, words = parameter_values(query, run.graph, run.schema)
        required = [p for p in query.params if not p.optional]
        if required and not values:
            result.skipped.append(f"the question {query.name}: {words}")
            continue
        combos = list(_combinations(values))
        plans.append((query, combos[:MAX_RUNS_PER_QUERY], words if required else None, len(combos)))
    total = sum(len(combos) for _, combos, _, _ in plans)
    progress = _progress(run, total, "asking the questions")
    for query, combos, words, possible in plans:
        rows: list[dict] = []
        runs: list[dict] = []
        for params in combos:
            got = run_named(run.db, query.name, params)
            progress(1)
            if got:
                runs.append({"params": params, "rows": len(got), "got": got})
        if words:  # the header's example first (a curated question), then the richest answers
            example = example_params(query)
            runs.sort(key=lambda r: (not _is_example(r["params"], example, run.graph), -r["rows"]))
        for r in runs:
            rows += r.pop("got")
        base = result.out / "queries" / query.name
        csv = result.write(base.with_suffix(".csv"), to_csv(rows))
        result.write(base.with_suffix(".json"), to_json(rows))
        result.questions.append(Answer(query, rows, runs, len(combos), words, csv, capped=possible > len(combos)))
    run.echo(f"           {len(result.questions)} questions, {total:,} runs, "
             f"{sum(len(a.rows) for a in result.questions):,} rows")


def _progress(run: Run, total: int, description: str):
    """A progress bar on a terminal for long work (more than 50 steps), else nothing."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    if total <= 50 or not console.is_terminal:
        return lambda n: None
    bar = Progress(TextColumn(f"           {description}"), BarColumn(), MofNCompleteColumn(), console=console,
                   transient=True)
    task = bar.add_task(description, total=total)
    bar.start()

    def advance(n: int) -> None:
        bar.advance(task, n)
        if bar.tasks[task].finished:
            bar.stop()

    return advance


def _analyse(run: Run) -> None:
    from .analysis.summary import AnalysisParameters
    from .engines import DEFAULT_ENGINE, run_engine
    from .engines.source import GraphSource
    from .report.analysis import summary_line

    result = run.result
    # the full graph is already read (the pictures draw it): the engine runs on it, the scores are written later
    result.analysis = run_engine(DEFAULT_ENGINE, GraphSource(graph=run.graph), AnalysisParameters(), write=False)
    analysis = result.analysis
    run.echo(f"           {summary_line(analysis)}")
    rows = [{**row, "actor_set": analysis.actors.label} for row in analysis.brokers]
    result.write(result.out / "brokers.csv", to_csv(rows))
    result.write(result.out / "brokers.json", to_json(rows))
    result.write(result.out / "coalitions.json", to_json(analysis.coalitions))
    result.write(result.out / "coalitions.csv", to_csv(
        [{**row, "actor_set": analysis.actors.label} for row in analysis.membership_rows()]))


def _merges(run: Run) -> None:
    from .neo4j.merges import applied, decisions_sources
    from .report.merges import open_rows, section

    merged = applied(run.db)
    if not merged:
        return
    open_pairs, unreadable = open_rows([Path(s["path"]) for s in decisions_sources(run.db) if s["path"]])
    run.result.sections += section(merged, open_pairs, unreadable, run.result.shell)
    run.echo(f"           {len(merged)} merged node(s), {len(open_pairs)} candidate pair(s) open")


def _write_scores(run: Run) -> None:
    from .neo4j.scores import write_scores

    written = write_scores(run.db, run.result.analysis.scores)
    run.echo(f"           score_* properties on {written} nodes")


def _audit(run: Run) -> None:
    from .audit import run_audit, to_markdown

    result = run.result
    findings = run_audit(run.db)
    result.audit = [f.to_dict() for f in findings]
    result.audit_markdown = to_markdown(findings)
    result.write(result.out / "audit.json", to_json(result.audit))
    result.write(result.out / "audit.md", result.audit_markdown)
    run.echo(f"           {len(findings)} findings")


def _options(run: Run, **fields):
    from .viz import DrawOptions

    analysis = run.result.analysis
    return DrawOptions(styles=run.schema.styles(), size_by="betweenness", scores=analysis.broker_scores, **fields)


def _brokers_figure(run: Run) -> None:
    from .viz import views, write_figure

    result, analysis = run.result, run.result.analysis
    view = views.brokers(run.graph, [r["uri"] for r in analysis.brokers], top=FIGURE_BROKERS, actors=analysis.actors)
    info = write_figure(view, result.out / "brokers.png", _options(
        run, edge_width_by="strength",
        title=f"The {FIGURE_BROKERS} best brokers among {analysis.actors.label}, and the actors tied to them"),
        label_top=10)
    result.figures["brokers"] = info
    result.files.append(info.path)
    run.echo(f"           brokers.png: {info.nodes} actors, {info.edges} ties, {len(info.labelled)} named")


def _network_page(run: Run) -> None:
    from .viz import views, write_html

    html = write_html(views.whole(run.graph), run.result.out / "network.html", _options(run),
                      evidence=views.evidence_index(run.graph), title="diaspora-kg: the seed corpus network")
    run.result.files.append(html.path)


def _network_figure(run: Run) -> None:
    from .viz import views, write_figure

    view = views.whole(run.graph)
    info = write_figure(view, run.result.out / "network.png", _options(
        run, title=f"Actors and institutions of the graph ({view.number_of_nodes():,} nodes, "
                   f"{view.number_of_edges():,} ties)"))
    run.result.figures["network"] = info
    run.result.files.append(info.path)


def _graphml(run: Run) -> None:
    import networkx as nx

    from .export import gephi_graph, replacing

    path = run.result.out / "graph.graphml"
    with replacing(path) as tmp:
        nx.write_graphml(gephi_graph(run.graph), tmp)
    run.result.files.append(path)


def _ties_map(run: Run) -> None:
    """The map of transnational ties, page and figure, from the rows of :data:`MAP_QUERY` (those the questions
    step already got, else asked now)."""
    from .neo4j.queries import run_named
    from .viz.geo.figure import write_map_figure
    from .viz.geo.page import write_map_html
    from .viz.geo.ties import ties_from_rows

    result = run.result
    answered = next((a.rows for a in result.questions if a.query.name == MAP_QUERY and not a.params), None)
    rows = answered if answered is not None else run_named(run.db, MAP_QUERY, {})
    ties = ties_from_rows(rows, what=f"the rows of the query {MAP_QUERY}")
    page = write_map_html(ties, result.out / "ties.html", title="diaspora-kg: transnational ties")
    figure = write_map_figure(ties, result.out / "ties.png")
    result.files += [page.path, figure.path]
    result.ties_map = {"html": page.path, "png": figure.path, "arcs": page.arcs, "places": page.places,
                       "ties": page.ties, "query": MAP_QUERY}
    run.echo(f"           ties.html, ties.png: {page.arcs} arcs between {page.places} places")


#: The job, in order. ``needs="neo4j"`` steps are skipped offline; the graph comes from Neo4j online, from the
#: files offline.
STEPS: list[Step] = [
    Step("validate and load the seed corpus", _load, "neo4j", "loading into Neo4j"),
    Step("read the graph from Neo4j", _read_graph, "neo4j"),
    Step("validate the seed corpus files", _read_files, "files"),
    Step("answer the questions in cypher/", _questions, "neo4j", "the questions of cypher/ (Cypher queries)"),
    Step("list the merges of entity resolution", _merges, "neo4j"),
    Step("find brokers and coalitions", _analyse, "graph"),
    Step("write scores back to Neo4j", _write_scores, "neo4j", "writing the scores back as score_* properties"),
    Step("audit the figures", _audit, "neo4j", "the audit of the source's figures (it reads the tables with "
                                               "Cypher)"),
    Step("draw the brokers' figure", _brokers_figure, "graph"),
    Step("draw the interactive network", _network_page, "graph"),
    Step("draw the figure", _network_figure, "graph"),
    Step("draw the map of transnational ties", _ties_map, "neo4j",
         f"the map of transnational ties (it draws the rows of the Neo4j query {MAP_QUERY})"),
    Step("export GraphML for Gephi", _graphml, "graph"),
]


def run(out: Path = DEFAULT_OUT, *, echo: Callable[[str], None] = print, offline: bool = False) -> RunResult:
    """Run every step of :data:`STEPS`; see the module docstring."""
    from .ontology.schema import load_schema

    out = Path(out)
    result = RunResult(out=out, offline=offline, command=invoked_as())
    previous = _previous_files(out)
    db = None
    if offline:
        echo("Offline: nothing is read from or written to Neo4j.")
    else:
        try:
            from .neo4j.connection import connect

            started = time.perf_counter()
            db = connect(echo=echo)
            result.uri = db.uri
            _timed(result, echo, "connect to Neo4j", started)
        except (ServerError, DiasporaKGError) as exc:
            result.offline = True
            result.skipped.append(f"Neo4j: {exc.message}" + (f" ({exc.hint})" if exc.hint else ""))
            echo(f"No Neo4j: {exc.message}. Running what needs no server.")
    context = Run(result, load_schema(), db, echo)
    try:
        for step in STEPS:
            if step.needs == "neo4j" and db is None:
                if step.skipped_means:
                    result.skipped.append(f"{step.skipped_means}: needs Neo4j")
                continue
            if step.needs == "files" and db is not None:
                continue
            started = time.perf_counter()
            step.run(context)
            _timed(result, echo, step.name, started)
    finally:
        if db is not None:
            db.close()
    from .report.document import write_report

    started = time.perf_counter()
    result.files += write_report(result)
    _timed(result, echo, "write the report", started)
    run_json = result.out / "run.json"
    result.files.append(run_json)
    result.removed = _remove_stale(out, previous, result.files)
    run_json.write_text(json.dumps(
        {"steps": result.steps, "offline": result.offline, "skipped": result.skipped,
         "files": [_inside(out, p) for p in dict.fromkeys(result.files)],
         "removed": [_inside(out, p) for p in result.removed], "load": result.load}, indent=2, default=str),
        encoding="utf-8")
    return result


def _timed(result: RunResult, echo, name: str, started: float) -> None:
    seconds = time.perf_counter() - started
    result.steps.append({"step": name, "seconds": round(seconds, 2)})
    echo(f"[{seconds:6.1f} s] {name}")


def _inside(out: Path, path: Path) -> str:
    """``path`` relative to ``out`` (so that a copied or moved folder keeps its list), else as it is."""
    path = Path(path)
    return path.relative_to(out).as_posix() if path.is_relative_to(out) else str(path)


def _previous_files(out: Path) -> list[Path]:
    """The files the previous run in ``out`` wrote, from its ``run.json`` (none when there is none)."""
    try:
        listed = json.loads((out / "run.json").read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [out / p for p in listed if isinstance(p, str)]


def _remove_stale(out: Path, previous: list[Path], written: list[Path]) -> list[Path]:
    """Remove what the previous run wrote into ``out`` and this one did not; then the folders left empty."""
    root = out.resolve()
    kept = {p.resolve() for p in written}
    removed = []
    for path in previous:
        resolved = path.resolve()
        if resolved in kept or not resolved.is_relative_to(root) or not resolved.is_file():
            continue
        resolved.unlink()
        removed.append(path)
        folder = resolved.parent
        while folder != root and folder.is_relative_to(root) and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    return removed


__all__ = ["DEFAULT_OUT", "STEPS", "Answer", "Run", "RunResult", "Step", "example_params",
           "parameter_values", "run"]

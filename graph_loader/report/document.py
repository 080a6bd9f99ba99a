"""``out/report.md`` and ``out/report.html``: the answers first, then each question answered in full.

The order is a reader's: the title; one screen of findings in sentences with numbers (:mod:`.findings`) beside
the figure of the best brokers; then every question of the query library with its whole answer (long tables cut
at :data:`MAX_ROWS` rows with "and N more" and the CSV holding all of them); the brokers and coalitions with the
actor set they rank; the audit of the source's figures; what was loaded; what was skipped. Every table ends in a
"Reproduce" line, a shell command quoted to run as pasted. Sentences are generated from the numbers, never
written by hand. Both files are rendered from one list of blocks (:mod:`.blocks`), data escaped as text.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..engines import DEFAULT_ENGINE
from .blocks import (
    Bullets,
    Code,
    Figure,
    Heading,
    Link,
    Paragraph,
    Raw,
    Strong,
    Table,
    render_html,
    render_markdown,
)
from .commands import query_command
from .findings import GROUP_WORDS, ROLE_MEANING, first_screen, kind_words, plural
from .rows import table_cells

#: Rows a table of the report shows; the CSV beside it holds them all.
MAX_ROWS = 25
#: Brokers the report's table ranks.
TOP_BROKERS = 10
TITLE = "diaspora-kg report"
SOURCE = ("Source corpus: ARI Nº 16/2005 (Rodolfo O. de la Garza et al., Real Instituto Elcano, 3 February 2005) "
          "and a gazetteer of countries, states and the places the corpus names, built from packages (ISO 3166, "
          "GeoNames, INEGI; data/gazetteer/README.md); every fact in the graph carries its source, locator and quote.")


def _text_cells(rows: list[dict], columns: list[str]) -> list[list[str]]:
    """Cells as the report shows them: numbers as printed (one precision per column), lists as ``a, b``."""
    flat = [{c: (", ".join("" if v is None else str(v) for v in value) if isinstance(value, list | tuple) else value)
             for c, value in ((c, row.get(c)) for c in columns)} for row in rows]
    return table_cells(flat, columns)


def _numeric(rows: list[dict], columns: list[str]) -> set[int]:
    return {i for i, c in enumerate(columns)
            if any(row.get(c) is not None for row in rows)
            and all(isinstance(row.get(c), int | float) and not isinstance(row.get(c), bool)
                    for row in rows if row.get(c) is not None)}


def table(rows: list[dict], *, columns: list[str] | None = None, limit: int = MAX_ROWS, csv: str | None = None,
          what: str = "rows") -> Table | Paragraph:
    """A table of the first ``limit`` rows, with "… and N more" (and where they all are) under it."""
    if not rows:
        return Paragraph(["No rows."])
    columns = columns or list(rows[0])
    shown = rows[:limit]
    more = None
    if len(rows) > limit:
        more = [f"… and {len(rows) - limit:,} more {what}"] + ([" in ", Link(csv, csv)] if csv else []) + ["."]
    return Table(columns, _text_cells(shown, columns), more, _numeric(shown, columns))


def _relative(result, path: Path) -> str:
    path = Path(path)
    return path.relative_to(result.out).as_posix() if path.is_relative_to(result.out) else str(path)


# -- sections --------------------------------------------------------------------------------------------------


def _opening(result) -> list:
    blocks = [Heading(1, TITLE), Paragraph([SOURCE])]
    if result.uri:
        blocks.append(Paragraph(["Graph: Neo4j at ", Code(result.uri), "."]))
    if result.offline:
        blocks.append(Paragraph([Strong("Offline run:"),
                                 " the graph was read straight from the RDF files; what needs Neo4j was skipped (",
                                 Link("the list", "#skipped"), " is at the end)."]))
    return blocks


def _organisation_network(result):
    analysis = result.analysis
    if analysis is None or analysis.graph is None:
        return None
    from ..analysis.projections import organisation_network

    return organisation_network(analysis.actors.restrict(analysis.graph))


def _first_screen(result) -> list:
    findings = Bullets(first_screen(result, _organisation_network(result)))
    figure = result.figures.get("brokers")
    if figure is None or not Path(figure.path).is_file():
        return [Heading(2, "What the graph answers"), findings]
    picture = Figure(_relative(result, figure.path), Path(figure.path).read_bytes(),
                     "The best brokers and the actors tied to them",
                     [figure.title + ". Colour: kind of actor; shape: home country; area: betweenness; numbers: "
                      "rank as a broker. The whole network: ", Link("network.html", "network.html"), " (interactive), ",
                      Link("network.png", "network.png"), "."])
    # In HTML the findings and the figure share the first screen, side by side; Markdown shows one after the other.
    return [Raw("", '<div class="first"><div>'), Heading(2, "What the graph answers"), findings,
            Raw("", "</div><div>"), picture, Raw("", "</div></div>")]


def _answer_section(result, answer) -> list:
    query = answer.query
    csv = _relative(result, answer.csv)
    blocks = [Heading(3, f"{query.name}"), Paragraph([query.description])]
    if answer.values_from:
        blocks.append(Paragraph([
            f"Asked for {answer.values_from}"
            + (f" (the first {answer.asked:,} combinations)" if answer.capped else "")
            + f": {plural(len(answer.runs), 'value')} with an answer, {plural(len(answer.rows), 'row')}; the "
              "query's own example first, then the longest answers; every row is in ", Link(csv, csv), "."]))
    else:
        blocks.append(Paragraph([f"{plural(len(answer.rows), 'row')}; every row is in ", Link(csv, csv), "."]))
    blocks.append(table(answer.rows, columns=list(query.returns) if answer.rows and set(query.returns) <=
                        set(answer.rows[0]) else None, csv=csv))
    command = query_command(result.command, query.name, answer.params)
    label = "Reproduce the first answer: " if answer.values_from else "Reproduce: "
    relative_file = query.path.relative_to(query.path.parents[1]).as_posix()
    blocks.append(Paragraph([label, Code(command), f" (the query: cypher/{relative_file})."]))
    return blocks


def _questions(result) -> list:
    if not result.questions:
        return []
    blocks = [Heading(2, "The questions, answered in full"),
              Paragraph(["Each question of the query library (", Code(result.shell("queries")), " lists them), "
                         "asked for everything it can be asked: a query with optional parameters once, without them "
                         "(every funder, every country, every city); a query that needs one for every value the "
                         "graph holds."])]
    for answer in result.questions:
        blocks += _answer_section(result, answer)
    return blocks


def broker_sentence(row: dict) -> list:
    """One sentence on why an actor is a broker, from its measures."""
    where = ", ".join(x for x in (kind_words(row.get("kind")), row.get("country")) if x)
    text = (f" ({where}) is tied to {plural(row['degree'], 'actor')} and lies on {row['betweenness']:.1%} of the "
            "shortest paths between other pairs (normalised betweenness; ties weighted as distances); its "
            f"constraint is {row['constraint']:.2f} (lower means more structural holes around it, effective size "
            f"{row['effective_size']:.1f}).") if row.get("constraint") is not None else (
        f" ({where}) is tied to {plural(row['degree'], 'actor')} and lies on {row['betweenness']:.1%} of the shortest "
        "paths between other pairs.")
    roles = {r: row.get(r) or 0 for r in ROLE_MEANING}
    role = max(roles, key=roles.get)
    if roles[role]:
        text += (f" Most of its brokerage ({roles[role]} of {row.get('brokerage', 0)} two-paths) is as a {role}, "
                 f"{ROLE_MEANING[role]}.")
    return [Strong(str(row["name"])), text]


def _analysis_command(result, what: str, *extra: str) -> str:
    args = ["analyze", what, *extra, *result.analysis.actors.options()]
    if result.analysis.engine != DEFAULT_ENGINE:  # reproduced by the engine that ran
        args += ["--engine", result.analysis.engine]
    args += ["--offline"] if result.offline else ["--no-write"]
    return result.shell(*args, "--format", "csv")


def _brokers(result) -> list:
    analysis = result.analysis
    if analysis is None:
        return []
    info = analysis.broker_info
    rows = [{"rank": i, "actor": r["name"], "kind": kind_words(r.get("kind")), "country": r.get("country"),
             "named in the source": "no" if r.get("unnamed") else "yes",
             "betweenness %": round(100 * r["betweenness"], 1) if r.get("betweenness") is not None else None,
             "ties": r.get("degree"),
             "constraint": round(r["constraint"], 3) if r.get("constraint") is not None else None,
             "main role": max(ROLE_MEANING, key=lambda k: r.get(k) or 0) if r.get("brokerage") else ""}
            for i, r in enumerate(analysis.brokers[:TOP_BROKERS], 1)]
    return [
        Heading(2, "Brokers"),
        Paragraph([analysis.actors.sentence(analysis.left_out),
                   f" Organisation network: {plural(info.nodes, 'actor')}, {plural(info.edges, 'tie')} "
                   "(membership, partnership, sub-organisation, advocacy, co-funding and shared programmes); "
                   f"betweenness {info.betweenness.method} ({info.betweenness.backend}). An actor the "
                   "source does not name (its name is a description) is marked in the table."]),
        table(rows, limit=TOP_BROKERS),
        Bullets([broker_sentence(r) for r in analysis.brokers[:3]], numbered=True),
        Paragraph(["Every actor's measures: ", Link("brokers.csv", "brokers.csv"), ". Reproduce: ",
                   Code(_analysis_command(result, "brokers", "--top", str(TOP_BROKERS))), "."]),
    ]


def _coalitions(result) -> list:
    analysis = result.analysis
    if analysis is None:
        return []
    c = analysis.coalition_info
    rows = []
    for coalition in analysis.coalitions:
        members = [m["name"] for m in coalition["members"]]
        bound = coalition.get("binding") or []
        rows.append({"coalition": coalition["id"], "members": coalition["size"],
                     "most common kind": kind_words(coalition.get("dominant_kind"), 2)
                     or GROUP_WORDS.get(coalition.get("dominant_kind_group"), ""),
                     "home country": coalition.get("dominant_country"),
                     "bound by": ", ".join(f"{b['name'] or b['uri']} ({b['members']})" for b in bound[:2]),
                     "who": "; ".join(members[:6]) + (f"; … and {len(members) - 6} more" if len(members) > 6 else "")})
    stable = (f"; across {c.stability.runs} seeds the partitions agree with a mean adjusted Rand index of "
              f"{c.stability.mean_ari:.2f}" if c.stability and c.stability.runs else "")
    return [
        Heading(2, "Coalitions"),
        Paragraph([f"{c.method.capitalize()} communities among {analysis.actors.among(c.nodes)} (seed "
                   f"{c.seed}), "
                   f"modularity {c.modularity:.3f}{stable}. {plural(c.singletons, 'actor')} belong to no "
                   "coalition. A small corpus (under 100 actors) makes these groupings suggestive, not conclusive."]),
        table(rows, csv="coalitions.csv", what="coalitions"),
        Paragraph(["Every member: ", Link("coalitions.csv", "coalitions.csv"), ". Reproduce: ",
                   Code(_analysis_command(result, "coalitions")), "."]),
    ]


def _audit(result) -> list:
    if result.audit is None:
        return []
    counts = Counter(f["severity"] for f in result.audit)
    order = {"error": 0, "warning": 1, "info": 2}
    rows = [{"severity": f["severity"], "finding": f["kind"], "where": (f.get("table_name") or "the text").split(".")[0],
             "subject": f["subject"], "reported": f.get("reported"), "recomputed": f.get("recomputed"),
             "difference": f.get("difference")}
            for f in sorted(result.audit, key=lambda f: order.get(f["severity"], 3))]
    return [
        Heading(2, "The source's figures, audited"),
        Paragraph([f"The tables' totals, averages and shares recomputed from their rows, and the text's figures "
                   f"held against the tables: {plural(len(result.audit), 'finding')} "
                   f"({plural(counts.get('error', 0), 'error')}, {plural(counts.get('warning', 0), 'warning')}, "
                   f"{plural(counts.get('info', 0), 'note')}); each, with the locator and quote of every figure "
                   "involved, in ", Link("audit.md", "audit.md"), "."]),
        table(rows, csv="audit.md", what="findings"),
        Paragraph(["Reproduce: ", Code(result.shell("audit", "--format", "markdown")), "."]),
    ]


def _loaded(result) -> list:
    load = result.load or {}
    blocks = [Heading(2, "What was loaded")]
    files = load.get("files") or []
    if files:
        rows = [{"file": f.get("source"), "status": f.get("status"), "triples": f.get("triples"),
                 "nodes created": (f.get("nodes") or {}).get("created"),
                 "nodes updated": (f.get("nodes") or {}).get("updated"),
                 "ties created": (f.get("relationships") or {}).get("created"),
                 "ties updated": (f.get("relationships") or {}).get("updated")} for f in files]
        columns = [c for c in rows[0] if any(r[c] is not None for r in rows)]
        blocks.append(table(rows, columns=columns, limit=50))
    sentences = []
    validation = load.get("validation")
    if validation:
        sentences.append(f"Validation against the SHACL shapes: {plural(validation.get('violations', 0), 'violation')}"
                         f", {plural(validation.get('warnings', 0), 'warning')}.")
    if load.get("method"):
        writer = "Neo4j's bulk importer" if load["method"] == "import" else "Bolt transactions"
        sentences.append(f"Written with {writer} ({load.get('method_reason')}).")
    elif files and not load.get("method") and not result.offline:
        sentences.append("Nothing to write: every file was loaded before, unchanged.")
    contents = _contents(result)
    if contents:
        sentences.append(contents)
    if sentences:
        blocks.append(Paragraph([" ".join(sentences)]))
    return blocks


def _contents(result) -> str:
    """The graph's nodes by top-level class of the ontology (``Agent``, ``Place``, ``Evidence``, ...)."""
    from ..ontology.schema import load_schema

    schema = load_schema()
    counts = {r["label"]: r["nodes"] for r in result.counts} if result.counts else None
    if counts is None and result.analysis is not None and result.analysis.graph is not None:
        counts = Counter(label for _, d in result.analysis.graph.nodes(data=True) for label in d.get("labels") or ())
    if not counts:
        return ""
    roots = sorted(((label, n) for label, n in counts.items()
                    if (info := schema.class_for_label(label)) is not None and info.depth == 0),
                   key=lambda item: (-item[1], item[0]))
    total = sum(n for _, n in roots)
    return (f"The graph holds {total:,} nodes by top-level class: "
            + ", ".join(f"{label} {n:,}" for label, n in roots) + ".")


def _skipped(result) -> list:
    if not result.skipped:
        return []
    return [Heading(2, "Skipped"), Bullets([[s] for s in result.skipped])]


def _from_here(path: Path) -> str:
    """``path`` as a command typed in the current folder names it: relative when it lies below, else absolute."""
    path = Path(path).resolve()
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def _ties_map(result) -> list:
    """The map of transnational ties (``result.ties_map``, drawn by the run's map step): the figure, what it
    shows, the interactive page and how to draw it again; nothing when the run drew no map."""
    found = getattr(result, "ties_map", None)
    if not found:
        return []
    blocks = [Heading(2, "Map of transnational ties")]
    html, png = _relative(result, found["html"]), _relative(result, found["png"])
    if found["arcs"]:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(found["ties"].items()))
        blocks.append(Figure(png, Path(found["png"]).read_bytes() if Path(found["png"]).is_file() else None,
                             "Transnational ties: arcs from US places to home places",
                             [f"{found['arcs']} arcs ({kinds}) between {found['places']} places, one per row of the "
                              "query ", Code(found["query"]), "."]))
    else:
        blocks.append(Paragraph(["No tie could be mapped: the query ", Code(found["query"]), " gave no row (a place "
                                 "needs coordinates, lat and long, to be mapped)."]))
    blocks.append(Paragraph([
        "The interactive map, ", Link(html, html), ", is one file that opens offline: tooltips name the actors and "
        "the sources, filters show one kind of tie or one home country, and buttons zoom to the United States, "
        "Mexico or El Salvador. Reproduce: ", Code(result.shell("map", "--out", _from_here(found["html"]))), "."]))
    return blocks


def _files(result) -> list:
    paths = sorted({_relative(result, p) for p in result.files} | {"report.md", "report.html", "run.json"})
    return [Heading(2, "Files"), Bullets([[Link(p, p)] for p in paths if ":" not in p and not p.startswith("/")])]


def build(result) -> list:
    """The report's blocks, in reading order (see the module docstring)."""
    return [*_opening(result), *_first_screen(result), *_questions(result), *_ties_map(result), *result.sections,
            *_brokers(result),
            *_coalitions(result), *_audit(result), *_loaded(result), *_skipped(result), *_files(result)]


def render_markdown_report(result) -> str:
    return render_markdown(build(result))


def write_report(result) -> list[Path]:
    """Write ``report.md`` and ``report.html`` into ``result.out``; the paths."""
    blocks = build(result)
    md_path = result.out / "report.md"
    html_path = result.out / "report.html"
    md_path.parent.mkdir(parents=True, exist_ok=True)
    md_path.write_text(render_markdown(blocks), encoding="utf-8")
    html_path.write_text(render_html(blocks, title=TITLE), encoding="utf-8")
    return [md_path, html_path]

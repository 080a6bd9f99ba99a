"""``out/report.md`` and ``out/report.html``: the questions with their answers, the brokers and coalitions with a
sentence each, the audit, what was loaded, and how to reproduce every table. Sentences are generated from the
numbers, never written by hand."""

from __future__ import annotations

from pathlib import Path

import markdown

from .rows import cell_text

MAX_ROWS = 25
ROLE_MEANING = {
    "coordinator": "brokers between actors of its own country",
    "itinerant": "links two actors of one other country",
    "representative": "carries its own country's ties out to another country",
    "gatekeeper": "lets another country's actors in to its own",
    "liaison": "links actors of two countries other than its own",
}


def md_table(rows: list[dict], limit: int = MAX_ROWS) -> str:
    """A markdown table of ``rows`` (the first ``limit``); pipes and newlines in values are escaped."""
    if not rows:
        return "_No rows._\n"
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows[:limit]:
        lines.append("| " + " | ".join(cell_text(row.get(c)).replace("|", "\\|").replace("\n", " ")
                                       for c in columns) + " |")
    if len(rows) > limit:
        lines.append(f"\n_{len(rows) - limit} more rows in the CSV/JSON files._")
    return "\n".join(lines) + "\n"


def broker_sentence(row: dict) -> str:
    """One sentence on why a node is a broker, from its measures."""
    where = f", {row['country']}" if row.get("country") else ""
    text = (f"**{row['name']}** ({row['kind']}{where}) is tied to {row['degree']} actors and lies on "
            f"{row['betweenness']:.1%} of the shortest paths between other pairs (normalised betweenness; ties "
            f"weighted as distances); its constraint is {row['constraint']:.2f} (lower means more structural holes "
            f"around it, effective size {row['effective_size']:.1f}).")
    roles = {r: row.get(r, 0) for r in ROLE_MEANING if row.get(r)}
    if roles:
        role = max(roles, key=roles.get)
        text += f" Most of its brokerage ({roles[role]} of {row.get('brokerage', 0)} two-paths) is as a {role}: it " \
                f"{ROLE_MEANING[role]}."
    return text


def _reproduce(question: dict) -> str:
    params = " ".join(f"-p {k}={v}" for k, v in question["params"].items())
    return f"`diaspora-kg query {question['query'].name}{' ' + params if params else ''} --format csv`"


def render_markdown(result) -> str:
    lines = ["# diaspora-kg report", ""]
    lines += ["Source corpus: *ARI Nº 16/2005* (Real Instituto Elcano, 3 February 2005) and the ISO 3166-2 "
              "gazetteer; every fact in the graph carries its source, locator and quote.", ""]
    if result.uri:
        lines += [f"Graph: Neo4j at `{result.uri}`.", ""]
    if result.skipped:
        lines += ["## Skipped", ""] + [f"- {s}" for s in result.skipped] + [""]
    lines += ["## What was loaded", ""]
    if result.counts:
        lines += [md_table(result.counts, limit=100)]
    if result.load and result.load.get("totals"):
        totals = result.load["totals"]
        lines += [f"Load: nodes {totals['nodes']}, relationships {totals['relationships']} "
                  f"(validation: {result.load['validation']['violations'] if result.load.get('validation') else 0} "
                  "violations).", ""]
    if result.load and result.load.get("method"):
        writer = "Neo4j's bulk importer" if result.load["method"] == "import" else "Bolt transactions"
        lines += [f"Written with {writer} ({result.load['method_reason']}).", ""]
    if result.questions:
        lines += ["## The questions", ""]
        for question in result.questions:
            query = question["query"]
            lines += [f"### {query.name}", "", query.description, "", md_table(question["rows"]),
                      f"Reproduce: {_reproduce(question)} (file `{query.path.relative_to(query.path.parents[1])}`)",
                      ""]
    analysis = result.analysis
    if analysis:
        meta = analysis.brokers_meta
        lines += ["## Brokers", "",
                  f"Organisation network: {meta['nodes']} actors, {meta['edges']} ties (membership, partnership, "
                  f"sub-organisation, advocacy, co-funding and shared programmes). Betweenness: "
                  f"{meta['betweenness']['method']} ({meta['betweenness']['backend']}). Reproduce: "
                  "`diaspora-kg analyze brokers`.", ""]
        lines += [f"{i}. {broker_sentence(row)}" for i, row in enumerate(analysis.brokers[:10], 1)] + [""]
        coalitions = analysis.coalitions
        stability = coalitions.get("stability") or {}
        lines += ["## Coalitions", "",
                  f"{coalitions['method'].capitalize()} communities (seed {coalitions['seed']}), modularity "
                  f"{coalitions['modularity']:.3f}; across {stability.get('runs')} seeds the partitions agree with "
                  f"a mean adjusted Rand index of {stability.get('mean_ari', 0):.2f}. A small corpus (under 100 "
                  "actors) makes these groupings suggestive, not conclusive. Reproduce: "
                  "`diaspora-kg analyze coalitions`.", ""]
        for c in coalitions["coalitions"]:
            names = ", ".join(m["name"] for m in c["members"][:8]) + (" …" if len(c["members"]) > 8 else "")
            lines += [f"- **Coalition {c['id']}** ({c['size']} members): {c.get('summary', '')} Members: {names}."]
        lines += [""]
    if result.audit_markdown:
        lines += ["## Audit of the source's figures", "", "Reproduce: `diaspora-kg audit --format markdown`.", "",
                  result.audit_markdown, ""]
    lines += ties_map_section(result)
    lines += ["## Files", ""] + [f"- `{p.relative_to(result.out) if p.is_relative_to(result.out) else p}`"
                                 for p in sorted(set(result.files))] + [""]
    return "\n".join(lines)


def ties_map_section(result) -> list[str]:
    """The map of transnational ties (``result.ties_map``, written by the run's map step) as markdown lines: the
    figure, what it shows, the interactive page and how to redraw it; no lines when the run drew no map."""
    found = getattr(result, "ties_map", None)
    if not found:
        return []
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(found["ties"].items()))
    lines = ["## Map of transnational ties", ""]
    if found["arcs"]:
        lines += [f"![Transnational ties: arcs from US places to home places]({found['png'].name})", "",
                  f"{found['arcs']} arcs ({kinds}) between {found['places']} places, one per row of the query "
                  f"`{found['query']}`."]
    else:
        lines += [f"No tie could be mapped: the query `{found['query']}` gave no row (a place needs coordinates, "
                  "lat and long, to be mapped)."]
    lines += [f"The interactive map, [{found['html'].name}]({found['html'].name}), is one file that opens offline: "
              "tooltips name the actors and the sources, filters show one kind of tie or one home country, and "
              "buttons zoom to the United States, Mexico or El Salvador. Reproduce: "
              f"`diaspora-kg map --out {found['html'].name}` (or `--out {found['png'].name}`).", ""]
    return lines


HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>diaspora-kg report</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.45}}
table{{border-collapse:collapse;font-size:.85em;margin:.5em 0}}td,th{{border:1px solid #ccc;padding:.2em .5em}}
th{{background:#f3f3f3}}code{{background:#f6f6f6;padding:0 .2em}}</style></head><body>
<p><img src="network.png" alt="The seed corpus network" style="max-width:100%"></p>
{body}</body></html>
"""


def write_report(result) -> list[Path]:
    """Write ``report.md`` and ``report.html`` into ``result.out``."""
    text = render_markdown(result)
    md_path = result.out / "report.md"
    html_path = result.out / "report.html"
    md_path.parent.mkdir(parents=True, exist_ok=True)
    md_path.write_text(text, encoding="utf-8")
    # Markdown's raw-HTML pass-through is off for safety: names in the data are user input.
    body = markdown.markdown(text.replace("<", "&lt;"), extensions=["tables"])
    html_path.write_text(HTML.format(body=body), encoding="utf-8")
    return [md_path, html_path]

"""The report's section on entity resolution: the merges applied (which nodes became one, by which decision of
which file, who decided when and why) and the candidate pairs still open in those decisions files (undecided or
unsure). No section at all when no decisions file is applied.

The rows come from :func:`graph_loader.neo4j.merges.applied` (the merges) and from the decisions files the
ledger names (:func:`open_rows`); the blocks are :mod:`.blocks`', data escaped as text.
"""

from __future__ import annotations

from pathlib import Path

from .blocks import Code, Heading, Paragraph
from .findings import plural

#: Open pairs the report lists (best score first); the decisions file holds them all.
OPEN_SHOWN = 10


def open_rows(paths: list[Path]) -> tuple[list[dict], list[str]]:
    """The undecided and unsure rows of the decisions files ``paths`` (best score first), and the files that
    could not be read (moved or edited into a bad state since they were applied: said, not fatal)."""
    from ..errors import InputError
    from ..resolution.decisions import read_decisions

    rows, unreadable = [], []
    for path in paths:
        try:
            decisions = read_decisions(path)
        except InputError as exc:
            unreadable.append(f"{path}: {exc.message}")
            continue
        rows += [{"left": d.left_name or d.left, "right": d.right_name or d.right, "score": d.score,
                  "decision": d.decision or "open", "file": f"{path}:{d.line}"}
                 for d in decisions if d.decision in ("", "unsure")]
    rows.sort(key=lambda r: (-(r["score"] or 0.0), r["file"]))
    return rows, unreadable


def section(applied: list[dict], open_pairs: list[dict], unreadable: list[str], shell) -> list:
    """The blocks of the section (none when nothing is applied). ``shell(*args)`` makes a command line."""
    from .document import table

    if not applied:
        return []
    merged = sum(len(a["merged"]) for a in applied)
    files = sorted({d for a in applied for d in a["decisions"]})
    blocks = [Heading(2, "Same thing, other names"),
              Paragraph([f"{plural(merged, 'node')} merged into {plural(len(applied), 'node')} by the accepted "
                         f"decisions of {', '.join(files)}: each keeps every name, fact, tie, piece of evidence and "
                         "source of the nodes merged into it, and the export states them as owl:sameAs."])]
    rows = [{"node": a["name"], "merged": a["merged"],
             "decided": [f"{r['decisions']}:{r['line']} {r['who']} {r['when']}" + (f" ({r['note']})" if r["note"]
                                                                                  else "") for r in a["rows"]],
             "uri": a["uri"]} for a in applied]
    blocks.append(table(rows, what="merged nodes"))
    if open_pairs:
        blocks.append(Paragraph([f"{plural(len(open_pairs), 'candidate pair')} in these files still open "
                                 "(undecided or unsure), best score first:"]))
        blocks.append(table(open_pairs, limit=OPEN_SHOWN, what="open pairs"))
    else:
        blocks.append(Paragraph(["No candidate pair in these files is still open."]))
    for problem in unreadable:
        blocks.append(Paragraph([f"Not read: {problem}."]))
    blocks.append(Paragraph(["Review: ", Code(shell("resolve", "--review", "--decisions", files[0])),
                             "; undo: ", Code(shell("unload", *files)), "."]))
    return blocks

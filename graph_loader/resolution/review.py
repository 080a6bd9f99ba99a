"""What a reviewer sees of a candidate pair: both records side by side, with where they come from.

:func:`details` reads, for one record, what helps decide: its names, kind, home country and places, where it is
based, the founding year, the files that state it and the quotes of its evidence (``dkg:quote`` with
``dkg:locator``), from the record and the property graph it was read from (files or Neo4j).
:func:`side_by_side` lays two of them out in two columns that fit the terminal; :func:`answer` turns what the
reviewer typed into a decision. The terminal itself (prompts, writing the file after each answer) is the
command line's (:mod:`graph_loader.cli.resolve`).

>>> from graph_loader.resolution.records import Record
>>> a = Record("ex:a", "organisation", frozenset({"Federation"}), "Federation", ("FEDECMI",), sources=("seed.ttl",))
>>> b = Record("ex:b", "organisation", frozenset({"Organisation"}), "Organisation", ("Fed. Clubes Michoacanos",))
>>> print("\\n".join(side_by_side(details(a), details(b), 60)))
            ex:a                     ex:b
name        FEDECMI                  Fed. Clubes Michoacanos
kind        Federation               Organisation
sources     seed.ttl                 -
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from ..model import PropertyGraph, as_list
from .records import Record

#: Quotes shown per record, and characters per quote.
QUOTES, QUOTE_CHARS = 3, 240
#: What the reviewer may answer: the letter or word typed, and the decision it writes ("" for skip, None for quit).
ANSWERS = {"y": "yes", "yes": "yes", "n": "no", "no": "no", "u": "unsure", "unsure": "unsure", "s": "",
           "skip": "", "q": None, "quit": None}


#: The fields, in the order shown.
FIELDS = ("name", "also", "kind", "home", "based in", "founded", "sources", "quote")


@dataclass(frozen=True)
class Details:
    """One record as the reviewer sees it: ``rows`` of ``(field, text)``, in display order."""

    uri: str
    rows: tuple[tuple[str, str], ...]


def details(record: Record | None, graph: PropertyGraph | None = None, uri: str = "") -> Details:
    """What to show of ``record`` (None: a record no longer read, shown by its ``uri`` only)."""
    if record is None:
        return Details(uri, (("name", "(not in what was read)"),))

    def names(uris) -> str:
        found = [str(graph.nodes[u]["props"].get("name") or u) if graph and u in graph.nodes else u
                 for u in sorted(uris)]
        return ", ".join(found)

    rows = [("name", record.name)]
    if len(record.names) > 1:
        rows.append(("also", "; ".join(record.names[1:])))
    rows.append(("kind", record.kind))
    for label, where in (("home", record.home), ("based in", record.based)):
        parts = [names(where.places), names(where.states), names(where.countries)]
        if any(parts):
            rows.append((label, " / ".join(p for p in parts if p)))
    if record.founded:
        rows.append(("founded", str(record.founded)))
    rows.append(("sources", ", ".join(record.sources) or "-"))
    for quote in quotes(record.uri, graph)[:QUOTES]:
        rows.append(("quote", quote))
    return Details(record.uri, tuple(rows))


def quotes(uri: str, graph: PropertyGraph | None) -> list[str]:
    """The quotes of the node's evidence, each with its locator: ``"…" (p. 3, para 2)``."""
    if graph is None or uri not in graph.nodes:
        return []
    out = []
    for evidence in as_list(graph.nodes[uri]["props"].get("evidence")):
        props = graph.nodes.get(evidence, {}).get("props", {})
        for quote in as_list(props.get("quote")):
            text = str(quote)
            text = text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS - 1] + "…"
            locator = "; ".join(str(v) for v in as_list(props.get("locator")))
            out.append(f"“{text}”" + (f" ({locator})" if locator else ""))
    return sorted(set(out))


def side_by_side(left: Details, right: Details, width: int) -> list[str]:
    """The two records in two columns of a ``width``-character screen, the field names on the left; a field one
    record lacks is shown as ``-``."""
    label_width = 12
    column = max(16, (width - label_width - 2) // 2)
    present = {f for f, _ in left.rows} | {f for f, _ in right.rows}
    fields = [f for f in FIELDS if f in present] + sorted(present - set(FIELDS))

    def texts(d: Details, field: str) -> list[str]:
        return [text for f, text in d.rows if f == field] or ["-"]

    lines = [f"{'':<{label_width}}{_fit(left.uri, column)}  {_fit(right.uri, column)}".rstrip()]
    for field in fields:
        a, b = texts(left, field), texts(right, field)
        a_lines = [line for t in a for line in textwrap.wrap(t, column) or [""]]
        b_lines = [line for t in b for line in textwrap.wrap(t, column) or [""]]
        for i in range(max(len(a_lines), len(b_lines))):
            name = field if i == 0 else ""
            la = a_lines[i] if i < len(a_lines) else ""
            lb = b_lines[i] if i < len(b_lines) else ""
            lines.append(f"{name:<{label_width}}{la:<{column}}  {lb}".rstrip())
    return lines


def _fit(text: str, width: int) -> str:
    text = text if len(text) <= width else "…" + text[-(width - 1):]
    return f"{text:<{width}}"


def answer(typed: str) -> tuple[bool, str | None]:
    """``(understood, decision)`` for what the reviewer typed: ``yes``/``no``/``unsure``, ``""`` (skip), None
    (quit); case and spaces ignored.

    >>> answer(" Y "), answer("skip"), answer("q"), answer("maybe")
    ((True, 'yes'), (True, ''), (True, None), (False, None))
    """
    key = typed.strip().lower()
    return (key in ANSWERS), ANSWERS.get(key)

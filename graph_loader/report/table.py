"""Result rows laid out for a terminal of a given width: which columns fit, how wide each one is, where its text
may break.

Every table command shows a few meaningful columns by default (names first, URIs last) and lets the user choose
others (``--columns a,b`` or ``--wide``); CSV and JSON always carry every column. The rules, whatever the width:

* a line is never wider than the terminal;
* a header is never broken: a column is at least as wide as its header;
* a *key* (a value the user types back, such as a query name or a code) and a number are shown whole, on one line;
* a *name* wraps between words only; a word longer than the whole column (a URI inside a name) is cut with "…";
* a *label* (an ontology class such as ``InternationalOrganisation``) breaks, when it must, only where its
  words meet (``International`` / ``Organisation``);
* *text* (prose: descriptions, summaries, paths through the graph) wraps between words and gives way first;
* a *path* or a *uri* stays on one line and is shortened from the left, where paths and URIs agree
  (``…/seed/10-introduction.ttl``); a URI of the corpus is shown as its short id (``org/fisdl``), the form the
  CSV templates take.

When the default columns do not fit, the least important ones are left out and the footer names them; when the
columns the user asked for do not fit, each row is printed as a record (one ``column  value`` line per column), as
``psql``'s expanded mode does.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from .rows import NumberFormat, cell_text, column_format, to_csv, to_json

#: How a column's text may be laid out (see the module docstring).
ROLES = ("key", "number", "name", "label", "text", "path", "uri")

#: The corpus namespace, shown as short ids (``org/fisdl``) in tables; the CSV templates expand them back.
CORPUS_NS = "https://w3id.org/diaspora-kg/id/"

#: The narrowest a wrapping or shortened column may become (its header permitting), in terminal cells.
MIN_TEXT = 16
MIN_NAME_WORD = 24
MIN_PATH = 20
#: The widest a path or URI column asks for before less important columns give way to it.
MAX_PATH_COMFORT = 40

#: Width a name or text column is given, when there is room for it, before a less important column is shown.
COMFORT = {"name": 28, "text": 24}
#: The comfortable width of a name column after the first (the first name matters most).
LATER_NAME = 20

#: Characters between two columns: padding, a space, padding (no outer edges).
GAP = 3


@dataclass(frozen=True)
class Layout:
    """What a command knows about its columns.

    ``default``: the columns shown without ``--columns``/``--wide``, most important first (empty: every column in
    the rows' order, URIs last); ``roles``: a role of :data:`ROLES` per column (the others are guessed from the
    values); ``comfort``: the width a name or text column should have before a less important column is shown
    (default :data:`COMFORT` by role); ``records``: rather than leave a default column out, print each row as a
    record (for a few rows that each matter whole, such as the matches of a lookup).
    """

    default: tuple[str, ...] = ()
    roles: Mapping[str, str] = field(default_factory=dict)
    comfort: Mapping[str, int] = field(default_factory=dict)
    records: bool = False


@dataclass
class Plan:
    """The columns a table shows, in order, with the width of each; ``hidden``: those left out for lack of room;
    ``records``: the rows do not fit as a table and are printed one record each."""

    columns: list[str]
    widths: list[int]
    roles: dict[str, str]
    hidden: list[str]
    records: bool = False
    #: How each column prints its numbers (as the source prints them: 567.90 beside 685.32).
    formats: dict[str, NumberFormat] = field(default_factory=dict)


def parse_columns(text: str | None) -> list[str] | None:
    """``--columns a,b,c`` as a list (spaces around the names ignored), or None when not given.

    >>> parse_columns(" name, kind ,country")
    ['name', 'kind', 'country']
    >>> parse_columns(None) is None
    True
    """
    if text is None:
        return None
    names = [c.strip() for c in text.split(",") if c.strip()]
    if not names:
        raise UsageError("--columns names no column", hint="give column names separated by commas: --columns name,kind")
    return names


def all_columns(rows: Sequence[dict]) -> list[str]:
    """Every key of the rows, in order of first appearance."""
    return list(dict.fromkeys(k for row in rows for k in row))


def check_columns(asked: Sequence[str], available: Sequence[str]) -> None:
    """Refuse a column the rows do not have, naming the ones they do."""
    unknown = [c for c in asked if c not in available]
    if unknown:
        raise UsageError(f"no column {', '.join(map(repr, unknown))} in this table",
                         hint="the columns are: " + ", ".join(available))


# -- what a cell shows ------------------------------------------------------------------------------------------

def display(value, role: str, fmt: NumberFormat | None = None) -> str:
    """The text a table cell shows for ``value`` (lists joined with ", "; corpus URIs as short ids; numbers with
    the column's ``fmt``, :func:`~graph_loader.report.rows.column_format`).

    >>> display("https://w3id.org/diaspora-kg/id/org/fisdl", "uri")
    'org/fisdl'
    >>> display(["PublicBody", "GovernmentAgency"], "name")
    'PublicBody, GovernmentAgency'
    """
    if isinstance(value, list | tuple):
        return ", ".join(display(v, role, fmt) for v in value)
    text = cell_text(value, fmt)
    if role in ("uri", "path", "text", "name", "label") and text.startswith(CORPUS_NS):
        return text[len(CORPUS_NS):]
    if role == "path":
        return relative_path(text)
    return text


def relative_path(text: str) -> str:
    """An absolute path under the current folder as a relative one (``/home/me/data/x.csv`` -> ``data/x.csv``)."""
    if not text.startswith("/"):
        return text
    try:
        return str(Path(text).relative_to(Path(os.getcwd())))
    except ValueError:
        home = str(Path.home())
        return "~" + text[len(home):] if home != "/" and text.startswith(home + "/") else text


def shorten_left(text: str, width: int) -> str:
    """``text`` cut from the left to ``width`` cells, at a ``/`` where one is near ("…/seed/10-intro.ttl").

    >>> shorten_left("data/seed/10-introduction.ttl", 24)
    '…/10-introduction.ttl'
    >>> shorten_left("short", 10)
    'short'
    """
    from rich.cells import cell_len

    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    tail = text
    while cell_len(tail) > width - 1:
        tail = tail[1:]
    cut = tail.find("/")
    if cut >= 0:  # start at a folder boundary: a name is cut only when it does not fit alone
        tail = tail[cut:]
    return "…" + tail


# -- measuring and fitting ----------------------------------------------------------------------------------------

def guess_role(column: str, values: Sequence) -> str:
    """A column's role from its values: numbers, URIs, ontology labels, prose, else names.

    Prose is told from names by its sentences (a value ending in a full stop) and by paths
    through the graph (``-[:CREATED_BY]->``): names in this corpus can be long ("hometown associations from
    several communities in Michoacan that established FEDECMI (unnamed in the source)").

    >>> guess_role("n", [1, 2.5, None])
    'number'
    >>> guess_role("u", ["https://w3id.org/diaspora-kg/id/org/a", None])
    'uri'
    >>> guess_role("k", [["PublicBody", "GovernmentAgency"], ["Event"]])
    'label'
    >>> guess_role("d", ["IFAD provided 53% of the funding of the high-school project.", None])
    'text'
    >>> guess_role("x", ["a Los Angeles hometown association (unnamed in the source)", "SALA"])
    'name'
    """
    import re

    present = [v for v in values if v is not None and v != [] and v != ""]
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "number"
    if present and all(isinstance(v, bool) for v in present):
        return "key"
    items = [x for v in present for x in (v if isinstance(v, list | tuple) else [v])]
    texts = [cell_text(x) for x in items if not isinstance(x, dict)]
    if not texts or len(texts) != len(items):
        return "text"
    if all(t.startswith(("http://", "https://", "urn:")) and " " not in t for t in texts):
        return "uri"
    if all(re.fullmatch(r"[A-Z][A-Za-z0-9]*", t) for t in texts):
        return "label"
    if any(re.search(r"[.!?]$|-\[:|\]->", t) and len(t) > 30 for t in texts):
        return "text"
    return "name"


def _camel_parts(text: str) -> list[str]:
    """The words of ``text``, a CamelCase label split where its words meet (``["Government", "Agency,"]``)."""
    import re

    return [part for word in text.split() for part in re.split(r"(?<=[a-z])(?=[A-Z])", word)]


def wrap_label(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` cells between words, or inside a CamelCase label where
    its words meet (never elsewhere).

    >>> wrap_label("InternationalOrganisation", 14)
    'International\\nOrganisation'
    >>> wrap_label("PublicBody, GovernmentAgency", 17)
    'PublicBody,\\nGovernmentAgency'
    """
    import re

    from rich.cells import cell_len

    lines: list[str] = []
    line = ""
    for word in text.split():
        for i, part in enumerate(re.split(r"(?<=[a-z])(?=[A-Z])", word) if cell_len(word) > width else [word]):
            glue = "" if i else " "
            if line and cell_len(line + glue + part) > width:
                lines.append(line)
                line = part
            else:
                line = line + glue + part if line else part
    return "\n".join(lines + [line])


def _measure(header: str, texts: Sequence[str], role: str, comfort: int | None = None) -> tuple[int, int, int]:
    """(narrowest, comfortable, widest) width of a column: never narrower than its header. The comfortable width
    is what a name or some prose needs to read well; a less important column is left out before it goes below."""
    from rich.cells import cell_len

    longest = max((cell_len(line) for t in texts for line in t.splitlines() or [""]), default=0)
    head = cell_len(header)
    widest = max(head, longest)
    if role in ("key", "number"):
        return widest, widest, widest
    if role in ("path", "uri"):
        # Comfortable: room for the last segment whole ("…/20-hometown-associations.ttl"), which tells files apart.
        low = max(head, min(longest, MIN_PATH))
        last = max((cell_len(t.rstrip("/").rsplit("/", 1)[-1]) + (2 if "/" in t else 0) for t in texts), default=0)
        return low, max(low, min(widest, last, MAX_PATH_COMFORT)), widest
    if role == "label":
        low = max([head] + [cell_len(p) for t in texts for p in _camel_parts(t)])
        return low, low, widest
    word = max((cell_len(w) for t in texts for w in t.split()), default=0)
    if role == "name":
        low = max(head, min(word, MIN_NAME_WORD), min(longest, 12))
    else:
        low = max(head, min(word, MIN_TEXT), min(longest, MIN_TEXT))
    return low, max(low, min(widest, comfort if comfort is not None else COMFORT.get(role, 0))), widest


def _allocate(mins: list[int], maxes: list[int], roles: list[str], room: int) -> list[int]:
    """Widths between ``mins`` and ``maxes`` that add up to at most ``room``: labels whole first (they are short),
    then every column in proportion to what it still lacks."""
    widths = list(mins)
    spare = room - sum(widths)
    for i, role in enumerate(roles):  # labels whole first: they are short
        if role == "label" and spare > 0:
            give = min(spare, maxes[i] - widths[i])
            widths[i] += give
            spare -= give
    while spare > 0:
        lacking = [i for i in range(len(widths)) if widths[i] < maxes[i]]
        if not lacking:
            break
        total = sum(maxes[i] - widths[i] for i in lacking)
        given = 0
        for i in lacking:
            give = min(maxes[i] - widths[i], max(1 if given < spare else 0, spare * (maxes[i] - widths[i]) // total))
            give = min(give, spare - given)
            widths[i] += give
            given += give
        spare -= given
        if not given:
            break
    return widths


def plan(rows: Sequence[dict], width: int, layout: Layout | None = None, *, columns: Sequence[str] | None = None,
         wide: bool = False) -> Plan:
    """Which columns to show at ``width`` cells, and how wide each one is (see the module docstring).

    ``columns``: the user's choice (``--columns``), shown in that order or as records; ``wide``: every column.
    """
    layout = layout or Layout()
    available = all_columns(rows)
    roles = {c: layout.roles.get(c) or guess_role(c, [r.get(c) for r in rows]) for c in available}
    if columns is not None:
        check_columns(columns, available)
        chosen, droppable = list(dict.fromkeys(columns)), False
    else:
        default = [c for c in layout.default if c in available]
        if wide or not default:
            rest = [c for c in available if c not in default]
            chosen = default + [c for c in rest if roles[c] != "uri"] + [c for c in rest if roles[c] == "uri"]
        else:
            chosen = default
        droppable = not wide and not layout.records
    if not rows:
        return Plan([], [], roles, [])
    formats = {c: column_format(r.get(c) for r in rows) for c in chosen}
    texts = {c: [display(r.get(c), roles[c], formats[c]) for r in rows] for c in chosen}
    # The first name gets the comfortable width of a name, the others a little less: room for the numbers.
    first_name = next((c for c in chosen if roles[c] == "name"), None)
    sizes = {c: _measure(c, texts[c], roles[c], layout.comfort.get(c, None if c == first_name or roles[c] != "name"
                                                                    else LATER_NAME)) for c in chosen}

    def fits(names: list[str], at: int = 0) -> bool:
        return sum(sizes[c][at] for c in names) + GAP * (len(names) - 1) <= width

    if not droppable:
        if not fits(chosen):
            return Plan(chosen, [], roles, [], records=True, formats=formats)
        shown = chosen
    else:
        # Most important first; an empty column gives way before any other. A column that does not fit beside the
        # ones before it (names and prose at a comfortable width) is left out, and a less important, narrower one
        # may still take the room.
        empty = [c for c in chosen if not any(texts[c])]
        ranked = [c for c in chosen if c not in empty] + empty
        kept: list[str] = []
        for at in (1, 0):  # comfortable widths; if not even the first column fits so, the narrowest
            kept = []
            for column in ranked:
                if fits(kept + [column], at):
                    kept.append(column)
            if ranked and ranked[0] in kept:
                break
        if not ranked or ranked[0] not in kept:
            return Plan(chosen, [], roles, [], records=True, formats=formats)
        shown = [c for c in chosen if c in kept]
    room = width - GAP * (len(shown) - 1)
    low = [sizes[c][1] for c in shown] if fits(shown, 1) else [sizes[c][0] for c in shown]
    widths = _allocate(low, [sizes[c][2] for c in shown], [roles[c] for c in shown], room)
    return Plan(shown, widths, roles, [c for c in chosen if c not in shown], formats=formats)


# -- printing -----------------------------------------------------------------------------------------------------

def print_rows(rows: Sequence[dict], fmt: str = "table", *, title: str | None = None, console=None,
               layout: Layout | None = None, columns: Sequence[str] | None = None, wide: bool = False) -> None:
    """Print ``rows`` in ``fmt``: a table laid out for the terminal (:func:`print_table`), or CSV and JSON on
    stdout unadorned, for pipes, with every column whatever ``columns`` says."""
    if fmt == "json":
        print(to_json(rows))
    elif fmt == "csv":
        print(to_csv(rows), end="")
    else:
        print_table(rows, title=title, console=console, layout=layout, columns=columns, wide=wide)


def print_table(rows: Sequence[dict], *, title: str | None = None, console=None, layout: Layout | None = None,
                columns: Sequence[str] | None = None, wide: bool = False) -> Plan:
    """Print ``rows`` as a table that fits ``console``'s width (stdout by default), then a footer: the row count
    and, when columns were left out, which ones and how to see them. Returns the plan it followed."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    width = console.width
    chosen = plan(rows, width, layout, columns=columns, wide=wide)
    if chosen.records:
        _print_records(rows, chosen, title, console)
    elif rows:
        table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title_justify="left",
                      title_style="bold")
        for column, w in zip(chosen.columns, chosen.widths, strict=True):
            role = chosen.roles[column]
            table.add_column(column, width=w, no_wrap=role in ("key", "number", "path", "uri"),
                             overflow="ellipsis", justify="right" if role == "number" else "left")
        for row in rows:
            cells = []
            for column, w in zip(chosen.columns, chosen.widths, strict=True):
                text = display(row.get(column), chosen.roles[column], chosen.formats.get(column))
                if chosen.roles[column] in ("path", "uri"):
                    text = shorten_left(text, w)
                elif chosen.roles[column] == "label":
                    text = wrap_label(text, w)
                cells.append(Text(text))
            table.add_row(*cells)
        console.print(table)
    elif title:
        console.print(Text(title, style="bold"), soft_wrap=False)
    footer = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
    if chosen.hidden:
        footer += (f"; not shown for lack of room: {', '.join(chosen.hidden)} (--columns or --wide to choose; "
                   "--format csv or json has every column)")
    console.print(Text(footer, style="dim"), soft_wrap=False)
    return chosen


def _print_records(rows: Sequence[dict], chosen: Plan, title: str | None, console) -> None:
    """Each row as lines of ``column  value``, values wrapped between words under themselves."""
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    if title:
        console.print(Text(title, style="bold"), soft_wrap=False)
    key_width = max(cell_len(c) for c in chosen.columns)
    value_width = max(8, console.width - key_width - 2)
    for number, row in enumerate(rows, 1):
        console.print(Text(f"── {number} " + "─" * max(0, min(console.width, 40) - 4 - len(str(number))),
                           style="dim"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(overflow="ellipsis", width=value_width)
        for column in chosen.columns:
            role = chosen.roles[column]
            text = display(row.get(column), role, chosen.formats.get(column))
            if role in ("path", "uri"):
                text = shorten_left(text, value_width)
            elif role == "label":
                text = wrap_label(text, value_width)
            grid.add_row(column, Text(text))
        console.print(grid)

"""Printing result rows as a table, CSV or JSON (one object per row, keys as returned)."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

FORMATS = ("table", "csv", "json")


def to_jsonable(value):
    """Plain JSON types for values the driver or analysis returns (dates, Decimals, NaN, tuples, sets)."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date | datetime) or hasattr(value, "iso_format"):
        return value.isoformat() if hasattr(value, "isoformat") else value.iso_format()
    return value


def to_json(value: Iterable[dict] | dict) -> str:
    """``value`` (rows, or one object) as JSON text, with :func:`to_jsonable` values."""
    return json.dumps(to_jsonable(value if isinstance(value, dict) else list(value)), ensure_ascii=False)


def cell_text(value) -> str:
    value = to_jsonable(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 1000 else f"{value:.4g}"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def to_csv(rows: Sequence[dict]) -> str:
    buf = io.StringIO()
    columns = list(rows[0].keys()) if rows else []
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([json.dumps(v, ensure_ascii=False) if isinstance(v := to_jsonable(row.get(c)), list | dict)
                         else ("" if v is None else v) for c in columns])
    return buf.getvalue()


def print_rows(rows: Sequence[dict], fmt: str = "table", *, title: str | None = None, console=None) -> None:
    """Print ``rows`` in ``fmt``; tables go through rich, CSV and JSON go to stdout unadorned (for pipes)."""
    if fmt == "json":
        print(to_json(rows))
        return
    if fmt == "csv":
        print(to_csv(rows), end="")
        return
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    table = Table(title=title, show_lines=False)
    columns = list(rows[0].keys()) if rows else []
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(cell_text(row.get(c)) for c in columns))
    console.print(table)
    console.print(f"[dim]{len(rows)} row{'s' if len(rows) != 1 else ''}[/dim]")


#: How deep a parameter's value may nest (lists and maps within lists and maps): far more than a query needs, and
#: little enough for the JSON reader and the driver, which both recurse.
MAX_PARAM_DEPTH = 100
#: Cypher's INTEGER is 64 bits: the driver cannot send a larger whole number.
CYPHER_INTEGERS = range(-2**63, 2**63)


def parse_param(text: str) -> tuple[str, object]:
    """``key=value`` with the value read as JSON where it parses (numbers, lists, booleans), else a string.

    A value Cypher cannot take is a ValueError that says why: a whole number outside 64 bits, nesting deeper than
    :data:`MAX_PARAM_DEPTH` levels.

    >>> parse_param("ids=[1, 2]"), parse_param("city=Los Angeles")
    (('ids', [1, 2]), ('city', 'Los Angeles'))
    """
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"--param expects key=value, got {text!r}")
    key = key.strip()
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    except RecursionError:
        raise ValueError(f"--param {key}: the value nests deeper than {MAX_PARAM_DEPTH} levels") from None
    except ValueError as exc:  # a number of more than 4,300 digits
        raise ValueError(f"--param {key}: {exc}") from None
    stack = [(value, 1)]  # not recursive: a deep value must not exhaust the stack here either
    while stack:
        item, depth = stack.pop()
        if depth > MAX_PARAM_DEPTH:
            raise ValueError(f"--param {key}: the value nests deeper than {MAX_PARAM_DEPTH} levels")
        if isinstance(item, int) and not isinstance(item, bool) and item not in CYPHER_INTEGERS:
            raise ValueError(f"--param {key}: {item} is outside Cypher's 64-bit integers "
                             f"({CYPHER_INTEGERS.start} to {CYPHER_INTEGERS.stop - 1}); quote it as a string "
                             "or write it as a decimal (1e30)")
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return key, value

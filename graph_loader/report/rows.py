"""Result rows as text: CSV or JSON (one object per row, keys as returned), a cell's text, ``-p key=value``
parameters. Tables for a terminal are laid out by :mod:`graph_loader.report.table`."""

from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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


#: A float whose shortest exact text has more decimals than this is a computed measure (a betweenness, a mean), not
#: a figure as printed: it is shown to 4 significant digits. Printed figures keep every decimal they have.
PRINTED_DECIMALS_MAX = 6
#: Integers from this magnitude get thousands separators (31,342); below it they may be years (2003).
GROUPED_INTEGERS_FROM = 10_000


@dataclass(frozen=True)
class NumberFormat:
    """How a table column prints its numbers (:func:`column_format`).

    ``decimals``: the decimals the column's printed figures show at least (None: the column holds no printed
    figure); ``group_integers``: thousands separators on integers of four digits and more.
    """

    decimals: int | None = None
    group_integers: bool = False


def printed_decimals(value: float | Decimal) -> int | None:
    """The decimals of a number as printed: a Decimal's own exponent; for a float, the decimals of the shortest text
    that reads back as the same float (``685.32`` -> 2, ``10.0`` -> 0). None for a computed value (more than
    :data:`PRINTED_DECIMALS_MAX` decimals) and for NaN or infinity.

    A float has lost any trailing zero the source printed (``567.90`` is stored as ``567.9``): Neo4j has no decimal
    type, so an ``xsd:decimal`` arrives as a float. :func:`column_format` gives the zeros back from the column.

    >>> printed_decimals(685.32), printed_decimals(567.9), printed_decimals(10.0), printed_decimals(1 / 3)
    (2, 1, 0, None)
    >>> printed_decimals(Decimal("567.90"))
    2
    """
    if isinstance(value, Decimal):
        return max(-value.as_tuple().exponent, 0) if value.is_finite() else None
    if not math.isfinite(value):
        return None
    text = format(Decimal(repr(value)), "f")  # repr: the shortest text that reads back as the same float
    decimals = len(text.partition(".")[2].rstrip("0"))
    return decimals if decimals <= PRINTED_DECIMALS_MAX else None


def column_format(values: Iterable) -> NumberFormat:
    """How one column prints: its printed figures with the column's decimals (never fewer than a figure's own), as a
    source prints a table column: Table 1's ``685.32``, ``456.88`` and ``567.9`` print as ``685.32``, ``456.88``,
    ``567.90``, its percentages ``0.9`` and ``10.0`` as ``0.9`` and ``10.0``. The column's decimals are the most
    that at least as many figures show as show fewer: a float loses a trailing zero rarely (one figure in ten), so
    a column where more figures show fewer decimals holds figures printed at several precisions (percentages
    beside amounts), and each keeps its own. Integers get thousands separators from four digits once one of them has
    five (``31,342`` and ``1,966``, where a column of years stays ``2003``).

    >>> fmt = column_format([685.32, 456.88, 567.9, 44294.5])
    >>> [cell_text(v, fmt) for v in (685.32, 567.9, 44294.5)]
    ['685.32', '567.90', '44,294.50']
    >>> mixed = column_format([88895.22, 68.7, 8.7, 0.9])
    >>> [cell_text(v, mixed) for v in (88895.22, 68.7)]
    ['88,895.22', '68.7']
    >>> [cell_text(v, column_format([31342, 1966])) for v in (31342, 1966)], cell_text(2003, column_format([2003]))
    (['31,342', '1,966'], '2003')
    """
    shown: Counter = Counter()
    group = False
    for value in values:
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            group = group or abs(value) >= GROUPED_INTEGERS_FROM
        elif isinstance(value, float | Decimal):
            decimals = printed_decimals(value)
            if decimals is not None:
                shown[decimals] += 1
    # the most decimals that at least as many figures show as show fewer
    decimals = next((d for d in sorted(shown, reverse=True)
                     if shown[d] >= sum(n for fewer, n in shown.items() if fewer < d)), None)
    return NumberFormat(decimals, group)


def _number_text(value: float | Decimal, fmt: NumberFormat | None) -> str:
    shown = printed_decimals(value)
    if shown is None:  # a computed measure: 4 significant digits, cents above 1,000
        value = float(value)
        return f"{value:,.2f}" if abs(value) >= 1000 else f"{value:.4g}"
    decimals = max(shown, fmt.decimals or 0) if fmt is not None else shown
    # Exact: the value is formatted from its shortest text (or the Decimal itself), never re-rounded.
    exact = value if isinstance(value, Decimal) else Decimal(repr(value))
    return f"{exact:,.{decimals}f}"


def cell_text(value, fmt: NumberFormat | None = None) -> str:
    """A value as table text. Numbers as printed (never re-rounded; with ``fmt``, the column's decimals and
    thousands separators, see :func:`column_format`); lists and maps as JSON; None as an empty cell.

    >>> cell_text(685.32), cell_text(1307342.09), cell_text(0.074999999), cell_text(None), cell_text(["a", "b"])
    ('685.32', '1,307,342.09', '0.075', '', '["a", "b"]')
    """
    if isinstance(value, float | Decimal) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            return ""
        return _number_text(value, fmt)
    if isinstance(value, int) and not isinstance(value, bool):
        grouped = abs(value) >= GROUPED_INTEGERS_FROM or (fmt is not None and fmt.group_integers)
        return f"{value:,}" if grouped else str(value)
    value = to_jsonable(value)
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def table_cells(rows: Sequence[dict], columns: Sequence[str]) -> list[list[str]]:
    """Every row's cells as text, each column printed with one :func:`column_format`."""
    formats = {c: column_format(row.get(c) for row in rows) for c in columns}
    return [[cell_text(row.get(c), formats[c]) for c in columns] for row in rows]


def to_csv(rows: Sequence[dict]) -> str:
    buf = io.StringIO()
    columns = list(dict.fromkeys(k for row in rows for k in row))  # every column, even one the first row lacks
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([json.dumps(v, ensure_ascii=False) if isinstance(v := to_jsonable(row.get(c)), list | dict)
                         else ("" if v is None else v) for c in columns])
    return buf.getvalue()


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

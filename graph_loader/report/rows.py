"""Result rows as text: CSV or JSON (one object per row, keys as returned), a cell's text, ``-p key=value``
parameters. Tables for a terminal are laid out by :mod:`graph_loader.report.table`."""

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
    columns = list(dict.fromkeys(k for row in rows for k in row))  # every column, even one the first row lacks
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([json.dumps(v, ensure_ascii=False) if isinstance(v := to_jsonable(row.get(c)), list | dict)
                         else ("" if v is None else v) for c in columns])
    return buf.getvalue()


def parse_param(text: str) -> tuple[str, object]:
    """``key=value`` with the value read as JSON where it parses (numbers, lists, booleans), else a string."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"--param expects key=value, got {text!r}")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return key.strip(), value

"""What the source audit works on and what it returns: printed tables read from the graph, and findings.

Measures are the datatype properties of table rows (``projectCount``, ``htaDonationUsd``, ...). How a total of
each is recomputed from the rows is read from its name, except for the ratios and distinct counts listed here,
whose definitions the ontology states only in words.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .numbers import Interval, decimals_of

# Row properties that identify a row rather than measure something: never summed.
ROW_KEYS = frozenset({"rowIndex", "refYear", "year", "stipend", "startYear", "endYear", "value", "memberCount"})

# measure -> (numerator, denominator, scale): the measure is numerator / denominator * scale for every row,
# the total row included, when it is computed over all the row's items.
RATIOS = {
    "averageCostUsd": ("totalCostUsd", "projectCount", 1.0),
    "htaSharePercent": ("htaDonationUsd", "totalCostUsd", 100.0),
    "governmentSharePercent": ("governmentFundsUsd", "totalCostUsd", 100.0),
}

# Counts of items that can appear in several rows (a municipality has projects in several years): the total
# of distinct items lies between the largest row and the sum of the rows.
DISTINCT_COUNTS = frozenset({"municipalityCount"})

SEVERITIES = ("error", "warning", "info")


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def is_additive(measure: str) -> bool:
    """True for amounts and counts of items that each belong to one row, whose total is the rows' sum."""
    if measure in ROW_KEYS or measure in RATIOS or measure in DISTINCT_COUNTS or measure.startswith("average"):
        return False
    return measure.endswith(("Usd", "Count")) or measure == "peopleBenefited"


@dataclass
class Finding:
    """One thing the audit found.

    ``reported`` is the figure under audit as printed; ``recomputed`` what the rows, the table or another
    figure give instead (for a conflict, the other figure); ``difference`` is ``reported - recomputed`` in the
    measure's unit (US$, count, percentage points) when both are numbers. ``evidence`` holds the locator, quote
    and source of every figure involved.
    """

    kind: str
    severity: str
    table: str | None
    table_name: str | None
    subject: str
    measure: str | None
    reported: float | str | None
    recomputed: float | str | None
    difference: float | None
    explanation: str
    evidence: list[dict] = field(default_factory=list)
    evidence_uris: list[str] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("evidence_uris")
        return data


def difference(reported: float | None, recomputed: float | None) -> float | None:
    if reported is None or recomputed is None:
        return None
    return round(reported - recomputed, 6)


@dataclass
class Row:
    uri: str
    label: str
    is_total: bool
    values: dict
    categories: list[str]
    restates: list[str]
    evidence: list[str]


@dataclass
class Table:
    """A printed table: its rows in printed order and the decimals each measure column is printed with."""

    uri: str
    name: str
    programmes: list[str]
    evidence: list[str]
    rows: list[Row]

    @property
    def details(self) -> list[Row]:
        return [r for r in self.rows if not r.is_total]

    @property
    def totals(self) -> list[Row]:
        return [r for r in self.rows if r.is_total]

    def decimals(self, measure: str) -> int:
        """A column is printed with one precision: the most decimals any of its cells shows."""
        return max((decimals_of(r.values[measure]) for r in self.rows if measure in r.values), default=0)

    def cell(self, row: Row, measure: str) -> Interval | None:
        """The values a printed cell stands for; integers (counts) are exact."""
        value = row.values.get(measure)
        if not isinstance(value, int | float) or isinstance(value, bool):
            return None
        if isinstance(value, int):
            return Interval.exact(value)
        return Interval.printed(value, self.decimals(measure))

    def row(self, uri: str) -> Row | None:
        return next((r for r in self.rows if r.uri == uri), None)

    def measures(self) -> list[str]:
        """Numeric row properties other than row keys, sorted (Neo4j keeps no property order)."""
        return sorted({key for row in self.rows for key, value in row.values.items()
                       if key not in ROW_KEYS and isinstance(value, int | float) and not isinstance(value, bool)})


_NODE_BOOKKEEPING = {"uri", "name", "altNames", "acronyms", "nameKeys", "sources", "evidence", "rowLabel",
                     "isTotal"}


def table_from_record(record: dict) -> Table:
    rows = []
    for raw in record["rows"]:
        props = raw["properties"]
        rows.append(Row(
            uri=raw["uri"], label=str(props.get("rowLabel") or props.get("name") or raw["uri"]),
            is_total=bool(props.get("isTotal")),
            values={k: v for k, v in props.items() if k not in _NODE_BOOKKEEPING},
            categories=list(raw["categories"]), restates=list(raw["restates"]),
            evidence=list(props.get("evidence") or [])))
    return Table(record["table"], record["table_name"] or record["table"], list(record["programmes"]),
                 list(record["table_evidence"] or []), rows)


def fmt(value: float | int | None) -> str:
    """A figure as a reader would print it: thousands separators, no spurious decimals."""
    if value is None:
        return "n/a"
    if isinstance(value, float) and value != int(value):
        return f"{value:,.2f}" if abs(value) >= 100 else f"{value:,.4g}"
    return f"{int(value):,}"

"""Printed figures as intervals: what a number printed with some precision, or qualified by "about" or "more
than", can stand for, and arithmetic that carries the rows' rounding into sums, averages and percentages.

Two figures agree when their intervals overlap: a value printed with ``d`` decimals stands for anything within
half a unit of its last printed place, and a sum of ``n`` such values for anything within ``n`` half-units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

# "about" is read as within 10% of the printed value: wider than rounding, narrow enough to catch a wrong figure.
ABOUT_RELATIVE_WIDTH = 0.10


@dataclass(frozen=True)
class Interval:
    """The closed range ``[low, high]`` of values a printed figure or a computation from printed figures allows.

    Examples
    --------
    >>> (Interval.printed(1.5, 1) + Interval.printed(2.5, 1)).overlaps(Interval.printed(4.1, 1))
    True
    """

    low: float
    high: float

    @classmethod
    def exact(cls, value: float) -> Interval:
        return cls(value, value)

    @classmethod
    def printed(cls, value: float, decimals: int) -> Interval:
        """A value printed with ``decimals`` decimals: half a unit in the last printed place either side."""
        half = 0.5 * 10.0 ** -decimals
        return cls(value - half, value + half)

    @property
    def mid(self) -> float:
        return (self.low + self.high) / 2

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.low + other.low, self.high + other.high)

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self.low - other.high, self.high - other.low)

    def scale(self, factor: float) -> Interval:
        ends = (self.low * factor, self.high * factor)
        return Interval(min(ends), max(ends))

    def divide(self, other: Interval) -> Interval | None:
        """``self / other`` for a denominator that cannot be zero or change sign; None otherwise."""
        if other.low <= 0 <= other.high:
            return None
        ends = [a / b for a in (self.low, self.high) for b in (other.low, other.high)]
        return Interval(min(ends), max(ends))

    def overlaps(self, other: Interval) -> bool:
        # a relative epsilon absorbs binary floating point in sums of decimal figures
        ends = [abs(x) for x in (self.low, self.high, other.low, other.high) if math.isfinite(x)]
        eps = 1e-12 * max([1.0, *ends])
        return self.low <= other.high + eps and other.low <= self.high + eps

    def below(self, bound: float) -> bool:
        """Every value of the interval is below ``bound``."""
        return self.high < bound

    def above(self, bound: float) -> bool:
        return self.low > bound


def decimals_of(value: float | int) -> int:
    """Decimals a value shows once trailing zeros are dropped (``66.0`` -> 0, ``46676.5`` -> 1)."""
    if isinstance(value, int):
        return 0
    text = format(Decimal(repr(float(value))), "f")
    return len(text.split(".")[1].rstrip("0")) if "." in text else 0


def text_figure_interval(value: float, approximation: str | None) -> Interval:
    """What a figure of running text allows: its rounding, widened or made one-sided by its approximation.

    A whole number ending in three or more zeros is read as rounded at its last non-zero digit ("US$2.1
    million" is 2,100,000 give or take 50,000); "more than"/"at least" bound from below, "less than"/"up to" from above.

    Examples
    --------
    >>> text_figure_interval(2100000, "exact")
    Interval(low=2050000.0, high=2150000.0)
    >>> text_figure_interval(40, "more than").high
    inf
    """
    value = float(value)
    zeros = len(str(int(abs(value)))) - len(str(int(abs(value))).rstrip("0")) if value == int(value) else 0
    # round thousands ("99,000", "US$2.1 million") are read as rounded; "200 members" as exact
    if value != 0 and zeros >= 3:
        half = 0.5 * 10.0 ** zeros
    else:
        half = 0.5 * 10.0 ** -decimals_of(value)
    approximation = (approximation or "exact").lower()
    if approximation in ("more than", "at least"):
        return Interval(value, math.inf)
    if approximation in ("less than", "up to"):
        return Interval(-math.inf, value)
    if approximation == "about":
        half = max(half, abs(value) * ABOUT_RELATIVE_WIDTH)
    return Interval(value - half, value + half)

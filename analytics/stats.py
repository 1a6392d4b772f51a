"""Small statistics the metric tables share, written down so every page means the same thing.

- median: the middle value of the sorted values (the mean of the two middle ones for an even count);
- p90: the nearest-rank 90th percentile, the smallest value with at least 90% of the values at or below
  it (the ⌈0.9 n⌉-th of the sorted values);
- days: a duration in days, as a decimal (seconds / 86,400), rounded to one decimal when shown;
- rate: part × 100 / whole, one decimal; none when the whole is zero.
"""

import math
from collections.abc import Iterable
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal


def days(delta: timedelta) -> float:
    return delta.total_seconds() / 86400


def median(values: Iterable[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def p90(values: Iterable[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def one_decimal(value: float | Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return one_decimal(Decimal(part) * 100 / Decimal(whole))


def spread(values: list[float]) -> dict:
    """n, median and p90 of durations in days, rounded for showing."""
    return {"n": len(values), "median": one_decimal(median(values)), "p90": one_decimal(p90(values))}

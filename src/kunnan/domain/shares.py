"""Percentages that add up: the largest-remainder method (Hamilton's), exactly, in Decimal."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal


def largest_remainder(counts: Sequence[int], *, decimals: int = 1) -> list[Decimal]:
    """Shares of ``counts`` in percent, rounded to ``decimals`` places and summing to exactly 100.

    Each share is first rounded down; the units left over go to the shares
    with the largest remainders (ties to the earlier one). All zeros give zeros.
    """
    total = sum(counts)
    if total == 0:
        return [Decimal(0).quantize(Decimal(1).scaleb(-decimals)) for _ in counts]
    if any(count < 0 for count in counts):
        raise ValueError("counts must not be negative")
    units = 100 * 10**decimals
    floors = [count * units // total for count in counts]
    remainders = [count * units % total for count in counts]
    left = units - sum(floors)
    order = sorted(range(len(counts)), key=lambda i: (-remainders[i], i))
    for index in order[:left]:
        floors[index] += 1
    step = Decimal(1).scaleb(-decimals)
    return [(Decimal(value) * step).quantize(step) for value in floors]

"""Report percentages add up to 100.0 after rounding (largest remainder)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kunnan.domain.shares import largest_remainder


def test_baiyin_categories() -> None:
    assert largest_remainder([435, 2461, 299]) == [Decimal("13.6"), Decimal("77.0"), Decimal("9.4")]


def test_thirds_add_up() -> None:
    assert largest_remainder([1, 1, 1]) == [Decimal("33.4"), Decimal("33.3"), Decimal("33.3")]


def test_nothing_counted_gives_zero_shares() -> None:
    assert largest_remainder([0, 0]) == [Decimal("0.0"), Decimal("0.0")]


@given(
    st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=12), st.integers(0, 3)
)
def test_shares_always_sum_to_exactly_100_and_stay_within_one_unit(
    counts: list[int], decimals: int
) -> None:
    shares = largest_remainder(counts, decimals=decimals)
    total = sum(counts)
    if total == 0:
        assert all(share == 0 for share in shares)
        return
    assert sum(shares) == 100
    unit = Decimal(1).scaleb(-decimals)
    for count, share in zip(counts, shares, strict=True):
        exact = Decimal(count) * 100 / total
        assert abs(share - exact) < unit

"""A fund's balance day by day: the tree's answers equal a plain walk over the days, and the
rule refuses money taken out before it arrived."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from kunnan.domain.balances import DatedBalances, closed_refusal, overdraw_refusal

START = dt.date(2018, 1, 1)
days = st.integers(0, 60).map(lambda n: START + dt.timedelta(days=n))
movements = st.lists(st.tuples(days, st.integers(-50_000, 50_000)), max_size=40)


def walked(moves: list[tuple[dt.date, int]], opening: int = 0) -> dict[dt.date, int]:
    """The balance at the end of every day of the span, by walking it."""
    nets: dict[dt.date, int] = {}
    for day, fen in moves:
        nets[day] = nets.get(day, 0) + fen
    balance, ends = opening, {}
    for n in range(62):
        day = START + dt.timedelta(days=n)
        balance += nets.get(day, 0)
        ends[day] = balance
    return ends


@given(moves=movements, later=movements, day=days, opening=st.integers(0, 100_000))
def test_the_tree_agrees_with_walking_the_days(
    moves: list[tuple[dt.date, int]], later: list[tuple[dt.date, int]], day: dt.date, opening: int
) -> None:
    balances = DatedBalances(moves, opening_fen=opening)
    for added_day, fen in later:  # entries added one by one, as a batch pays them
        balances.add(added_day, fen)
    ends = walked(moves + later, opening)
    assert balances.balance_on(day) == ends[day]
    assert balances.lowest_from(day) == min(v for d, v in ends.items() if d >= day)
    assert balances.held_fen == ends[max(ends)]
    below = [(d, v) for d, v in sorted(ends.items()) if d >= day and v < 0]
    assert balances.first_below(day) == (below[0] if below else None)


@given(moves=movements, day=days, amount=st.integers(1, 80_000))
def test_money_out_is_refused_exactly_when_some_day_from_its_date_would_end_below_zero(
    moves: list[tuple[dt.date, int]], day: dt.date, amount: int
) -> None:
    moves = [(d, abs(fen)) for d, fen in moves]  # contributions only: never below zero alone
    balances = DatedBalances(moves)
    ends = walked([*moves, (day, -amount)])
    refusal = overdraw_refusal(
        balances, fund="F001 (基金)", on=day, amount_fen=amount, what="a grant"
    )
    assert (refusal is None) == all(v >= 0 for d, v in ends.items() if d >= day)
    if refusal is not None and balances.held_fen >= amount:
        first = min(d for d, v in ends.items() if d >= day and v < 0)
        assert f"would be below zero on {first.isoformat()}" in refusal
        reached = dt.date.fromisoformat(refusal.rsplit(" ", 1)[-1])
        # dated on the day the money reaches the fund, the same grant is paid
        assert overdraw_refusal(balances, fund="F", on=reached, amount_fen=amount, what="x") is None
        assert reached > day


def test_a_back_dated_grant_names_the_day_and_when_the_money_arrives() -> None:
    balances = DatedBalances([(dt.date(2018, 5, 1), 500_000)])
    refusal = overdraw_refusal(
        balances, fund="F001 (2018年帮扶资金)", on=dt.date(2018, 3, 1), amount_fen=290_000,
        what="a grant",
    )  # fmt: skip
    assert refusal == (
        "fund F001 (2018年帮扶资金) would be below zero on 2018-03-01 (-2,900.00 yuan) with a "
        "grant of 2,900.00 yuan dated 2018-03-01: the money for it reaches the fund on 2018-05-01"
    )


def test_money_given_on_a_day_is_available_that_day() -> None:
    balances = DatedBalances([(dt.date(2018, 5, 1), 500_000)])
    assert overdraw_refusal(balances, fund="F", on=dt.date(2018, 5, 1), amount_fen=500_000,
                            what="a grant") is None  # fmt: skip


def test_a_fund_short_even_today_says_what_it_holds() -> None:
    balances = DatedBalances([(dt.date(2018, 5, 1), 30_000)])
    refusal = overdraw_refusal(
        balances,
        fund="F002 (送温暖专项)",
        on=dt.date(2018, 6, 1),
        amount_fen=500_000,
        what="a grant",
    )
    assert refusal == (
        "fund F002 (送温暖专项) holds 300.00 yuan; a grant of 5,000.00 yuan would take it below zero"
    )


def test_money_paid_out_later_counts_against_an_earlier_date() -> None:
    """A grant paid in September must still be covered: one dated March may not take its money,
    even though contributions since leave the fund holding enough today."""
    balances = DatedBalances([(dt.date(2018, 1, 2), 100_000), (dt.date(2018, 9, 1), -80_000),
                              (dt.date(2018, 10, 1), 50_000)])  # fmt: skip
    refusal = overdraw_refusal(balances, fund="F", on=dt.date(2018, 3, 1), amount_fen=30_000,
                               what="a grant")  # fmt: skip
    assert refusal == (
        "fund F would be below zero on 2018-09-01 (-100.00 yuan) with a grant of 300.00 yuan "
        "dated 2018-03-01: the money for it reaches the fund on 2018-10-01"
    )


def test_balances_known_from_a_day_on_refuse_questions_about_earlier_days() -> None:
    balances = DatedBalances([], opening_fen=5, since=dt.date(2018, 3, 1))
    assert balances.balance_on(dt.date(2018, 3, 1)) == 5
    try:
        balances.balance_on(dt.date(2018, 2, 1))
    except ValueError as error:
        assert "known from 2018-03-01" in str(error)
    else:
        raise AssertionError("a day before the facts was answered")


@given(moves=movements, later=movements, first=days, second=days, day=days)
def test_balances_read_further_back_agree_with_reading_from_the_earlier_day(
    moves: list[tuple[dt.date, int]],
    later: list[tuple[dt.date, int]],
    first: dt.date,
    second: dt.date,
    day: dt.date,
) -> None:
    """A batch reads a fund's days from its first grant's date, then further back for an earlier
    one: the joined balances answer as if read from the earlier day at once."""
    early, late = min(first, second), max(first, second)

    def known_from(since: dt.date, until: dt.date | None = None) -> DatedBalances:
        before = sum(fen for d, fen in moves if d < since)
        kept = [(d, fen) for d, fen in moves if d >= since and (until is None or d < until)]
        return DatedBalances(kept, opening_fen=before, since=since)

    balances = known_from(late)
    for added_day, fen in later:  # what the batch paid from the later day on
        if added_day >= late:
            balances.add(added_day, fen)
    joined = balances.extended_back(known_from(early, until=late))
    paid = [(d, fen) for d, fen in later if d >= late]
    ends = walked(moves + paid)
    assert joined.since == early
    check = max(day, early)
    assert joined.balance_on(check) == ends[check]
    assert joined.lowest_from(check) == min(v for d, v in ends.items() if d >= check)
    assert joined.held_fen == ends[max(ends)]


def test_an_entry_into_an_asserted_past_is_refused_with_what_to_do() -> None:
    closed = dt.date(2018, 6, 30)
    assert closed_refusal("F001", None, dt.date(2018, 1, 1)) is None
    assert closed_refusal("F001", closed, dt.date(2018, 7, 1)) is None
    assert closed_refusal("F001", closed, closed) == (
        "fund F001's balance was asserted at the end of 2018-06-30; an entry dated 2018-06-30 "
        "would change it (date the entry after the assertion)"
    )

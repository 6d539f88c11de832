"""A fund's balance day by day, and its two rules: below zero at the end of no day, and no
entry into the past its balance assertions closed.

Paper records come late, so an entry can be dated before others already in the
ledger. Money taken out on a day must have been there that day and stay covered
on every later day: a grant dated before the contribution that pays for it would
leave the fund below zero as of its date, whatever the fund holds today.

A day's balance is the balance at the end of that day, after every entry dated
it: money given on a day is available that day, so a grant dated the day its
money arrives is paid. Services gather a fund's net movement per day (one
aggregate query, or once for a whole batch) into ``DatedBalances``; the rule
(``overdraw_refusal``) and ``kunnan ledger verify`` read the balances from it.

A balance assertion (``kunnan fund assert``) closes the fund's past: no entry
may be dated on or before its day (``closed_refusal``), or the balance it
asserted would change.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable

from kunnan.domain.money import format_fen
from kunnan.i18n import _

#: (sum of the nets, lowest running balance within) of an empty stretch of days.
_EMPTY: tuple[int, int | None] = (0, None)


def _join(left: tuple[int, int | None], right: tuple[int, int | None]) -> tuple[int, int | None]:
    """Two stretches of days one after the other: their total, and their lowest running total."""
    left_sum, left_low = left
    right_sum, right_low = right
    if right_low is None:
        return left_sum + right_sum, left_low
    shifted = left_sum + right_low
    return left_sum + right_sum, shifted if left_low is None else min(left_low, shifted)


class DatedBalances:
    """A fund's net movement on each day it moved, and its balance before the first of them.

    ``opening_fen`` is the balance at the end of the day before ``since`` (0 for a whole
    fund); the balances are known from ``since`` on. Each stretch of days keeps its total
    and its lowest running total in a segment tree, so the lowest balance from a day on is
    found, and a new entry added, in a number of steps that grows with the logarithm of the
    number of days, however many grants a batch pays.
    """

    def __init__(
        self,
        movements: Iterable[tuple[dt.date, int]],
        *,
        opening_fen: int = 0,
        since: dt.date | None = None,
    ) -> None:
        nets: dict[dt.date, int] = {}
        for day, fen in movements:
            nets[day] = nets.get(day, 0) + fen
        self._opening = opening_fen
        self._since = since
        self._days = sorted(nets)
        self._nets = [nets[day] for day in self._days]
        self._build()

    # --- the tree -----------------------------------------------------------------------------

    def _build(self) -> None:
        size = 1
        while size < len(self._days):
            size *= 2
        self._size = size
        self._tree: list[tuple[int, int | None]] = [_EMPTY] * (2 * size)
        for place, net in enumerate(self._nets):
            self._tree[size + place] = (net, net)
        for node in range(size - 1, 0, -1):
            self._tree[node] = _join(self._tree[2 * node], self._tree[2 * node + 1])

    def _set(self, place: int, net: int) -> None:
        node = self._size + place
        self._tree[node] = (net, net)
        node //= 2
        while node:
            self._tree[node] = _join(self._tree[2 * node], self._tree[2 * node + 1])
            node //= 2

    def _stretch(self, low: int, high: int) -> tuple[int, int | None]:
        """Total and lowest running total of the days at places [low, high)."""
        left, right = _EMPTY, _EMPTY
        low += self._size
        high += self._size
        while low < high:
            if low & 1:
                left = _join(left, self._tree[low])
                low += 1
            if high & 1:
                high -= 1
                right = _join(self._tree[high], right)
            low //= 2
            high //= 2
        return _join(left, right)

    def _check_known(self, day: dt.date) -> None:
        if self._since is not None and day < self._since:
            raise ValueError(f"balances are known from {self._since.isoformat()} on")

    @property
    def since(self) -> dt.date | None:
        """The first day the balances are known from (None: from the fund's first entry)."""
        return self._since

    def extended_back(self, earlier: DatedBalances) -> DatedBalances:
        """These balances known from ``earlier.since``: ``earlier`` holds the fund's movements
        from that day up to the day before ``since`` (and its balance before them)."""
        if self._since is None or earlier.since is None or earlier.since > self._since:
            raise ValueError("the earlier balances must start before these")
        if earlier._days and earlier._days[-1] >= self._since:
            raise ValueError("the earlier balances must end before these start")
        movements = [
            *zip(earlier._days, earlier._nets, strict=True),
            *zip(self._days, self._nets, strict=True),
        ]
        return DatedBalances(movements, opening_fen=earlier._opening, since=earlier.since)

    # --- what a rule reads ----------------------------------------------------------------------

    def add(self, day: dt.date, fen: int) -> None:
        """An entry's effect on the fund (negative for money out), dated ``day``."""
        self._check_known(day)
        place = bisect.bisect_left(self._days, day)
        if place < len(self._days) and self._days[place] == day:
            self._nets[place] += fen
            self._set(place, self._nets[place])
            return
        self._days.insert(place, day)
        self._nets.insert(place, fen)
        self._build()

    @property
    def held_fen(self) -> int:
        """What the fund holds after every entry, whatever its date."""
        return self._opening + self._stretch(0, len(self._days))[0]

    def balance_on(self, day: dt.date) -> int:
        """The balance at the end of ``day``."""
        self._check_known(day)
        return self._opening + self._stretch(0, bisect.bisect_right(self._days, day))[0]

    def lowest_from(self, day: dt.date) -> int:
        """The lowest balance at the end of ``day`` or of any later day."""
        self._check_known(day)
        place = bisect.bisect_left(self._days, day)
        before, _ = self._stretch(0, place)
        _, low = self._stretch(place, len(self._days))
        on_the_day = self._opening + before
        if place < len(self._days) and self._days[place] == day:
            return on_the_day + (low if low is not None else 0)
        # ``day`` itself moved nothing: it ends with what the day before ended with.
        return on_the_day if low is None else min(on_the_day, on_the_day + low)

    def first_below(self, day: dt.date, level: int = 0) -> tuple[dt.date, int] | None:
        """The first day from ``day`` on that ends below ``level``, with its balance."""
        self._check_known(day)
        balance = self.balance_on(day)
        if balance < level:
            return day, balance
        for place in range(bisect.bisect_right(self._days, day), len(self._days)):
            balance += self._nets[place]
            if balance < level:
                return self._days[place], balance
        return None

    def covered_from(self, day: dt.date, level: int) -> dt.date | None:
        """The first day from ``day`` on from which no day ends below ``level`` (None when
        even the last does)."""
        self._check_known(day)
        balance = self.held_fen
        if balance < level:
            return None
        if self.lowest_from(day) >= level:
            return day
        # Walk back from the last day: the first found ending below follows the answer.
        for place in range(len(self._days) - 1, bisect.bisect_right(self._days, day) - 1, -1):
            balance -= self._nets[place]  # the balance the day before days[place] ended with
            if balance < level:
                return self._days[place]
        return None  # not reached: some day from ``day`` on ends below ``level``


def overdraw_refusal(
    balances: DatedBalances, *, fund: str, on: dt.date, amount_fen: int, what: str
) -> str | None:
    """Why ``what`` (``a grant``, ``a loan`` …, in the language shown) taking ``amount_fen`` out of ``fund`` on day
    ``on`` is refused, or None: the fund must hold it at the end of that day and of every
    later day. ``fund`` is the fund as the message names it: ``F001 (2018年帮扶资金)``."""
    if balances.lowest_from(on) - amount_fen >= 0:
        return None
    held = balances.held_fen
    if held - amount_fen < 0:
        return _(
            "fund {fund} holds {held} yuan; {what} of {amount} yuan would take it below zero",
            fund=fund,
            held=format_fen(held),
            what=what,
            amount=format_fen(amount_fen),
        )
    short = balances.first_below(on, amount_fen)
    reached = balances.covered_from(on, amount_fen)
    assert short is not None and reached is not None  # held covers it, the day does not
    day, balance = short
    return _(
        "fund {fund} would be below zero on {day} ({balance} yuan) with {what} of {amount} "
        "yuan dated {on}: the money for it reaches the fund on {reached}",
        fund=fund,
        day=day.isoformat(),
        balance=format_fen(balance - amount_fen),
        what=what,
        amount=format_fen(amount_fen),
        on=on.isoformat(),
        reached=reached.isoformat(),
    )


def closed_refusal(fund: str, closed: dt.date | None, on: dt.date) -> str | None:
    """Why an entry dated ``on`` cannot go into ``fund`` (its code, F001) whose latest balance
    assertion is at the end of ``closed`` (None: never asserted), or None."""
    if closed is None or on > closed:
        return None
    return _(
        "fund {fund}'s balance was asserted at the end of {closed}; an entry dated {on} would "
        "change it (date the entry after the assertion)",
        fund=fund,
        closed=closed.isoformat(),
        on=on.isoformat(),
    )

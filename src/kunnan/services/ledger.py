"""The aid ledger's hash chain: appending under the head's lock, verifying, reading the head.

Every entry (contribution, reversal, loan, repayment) goes through
``append``. It locks the one ``ledger_head`` row (``SELECT … FOR UPDATE`` on
PostgreSQL; on SQLite the write transaction already began IMMEDIATE and holds
the database's write lock), takes the next sequence number and the previous
hash from it, and moves it on. Two processes appending at once therefore
queue, and the chain never forks. Grants are paid a batch at a time
(``services.aid.GrantPayer``), which holds the head from its start and moves
it on once per batch; both put each entry on the chain with ``link``.

``verify`` is a check in the beancount manner: it returns every problem it
finds (a list), and the command decides the exit code.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from kunnan.domain.aid import (
    CHAIN_FIELDS,
    FUND_DIRECTION,
    GENESIS_HASH,
    ChainValue,
    entry_hash,
    fund_effect,
)
from kunnan.domain.balances import DatedBalances
from kunnan.domain.codes import fund_code
from kunnan.domain.enums import EntryKind
from kunnan.domain.money import format_fen
from kunnan.i18n import _
from kunnan.models import AidEntry, FundAssertion, LedgerHead
from kunnan.store import audit, log


@cache
def fund_effect_sql() -> ColumnElement[int]:
    """What an entry adds to its fund's balance, as SQL (FUND_DIRECTION by kind); built once
    (an expression never changes, and building its CASE cost more than a balance query)."""
    direction = case(
        {kind.value: sign for kind, sign in FUND_DIRECTION.items()},
        value=AidEntry.kind,
        else_=0,
    )
    return direction * AidEntry.amount_fen


def chain_fields(entry: AidEntry) -> dict[str, ChainValue]:
    return {name: getattr(entry, name) for name in CHAIN_FIELDS}


def _locked_head(session: Session) -> LedgerHead:
    return session.scalars(_head_query()).one()


@cache
def _head_query() -> Select[LedgerHead]:
    """Built once: every entry asks it."""
    return (
        select(LedgerHead)
        .where(LedgerHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def link(entry: AidEntry, *, after_seq: int, after_hash: str) -> None:
    """Put a stamped entry on the chain after entry ``after_seq`` (whose hash is
    ``after_hash``): its number, the hash it links to and its own hash. Every entry is
    linked here, one by one (``append``) or a batch at a time (``services.aid.GrantPayer``)."""
    entry.seq = after_seq + 1
    entry.prev_hash = after_hash
    entry.hash = entry_hash(after_hash, chain_fields(entry))


def append(session: Session, entry: AidEntry) -> AidEntry:
    """Number, stamp, hash and add an entry at the end of the chain."""
    context = audit.context(session)
    entry.operator = context.operator
    entry.recorded_at = context.at
    head = _locked_head(session)
    link(entry, after_seq=head.seq, after_hash=head.hash)
    session.add(entry)
    head.seq = entry.seq
    head.hash = entry.hash
    session.flush()  # one flush: the entry and the moved head, under the head's lock
    return entry


def head(session: Session) -> tuple[int, str]:
    """The number of entries and the hash of the last (the genesis hash for none)."""
    row = session.get(LedgerHead, 1)
    if row is None:
        return 0, GENESIS_HASH
    return row.seq, row.hash


@dataclass(frozen=True)
class Problem:
    """One thing ``verify`` found wrong; ``seq`` is the entry it starts at, when there is one."""

    seq: int | None
    message: str


@dataclass(frozen=True)
class Verification:
    count: int
    head_hash: str
    assertions: int
    problems: list[Problem]

    @property
    def first_bad_seq(self) -> int | None:
        return min((p.seq for p in self.problems if p.seq is not None), default=None)


def verify(session: Session, *, expect: str | None = None, events: bool = True) -> Verification:
    """Recompute the chain, check the head, every balance assertion and that no fund's balance
    was below zero at the end of any day; and the event log every entry is an event of
    (``store.log.problems``).

    ``expect`` is a head hash written down earlier: it must still be in the chain.
    """
    problems: list[Problem] = []
    fund_days: dict[int, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    expected_seq, previous = 1, GENESIS_HASH
    found_expected = expect is None or expect == GENESIS_HASH
    query = select(AidEntry).order_by(AidEntry.seq).execution_options(yield_per=500)
    for entry in session.scalars(query):
        unlinked = False
        if entry.seq != expected_seq:
            missing = (
                _("entry {seq} is missing (deleted?)", seq=expected_seq)
                if entry.seq == expected_seq + 1
                else _(
                    "entries {first}–{last} are missing (deleted?)",
                    first=expected_seq,
                    last=entry.seq - 1,
                )
            )
            problems.append(Problem(expected_seq, missing))
        elif entry.prev_hash != previous:
            unlinked = True
        edited = entry_hash(entry.prev_hash, chain_fields(entry)) != entry.hash
        if unlinked or edited:
            problems.append(Problem(entry.seq, _chain_problem(entry.seq, unlinked, edited)))
        problems.extend(_count_on_its_day(entry, fund_days))
        found_expected = found_expected or entry.hash == expect
        expected_seq, previous = entry.seq + 1, entry.hash
        session.expunge(entry)
    count = expected_seq - 1
    problems.extend(_overdrawn_funds(fund_days))
    problems.extend(_head_problems(session, count, previous))
    if not found_expected and expect is not None:
        problems.append(
            Problem(
                None,
                _(
                    "the head written down earlier ({expect}) is not in the chain: "
                    "the ledger was rewritten or cut short",
                    expect=expect,
                ),
            )
        )
    assertions, failed = _assertion_problems(session)
    problems.extend(failed)
    # the event log the chain is part of: each entry is an event, and so is every other change
    # (``db verify`` checks it on its own: ``events=False``)
    if events:
        problems.extend(Problem(None, f"{p.ref}: {p.message}") for p in log.problems(session))
    return Verification(count=count, head_hash=previous, assertions=assertions, problems=problems)


def _chain_problem(seq: int, unlinked: bool, edited: bool) -> str:
    """What is wrong with an entry on the chain: it does not link, its hash does not match, or both."""
    if unlinked and edited:
        return _(
            "entry {seq}: does not link to the entry before it (reordered or replaced?) "
            "and its contents do not match its hash (edited?)",
            seq=seq,
        )
    if unlinked:
        return _(
            "entry {seq}: does not link to the entry before it (reordered or replaced?)", seq=seq
        )
    return _("entry {seq}: its contents do not match its hash (edited?)", seq=seq)


def _count_on_its_day(entry: AidEntry, fund_days: dict[int, dict[dt.date, int]]) -> list[Problem]:
    """Add the entry's effect to its fund's net movement on its date."""
    try:
        kind = EntryKind(entry.kind)
    except ValueError:
        return [
            Problem(
                entry.seq,
                _("entry {seq} has an unknown kind '{kind}'", seq=entry.seq, kind=entry.kind),
            )
        ]
    fund_days[entry.fund_id][entry.on_date] += fund_effect(kind, entry.amount_fen)
    return []


def _overdrawn_funds(fund_days: dict[int, dict[dt.date, int]]) -> list[Problem]:
    """Each fund whose balance ends some day below zero, at the first such day
    (``domain.balances``: the rule grants and loans are judged by)."""
    problems = []
    for fund_id, days in sorted(fund_days.items()):
        first_day = min(days)
        below = DatedBalances(days.items()).first_below(first_day)
        if below is not None:
            day, balance = below
            problems.append(
                Problem(
                    None,
                    _(
                        "fund {fund} is below zero at the end of {day} ({balance} yuan)",
                        fund=fund_code(fund_id),
                        day=day.isoformat(),
                        balance=format_fen(balance),
                    ),
                )
            )
    return problems


def _head_problems(session: Session, count: int, last_hash: str) -> list[Problem]:
    recorded_seq, recorded_hash = head(session)
    if recorded_seq != count:
        return [
            Problem(
                min(recorded_seq, count) + 1,
                _(
                    "the chain ends at entry {count} but the head records entry {recorded}",
                    count=count,
                    recorded=recorded_seq,
                ),
            )
        ]
    if recorded_hash != last_hash:
        return [
            Problem(
                count, _("entry {seq} is not the entry the head records (replaced?)", seq=count)
            )
        ]
    return []


def _assertion_problems(session: Session) -> tuple[int, list[Problem]]:
    balance = func.coalesce(func.sum(fund_effect_sql()), 0)
    rows = session.execute(
        select(FundAssertion.fund_id, FundAssertion.on_date, FundAssertion.balance_fen, balance)
        .outerjoin(
            AidEntry,
            (AidEntry.fund_id == FundAssertion.fund_id)
            & (AidEntry.on_date <= FundAssertion.on_date),
        )
        .group_by(
            FundAssertion.id,
            FundAssertion.fund_id,
            FundAssertion.on_date,
            FundAssertion.balance_fen,
        )
        .order_by(FundAssertion.on_date, FundAssertion.id)
    ).all()
    problems = [
        Problem(None, assertion_failure(fund_id, on_date, asserted, int(actual)))
        for fund_id, on_date, asserted, actual in rows
        if int(actual) != asserted
    ]
    return len(rows), problems


def assertion_failure(fund_id: int, on_date: dt.date, asserted: int, actual: int) -> str:
    return _(
        "fund {fund} was asserted to hold {asserted} yuan at the end of {day}, but its entries "
        "come to {actual} yuan (difference {difference})",
        fund=fund_code(fund_id),
        asserted=format_fen(asserted),
        day=on_date.isoformat(),
        actual=format_fen(actual),
        difference=format_fen(actual - asserted),
    )

"""How SQLite runs the ledger's hot look-ups: through the index that narrows them, not a scan.

No timings: the plan itself is the property. Without statistics SQLite judges an index by its
columns alone, so a condition such as "not a reversal" (true of nearly every entry) can lure it
onto an index that walks the whole ledger once per grant or imported row.
"""

from __future__ import annotations

from sqlalchemy import create_engine, select, text

from kunnan.models import AidEntry
from kunnan.services.aid.grant import live_grants
from tests.support import Ledger


def _plan(ledger: Ledger, statement: object) -> str:
    engine = create_engine(f"sqlite:///{ledger.url}")
    try:
        compiled = statement.compile(engine, compile_kwargs={"literal_binds": True})  # type: ignore[attr-defined]
        with engine.connect() as connection:
            rows = connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        return "\n".join(str(row[-1]) for row in rows)
    finally:
        engine.dispose()


def test_a_households_live_grants_are_found_through_its_own_index(sqlite_baiyin: Ledger) -> None:
    plan = _plan(
        sqlite_baiyin, select(AidEntry.seq).where(live_grants(), AidEntry.household_id == 7)
    )
    outer = plan.splitlines()[0]
    assert "household" in outer and "reverses_seq" not in outer, plan


def test_a_members_live_grants_are_found_through_its_own_index(sqlite_baiyin: Ledger) -> None:
    plan = _plan(sqlite_baiyin, select(AidEntry.seq).where(live_grants(), AidEntry.member_id == 7))
    outer = plan.splitlines()[0]
    assert "member" in outer and "reverses_seq" not in outer, plan


def test_a_funds_dated_balances_are_two_range_scans_of_its_index(sqlite_baiyin: Ledger) -> None:
    """Every grant, loan and reversal asks for the fund's balance before its date and its net
    movement on each day from then on: the (fund, date) index answers both, read in ranges."""
    import datetime as dt

    from kunnan.services.fund import dated_balances_query

    statement = dated_balances_query().params(fund_id=1, on=dt.date(2018, 3, 1))
    plan = _plan(sqlite_baiyin, statement)
    scans = [line for line in plan.splitlines() if "aid_entry" in line]
    assert len(scans) == 2, plan
    assert all(
        "COVERING INDEX ix_aid_entry_fund_on_date (fund_id=? AND on_date" in line for line in scans
    ), plan

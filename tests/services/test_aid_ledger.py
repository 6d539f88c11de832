"""The aid ledger's services called directly: sums in every listing equal the sum of the rows."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kunnan.domain.errors import RuleViolation
from kunnan.schemas import validate
from kunnan.schemas.aid import (
    ContributionCreate,
    FundCreate,
    GrantCreate,
    ReversalCreate,
    RuleChange,
)
from kunnan.schemas.household import HouseholdCreate
from kunnan.schemas.org import OrgCreate
from kunnan.services import fund as funds
from kunnan.services import ledger
from kunnan.services import org as orgs
from kunnan.services import program as programs
from kunnan.services.aid import grant as aid
from kunnan.services.household import register as households
from kunnan.store import households as found_households
from kunnan.store.signatures import seal
from tests.support import make_id

TODAY = dt.date(2026, 11, 28)
_funds = itertools.count(1)


@pytest.fixture
def register(session: Any) -> Any:
    """Two registered households and temporary aid without a cap or exclusions."""
    orgs.add_org(session, data=validate(OrgCreate, {"code": "city", "name": "白银市总工会",
                                                    "kind": "city", "area_code": "620400"},
                                        today=TODAY))  # fmt: skip
    for sequence, registered in ((11, "2017-01-01"), (13, "2017-01-01"), (15, "1998-01-01")):
        data = {"head": {"name": "张三", "id_number": make_id(sequence=sequence)}, "org": "city",
                "registered_on": registered}  # fmt: skip
        households.register_household(
            session, data=validate(HouseholdCreate, data, today=TODAY), today=TODAY
        )
    change = validate(RuleChange, {"yearly_cap_fen": "none", "excludes": "none"}, today=TODAY)
    programs.set_rule(
        session,
        program=programs.find_program(session, "temporary-aid"),
        change=change,
        effective_from=dt.date(2000, 1, 1),
    )
    return session


OPERATION = st.one_of(
    st.tuples(st.just("contribute"), st.integers(1, 500_000_00)),
    st.tuples(st.just("grant"), st.integers(1, 50_000_00), st.sampled_from(["H000001", "H000002"])),
    st.tuples(st.just("reverse"), st.integers(0, 30)),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(OPERATION, min_size=1, max_size=12))
def test_listings_sum_to_their_rows_whatever_is_recorded(
    register: Any, operations: list[Any]
) -> None:
    session = register
    name = f"基金{next(_funds)}"
    fund = funds.add_fund(
        session,
        data=validate(FundCreate, {"name": name, "source": "union", "year": 2018}, today=TODAY),
    )
    day = dt.date(2018, 3, 1)
    seqs: list[int] = []
    for operation in operations:
        try:
            if operation[0] == "contribute":
                data = validate(ContributionCreate, {"amount_fen": operation[1], "counterparty": "市总",
                                                     "on_date": day}, today=TODAY)  # fmt: skip
                seqs.append(funds.contribute(session, fund=fund, data=data).seq)
            elif operation[0] == "grant":
                data = validate(GrantCreate, {"household": operation[2], "program": "temporary-aid",
                                              "fund": name, "amount_fen": operation[1],
                                              "on_date": day}, today=TODAY)  # fmt: skip
                seqs.append(aid.grant(session, data=data).entry.seq)
            elif seqs:
                entry = aid.find_entry(session, str(seqs[operation[1] % len(seqs)]))
                data = validate(ReversalCreate, {"reason": "录错", "on_date": day}, today=TODAY)
                seqs.append(aid.reverse(session, entry=entry, data=data).seq)
        except RuleViolation as refusal:
            expected = ("below zero", "already reversed", "itself the reversal")
            assert any(reason in str(refusal) for reason in expected), refusal

    rows, total = aid.list_aid(session, where=aid.AidFilter(fund_id=fund.id))
    assert total == sum(row.amount_fen for row in rows)
    fund_rows, totals = funds.list_funds(session, where=funds.FundFilter())
    for key in ("contributed_fen", "granted_fen", "balance_fen"):
        assert totals[key] == sum(getattr(row, key) for row in fund_rows)
    mine = next(row for row in fund_rows if row.name == name)
    assert mine.granted_fen == total
    assert mine.balance_fen == mine.contributed_fen - mine.granted_fen >= 0
    assert mine.balance_fen == funds.balance(session, fund.id)
    detail = funds.fund_detail(session, fund)
    assert sum(entry.effect_fen for entry in detail.entries) == mine.balance_fen
    for household in ("H000001", "H000002"):
        household_id = found_households.resolve_household(session, household).id
        per_household, subtotal = aid.list_aid(
            session, where=aid.AidFilter(household_id=household_id, year=2018)
        )
        assert subtotal == sum(row.amount_fen for row in per_household)
    seal(session)  # as a command's write ends: its rows signed and logged
    assert ledger.verify(session).problems == []


def test_a_grant_before_the_first_rule_is_refused(register: Any) -> None:
    session = register
    funds.add_fund(session, data=validate(FundCreate, {"name": "老基金", "source": "union",
                                                       "year": 1999}, today=TODAY))  # fmt: skip
    data = validate(GrantCreate, {"household": "H000003", "program": "temporary-aid",
                                  "fund": "老基金", "on_date": "1999-06-01"}, today=TODAY)  # fmt: skip
    with pytest.raises(RuleViolation, match="temporary-aid has no rule in force on 1999-06-01"):
        aid.grant(session, data=data)

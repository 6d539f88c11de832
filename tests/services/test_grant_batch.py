"""A batch of many grants pays what the same grants pay as batches of one (aid grant), refuses
what they refuse, and keeps the chain whole."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kunnan.db.location import resolve
from kunnan.domain.errors import KunnanError
from kunnan.schemas import validate
from kunnan.schemas.aid import GrantCreate
from kunnan.services.aid import grant as one
from kunnan.services.aid.grant import GrantPlan, grant_many
from tests.conftest import AID, LedgerMaker
from tests.services.batch_support import played_both_ways, rows
from tests.support import open_sealed

TODAY = dt.date(2026, 11, 28)
STUDENT = 2  # H000001's student (member #2), admitted to university in 2018

PLANS = [
    GrantPlan(1, "golden-autumn", 1, dt.date(2018, 9, 1)),
    GrantPlan(1, "send-warmth", 1, dt.date(2018, 1, 20)),
    GrantPlan(1, "living-aid", 1, dt.date(2018, 3, 1), amount_fen=400000, ref="SH-1"),
    GrantPlan(
        1, "living-aid", 1, dt.date(2018, 4, 1), amount_fen=300000, override_reason="重病特批"
    ),
    GrantPlan(1, "insurance", 1, dt.date(2018, 5, 1), member_id=STUDENT, amount_fen=7000),
    GrantPlan(2, "temporary-aid", 1, dt.date(2018, 6, 1)),
]


def one_by_one(session: Any, plans: list[GrantPlan]) -> None:
    for plan in plans:
        member = {STUDENT: "张小梅"}.get(plan.member_id or 0)
        data = validate(
            GrantCreate,
            {"household": f"H{plan.household_id}", "program": plan.program, "fund": f"F{plan.fund_id:03d}",
             "on_date": plan.on, "member": member, "amount_fen": plan.amount_fen, "ref": plan.ref,
             "override_reason": plan.override_reason},
            today=TODAY,
        )  # fmt: skip
        one.grant(session, data=data)


def test_grant_many_writes_what_grant_writes(
    maker: LedgerMaker, backend: str, tmp_path: Any
) -> None:
    plays = (one_by_one, grant_many)
    with played_both_ways(maker, backend, tmp_path, AID, plays, PLANS) as (singly, batched):
        chainless = ("aid_entry", "audit_log")
        expected, actual = rows(singly, chainless), rows(batched, chainless)
        # Every column but the chain's own (prev_hash, hash: they cover each command's own timestamp).
        assert [r[:-2] for r in actual["aid_entry"]] == [r[:-2] for r in expected["aid_entry"]]
        assert actual["audit_log"] == expected["audit_log"]
        for ledger in (singly, batched):
            ledger.ok("ledger", "verify")
            ledger.ok("db", "verify")
        assert (
            batched.ok("ledger", "head").stdout.split()[0]
            == singly.ok("ledger", "head").stdout.split()[0]
        )


@pytest.mark.parametrize(
    ("plans", "message"),
    [
        ([GrantPlan(2, "send-warmth", 1, dt.date(2018, 1, 20))], "archived households only"),
        ([GrantPlan(1, "send-warmth", 1, dt.date(2018, 1, 20))] * 2, "once per household a year"),
        ([GrantPlan(1, "medical-aid", 1, dt.date(2018, 2, 1), amount_fen=20_000_001)], "capped"),
        ([GrantPlan(1, "golden-autumn", 1, dt.date(2017, 9, 1))], "admitted"),
        ([GrantPlan(1, "living-aid", 1, dt.date(2016, 1, 1))], "registered on"),
        ([GrantPlan(1, "living-aid", 1, dt.date(2018, 3, 1), amount_fen=20_000_000, override_reason="x")],
         "below zero"),
    ],
)  # fmt: skip
def test_grant_many_refuses_the_whole_batch(
    maker: LedgerMaker, backend: str, tmp_path: Any, plans: list[GrantPlan], message: str
) -> None:
    with maker.fresh(backend, tmp_path, *AID) as ledger:
        before = ledger.snapshot()
        with open_sealed(
            resolve(ledger.url), write=True, operator="x", command="kunnan demo"
        ) as session:
            with pytest.raises(KunnanError, match=message):
                grant_many(session, plans)
            session.rollback()
        assert ledger.snapshot() == before

"""A batch of pairings writes what assign and visit write one by one (each a batch of one), and
refuses what they refuse."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from kunnan.db.location import resolve
from kunnan.domain.enums import VisitKind
from kunnan.domain.errors import KunnanError
from kunnan.schemas import validate
from kunnan.schemas.pairing import PairingCreate, VisitCreate
from kunnan.services import pair as pairing
from kunnan.services.pair import PairingPlan, VisitPlan, pair_many
from kunnan.store.households import resolve_household
from tests.conftest import BAIYIN, LedgerMaker
from tests.services.batch_support import played_both_ways, rows
from tests.support import Ledger, archive_household, make_id, open_sealed

TODAY = dt.date(2026, 11, 28)


def prepare(cli: Ledger) -> None:
    cli.ok("policy", "set-line", "--area", "620402", "--year", "2018", "--amount", "520")
    for n in (1, 2, 3):
        cli.ok("household", "add", "--name", f"户{'一二三'[n - 1]}", "--id-number", make_id(sequence=10 * n + 1),
               "--org", "phosphate", "--income", "0", "--cause", "illness", "--on", "2018-01-02")  # fmt: skip
        archive_household(cli, f"H00000{n}", start=dt.date(2018, 1, 8))


def visit(
    on: dt.date,
    note: str,
    kind: VisitKind = VisitKind.HOME,
    by: str | None = None,
    solved: str | None = None,
) -> VisitPlan:
    """A visit, validated as ``pair visit`` validates it."""
    data = {"by": by, "kind": kind, "note": note, "solved": solved}
    return VisitPlan(on, validate(VisitCreate, data, today=TODAY))


def plan(
    household_id: int,
    unit: str,
    contact: str,
    phone: str,
    on: dt.date,
    visits: tuple[VisitPlan, ...] = (),
) -> PairingPlan:
    """A pairing, validated as ``pair assign`` validates it."""
    data = validate(PairingCreate, {"unit": unit, "contact": contact, "phone": phone}, today=TODAY)
    return PairingPlan(household_id, data, on, visits)


PLANS = [
    plan(1, "aluminium-unit", "李发明", "13893005678", dt.date(2018, 2, 1),
         (visit(dt.date(2018, 3, 1), "入户了解情况", solved="协调低保"),
          visit(dt.date(2018, 6, 1), "电话回访", VisitKind.PHONE, by="张清满"))),
    plan(2, "华鹭铝业公司", "王芳", "+86 139-0000-1111", dt.date(2018, 1, 15)),
]  # fmt: skip


def one_by_one(session: Any, plans: list[PairingPlan]) -> None:
    for plan in plans:
        household = resolve_household(session, f"H{plan.household_id}")
        pairing.assign(session, household, data=plan.data, on=plan.on)
        for visit in plan.visits:
            pairing.log_visit(session, household, data=visit.data, on=visit.on)


def test_pair_many_writes_the_rows_of_assign_and_visit(
    maker: LedgerMaker, backend: str, tmp_path: Any
) -> None:
    chain = (*BAIYIN, ("pair-batch", prepare))
    plays = (one_by_one, pair_many)
    with played_both_ways(maker, backend, tmp_path, chain, plays, PLANS) as (singly, batched):
        for table in ("pairing", "pair_visit", "audit_log"):
            assert rows(batched, (table,))[table] == rows(singly, (table,))[table], table


@pytest.mark.parametrize(
    "make",
    [
        lambda: plan(1, "nowhere", "李发明", "13893005678", dt.date(2018, 2, 1)),
        lambda: plan(1, "aluminium-unit", "李发明", "12345", dt.date(2018, 2, 1)),
        lambda: plan(
            1, "aluminium-unit", "李发明", "13893005678", dt.date(2018, 1, 1)
        ),  # before archived
        lambda: plan(
            1,
            "aluminium-unit",
            "李发明",
            "13893005678",
            dt.date(2018, 2, 1),
            (visit(dt.date(2018, 1, 20), "早于结对"),),
        ),
    ],
)
def test_pair_many_refuses_what_assign_refuses(
    maker: LedgerMaker, backend: str, tmp_path: Any, make: Callable[[], PairingPlan]
) -> None:
    with maker.fresh(backend, tmp_path, *BAIYIN, ("pair-batch", prepare)) as ledger:
        before = ledger.snapshot()
        with open_sealed(
            resolve(ledger.url), write=True, operator="x", command="kunnan demo"
        ) as session:
            with pytest.raises(KunnanError):
                pair_many(session, [make()])  # a bad phone is refused as the plan is made
            session.rollback()
        assert ledger.snapshot() == before

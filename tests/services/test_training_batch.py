"""A cohort enrolled, completed and certified as one batch writes what training enroll, complete
and certify write one by one (each a batch of one), and the batch refuses what they refuse."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kunnan.db.location import resolve
from kunnan.domain.errors import KunnanError
from kunnan.schemas import validate
from kunnan.schemas.service_aid import EnrolmentCreate, StageCreate
from kunnan.services import training
from kunnan.services.training import TraineePlan, train_many
from tests.conftest import AID, LedgerMaker
from tests.services.batch_support import played_both_ways, rows
from tests.support import Ledger, open_sealed

NAMES = {1: "张建国", 2: "张小梅", 3: "李明"}
TODAY = dt.date(2026, 1, 1)


def classes(cli: Ledger) -> None:
    """Two classes on the aid ledger: H000001 archived (members 1, 2), H000002 a candidate (3)."""
    cli.ok("training", "class", "add", "--name", "2018年第一期电焊班", "--trade", "welding",
           "--start", "2018-03-01", "--end", "2018-04-30", "--capacity", "3")  # fmt: skip
    cli.ok("training", "class", "add", "--name", "2018年家政服务班", "--trade", "housekeeping",
           "--start", "2018-06-01", "--end", "2018-07-15")  # fmt: skip


PLANS = [
    TraineePlan(1, 1, 1, dt.date(2018, 2, 20), completed_on=dt.date(2018, 4, 30),
                certified_on=dt.date(2018, 5, 15), certificate_no="6204001801234"),
    TraineePlan(1, 1, 2, dt.date(2018, 2, 21), completed_on=dt.date(2018, 4, 30)),
    TraineePlan(1, 2, 3, dt.date(2018, 2, 22), not_archived=True),
    TraineePlan(2, 1, 1, dt.date(2018, 6, 1)),
]  # fmt: skip


def one_by_one(session: Any, plans: list[TraineePlan]) -> None:
    def ref(plan: TraineePlan) -> dict[str, Any]:
        return {"training_class": f"C{plan.class_id:03d}", "household": f"H{plan.household_id:06d}",
                "member": NAMES[plan.member_id]}  # fmt: skip

    for plan in plans:
        training.enrol(session, data=validate(EnrolmentCreate, {
            **ref(plan), "on_date": plan.enrolled_on, "not_archived": plan.not_archived,
        }, today=TODAY))  # fmt: skip
    for plan in plans:
        if plan.completed_on is not None:
            training.complete(session, data=validate(StageCreate, {
                **ref(plan), "on_date": plan.completed_on}, today=TODAY))  # fmt: skip
    for plan in plans:
        if plan.certified_on is not None:
            training.certify(session, data=validate(StageCreate, {
                **ref(plan), "on_date": plan.certified_on, "certificate_no": plan.certificate_no,
            }, today=TODAY))  # fmt: skip


TABLES = ("training_enrolment", "training_progress", "audit_log")


def test_train_many_writes_what_the_training_commands_write(
    maker: LedgerMaker, backend: str, tmp_path: Any
) -> None:
    chain = (*AID, ("training-batch", classes))
    plays = (one_by_one, train_many)
    with played_both_ways(maker, backend, tmp_path, chain, plays, PLANS) as (singly, batched):
        expected = rows(singly, TABLES)
        assert rows(batched, TABLES) == expected
        assert len(expected["training_enrolment"]) == 4
        assert len(expected["training_progress"]) == 3
        funnel = batched.ok("training", "list", "-f", "json").rows()
        assert [(r["code"], r["enrolled"], r["completed"], r["certified"]) for r in funnel] == [
            ("C001", 3, 2, 1), ("C002", 1, 0, 0),
        ]  # fmt: skip
        batched.ok("db", "verify")


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        (TraineePlan(1, 2, 3, dt.date(2018, 2, 22)), "not archived"),
        (TraineePlan(1, 1, 2, dt.date(2018, 5, 1)), "ended on 2018-04-30"),
        (TraineePlan(1, 1, 1, dt.date(2018, 2, 23)), "already enrolled in class C001"),
        (TraineePlan(1, 1, 3, dt.date(2018, 2, 23)), "has no member 3"),
        (TraineePlan(1, 1, 2, dt.date(2016, 2, 23)), "was registered on"),
        (
            TraineePlan(2, 1, 2, dt.date(2018, 6, 1), completed_on=dt.date(2018, 5, 30)),
            "before that",
        ),
        (TraineePlan(1, 1, 2, dt.date(2018, 2, 1), completed_on=dt.date(2018, 2, 2)), "starts on"),
        (
            TraineePlan(
                2, 1, 2, dt.date(2018, 6, 1), certified_on=dt.date(2018, 7, 20), certificate_no="X"
            ),
            "has not completed",
        ),
        (
            TraineePlan(
                2,
                1,
                2,
                dt.date(2018, 6, 1),
                completed_on=dt.date(2018, 7, 15),
                certified_on=dt.date(2018, 7, 20),
            ),
            "--certificate",
        ),
        (TraineePlan(9, 1, 2, dt.date(2018, 6, 1)), "no training class"),
    ],
)
def test_train_many_refuses_the_whole_batch(
    maker: LedgerMaker, backend: str, tmp_path: Any, plan: TraineePlan, message: str
) -> None:
    with maker.fresh(backend, tmp_path, *AID, ("training-batch", classes)) as ledger:
        before = ledger.snapshot()
        with open_sealed(
            resolve(ledger.url), write=True, operator="x", command="kunnan demo"
        ) as session:
            with pytest.raises(KunnanError, match=message):
                train_many(session, [PLANS[0], plan])
            session.rollback()
        assert ledger.snapshot() == before


def test_a_full_class_refuses_the_batch_that_overfills_it(
    maker: LedgerMaker, backend: str, tmp_path: Any
) -> None:
    with maker.fresh(backend, tmp_path, *AID, ("training-batch", classes)) as ledger:
        ledger.ok("training", "class", "add", "--name", "电工班", "--trade", "electrician",
                  "--start", "2018-03-01", "--end", "2018-04-30", "--capacity", "2")  # fmt: skip
        ledger.ok("training", "enroll", "C003", "H000001", "--on", "2018-02-10")
        before = ledger.snapshot()
        with open_sealed(
            resolve(ledger.url), write=True, operator="x", command="kunnan demo"
        ) as session:
            with pytest.raises(KunnanError, match=r"C003 \(电工班\) is full: all 2 places"):
                train_many(session, [TraineePlan(3, 1, 2, dt.date(2018, 2, 11)),
                                     TraineePlan(3, 2, 3, dt.date(2018, 2, 11), not_archived=True)])  # fmt: skip
            session.rollback()
        assert ledger.snapshot() == before

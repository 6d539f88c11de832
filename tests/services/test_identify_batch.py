"""Whole histories of the seven steps as one batch write exactly what the same steps write one at
a time (each a batch of one, as the commands record them), and refuse what they refuse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kunnan.db.location import resolve
from kunnan.domain.enums import ArchiveLevel, Category, Cause, Decision, Step
from kunnan.domain.errors import RuleViolation
from kunnan.services import identify as one
from kunnan.services.identify import History, PlannedStep, identify_many
from kunnan.store.households import resolve_household
from tests.conftest import BAIYIN, LedgerMaker
from tests.services.batch_support import played_both_ways, rows
from tests.support import Ledger, make_id, open_sealed

DAY = dt.date(2018, 4, 2)


def prepare(cli: Ledger) -> None:
    cli.ok("policy", "set-line", "--area", "620402", "--year", "2018", "--amount", "520")
    for n, income in enumerate(("0", "900", "1600", "5000"), start=1):
        cli.ok("household", "add", "--name", f"户{'一二三四'[n - 1]}", "--id-number", make_id(sequence=10 * n + 1),
               "--org", "phosphate", "--income", income, "--cause", "illness", "--on", "2018-03-01")  # fmt: skip
        cli.ok("household", "member", "add", f"H00000{n}", "--name", "家属", "--relation", "spouse",
               "--id-number", make_id(birth=dt.date(1980, 1, n), sequence=10 * n + 2))  # fmt: skip


def plans() -> list[History]:
    def walk(
        household: int,
        *,
        car: int = 0,
        decision: Decision = Decision.APPROVE,
        stop: Step | None = None,
        confirm: one.ConfirmFacts | None = None,
    ) -> History:
        inspect = one.InspectFacts("owned", Decimal("44.5"), car, False, False)
        steps = [
            PlannedStep(Step.VISIT, DAY, visitors=("李发明", "张清满")),
            PlannedStep(Step.INSPECT, DAY + dt.timedelta(days=1), inspect=inspect, override="营运车辆" if car else None),
            PlannedStep(Step.CALCULATE, DAY + dt.timedelta(days=2), costs=one.CostFacts(accident_costs_fen=150000)),
            PlannedStep(Step.DELIBERATE, DAY + dt.timedelta(days=3), decision=decision, attendees=7, minutes="研究"),
            PlannedStep(Step.APPRAISE, DAY + dt.timedelta(days=4), votes_for=9, votes_against=1),
            PlannedStep(Step.PUBLICIZE, DAY + dt.timedelta(days=7), place="公示栏"),
            PlannedStep(Step.CONFIRM, DAY + dt.timedelta(days=14),
                        confirm=confirm or one.ConfirmFacts("baiyin", None, None, (Cause.EDUCATION,),
                                                            ArchiveLevel.NATIONAL, None)),
        ]  # fmt: skip
        if stop is not None:
            steps = steps[: [s.step for s in steps].index(stop) + 1]
        return History(household, tuple(steps))

    return [
        walk(1),
        walk(2, decision=Decision.REJECT, stop=Step.DELIBERATE),
        walk(3, stop=Step.APPRAISE),
        walk(4, car=20_000_000,
             confirm=one.ConfirmFacts("baiyin", Category.ACCIDENT, Cause.ACCIDENT, None, ArchiveLevel.CITY, "特批")),
    ]  # fmt: skip


def record(session: Any, household: Any, p: PlannedStep) -> None:
    """One planned step through the one-by-one service, as the step's command would call it."""
    if p.step is Step.VISIT:
        one.record_visit(session, household, on=p.on, visitors=p.visitors)
    elif p.step is Step.INSPECT:
        assert p.inspect is not None
        one.record_inspect(session, household, on=p.on, facts=p.inspect, override=p.override)
    elif p.step is Step.CALCULATE:
        one.record_calculate(session, household, on=p.on, costs=p.costs)
    elif p.step is Step.DELIBERATE:
        one.record_deliberate(session, household, on=p.on, decision=p.decision, attendees=p.attendees,
                              minutes=p.minutes)  # fmt: skip
    elif p.step is Step.APPRAISE:
        one.record_appraise(
            session, household, on=p.on, votes_for=p.votes_for, votes_against=p.votes_against
        )
    elif p.step is Step.PUBLICIZE:
        one.record_publicize(session, household, start=p.on, days=p.days, place=p.place)
    else:
        assert p.confirm is not None
        one.record_confirm(session, household, on=p.on, facts=p.confirm)


def play_one_by_one(session: Any, histories: list[History]) -> None:
    for history in histories:
        household = resolve_household(session, f"H{history.household_id}")
        for planned in history.steps:
            record(session, household, planned)
            if household.status == "rejected":
                break  # the rest of its history does not happen


IDENTIFICATION_TABLES = (
    "identification_case", "identification_step", "income_calculation", "household_status_change",
    "household", "household_cause", "audit_log",
)  # fmt: skip


def test_batch_and_one_by_one_write_the_same_rows(
    maker: LedgerMaker, backend: str, tmp_path: Any
) -> None:
    chain = (*BAIYIN, ("batch-identify", prepare))
    plays = (play_one_by_one, identify_many)
    with played_both_ways(maker, backend, tmp_path, chain, plays, plans()) as (singly, batched):
        expected = rows(singly, IDENTIFICATION_TABLES)
        actual = rows(batched, IDENTIFICATION_TABLES)
        for table in expected:
            assert actual[table] == expected[table], table
        statuses = {
            r["code"]: r["status"] for r in batched.ok("household", "list", "-f", "json").rows()
        }
        assert statuses == {"H000001": "archived", "H000002": "rejected", "H000003": "identifying",
                            "H000004": "archived"}  # fmt: skip
        batched.ok("db", "verify")


def test_the_batch_refuses_what_the_steps_refuse(
    maker: LedgerMaker, backend: str, tmp_path: Any
) -> None:
    with maker.fresh(backend, tmp_path, *BAIYIN, ("batch-identify", prepare)) as ledger:
        history = plans()[0]
        cases = {
            "order": History(1, (history.steps[0], history.steps[2])),
            "backwards": History(1, (history.steps[0], PlannedStep(Step.INSPECT, DAY - dt.timedelta(days=1)))),
            "notice": History(1, (*history.steps[:6], PlannedStep(Step.CONFIRM, DAY + dt.timedelta(days=10),
                                                                  confirm=history.steps[6].confirm))),
            "one visitor": History(1, (PlannedStep(Step.VISIT, DAY, visitors=("甲",)),)),
        }  # fmt: skip
        for name, bad in cases.items():
            with open_sealed(
                resolve(ledger.url), write=True, operator="x", command="kunnan demo"
            ) as session:
                with pytest.raises(RuleViolation):
                    identify_many(session, [bad])
                session.rollback()
            assert (
                ledger.ok("household", "show", "H000001", "-f", "json").json()["status"]
                == "candidate"
            ), name

"""A batch of exits writes what the same exits write one by one (each command a batch of one),
and refuses what they refuse."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from kunnan.db.location import resolve
from kunnan.domain.enums import ExitKind, FollowupOutcome
from kunnan.domain.errors import KunnanError
from kunnan.services import exit as one
from kunnan.services.exit import ExitPlan, FollowupPlan, exit_many, followup_many
from kunnan.services.identify import CostFacts, calculate
from kunnan.store.households import resolve_household
from tests.conftest import BAIYIN, LedgerMaker
from tests.services.batch_support import played_both_ways, rows
from tests.support import Ledger, archive_household, make_id, open_sealed


def prepare(cli: Ledger) -> None:
    cli.ok("policy", "set-line", "--area", "620402", "--year", "2018", "--amount", "520")
    for n, income in enumerate(("0", "0", "0", "0"), start=1):
        cli.ok("household", "add", "--name", f"户{'一二三四'[n - 1]}", "--id-number", make_id(sequence=10 * n + 1),
               "--org", "phosphate", "--income", income, "--cause", "illness", "--on", "2018-01-02")  # fmt: skip
        archive_household(cli, f"H00000{n}", start=dt.date(2018, 1, 8))
    cli.ok("pair", "assign", "H000001", "--unit", "aluminium-unit", "--contact", "李发明",
           "--phone", "13893005678", "--on", "2018-02-01")  # fmt: skip
    cli.ok("household", "member", "edit", "H000001", "head", "--income", "3000")
    cli.ok("household", "member", "edit", "H000002", "head", "--income", "3000")


PLANS = [
    ExitPlan(1, ExitKind.STABLE, dt.date(2018, 6, 1), recalculate=CostFacts()),
    ExitPlan(
        2, ExitKind.STABLE, dt.date(2018, 6, 2), recalculate=CostFacts(other_income_fen=10000)
    ),
    ExitPlan(3, ExitKind.MOVED, dt.date(2018, 7, 1), moved_to="兰州市"),
    ExitPlan(4, ExitKind.SAFETY_NET, dt.date(2018, 7, 2), reason="纳入特困供养"),
]


def one_by_one(session: Any, plans: list[ExitPlan]) -> None:
    for plan in plans:
        household = resolve_household(session, f"H{plan.household_id}")
        if plan.kind is ExitKind.STABLE:
            one.exit_stable(
                session, household, on=plan.on, recalculate=plan.recalculate, resolved=plan.resolved
            )
        else:
            one.exit_other(
                session,
                household,
                kind=plan.kind,
                on=plan.on,
                reason=plan.reason,
                moved_to=plan.moved_to,
            )


TABLES = ("household_exit", "followup", "income_calculation", "household_status_change", "household", "pairing",
          "audit_log")  # fmt: skip


def test_exit_many_writes_what_the_exits_write(
    maker: LedgerMaker, backend: str, tmp_path: Any
) -> None:
    chain = (*BAIYIN, ("exit-batch", prepare))
    plays = (one_by_one, exit_many)
    with played_both_ways(maker, backend, tmp_path, chain, plays, PLANS) as (singly, batched):
        expected = rows(singly, TABLES)
        actual = rows(batched, TABLES)
        for table in TABLES:
            if (
                table == "household_exit"
            ):  # the calculation an exit rests on has its own id in each ledger
                strip = lambda found: [r[:-2] for r in found]  # noqa: E731
                assert strip(actual[table]) == strip(expected[table])
            else:
                assert actual[table] == expected[table], table
        assert [r["code"] for r in batched.ok("exit", "list", "-f", "json").rows()] == [
            "H000001", "H000002", "H000003", "H000004",
        ]  # fmt: skip
        batched.ok("db", "verify")


def test_a_stable_exit_recalculates_as_identification_calculates(
    maker: LedgerMaker, backend: str, tmp_path: Any
) -> None:
    """The calculation a stable exit records is the one identification's 三算 records."""
    chain = (*BAIYIN, ("exit-batch", prepare))
    costs = CostFacts(other_income_fen=10000, medical_costs_fen=25000, schooling_costs_fen=5000)
    plans = [ExitPlan(2, ExitKind.STABLE, dt.date(2018, 6, 2), recalculate=costs)]

    def calculated(session: Any, plans: list[ExitPlan]) -> None:
        for plan in plans:
            household = resolve_household(session, f"H{plan.household_id}")
            assert plan.recalculate is not None
            calculate(session, household, on=plan.on, costs=plan.recalculate, purpose="exit")

    plays = (calculated, exit_many)
    with played_both_ways(maker, backend, tmp_path, chain, plays, plans) as (singly, batched):
        table = ("income_calculation",)
        assert rows(batched, table) == rows(singly, table)


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        (
            ExitPlan(3, ExitKind.STABLE, dt.date(2018, 6, 1), recalculate=CostFacts()),
            "cannot exit stably",
        ),
        (ExitPlan(1, ExitKind.STABLE, dt.date(2018, 12, 1)), "more than 90 days"),
        (ExitPlan(1, ExitKind.STABLE, dt.date(2018, 1, 1), recalculate=CostFacts()), "archived on"),
        (ExitPlan(1, ExitKind.SAFETY_NET, dt.date(2018, 6, 1)), "say why"),
        (ExitPlan(1, ExitKind.MOVED, dt.date(2018, 6, 1)), "where the household moved"),
        (ExitPlan(1, ExitKind.STABLE, dt.date(2018, 6, 1), resolved="x"), "accident"),
    ],
)
def test_exit_many_refuses_the_whole_batch(
    maker: LedgerMaker, backend: str, tmp_path: Any, plan: ExitPlan, message: str
) -> None:
    with maker.fresh(backend, tmp_path, *BAIYIN, ("exit-batch", prepare)) as ledger:
        before = ledger.snapshot()
        with open_sealed(
            resolve(ledger.url), write=True, operator="x", command="kunnan demo"
        ) as session:
            with pytest.raises(KunnanError, match=message):
                exit_many(session, [PLANS[3], plan])
            session.rollback()
        assert ledger.snapshot() == before


FOLLOWUPS = [
    FollowupPlan(1, dt.date(2018, 9, 3), "李发明", FollowupOutcome.STABLE, "收入稳定"),
    FollowupPlan(1, dt.date(2018, 12, 2), "李发明", FollowupOutcome.AT_RISK, "家人患病"),
    FollowupPlan(2, dt.date(2018, 9, 1), "王芳", FollowupOutcome.STABLE, "在岗"),
    # Three due (3, 6, 12 months) and a fourth visit: recorded as an extra one.
    *(
        FollowupPlan(2, dt.date(2019, m, 1), "王芳", FollowupOutcome.STABLE, "回访")
        for m in (1, 7, 9)
    ),
    FollowupPlan(3, dt.date(2018, 8, 1), "赵兰", FollowupOutcome.STABLE, "迁居后电话回访"),
]


def followups_one_by_one(session: Any, plans: list[FollowupPlan]) -> None:
    for plan in plans:
        one.record_followup(
            session, resolve_household(session, f"H{plan.household_id}"), on=plan.on,
            visitor=plan.visitor, outcome=plan.outcome, note=plan.note,
        )  # fmt: skip


def test_followup_many_writes_what_exit_followup_writes(
    maker: LedgerMaker, backend: str, tmp_path: Any
) -> None:
    chain = (*BAIYIN, ("exit-batch", prepare))

    def exits_then(play: Callable[[Any, list[FollowupPlan]], Any]) -> Callable[[Any, Any], None]:
        def both(session: Any, plans: list[FollowupPlan]) -> None:
            exit_many(session, PLANS)
            play(session, plans)

        return both

    plays = (exits_then(followups_one_by_one), exits_then(followup_many))
    with played_both_ways(maker, backend, tmp_path, chain, plays, FOLLOWUPS) as (singly, batched):
        tables = ("followup", "audit_log")
        assert rows(batched, tables) == rows(singly, tables)
        done = rows(batched, ("followup",))["followup"]
        assert sum(1 for row in done if "回访" in row) == 3
        batched.ok("db", "verify")


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        (FollowupPlan(4, dt.date(2018, 8, 1), "x", FollowupOutcome.STABLE, ""), "not exited"),
        (
            FollowupPlan(1, dt.date(2018, 5, 1), "x", FollowupOutcome.STABLE, ""),
            "cannot come before",
        ),
        (FollowupPlan(99, dt.date(2018, 8, 1), "x", FollowupOutcome.STABLE, ""), "no household"),
    ],
)
def test_followup_many_refuses_the_whole_batch(
    maker: LedgerMaker, backend: str, tmp_path: Any, plan: FollowupPlan, message: str
) -> None:
    with maker.fresh(backend, tmp_path, *BAIYIN, ("exit-batch", prepare)) as ledger:
        with open_sealed(
            resolve(ledger.url), write=True, operator="x", command="kunnan demo"
        ) as session:
            exit_many(session, PLANS[:3])
        before = ledger.snapshot()
        with open_sealed(
            resolve(ledger.url), write=True, operator="x", command="kunnan demo"
        ) as session:
            with pytest.raises(KunnanError, match=message):
                followup_many(session, [FOLLOWUPS[0], plan])
            session.rollback()
        assert ledger.snapshot() == before


def prepare_months(cli: Ledger) -> None:
    """Two one-person households archived on 2018-01-15 at 600.00 a month (marginal: above the
    line of 520.00, below 1.5 × it), a third at nothing; the exit rule is months from 2018."""
    cli.ok("policy", "set-line", "--area", "620402", "--year", "2018", "--amount", "520")
    for n, income in enumerate(("600", "600", "0"), start=1):
        cli.ok("household", "add", "--name", f"户{'一二三'[n - 1]}", "--id-number", make_id(sequence=10 * n + 1),
               "--org", "phosphate", "--income", income, "--cause", "illness", "--on", "2018-01-02")  # fmt: skip
        archive_household(cli, f"H00000{n}", start=dt.date(2018, 1, 8))
    cli.ok("policy", "set", "exit_rule", "months", "--from", "2018-01-01")


MONTHS_PLANS = [
    ExitPlan(1, ExitKind.STABLE, dt.date(2018, 7, 20), recalculate=CostFacts()),
    ExitPlan(2, ExitKind.STABLE, dt.date(2018, 7, 21), recalculate=CostFacts()),
]


def test_exit_many_judges_the_months_rule_as_the_exits_one_by_one(
    maker: LedgerMaker, backend: str, tmp_path: Any
) -> None:
    chain = (*BAIYIN, ("exit-batch-months", prepare_months))
    plays = (one_by_one, exit_many)
    with played_both_ways(maker, backend, tmp_path, chain, plays, MONTHS_PLANS) as (
        singly,
        batched,
    ):
        tables = ("household_exit", "followup", "household_status_change")
        expected, actual = rows(singly, tables), rows(batched, tables)
        strip = lambda found: [r[:-2] for r in found]  # noqa: E731 (the calculation ids differ)
        assert strip(actual.pop("household_exit")) == strip(expected.pop("household_exit"))
        assert actual == expected
        reason = (
            "per capita at or above the dibao line since 2018-01-08, 6 months or more "
            "(2 income figures)"
        )
        listed = batched.ok("exit", "list", "-f", "json").rows()
        assert [r["reason"] for r in listed] == [reason, reason]
    with (
        maker.fresh(backend, tmp_path, *chain) as ledger,
        open_sealed(
            resolve(ledger.url), write=True, operator="x", command="kunnan demo"
        ) as session,
    ):
        late = ExitPlan(3, ExitKind.STABLE, dt.date(2018, 7, 20), recalculate=CostFacts())
        with pytest.raises(KunnanError, match=r"H000003 cannot exit stably: per capita 0\.00"):
            exit_many(session, [MONTHS_PLANS[0], late])
        session.rollback()

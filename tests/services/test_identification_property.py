"""Whatever order caseworkers try the steps in, nothing is archived without all seven, in order,
with the public notice run to its end."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from kunnan.domain.enums import Category, Decision, Step
from kunnan.domain.errors import KunnanError
from kunnan.domain.identification import ORDER
from kunnan.models import IdentificationCase, IdentificationStep
from kunnan.schemas import validate
from kunnan.schemas.household import HouseholdCreate
from kunnan.schemas.org import OrgCreate
from kunnan.schemas.policy import PolicyLineSet
from kunnan.services import identify as ident
from kunnan.services.household.register import register_household
from kunnan.services.org import add_org
from kunnan.services.policy import set_line
from tests.support import make_id

START = dt.date(2018, 3, 1)
TODAY = dt.date(2026, 11, 28)
_serial = itertools.count(1)

ACTIONS = ["visit", "inspect", "calculate", "deliberate", "appraise", "publicize", "object",
           "settle_dismiss", "settle_uphold", "confirm", "reject", "restart"]  # fmt: skip


def setup(session: Any) -> None:
    add_org(session, data=validate(OrgCreate, {"code": "c", "name": "市总", "kind": "city",
                                                "area_code": "620400"}, today=TODAY))  # fmt: skip
    add_org(session, data=validate(OrgCreate, {"code": "q", "name": "区总", "kind": "county",
                                                "parent": "c", "area_code": "620402"}, today=TODAY))  # fmt: skip
    set_line(session, data=validate(PolicyLineSet, {"area_code": "620402", "year": 2018,
                                                    "dibao_line_fen": "520"}, today=TODAY))  # fmt: skip


def attempt(session: Any, household: Any, action: str, day: dt.date, choice: int) -> None:
    if action == "visit":
        ident.record_visit(session, household, on=day, visitors=["甲", "乙"][: 1 + choice % 2])
    elif action == "inspect":
        facts = ident.InspectFacts(None, None, car_value_fen=choice * 5_000_000,
                                   second_home=False, business=False)  # fmt: skip
        ident.record_inspect(session, household, on=day, facts=facts, override=None)
    elif action == "calculate":
        ident.record_calculate(session, household, on=day, costs=ident.CostFacts())
    elif action == "deliberate":
        decision = Decision.APPROVE if choice % 3 else Decision.REJECT
        ident.record_deliberate(
            session, household, on=day, decision=decision, attendees=5, minutes="m"
        )
    elif action == "appraise":
        ident.record_appraise(session, household, on=day, votes_for=choice, votes_against=2)
    elif action == "publicize":
        ident.record_publicize(session, household, start=day, days=7 + choice % 3, place="")
    elif action == "object":
        ident.file_objection(session, household, on=day, by="某", text="异议")
    elif action.startswith("settle"):
        case = ident.latest_case(session, household)
        objections = ident.case_view(session, household).objections if case else []
        pending = [o for o in objections if o.status == "open"]
        if pending:
            found = ident.find_objection(session, str(pending[0].id))
            ident.settle_objection(
                session, found, upheld=action.endswith("uphold"), on=day, note=""
            )
    elif action == "confirm":
        facts = ident.ConfirmFacts("c", Category.DIBAO if choice % 2 else None, None, None,
                                   ident.ArchiveLevel.NATIONAL, override="o" if choice % 4 == 0 else None)  # fmt: skip
        ident.record_confirm(session, household, on=day, facts=facts)
    elif action == "reject":
        ident.reject(session, household, on=day, reason="r")
    elif action == "restart":
        ident.restart(session, household, on=day, reason="again")


MOVE = st.tuples(
    st.sampled_from(ACTIONS),
    st.integers(min_value=0, max_value=12),
    st.integers(min_value=0, max_value=5),
)
HAPPY = ["visit", "inspect", "calculate", "deliberate", "appraise", "publicize", "confirm"]


@st.composite
def near_happy_paths(draw: st.DrawFn) -> list[Any]:
    """The seven steps in order, then shuffled a little: swaps, drops, repeats, intruders."""
    passing = {"visit": [1, 3], "inspect": [0, 3], "deliberate": [1, 2], "appraise": [3, 4, 5],
               "confirm": [1, 3]}  # fmt: skip
    moves = [
        (
            action,
            draw(st.integers(7, 12) if action == "confirm" else st.integers(0, 3)),
            draw(st.sampled_from(passing.get(action, [0, 1, 2]))),
        )
        for action in HAPPY
    ]
    for _ in range(draw(st.integers(0, 3))):
        index = draw(st.integers(0, len(moves) - 1))
        kind = draw(st.sampled_from(["swap", "drop", "repeat", "insert"]))
        if kind == "swap" and index + 1 < len(moves):
            moves[index], moves[index + 1] = moves[index + 1], moves[index]
        elif kind == "drop" and len(moves) > 1:
            moves.pop(index)
        elif kind == "repeat":
            moves.insert(index, moves[index])
        else:
            moves.insert(index, draw(MOVE))
    return moves


def prepared(session: Any) -> Any:
    if session.info.get("prepared") is None:
        setup(session)
        session.info["prepared"] = True
    return session


def play(session: Any, moves: list[Any]) -> Any:
    """Register a fresh household and try every move on it; refused moves leave nothing behind."""
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=next(_serial))
    data = {
        "head": {"name": "测试", "id_number": make_id(sequence=7, birth=birth)},
        "org": "q",
        "main_cause": "illness",
        "registered_on": START,
    }
    household = register_household(
        session, data=validate(HouseholdCreate, data, today=TODAY), today=TODAY
    )
    day = START
    for action, step_days, choice in moves:
        day = min(day + dt.timedelta(days=step_days), TODAY)
        nested = session.begin_nested()
        try:
            attempt(session, household, action, day, choice)
            nested.commit()
        except KunnanError:
            nested.rollback()
            session.expire_all()
        if household.status == "archived":
            break
    session.refresh(household)
    return household


def test_the_happy_path_does_archive(session: Any) -> None:
    choices = {"visit": 1, "inspect": 0, "deliberate": 1, "appraise": 5, "confirm": 1}
    moves = [(action, 1, choices.get(action, 0)) for action in HAPPY[:-1]] + [("confirm", 9, 1)]
    assert play(prepared(session), moves).status == "archived"


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moves=st.one_of(st.lists(MOVE, max_size=40), near_happy_paths()))
def test_random_step_sequences_never_archive_without_the_seven_steps(
    session: Any, moves: list[Any]
) -> None:
    household = play(prepared(session), moves)
    event(f"ended {household.status}")
    if household.status != "archived":
        return
    case = session.scalars(
        select(IdentificationCase).where(
            IdentificationCase.household_id == household.id, IdentificationCase.status == "archived"
        )
    ).one()
    steps = list(
        session.scalars(
            select(IdentificationStep)
            .where(IdentificationStep.case_id == case.id)
            .order_by(IdentificationStep.id)
        )
    )
    assert [Step(s.step) for s in steps] == list(ORDER)
    assert [s.done_on for s in steps] == sorted(s.done_on for s in steps)
    notice = json.loads(steps[5].details)
    assert steps[6].done_on > dt.date.fromisoformat(notice["until"])
    assert household.archive_no is not None and household.category is not None

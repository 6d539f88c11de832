"""Pairing and agreement services called directly: histories never overlap, coverage rolls up
the union tree exactly, and exits (a later workflow) end pairings and count as exits."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from kunnan.domain.codes import household_code
from kunnan.domain.enums import HouseholdStatus
from kunnan.domain.errors import KunnanError, RuleViolation
from kunnan.models import Household, Pairing, PairVisit
from kunnan.schemas import validate
from kunnan.schemas.household import HouseholdCreate
from kunnan.schemas.org import OrgCreate
from kunnan.schemas.pairing import PairingCreate, VisitCreate
from kunnan.services import agreement as agreements
from kunnan.services import pair as pairing
from kunnan.services.household.register import register_household
from kunnan.services.org import add_org
from kunnan.store.orgs import find_org
from kunnan.store.status import change_status
from tests.support import make_id

TODAY = dt.date(2026, 11, 28)
ARCHIVED_ON = dt.date(2018, 4, 16)
_serial = itertools.count(1)

#: code → (kind, parent)
TREE = {
    "city": ("city", None),
    "east": ("county", "city"),
    "west": ("county", "city"),
    "plant": ("grassroots", "east"),
    "mine": ("grassroots", "east"),
    "mill": ("grassroots", "west"),
    "depot": ("grassroots", "city"),
    "helpers": ("unit", "east"),
}
UNIONS = [code for code, (kind, _) in TREE.items() if kind != "unit"]


def prepared(session: Any) -> Any:
    if session.info.get("tree") is None:
        for code, (kind, parent) in TREE.items():
            fields = {"code": code, "name": f"{code}工会", "kind": kind, "area_code": "620402"}
            if parent:
                fields["parent"] = parent
            add_org(session, data=validate(OrgCreate, fields, today=TODAY))
        session.info["tree"] = True
    return session


@contextmanager
def scratch(session: Any) -> Iterator[Any]:
    """Work inside a savepoint that is rolled back, so examples do not see each other's rows."""
    nested = session.begin_nested()
    try:
        yield session
    finally:
        nested.rollback()
        session.expire_all()


def household(session: Any, org: str, *, archived: bool = True) -> Household:
    """A household in ``org``; archived on ARCHIVED_ON (the seven steps are tested elsewhere)."""
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=next(_serial))
    data = {
        "head": {"name": "测试", "id_number": make_id(birth=birth, sequence=5)},
        "org": org,
        "registered_on": dt.date(2018, 3, 1),
    }
    found = register_household(
        session, data=validate(HouseholdCreate, data, today=TODAY), today=TODAY
    )
    if archived:
        change_status(
            session, found, status=HouseholdStatus.ARCHIVED, on=ARCHIVED_ON, reason="confirmed"
        )
        found.archived_on = ARCHIVED_ON
    session.flush()
    return found


def pairing_data(contact: str = "李发明", unit: str = "helpers") -> PairingCreate:
    return validate(
        PairingCreate, {"unit": unit, "contact": contact, "phone": "13893005678"}, today=TODAY
    )


def subtree(code: str) -> set[str]:
    found = {code}
    for child, (_, parent) in TREE.items():
        if parent == code:
            found |= subtree(child)
    return found


HOUSEHOLDS = st.lists(st.tuples(st.sampled_from(UNIONS), st.booleans(), st.booleans()), max_size=14)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(households=HOUSEHOLDS)
def test_each_unions_coverage_counts_exactly_the_households_under_it(
    session: Any, households: list[tuple[str, bool, bool]]
) -> None:
    with scratch(prepared(session)) as work:
        for org, archived, paired in households:
            made = household(work, org, archived=archived)
            if archived and paired:
                pairing.assign(work, made, data=pairing_data(), on=dt.date(2018, 5, 1))
        rows, overall = pairing.coverage(work, on=dt.date(2018, 12, 31))
        by_code = {row.org_code: row for row in rows}
        assert set(by_code) == set(UNIONS)
        for code in UNIONS:
            mine = [h for h in households if h[0] in subtree(code) and h[1]]
            row = by_code[code]
            assert (row.archived, row.paired) == (len(mine), sum(1 for h in mine if h[2]))
            assert row.unpaired == row.archived - row.paired
            assert row.visit_overdue == row.paired  # nobody visited since May
        assert (overall.archived, overall.paired) == (
            by_code["city"].archived,
            by_code["city"].paired,
        )
        scoped, east = pairing.coverage(work, on=dt.date(2018, 12, 31), org=find_org(work, "east"))
        assert [row.org_code for row in scoped] == ["east", "plant", "mine"]
        assert (east.archived, east.paired) == (by_code["east"].archived, by_code["east"].paired)
        listed = {row.code for row in pairing.unpaired(work, on=dt.date(2018, 12, 31))}
        assert len(listed) == overall.unpaired


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["assign", "reassign", "end", "visit"]),
        st.integers(min_value=-5, max_value=300),
        st.sampled_from(["李发明", "张清满"]),
    ),
    max_size=25,
)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_pairing_histories_never_overlap_whatever_caseworkers_try(
    session: Any, operations: list[tuple[str, int, str]]
) -> None:
    with scratch(prepared(session)) as work:
        target = household(work, "plant")
        for action, offset, contact in operations:
            day = ARCHIVED_ON + dt.timedelta(days=offset)
            attempt = work.begin_nested()
            try:
                if action == "assign":
                    pairing.assign(work, target, data=pairing_data(contact), on=day)
                elif action == "reassign":
                    pairing.reassign(work, target, data=pairing_data(contact, "plant"), on=day)
                elif action == "end":
                    pairing.end_pairing(work, target, on=day, reason="撤销")
                else:
                    note = validate(VisitCreate, {"note": "走访"}, today=TODAY)
                    pairing.log_visit(work, target, data=note, on=day)
                attempt.commit()
            except KunnanError:
                attempt.rollback()
                work.expire_all()
        history = list(
            work.scalars(
                select(Pairing)
                .where(Pairing.household_id == target.id)
                .order_by(Pairing.started_on, Pairing.id)
            )
        )
        assert sum(1 for p in history if p.ended_on is None) <= 1
        assert all(p.started_on >= ARCHIVED_ON for p in history)
        for earlier, later in itertools.pairwise(history):
            assert earlier.ended_on is not None and earlier.ended_on <= later.started_on
        for p in history:
            assert p.ended_on is None or p.ended_on >= p.started_on
        spans = {p.id: p for p in history}
        for visit in work.scalars(select(PairVisit).where(PairVisit.household_id == target.id)):
            span = spans[visit.pairing_id]
            assert span.started_on <= visit.visited_on
            assert span.ended_on is None or visit.visited_on <= span.ended_on
        code = household_code(target.id)
        for offset in range(-5, 301, 40):
            day = ARCHIVED_ON + dt.timedelta(days=offset)
            covered = any(
                p.started_on <= day and (p.ended_on is None or day < p.ended_on) for p in history
            )
            unpaired = {row.code for row in pairing.unpaired(work, on=day)}
            if day < ARCHIVED_ON:
                assert code not in unpaired  # not archived yet, so not counted at all
            else:
                assert (code not in unpaired) == covered


def test_ending_the_active_pairing_returns_none_when_there_is_none(session: Any) -> None:
    with scratch(prepared(session)) as work:
        target = household(work, "plant")
        assert pairing.end_active_pairing(work, target, on=dt.date(2018, 6, 1), reason="x") is None
        pairing.assign(work, target, data=pairing_data(), on=dt.date(2018, 5, 1))
        with pytest.raises(RuleViolation, match="before that"):
            pairing.end_active_pairing(work, target, on=dt.date(2018, 4, 30), reason="迁出")
        ended = pairing.end_active_pairing(work, target, on=dt.date(2018, 6, 1), reason="迁出")
        assert ended is not None and (ended.ended_on, ended.end_reason) == (
            dt.date(2018, 6, 1),
            "迁出",
        )
        assert pairing.active_pairing(work, target) is None


def test_an_exit_ends_the_pairing_and_counts_for_its_union_and_those_above(session: Any) -> None:
    with scratch(prepared(session)) as work:
        leaving = household(work, "plant")
        staying = household(work, "mill")
        for member in (leaving, staying):
            pairing.assign(work, member, data=pairing_data(), on=dt.date(2018, 5, 1))
        # What the exit workflow does: the status history says exited, the pairing ends.
        exit_day = dt.date(2018, 10, 8)
        change_status(
            work, leaving, status=HouseholdStatus.EXITED, on=exit_day, reason="exit: stable"
        )
        assert pairing.end_active_pairing(work, leaving, on=exit_day, reason="稳定脱困") is not None
        city, east, plant, west = (find_org(work, c) for c in ("city", "east", "plant", "west"))
        assert [
            agreements.households_exited(work, org=o, year=2018) for o in (city, east, plant, west)
        ] == [1, 1, 1, 0]
        assert agreements.households_exited(work, org=city, year=2019) == 0
        year_end = agreements.coverage_at_year_end(work, org=city, year=2018)
        assert (year_end.archived, year_end.paired) == (1, 1)
        before_exit = pairing.coverage_of(work, org=east, on=dt.date(2018, 10, 7))
        assert (before_exit.archived, before_exit.paired) == (1, 1)

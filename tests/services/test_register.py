"""The register's services called directly: rules hold without the command line."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import select

from kunnan.domain.errors import Conflict, NotFound, RuleViolation
from kunnan.models import AuditEntry, Org
from kunnan.schemas import validate
from kunnan.schemas.household import HouseholdCreate, HouseholdUpdate, MemberCreate, MemberUpdate
from kunnan.schemas.org import OrgCreate
from kunnan.services import org as orgs
from kunnan.services import policy
from kunnan.services.household import register as households
from kunnan.store import households as found_households
from kunnan.store import orgs as found_orgs
from tests.support import make_id

TODAY = dt.date(2026, 11, 28)


def org(session: Any, **fields: str) -> Org:
    return orgs.add_org(session, data=validate(OrgCreate, fields, today=TODAY))


@pytest.fixture
def unions(session: Any) -> Any:
    org(session, code="city", name="白银市总工会", kind="city", area_code="620400")
    org(
        session,
        code="county",
        name="白银区总工会",
        kind="county",
        parent="city",
        area_code="620402",
    )
    org(session, code="plant", name="磷肥厂工会", kind="grassroots", parent="county")
    return session


def register(session: Any, sequence: int = 1, **extra: Any) -> Any:
    data = {
        "head": {"name": "张三", "id_number": make_id(sequence=sequence)},
        "org": "plant",
        **extra,
    }
    return households.register_household(
        session, data=validate(HouseholdCreate, data, today=TODAY), today=TODAY
    )


def test_org_paths_make_subtrees(unions: Any) -> None:
    city = found_orgs.find_org(unions, "city")
    plant = found_orgs.find_org(unions, "磷肥厂工会")
    assert plant.path.startswith(city.path) and plant.path.count("/") == 4
    assert plant.area_code == "620402"
    under_county = [
        row.code for row in orgs.list_orgs(unions, under=found_orgs.find_org(unions, "county"))
    ]
    assert under_county == ["county", "plant"]


def test_registering_stamps_status_dates_and_an_audit_row(unions: Any) -> None:
    household = register(unions, registered_on="2018-03-01")
    assert household.status == "candidate"
    assert household.registered_on == dt.date(2018, 3, 1)
    head = found_households.head_of(household)
    assert (head.birth_date, head.sex) == (dt.date(1978, 3, 15), "male")
    entry = unions.scalars(select(AuditEntry).where(AuditEntry.entity == "household")).one()
    assert entry.operator == "测试员" and entry.command == "kunnan test"
    assert (
        json.loads(entry.changes)["head"]["id_number"] == "620402" + "*" * 10 + head.id_number[-2:]
    )


def test_the_same_person_cannot_be_registered_twice(unions: Any) -> None:
    household = register(unions)
    with pytest.raises(Conflict, match="already registered"):
        register(unions)
    with pytest.raises(Conflict):
        households.add_member(
            unions,
            household,
            data=validate(MemberCreate, {"name": "李四", "id_number": make_id()}, today=TODAY),
        )


def test_resolving_households(unions: Any) -> None:
    household = register(unions)
    member = households.add_member(
        unions,
        household,
        data=validate(
            MemberCreate,
            {"name": "张小", "id_number": make_id(sequence=2), "relation": "child"},
            today=TODAY,
        ),
    )
    code = households.household_code(household.id)
    assert found_households.resolve_household(unions, code) is household
    assert (
        found_households.resolve_household(unions, found_households.head_of(household).id_number)
        is household
    )
    with pytest.raises(NotFound, match="not to a head worker"):
        found_households.resolve_household(unions, member.id_number)
    assert found_households.find_member(household, "张小") is member


def test_edits_report_exactly_what_changed(unions: Any) -> None:
    household = register(unions)
    changes = households.edit_household(
        unions,
        household,
        data=validate(HouseholdUpdate, {"address": "人民路", "org": "county"}, today=TODAY),
    )
    assert changes == {"address": ("", "人民路"), "org": ("plant", "county")}
    assert (
        households.edit_household(
            unions, household, data=validate(HouseholdUpdate, {"address": "人民路"}, today=TODAY)
        )
        == {}
    )
    head = found_households.head_of(household)
    with pytest.raises(RuleViolation):
        households.edit_member(
            unions,
            household,
            head,
            data=validate(MemberUpdate, {"relation": "spouse"}, today=TODAY),
        )


def test_policy_settings_are_judged_by_the_rule_of_their_day(unions: Any) -> None:
    assert policy.setting_value(unions, "notice_days", on=TODAY) == "7"
    policy.set_setting(unions, key="notice_days", value="10", effective_from=dt.date(2019, 1, 1))
    assert policy.setting_value(unions, "notice_days", on=dt.date(2018, 12, 31)) == "7"
    assert policy.setting_value(unions, "notice_days", on=dt.date(2019, 1, 1)) == "10"
    with pytest.raises(NotFound, match="no dibao line for area 620402 in 2018"):
        policy.dibao_line(unions, area_code="620402", year=2018)


def test_an_imported_household_keeps_its_standing_only_when_archived() -> None:
    from kunnan.domain.errors import InvalidInput
    from kunnan.schemas.household import HouseholdImport

    head = {"name": "张建国", "id_number": make_id(sequence=11)}
    archived = validate(
        HouseholdImport,
        {"head": head, "org": "x", "status": "建档", "archive_no": "BY-1", "category": "低保户",
         "main_cause": "因病"},
        today=TODAY,
    )  # fmt: skip
    assert (archived.status, archived.category, archived.head.relation) == (
        "archived",
        "dibao",
        "head",
    )
    refusals = [
        ({"status": "archived", "category": "dibao", "main_cause": "illness"},
         "--archive-no: an archived household needs its archive number"),
        ({"status": "archived", "archive_no": "A", "main_cause": "illness"},
         "--category: an archived household needs its category"),
        ({"status": "archived", "archive_no": "A", "category": "dibao"},
         "--main-cause: an archived household needs its main cause"),
        ({"category": "dibao"}, "--category: a candidate has no category yet"),
        ({"status": "rejected"}, "--status: a household cannot be imported with status rejected"),
    ]  # fmt: skip
    for extra, message in refusals:
        with pytest.raises(InvalidInput, match=message):
            validate(HouseholdImport, {"head": head, "org": "x", **extra}, today=TODAY)


def test_an_admission_needs_its_year_in_every_model_with_the_same_words() -> None:
    """One rule (``domain.register.admission_problem``): adding a member, editing one (as
    ``household member edit`` and ``import households --update`` do), importing one."""
    from kunnan.domain.errors import InvalidInput

    words = "--year: give the admission level and the year of admission together"
    person = {"name": "张小梅", "id_number": make_id(sequence=12)}
    names = {"admitted_year": "--year"}
    for model, data in (
        (MemberCreate, {**person, "admitted": "undergraduate"}),
        (MemberUpdate, {"admitted": "undergraduate"}),
        (MemberUpdate, {"admitted": "none", "admitted_year": "2018"}),
        (MemberUpdate, {"admitted_year": "2018"}),
    ):
        with pytest.raises(InvalidInput, match=words):
            validate(model, data, today=TODAY, names=names)
    cleared = validate(MemberUpdate, {"admitted": "none"}, today=TODAY)
    assert (cleared.admitted, cleared.admitted_year) == ("none", None)


def test_a_household_needs_an_area_code_when_its_union_has_none(session: Any) -> None:
    """The rule (``domain.register.missing_area_code``) that ``import households`` reports
    under the 地区 column, raised by ``household add`` under its option."""
    from kunnan.domain.errors import InvalidInput

    org(session, code="solo", name="独立工会", kind="city")
    words = "--area: is required: the union '独立工会' has no area code to default to"
    with pytest.raises(InvalidInput, match=words):
        register(session, org="solo")
    household = register(session, org="solo", area_code="620402")
    assert household.area_code == "620402"

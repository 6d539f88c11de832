"""The aid ledger's pure rules: the canonical form and hash of an entry, and how a rule judges."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kunnan.domain.aid import (
    CASH,
    CHAIN_FIELDS,
    GENESIS_HASH,
    Earlier,
    GrantCase,
    Rule,
    canonical,
    cash_refusal,
    entry_hash,
    fund_effect,
    grant_member,
    judge,
    program_slug,
    receipt_refusal,
    reversal_refusal,
    rule_in_force,
)
from kunnan.domain.enums import AdmissionLevel, EntryKind, HouseholdStatus, OncePer
from kunnan.domain.errors import InvalidInput, RuleViolation

ENTRY: dict[str, Any] = {
    "seq": 2,
    "kind": "grant",
    "on_date": dt.date(2018, 9, 1),
    "year": 2018,
    "fund_id": 1,
    "household_id": 1,
    "member_id": 2,
    "program": "golden-autumn",
    "rule_from": dt.date(2000, 1, 1),
    "amount_fen": 500000,
    "reverses_seq": None,
    "counterparty": None,
    "ref": "金秋[2018]1号",
    "reason": None,
    "override_reason": None,
    "operator": "李发明",
    "recorded_at": dt.datetime(2018, 9, 1, 2, 30, 5, 123456, tzinfo=dt.UTC),
}


def test_the_canonical_form_is_a_fixed_compact_json_array() -> None:
    assert canonical(ENTRY).decode() == (
        '["kunnan-aid-1",2,"grant","2018-09-01",2018,1,1,2,"golden-autumn","2000-01-01",'
        '500000,null,null,"金秋[2018]1号",null,null,"李发明","2018-09-01T02:30:05.123456Z"]'
    )


def test_the_hash_of_an_entry_is_pinned_so_the_chain_format_never_changes_silently() -> None:
    # the same as: printf "%s\n%s" GENESIS_HASH CANONICAL_FORM | sha256sum
    assert entry_hash(GENESIS_HASH, ENTRY) == (
        "7f1b1c06c8212e2bc37480f0fc3e87ccf69d20b170a168668dabfa9d9b391e2f"
    )


def test_timestamps_hash_the_same_in_any_zone() -> None:
    beijing = dt.timezone(dt.timedelta(hours=8))
    local = {**ENTRY, "recorded_at": ENTRY["recorded_at"].astimezone(beijing)}
    assert entry_hash(GENESIS_HASH, local) == entry_hash(GENESIS_HASH, ENTRY)
    with pytest.raises(ValueError, match="timezone-aware"):
        canonical({**ENTRY, "recorded_at": dt.datetime(2018, 9, 1)})
    with pytest.raises(ValueError, match="missing: seq"):
        canonical({k: v for k, v in ENTRY.items() if k != "seq"})


CHANGES = st.sampled_from(CHAIN_FIELDS).flatmap(
    lambda name: st.tuples(
        st.just(name),
        st.one_of(st.integers(-(10**12), 10**12), st.text(max_size=20), st.none()),
    )
)


@given(CHANGES)
def test_changing_any_field_changes_the_hash(change: tuple[str, Any]) -> None:
    name, value = change
    if ENTRY[name] == value:
        return
    assert entry_hash(GENESIS_HASH, {**ENTRY, name: value}) != entry_hash(GENESIS_HASH, ENTRY)


def test_the_hash_depends_on_the_previous_entry() -> None:
    assert entry_hash("1" * 64, ENTRY) != entry_hash(GENESIS_HASH, ENTRY)


def test_contributions_fill_a_fund_and_grants_draw_on_it() -> None:
    assert fund_effect(EntryKind.CONTRIBUTION, 1000) == 1000
    assert fund_effect(EntryKind.GRANT, 1000) == -1000
    assert fund_effect(EntryKind.GRANT, -1000) == 1000  # a reversed grant returns the money


def test_programme_codes_are_typed_loosely() -> None:
    assert program_slug(" Golden_Autumn ") == "golden-autumn"
    assert program_slug("temporary aid") == "temporary-aid"


GOLDEN = Rule(
    program="golden-autumn",
    effective_from=dt.date(2000, 1, 1),
    level_standards={AdmissionLevel.UNDERGRADUATE: 500000, AdmissionLevel.HIGH_SCHOOL: 300000},
    ceiling=True,
    admission_required=True,
    once_per=OncePer.MEMBER,
)
STUDENT = GrantCase(
    household="H000001",
    status=HouseholdStatus.ARCHIVED,
    year=2018,
    member="张小梅",
    admitted=AdmissionLevel.HIGH_SCHOOL,
    admitted_year=2018,
)


def test_golden_autumn_pays_by_level() -> None:
    judgement = judge(GOLDEN, STUDENT)
    assert (judgement.amount_fen, judgement.refusals) == (300000, ())


def test_eligibility_cannot_be_overridden() -> None:
    case = GrantCase(household="H000002", status=HouseholdStatus.CANDIDATE, year=2018)
    judgement = judge(GOLDEN, case)
    assert [r.rule for r in judgement.hard] == ["archived_only", "admission"]
    assert judgement.amount_fen is None
    anyone = Rule(program="temporary-aid", effective_from=dt.date(2000, 1, 1),
                  standard_fen=200000, archived_only=False)  # fmt: skip
    assert judge(anyone, case).refusals == ()


def test_limits_can_be_overridden_and_name_their_figures() -> None:
    capped = Rule(program="medical-aid", effective_from=dt.date(2000, 1, 1),
                  standard_fen=500000, yearly_cap_fen=2000000, excludes=("mutual-aid",))  # fmt: skip
    earlier = Earlier(program="mutual-aid", seq=7, on_date=dt.date(2018, 3, 1))
    case = GrantCase(household="H000001", status=HouseholdStatus.ARCHIVED, year=2018,
                     asked_fen=800000, received_this_year_fen=1500000, combined=(earlier,))  # fmt: skip
    judgement = judge(capped, case)
    assert judgement.hard == ()
    assert [r.rule for r in judgement.limits] == ["yearly_cap", "no_double_funding"]
    assert "so at most 5,000.00 yuan more (8,000.00 yuan asked)" in judgement.limits[0].message
    assert "received mutual-aid in 2018 (entry 7 on 2018-03-01)" in judgement.limits[1].message


def test_once_a_year_and_the_ceiling() -> None:
    case = GrantCase(
        household="H000001", status=HouseholdStatus.ARCHIVED, year=2018, member="张小梅",
        admitted=AdmissionLevel.UNDERGRADUATE, admitted_year=2018, asked_fen=600000,
        once_earlier=Earlier(program="golden-autumn", seq=3, on_date=dt.date(2018, 9, 1)),
    )  # fmt: skip
    judgement = judge(GOLDEN, case)
    assert [r.rule for r in judgement.limits] == ["ceiling", "once_per_year"]
    assert (
        "at most 5,000.00 yuan for undergraduate; 6,000.00 yuan asked"
        in judgement.limits[0].message
    )
    assert "once per student a year; 张小梅 already received it" in judgement.limits[1].message


def test_a_programme_without_a_standard_needs_an_amount() -> None:
    bare = Rule(program="mutual-aid", effective_from=dt.date(2000, 1, 1))
    case = GrantCase(household="H000001", status=HouseholdStatus.ARCHIVED, year=2018)
    with pytest.raises(InvalidInput, match="no standard amount: give --amount"):
        judge(bare, case)
    assert judge(bare, GrantCase(**{**case.__dict__, "asked_fen": 1})).amount_fen == 1


def test_aid_goes_to_no_household_before_its_registration_or_after_it_left() -> None:
    registered = dt.date(2018, 1, 10)
    before = receipt_refusal("H000001", dt.date(2018, 1, 9), what="a loan",
                             registered_on=registered, status=None)  # fmt: skip
    assert before == "H000001 was registered on 2018-01-10; a loan dated 2018-01-09 is before it"
    left = receipt_refusal("H000001", dt.date(2019, 3, 1), what="a grant",
                           registered_on=registered, status=HouseholdStatus.EXITED,
                           left=(dt.date(2019, 1, 5), "stable"))  # fmt: skip
    assert left == (
        "H000001 left the register on 2019-01-05 (stable); exited households receive no new aid "
        "or services"
    )
    assert receipt_refusal("H000001", registered, what="a grant", registered_on=registered,
                           status=HouseholdStatus.CANDIDATE) is None  # fmt: skip


def test_only_cash_programmes_are_granted_from_a_fund() -> None:
    assert cash_refusal("living-aid", CASH) is None
    assert cash_refusal("training", "service") == "training is not paid in cash from a fund"


def test_the_rule_in_force_is_the_latest_from_the_day_or_before() -> None:
    rules = [
        Rule("x", dt.date(2000, 1, 1), standard_fen=1),
        Rule("x", dt.date(2018, 7, 1), standard_fen=2),
    ]
    assert rule_in_force(rules, "x", dt.date(2018, 6, 30)).standard_fen == 1
    assert rule_in_force(rules, "x", dt.date(2018, 7, 1)).standard_fen == 2
    with pytest.raises(RuleViolation, match="x has no rule in force on 1999-12-31"):
        rule_in_force(rules, "x", dt.date(1999, 12, 31))


@dataclass(frozen=True)
class Someone:
    name: str
    relation: str = "child"
    admitted_level: str | None = None
    admitted_year: int | None = None


def test_a_grant_without_a_member_named_goes_to_the_one_the_rule_chooses() -> None:
    head = Someone("张建国", "head")
    student = Someone("张小梅", admitted_level="undergraduate", admitted_year=2018)
    brother = Someone("张小军", admitted_level="high_school", admitted_year=2018)
    by_admission = Rule("golden-autumn", dt.date(2000, 1, 1), admission_required=True)
    by_member = Rule("insurance", dt.date(2000, 1, 1), once_per=OncePer.MEMBER)
    assert grant_member([head, student], by_admission, "H000001", 2018) == student
    assert grant_member([head, student], by_admission, "H000001", 2019) is None
    assert grant_member([student, head], by_member, "H000001", 2018) == head
    assert grant_member([head], Rule("living-aid", dt.date(2000, 1, 1)), "H000001", 2018) is None
    with pytest.raises(InvalidInput) as refused:
        grant_member([head, student, brother], by_admission, "H000001", 2018)
    assert str(refused.value) == (
        "give --member: 2 members of H000001 were admitted in 2018 (张小梅, 张小军)"
    )


def test_an_entry_is_reversed_once_never_a_reversal_and_never_before_its_date() -> None:
    on = dt.date(2018, 3, 1)
    assert reversal_refusal(7, on, on, reverses_seq=None, reversed_by=None) is None
    assert reversal_refusal(7, on, on, reverses_seq=3, reversed_by=None) == (
        "entry 7 is itself the reversal of entry 3; record the aid again instead"
    )
    assert reversal_refusal(7, on, on, reverses_seq=None, reversed_by=9) == (
        "entry 7 was already reversed by entry 9"
    )
    assert reversal_refusal(7, on, dt.date(2018, 2, 28), reverses_seq=None, reversed_by=None) == (
        "a reversal cannot be dated before the entry it reverses (2018-03-01)"
    )

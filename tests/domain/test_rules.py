"""Phones, names, area codes, dates, masking, enums and policy settings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kunnan.domain import policy
from kunnan.domain.dates import DateError, not_in_future, parse_date
from kunnan.domain.enums import ALL_ENUMS, Category, HouseholdStatus
from kunnan.domain.masking import mask_birth_date, mask_id_number, mask_name, mask_phone
from kunnan.domain.phone import PhoneError, parse_mobile
from kunnan.domain.text import TextError, clean_area_code, clean_code, clean_name, clean_text


@pytest.mark.parametrize(
    "text",
    [
        "13893001234",
        "+86 138 9300 1234",
        "138-9300-1234",
        "008613893001234",
        "１３８９３００１２３４",
    ],
)
def test_mobile_numbers_are_normalised(text: str) -> None:
    assert parse_mobile(text) == "13893001234"


@pytest.mark.parametrize(
    "text", ["12893001234", "1389300123", "138930012345", "0943-8221234", "abc"]
)
def test_non_mobile_numbers_are_refused(text: str) -> None:
    with pytest.raises(PhoneError):
        parse_mobile(text)


def test_masks_keep_what_the_rules_say() -> None:
    today = dt.date(2026, 12, 7)
    assert mask_id_number("620402197803150013", today=today) == "620402**********13"
    # a number written under the old, wider mask is narrowed to this one; masking is idempotent
    assert mask_id_number("620402********0013", today=today) == "620402**********13"
    assert mask_id_number("620402**********13", today=today) == "620402**********13"
    # born this year: too few days have passed for the end to show
    assert mask_id_number("620402202601050013", today=today) == "620402************"
    assert mask_id_number("620402202601050013", today=dt.date(2027, 1, 1)) == "620402**********13"
    # a 15-digit original or a fragment keeps its first six only
    assert mask_id_number("620402780315001", today=today) == "620402*********"
    assert mask_birth_date(dt.date(1978, 3, 15)) == "1978"
    assert mask_phone("13893001234") == "138****1234"
    assert mask_name("张建华") == "张*华"
    assert mask_name("李明") == "李*"
    assert mask_name("欧阳建国") == "欧**国"


@pytest.mark.parametrize("name", ["张三", "阿依古丽·买买提", "O'Brien", "Zhang San"])
def test_names_of_any_script_are_accepted(name: str) -> None:
    assert clean_name(name) == name


@pytest.mark.parametrize(
    ("name", "reason"),
    [("", "empty"), ("   ", "empty"), ("张三3", "not part of a name"), ("张" * 41, "at most 40"),
     ("张\x00三", "control character")],
)  # fmt: skip
def test_bad_names_are_refused(name: str, reason: str) -> None:
    with pytest.raises(TextError, match=reason):
        clean_name(name)


def test_text_is_trimmed_and_bounded() -> None:
    assert clean_text("  白银区人民路  ", field="address", max_length=200) == "白银区人民路"
    with pytest.raises(TextError, match="at most 5"):
        clean_text("一二三四五六", field="address", max_length=5)


def test_codes_and_area_codes() -> None:
    assert clean_code("baiyin-qu") == "baiyin-qu"
    with pytest.raises(TextError):
        clean_code("白银")
    assert clean_area_code("620402") == "620402"
    for bad in ("62040", "6204021", "990402", "abcdef"):
        with pytest.raises(TextError):
            clean_area_code(bad)


@pytest.mark.parametrize("text", ["2018-12-24", "2018/12/24", "2018年12月24日", "2018-1-5"])
def test_dates_in_the_forms_caseworkers_type(text: str) -> None:
    assert parse_date(text) in (dt.date(2018, 12, 24), dt.date(2018, 1, 5))


@pytest.mark.parametrize("text", ["2018-02-30", "24/12/2018", "yesterday", ""])
def test_impossible_dates_are_refused(text: str) -> None:
    with pytest.raises(DateError):
        parse_date(text)


def test_future_dates_are_refused_where_records_are_dated() -> None:
    with pytest.raises(DateError, match="future"):
        not_in_future(dt.date(2030, 1, 1), today=dt.date(2026, 1, 1))


@pytest.mark.parametrize("enum", ALL_ENUMS)
def test_every_enum_member_has_a_chinese_label_and_parses_both_ways(enum: type) -> None:
    for member in enum:
        assert member.zh
        assert enum.parse(member.value) is member
        assert enum.parse(member.zh) is member


def test_unknown_enum_values_list_the_choices() -> None:
    with pytest.raises(ValueError, match=r"unknown category '贫困户'.*dibao \(低保户\)"):
        Category.parse("贫困户")
    assert HouseholdStatus.parse("Archived") is HouseholdStatus.ARCHIVED
    assert Category.parse("低保边缘户") is Category.MARGINAL


def test_policy_values_are_exact_and_checked() -> None:
    multiplier = policy.find_setting("marginal_multiplier")
    assert policy.canonical_value(multiplier, "1.50") == "1.5"
    assert Decimal(policy.default_stored(multiplier)) == Decimal("1.5")
    assert policy.canonical_value(policy.find_setting("car_value_limit"), "100,000") == "10000000"
    assert policy.canonical_value(policy.find_setting("marginal_rigid_test"), "开") == "on"
    for key, value in [("marginal_multiplier", "-1"), ("notice_days", "0"), ("marginal_rigid_test", "maybe"),
                       ("marginal_multiplier", "1.2345"), ("marginal_multiplier", "nan")]:  # fmt: skip
        with pytest.raises(policy.PolicyError):
            policy.canonical_value(policy.find_setting(key), value)
    with pytest.raises(policy.PolicyError, match="unknown policy setting"):
        policy.find_setting("poverty_line")

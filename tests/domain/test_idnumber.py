"""Resident ID numbers: GB 11643-1999 check characters, birth dates, 15-digit upgrade."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kunnan.domain.enums import Sex
from kunnan.domain.idnumber import (
    PROVINCE_CODES,
    IdNumberError,
    check_character,
    facts,
    parse_id_number,
    upgrade_15,
)

TODAY = dt.date(2026, 11, 28)


def test_the_standard_example_expects_x() -> None:
    with pytest.raises(IdNumberError, match="expected X, got 1"):
        parse_id_number("110105194912310021", today=TODAY)
    assert parse_id_number("11010519491231002X", today=TODAY).value == "11010519491231002X"


def test_lower_case_x_is_normalised_and_birth_and_sex_derived() -> None:
    number = parse_id_number(" 11010519491231002x ", today=TODAY)
    assert number.value == "11010519491231002X"
    assert number.birth_date == dt.date(1949, 12, 31)
    assert number.sex is Sex.FEMALE  # 17th digit 2 is even
    assert number.area_code == "110105"


def test_full_width_digits_are_folded() -> None:
    assert parse_id_number("１１０１０５１９４９１２３１００２Ｘ", today=TODAY).value.endswith("X")


def test_fifteen_digit_numbers_are_upgraded() -> None:
    upgraded = parse_id_number("620402780315001", today=TODAY)
    assert upgraded.value == "62040219780315001" + check_character("62040219780315001")
    assert upgraded.sex is Sex.MALE
    assert upgrade_15("620402780315001") == upgraded.value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("62040219780230001X", "no real date"),  # 30 February
        ("620402197813150011", "no real date"),  # month 13
        ("620402189912310011", "before 1900"),
        ("62040220991231001X", "in the future"),
        ("990402197803150013", "no province code"),
        ("6204021978031500", "has 16"),
        ("62040219780315001A", "digit or X"),
        ("6204021978031500X3", "must be digits"),
        ("62040278031500A", "all digits"),
    ],
)
def test_malformed_numbers_are_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(IdNumberError, match=reason):
        parse_id_number(text, today=TODAY)


@st.composite
def valid_numbers(draw: st.DrawFn) -> str:
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    rest_of_area = draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    birth = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
    sequence = draw(st.integers(min_value=0, max_value=999))
    first17 = f"{province}{rest_of_area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


@given(valid_numbers())
def test_every_valid_number_is_accepted(number: str) -> None:
    parsed = parse_id_number(number, today=TODAY)
    assert parsed.value == number
    assert parsed.birth_date.strftime("%Y%m%d") == number[6:14]
    assert parsed.sex is (Sex.MALE if int(number[16]) % 2 else Sex.FEMALE)


@given(valid_numbers(), st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_every_single_character_change_is_rejected(number: str, position: int, char: str) -> None:
    if number[position] == char:
        return
    changed = number[:position] + char + number[position + 1 :]
    with pytest.raises(IdNumberError):
        parse_id_number(changed, today=TODAY)


@given(st.dates(dt.date(1900, 1, 1), TODAY), st.integers(0, 999))
def test_facts_of_a_parsed_number_are_what_parsing_found(birth: dt.date, sequence: int) -> None:
    first17 = f"620402{birth:%Y%m%d}{sequence:03d}"
    parsed = parse_id_number(first17 + check_character(first17), today=TODAY)
    assert facts(parsed.value) == parsed


def test_a_check_character_needs_seventeen_digits() -> None:
    with pytest.raises(ValueError, match="17 digits"):
        check_character("1234")

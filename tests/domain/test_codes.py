"""Record codes: written zero-padded, read back as a caseworker may type them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kunnan.domain.codes import (
    class_code,
    code_number,
    counseling_code,
    fund_code,
    household_code,
    housing_code,
    legal_code,
    loan_code,
    placement_code,
)


def test_each_record_has_its_letters_and_padding() -> None:
    assert household_code(17) == "H000017"
    assert fund_code(1) == "F001"
    assert loan_code(12) == "L012"
    assert class_code(3) == "C003"
    assert placement_code(1234) == "P1234"
    assert (housing_code(2), legal_code(2), counseling_code(2)) == ("HC002", "LC002", "CS002")


@pytest.mark.parametrize(
    ("letters", "text", "number"),
    [
        ("P", "P007", 7),
        ("P", "p7", 7),
        ("P", "Ｐ００７", None),  # a full-width letter is not the code's letter
        ("P", "P００７", 7),  # full-width digits, as a Chinese input method types them
        ("P", "P٣", None),  # Arabic-Indic digits are not read as numbers anywhere in kunnan
        ("P", "P", None),
        ("P", "P 7", None),
        ("LC", "lc12", 12),
        ("LC", "Lc012", 12),
        ("LC", "L12", None),
        ("CS", "ſ3", None),
        ("CS", "Cſ3", None),  # long s folds to s under IGNORECASE; a code letter never does
    ],
)
def test_typed_codes_are_read_back(letters: str, text: str, number: int | None) -> None:
    assert code_number(letters, text) == number


@given(st.integers(min_value=1, max_value=10**12 - 1))
def test_every_code_reads_back_as_its_id(record_id: int) -> None:
    assert code_number("H", household_code(record_id)) == record_id
    assert code_number("LC", legal_code(record_id)) == record_id

"""Money is integer fen: parsing what caseworkers type, and printing yuan."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kunnan.domain.money import MAX_FEN, MoneyError, format_fen, parse_yuan


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("3000", 300000),
        ("3000.5", 300050),
        ("3,000.00", 300000),
        ("1,234,567.89", 123456789),
        ("0", 0),
        ("0.01", 1),
        ("¥3000", 300000),
        ("3000元", 300000),
        ("３０００．５", 300050),
        (" 520 ", 52000),
    ],
)
def test_amounts_are_parsed_to_fen(text: str, fen: int) -> None:
    assert parse_yuan(text) == fen


@pytest.mark.parametrize(
    "text",
    [
        "-1",
        "-0.01",
        "abc",
        "",
        "1.005",
        "1e3",
        "NaN",
        "inf",
        "3,00",
        "1,2345",
        "3000.",
        ".5",
        "1 000",
    ],
)
def test_malformed_or_negative_amounts_are_refused(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_yuan(text)


def test_amounts_above_the_limit_are_refused() -> None:
    with pytest.raises(MoneyError, match="larger"):
        parse_yuan(str(MAX_FEN // 100 + 1))


@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_formatting_and_parsing_round_trip(fen: int) -> None:
    assert parse_yuan(format_fen(fen)) == fen
    assert parse_yuan(format_fen(fen, grouping=False)) == fen


def test_negative_amounts_format_with_a_sign() -> None:
    assert format_fen(-300050) == "-3,000.50"

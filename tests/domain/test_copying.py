"""The rules of a new ledger's target and of a copy, on facts alone (domain.copying)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from kunnan.domain.copying import (
    TableDigest,
    TableSummary,
    canonical,
    check_distinct,
    check_new_ledger_target,
    copy_difference,
)
from kunnan.domain.errors import Conflict, InvalidInput

WHERE = "postgresql+psycopg://kunnan@db/ledger"


def test_an_empty_database_or_one_with_other_tables_takes_a_new_ledger() -> None:
    check_new_ledger_target(WHERE, revision=None, tables=[], force=False)


def test_a_ledger_is_replaced_only_with_force() -> None:
    with pytest.raises(Conflict) as refused:
        check_new_ledger_target(WHERE, revision="0009", tables=["household"], force=False)
    assert "already holds a kunnan ledger (schema revision 0009)" in str(refused.value)
    assert "--force" in str(refused.value) and "other tables are left alone" in str(refused.value)
    check_new_ledger_target(WHERE, revision="0009", tables=["household"], force=True)
    check_new_ledger_target(WHERE, revision="", tables=[], force=True)  # downgraded to nothing


@pytest.mark.parametrize("force", [False, True])
def test_tables_that_only_bear_kunnans_names_are_never_dropped(force: bool) -> None:
    with pytest.raises(Conflict) as refused:
        check_new_ledger_target(WHERE, revision=None, tables=["household", "member"], force=force)
    assert "household, member" in str(refused.value) and "no kunnan ledger" in str(refused.value)


@pytest.mark.parametrize("force", [False, True])
def test_another_programs_alembic_table_is_never_taken_for_a_ledger(force: bool) -> None:
    with pytest.raises(Conflict) as refused:
        check_new_ledger_target(WHERE, revision="ae1027a6acf", tables=[], force=force)
    assert "another program's schema" in str(refused.value)


def test_a_ledger_is_never_copied_onto_itself() -> None:
    check_distinct("a.sqlite", "b.sqlite", same=False)
    with pytest.raises(InvalidInput) as refused:
        check_distinct("a.sqlite", "./a.sqlite", same=True)
    assert "are the same ledger" in str(refused.value)


def test_the_two_databases_forms_of_one_value_are_one_form() -> None:
    aware = dt.datetime(2018, 12, 24, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert canonical(aware) == canonical(dt.datetime(2018, 12, 24, 0, 0, tzinfo=dt.UTC))
    assert canonical(Decimal("44.00")) == canonical(Decimal("44.0")) == canonical(Decimal("44"))
    written = [json.dumps(canonical(value)) for value in (True, 1, "1", None, "", "true")]
    assert len(set(written)) == len(written)
    assert canonical(dt.date(2018, 1, 2)) != canonical("2018-01-02")


def _digest(*rows: tuple[object, ...]) -> TableSummary:
    digest = TableDigest()
    digest.add(rows)
    return TableSummary("household", digest.rows, digest.hexdigest)


def test_a_copy_differs_by_a_missing_table_a_row_count_or_one_value() -> None:
    source = [_digest((1, "张三", dt.date(2018, 1, 2)), (2, "李四", None))]
    assert copy_difference(source, {"household": source[0]}) is None
    assert copy_difference(source, {}) == "table household is missing from the copy"
    fewer = _digest((1, "张三", dt.date(2018, 1, 2)))
    assert copy_difference(source, {"household": fewer}) == (
        "table household has 2 rows in the source but 1 in the copy"
    )
    edited = _digest((1, "张三", dt.date(2018, 1, 3)), (2, "李四", None))
    assert copy_difference(source, {"household": edited}) == (
        "table household has the same 2 rows in number, but their contents differ in the copy"
    )
    reordered = _digest((2, "李四", None), (1, "张三", dt.date(2018, 1, 2)))
    assert copy_difference(source, {"household": reordered}) is not None

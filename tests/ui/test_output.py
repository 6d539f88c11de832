"""CSV cells are escaped against formula injection; machine values are masked unless revealed."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from kunnan.ui.columns import FORMULA_STARTS, Column, escape_cell, machine_value


@given(st.text())
def test_escaped_cells_never_start_a_formula_and_lose_nothing(text: str) -> None:
    cell = escape_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell == text or cell == "'" + text
    if text.startswith(FORMULA_STARTS):
        assert cell == "'" + text
    buffer = io.StringIO()
    csv.writer(buffer).writerow([cell])
    buffer.seek(0)
    assert next(csv.reader(buffer)) == [cell]


def test_personal_numbers_are_masked_unless_revealed() -> None:
    id_field = Column("id_number", "ID", "id_number")
    phone_field = Column("phone", "Phone", "phone")
    assert machine_value(id_field, "620402197803150013", reveal=False) == "620402**********13"
    assert machine_value(id_field, "620402197803150013", reveal=True) == "620402197803150013"
    assert machine_value(phone_field, "13893001234", reveal=False) == "138****1234"

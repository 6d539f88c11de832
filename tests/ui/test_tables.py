"""Tables meet the terminal: fitted at its width, in full with --wide, as wide as they need in
a pipe; never a code or a word split."""

from __future__ import annotations

import re

from rich.cells import cell_len

from tests.conftest import BuiltDemo

CODE = re.compile(r"H\d{6}|\d{6}\*{10}\d\d|\d{6}-\d{4}-\d{5}")


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_at_80_columns_the_household_list_fits_and_says_what_it_left_out(
    baiyin_demo: BuiltDemo,
) -> None:
    shown = baiyin_demo.ledger.ok("household", "list", "--limit", "20", env={"COLUMNS": "80"})
    lines = _lines(shown.stdout)
    assert max(cell_len(line) for line in lines) <= 80
    assert len(CODE.findall(shown.stdout)) == 20  # every code whole, on one line
    assert "Union" in lines[0] + lines[1] and "Monthly" in lines[0] + lines[1]
    assert "ID number" not in shown.stdout
    assert (
        "left out 3 columns to fit the terminal (Archive no., ID number, Members); "
        "--wide shows every column"
    ) in shown.stderr.splitlines()


def test_wide_shows_every_column_wherever_it_is_given(baiyin_demo: BuiltDemo) -> None:
    for args in (["--wide", "household", "list"], ["household", "list", "--wide"]):
        shown = baiyin_demo.ledger.ok(*args, "--limit", "20", env={"COLUMNS": "80"})
        assert "Archive no." in shown.stdout and "ID number" in shown.stdout
        assert max(cell_len(line) for line in _lines(shown.stdout)) > 80
        assert "left out" not in shown.stderr


def test_in_chinese_a_narrow_table_breaks_between_characters_never_inside_a_code(
    baiyin_demo: BuiltDemo,
) -> None:
    shown = baiyin_demo.ledger.ok(
        "--lang", "zh", "household", "show", "H000001", env={"COLUMNS": "72"}
    )
    lines = _lines(shown.stdout)
    assert max(cell_len(line) for line in lines) <= 72
    assert "620421-2016-00001" in shown.stdout  # the archive number in the timeline, whole
    assert "left out" not in shown.stderr and "--wide" in shown.stderr  # said in Chinese


def test_in_a_pipe_a_table_is_as_wide_as_its_cells_with_nothing_left_out(
    baiyin_demo: BuiltDemo,
) -> None:
    shown = baiyin_demo.ledger.ok("household", "list", "--limit", "5", env={"COLUMNS": None})
    lines = _lines(shown.stdout)
    header = next(line for line in lines if "Code" in line)
    assert "Archive no." in header and "Monthly income" in header
    assert all(line == line.rstrip() for line in shown.stdout.splitlines())
    widest = max(cell_len(line) for line in lines)
    assert cell_len(header) <= widest <= cell_len(header) + 2 < 160  # the rule under it
    assert "left out" not in shown.stderr

"""Personal data cannot be fished out through inputs: search, --reveal, --debug and errors.

- ``household find`` is no oracle: a number matches only in full, so no one can
  learn the hidden digits of an ID number by searching fragments of it.
- ``--reveal`` without ``--why`` is refused by every command that has it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEEDED, ledger_fixture
from tests.support import COMMAND, Ledger, make_id

HEAD = make_id(sequence=11)  # the seeded household's head, 张三
ELDER_15 = "620402" + "500917" + "044"  # a first-generation number, registered as upgraded
SPOUSE = make_id("620402", dt.date(1980, 6, 1), 22)
PHONE = "13893001234"


def _build(cli: Ledger) -> None:
    cli.ok("household", "member", "edit", "H000001", "head", "--phone", PHONE)
    cli.ok("household", "member", "add", "H000001", "--name", "王桂兰", "--id-number", ELDER_15,
           "--relation", "parent")  # fmt: skip
    cli.ok("household", "member", "add", "H000001", "--name", "李秀英", "--id-number", SPOUSE,
           "--relation", "spouse")  # fmt: skip
    cli.ok("household", "edit", "H000001", "--address", "白银区人民路")


register = ledger_fixture(*SEEDED, ("test_privacy_inputs.register", _build))


def _found(cli: Ledger, text: str) -> list[str]:
    return [row["code"] for row in cli.ok("household", "find", text, "-f", "json").json()]


# ---------------------------------------------------------------- find is no oracle


def test_a_fragment_of_an_id_number_finds_nothing(register: Ledger) -> None:
    upgraded = register.ok("household", "show", "H000001", "-f", "json", "--reveal", "--why",
                           "核对")  # fmt: skip
    numbers = [m["id_number"] for m in upgraded.json()["members"]]
    assert HEAD in numbers and SPOUSE in numbers
    for number in (HEAD, SPOUSE):
        for length in range(4, 18):
            fragments = {number[:length], number[-length:], number[1 : 1 + length]}
            for fragment in fragments:
                assert _found(register, fragment) == [], (length, fragment)
    for fragment in (PHONE[-4:], PHONE[:7], PHONE[3:10], PHONE[:10], ELDER_15[-6:]):
        assert _found(register, fragment) == [], fragment


def test_whole_numbers_and_names_still_find(register: Ledger) -> None:
    assert _found(register, HEAD) == ["H000001"]
    assert _found(register, HEAD.lower()) == ["H000001"]
    assert _found(register, SPOUSE) == ["H000001"]
    assert _found(register, ELDER_15) == ["H000001"]  # the 15-digit original is upgraded
    assert _found(register, PHONE) == ["H000001"]
    assert _found(register, "张") == ["H000001"]
    assert _found(register, "秀英") == ["H000001"]
    assert _found(register, "人民路") == ["H000001"]
    missing = register.ok("household", "find", make_id(sequence=99))
    assert make_id(sequence=99) not in missing.stderr


# ---------------------------------------------------------------- --reveal needs --why


def _commands_with(option: str) -> dict[str, Any]:
    found: dict[str, Any] = {}

    def walk(command: Any, path: str) -> None:
        if getattr(command, "commands", None):
            for name, sub in command.commands.items():
                walk(sub, f"{path} {name}".strip())
        elif any(option in getattr(param, "opts", ()) for param in command.params):
            found[path] = command

    walk(COMMAND, "")
    return found


KNOWN_REVEALS = {
    "household show",
    "household list",
    "household find",
    "export households",
    "export members",
    "compare civil",
    "pair list",
    "pair show",
}


def _filled(command: Any) -> list[str]:
    """Placeholders for a command's required parameters, so that only --reveal is at fault."""
    args: list[str] = []
    for param in command.params:
        if not param.required:
            continue
        value = "H000001"
        if param.param_type_name == "argument":
            args.append(value)
        else:
            output = {"-o", "--output"} & set(param.opts)
            args += [param.opts[0], "out.csv" if output else value]
    return args


@pytest.mark.parametrize("order", ["reveal first", "reveal last"])
def test_every_command_with_reveal_refuses_it_without_why(
    register: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, order: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    commands = _commands_with("--reveal")
    assert set(commands) >= KNOWN_REVEALS
    assert set(_commands_with("--why")) >= set(commands)
    before = register.snapshot()
    for path, command in commands.items():
        filled = _filled(command)
        args = (
            [*path.split(), "--reveal", *filled]
            if order == "reveal first"
            else [*path.split(), *filled, "--reveal"]
        )
        refused = register.fails(*args, code=3)
        assert "--reveal needs --why" in refused.stderr, (path, refused.stderr)
        blank = register.fails(*args, "--why", "  ", code=3)
        assert "--why" in blank.stderr, path
        alone = register.fails(*path.split(), *filled, "--why", "核对", code=3)
        assert "--why gives the reason for --reveal" in alone.stderr, path
    assert register.snapshot() == before  # not one audit row, not one file
    assert list(work.iterdir()) == []


def test_a_reveal_with_why_is_audited_with_its_reason(register: Ledger, tmp_path: Path) -> None:
    register.ok("export", "members", "-o", str(tmp_path / "m.csv"), "--why", "移交省台账",
                "--reveal")  # fmt: skip
    register.ok("pair", "list", "--reveal", "--why", "核对联系人")
    reveals = register.ok("audit", "list", "--reveals", "-f", "json").json()
    assert [entry["changes"]["why"] for entry in reveals] == ["移交省台账"]  # no pairings shown

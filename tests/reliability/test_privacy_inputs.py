"""Personal data cannot be fished out through inputs: search, --reveal, --debug and errors.

- ``household find`` is no oracle: a number matches only in full, so no one can
  learn the hidden digits of an ID number by searching fragments of it.
- ``--reveal`` without ``--why`` is refused by every command that has it.
- ``--debug`` tracebacks and every error line carry no ID number, phone or name.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import kunnan
from tests.aid_support import sql
from tests.conftest import AID, SEEDED, ledger_fixture
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
    return [row["code"] for row in cli.ok("household", "find", text, "-f", "json").rows()]


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


def _leaves() -> dict[str, Any]:
    """Every command of the tree, by its path (``household show``)."""
    found: dict[str, Any] = {}

    def walk(command: Any, path: str) -> None:
        if getattr(command, "commands", None):
            for name, sub in command.commands.items():
                walk(sub, f"{path} {name}".strip())
        else:
            found[path] = command

    walk(COMMAND, "")
    return found


def _commands_with(option: str) -> dict[str, Any]:
    return {
        path: command
        for path, command in _leaves().items()
        if any(option in getattr(param, "opts", ()) for param in command.params)
    }


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
    reveals = register.ok("audit", "list", "--reveals", "-f", "json").rows()
    assert [entry["changes"]["why"] for entry in reveals] == ["移交省台账"]  # no pairings shown


# ---------------------------------------------------------------- --debug and error lines


def _secrets(cli: Ledger) -> list[str]:
    return [HEAD, ELDER_15, SPOUSE, PHONE, "张三", "李秀英", "王桂兰", "赵六"]


def _kunnan(cli: Ledger, *args: str) -> subprocess.CompletedProcess[str]:
    """The console script in a process of its own, as a caseworker runs it."""
    source = str(Path(kunnan.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": source, "COLUMNS": "160"}
    return subprocess.run(
        [sys.executable, "-m", "kunnan", "--db", cli.url, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def _break_the_member_table(cli: Ledger) -> None:
    """Faults kunnan cannot foresee, each refusing a row with its values at hand: a unique
    index on names (SQLAlchemy lists the statement's parameters; PostgreSQL adds DETAIL:
    Key (name)=(张三)); on PostgreSQL also a trigger whose message quotes the ID number and a
    check constraint (Failing row contains (…))."""
    sql(cli, "CREATE UNIQUE INDEX test_one_name ON member (name)")
    if cli.backend == "postgresql":
        sql(cli, "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                 " IF NEW.employer = '某厂' THEN RAISE EXCEPTION 'refused % %', NEW.id_number,"
                 " NEW.name; END IF; RETURN NEW; END $$")  # fmt: skip
        sql(cli, "CREATE TRIGGER test_refuse BEFORE INSERT ON member FOR EACH ROW"
                 " EXECUTE FUNCTION test_refuse()")  # fmt: skip
        sql(cli, "ALTER TABLE member ADD CONSTRAINT test_income CHECK (monthly_income_fen <> 777)")


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "plain"])
def test_an_internal_error_shows_no_personal_data_even_with_debug(
    register: Ledger, debug: bool
) -> None:
    _break_the_member_table(register)
    flag = ["--debug"] if debug else []
    attempts = [
        # the unique index: a second 张三, with a new number and phone
        ("household", "add", "--name", "张三", "--id-number", make_id(sequence=33),
         "--org", "phosphate", "--phone", "13893009999"),
        ("household", "member", "add", "H000001", "--name", "李秀英", "--id-number",
         make_id(sequence=44), "--phone", "13893008888"),
    ]  # fmt: skip
    if register.backend == "postgresql":
        attempts += [
            # the trigger: its message quotes the number and the name
            ("household", "member", "add", "H000001", "--name", "赵六", "--id-number",
             make_id(sequence=44), "--employer", "某厂"),
            # the check constraint: "Failing row contains (…)"
            ("household", "member", "edit", "H000001", "李秀英", "--income", "7.77"),
        ]  # fmt: skip
    for args in attempts:
        result = _kunnan(register, *flag, *args)
        assert result.returncode == 70, result.stderr
        lines = result.stderr.strip().splitlines()
        assert lines[-1].startswith("error: internal error ("), result.stderr
        if debug:
            assert "Traceback" in result.stderr and 'File "' in result.stderr
            assert "IntegrityError" in result.stderr or "Error" in lines[-2]
        else:
            assert len(lines) == 1
        shown = result.stderr + result.stdout
        for secret in [*_secrets(register), make_id(sequence=33), make_id(sequence=44),
                       "13893009999", "13893008888"]:  # fmt: skip
            assert secret not in shown, (args, secret, result.stderr)
        assert "[parameters:" not in shown and "DETAIL" not in shown
        assert "Failing row" not in shown


def test_the_debug_traceback_keeps_what_a_programmer_needs() -> None:
    from kunnan.ui.debug import format_traceback

    def fail() -> None:
        try:
            {"张三": 1}["李四 620402197803150013"]
        except KeyError as error:
            raise ValueError(f"no member '{HEAD}' named 王五 at 'row_7'") from error

    try:
        fail()
    except ValueError as error:
        text = format_traceback(error, today=dt.date(2026, 12, 7))
    assert "The above exception was the direct cause" in text
    assert text.index("KeyError") < text.index("ValueError")
    assert "in fail" in text and "raise ValueError" in text  # frames and their source lines
    assert "'row_7'" in text  # a quoted name of a thing stays
    for secret in (HEAD, "王五", "李四", "620402197803150013"):
        assert secret not in text.split("raise ValueError")[-1].split("\n", 1)[-1], secret
    assert text.rstrip().endswith("ValueError: no member '…' named … at 'row_7'")


REFUSALS = [
    ("household", "add", "--name", "冒名", "--id-number", HEAD, "--org", "phosphate"),
    ("household", "member", "add", "H000001", "--name", "冒名", "--id-number", SPOUSE),
    ("household", "show", SPOUSE),
    ("household", "show", make_id(sequence=77)),
    ("household", "member", "edit", "H000001", SPOUSE[:-1] + "0", "--income", "1"),
    ("household", "member", "edit", "H000001", make_id(sequence=77), "--income", "1"),
    ("household", "member", "remove", "H000001", make_id(sequence=77)),
    ("household", "add", "--name", "新户", "--id-number", HEAD[:-1] + "0", "--org", "phosphate"),
    ("household", "add", "--name", "新户", "--id-number", make_id(sequence=78), "--org",
     "phosphate", "--phone", "1389300123"),
    ("household", "member", "edit", "H000001", "head", "--phone", PHONE + "5"),
    ("aid", "grant", HEAD, "--program", "living-aid", "--fund", "F009"),
    ("exit", "stable", SPOUSE),
    ("identify", "visit", SPOUSE, "--visitor", "甲", "--visitor", "乙"),
    ("policy", "lines", "--year", HEAD),
]  # fmt: skip


@pytest.mark.parametrize("args", REFUSALS, ids=lambda a: " ".join(a[:2]))
def test_refusals_never_quote_a_full_number(register: Ledger, args: tuple[str, ...]) -> None:
    result = register.run(*args)
    assert result.exit_code not in (0, 70), result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for secret in (HEAD, SPOUSE, PHONE, make_id(sequence=77), make_id(sequence=78),
                   HEAD[:-1] + "0", SPOUSE[:-1] + "0", PHONE + "5"):  # fmt: skip
        assert secret not in result.stderr, (args, result.stderr)


# ---------------------------------------------------------------- invisible characters

#: Bidirectional embeddings, overrides and isolates, and zero-width characters.
HIDDEN = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))] + [
    "\u200b",
    "\u200c",
    "\u200d",
    "\ufeff",
]


@pytest.mark.parametrize("char", HIDDEN, ids=lambda c: f"U+{ord(c):04X}")
def test_the_text_rule_refuses_every_invisible_character(char: str) -> None:
    from kunnan.domain.text import TextError, clean_name, clean_required_text, clean_text

    for clean in (
        lambda text: clean_text(text, field="address", max_length=200, allow_newlines=True),
        lambda text: clean_required_text(text, field="org", max_length=100),
        clean_name,
    ):
        for text in (f"张{char}三", f"{char}张三", f"张三{char}"):
            with pytest.raises(TextError, match=f"U\\+{ord(char):04X}"):
                clean(text)
    assert clean_name("阿依古丽·买买提") == "阿依古丽·买买提"


aid = ledger_fixture(*AID)
NEW_ID = make_id("620402", dt.date(1990, 1, 1), 71)

#: Every kind of free text a command stores or posts, each given a hidden character ({X}).
TEXT_INPUTS = [
    ("household", "add", "--name", "{X}", "--id-number", NEW_ID, "--org", "baiyin-qu"),
    ("household", "add", "--name", "王五", "--id-number", NEW_ID, "--org", "baiyin-qu", "--address", "{X}"),
    ("household", "add", "--name", "王五", "--id-number", NEW_ID, "--org", "baiyin-qu", "--employer", "{X}"),
    ("household", "member", "add", "H000001", "--name", "{X}", "--id-number", NEW_ID),
    ("household", "member", "edit", "H000001", "head", "--name", "{X}"),
    ("household", "edit", "H000001", "--address", "{X}"),
    ("household", "contact", "H000002", "--by", "phone", "--outcome", "no-answer", "--note", "{X}"),
    ("household", "contact", "H000002", "--by", "phone", "--outcome", "no-answer", "--caseworker", "{X}"),
    ("org", "add", "--code", "newunit", "--name", "{X}", "--kind", "unit", "--parent", "baiyin-qu"),
    ("fund", "add", "--name", "{X}", "--source", "union", "--year", "2018"),
    ("fund", "contribute", "F001", "100", "--from", "{X}", "--on", "2018-02-01"),
    ("fund", "contribute", "F001", "100", "--from", "某公司", "--ref", "{X}", "--on", "2018-02-01"),
    ("aid", "grant", "H000001", "--program", "living-aid", "--fund", "F001", "--ref", "{X}", "--on", "2018-03-01"),
    ("aid", "grant", "H000001", "--program", "living-aid", "--fund", "F001", "--override", "{X}", "--on", "2018-03-01"),
    ("identify", "visit", "H000002", "--visitor", "{X}", "--visitor", "乙", "--on", "2018-01-05"),
    ("identify", "visit", "H000002", "--visitor", "甲", "--visitor", "乙", "--note", "{X}", "--on", "2018-01-05"),
    ("identify", "advance", "H000002", "--visitor", "甲", "--visitor", "{X}", "--on", "2018-01-05"),
    ("identify", "reject", "H000002", "--reason", "{X}"),
    ("pair", "assign", "H000001", "--unit", "aluminium-unit", "--contact", "{X}", "--phone", "13893005678", "--on", "2018-05-02"),
    ("exit", "moved", "H000001", "--to", "{X}", "--on", "2018-06-01"),
    ("exit", "withdrew", "H000001", "--reason", "{X}", "--on", "2018-06-01"),
    ("training", "class", "add", "--name", "{X}", "--trade", "welding", "--start", "2018-03-01", "--end", "2018-04-30", "--org", "baiyin"),
    ("aid", "place", "H000001", "--employer", "{X}", "--job", "保洁员", "--monthly-wage", "1800", "--via", "direct", "--on", "2018-03-05"),
    ("aid", "counsel", "H000001", "--by", "王", "--note", "{X}", "--on", "2018-04-10"),
    ("aid", "legal", "H000001", "--kind", "wage-arrears", "--status", "opened", "--against", "{X}", "--on", "2018-04-10"),
    ("aid", "loan", "H000001", "--amount", "100", "--fund", "F001", "--term-months", "12", "--purpose", "{X}", "--on", "2018-06-01"),
    ("notice", "export", "--households", "H000001", "-o", "n.html", "--place", "{X}"),
    ("notice", "export", "--households", "H000001", "-o", "n.html", "--contact", "{X}"),
    ("--operator", "{X}", "household", "edit", "H000001", "--address", "某路"),
    ("household", "show", "H000001", "--reveal", "--why", "{X}"),
]  # fmt: skip


def test_every_text_field_refuses_invisible_characters(
    aid: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    before = aid.snapshot()
    for index, template in enumerate(TEXT_INPUTS):
        char = HIDDEN[index % len(HIDDEN)]  # every character, through some command
        args = [part.replace("{X}", f"张{char}三") for part in template]
        refused = aid.fails(*args, code=3)
        assert f"U+{ord(char):04X}" in refused.stderr, (template, refused.stderr)
    assert aid.snapshot() == before
    assert list(work.iterdir()) == []


def test_import_files_refuse_invisible_characters_naming_row_column_and_character(
    aid: Ledger, tmp_path: Path
) -> None:
    from tests.files import write_csv

    rows = [
        {"name": f"王{char}五", "id_number": make_id("620402", dt.date(1980, 1, 1), 100 + n),
         "org": "baiyin-qu", "address": "白银区", "employer": "某厂"}
        for n, char in enumerate(HIDDEN)
    ] + [
        {"name": "赵六", "id_number": make_id("620402", dt.date(1981, 1, 1), 3), "org": "baiyin-qu",
         "address": "白银区\u202e路", "employer": "厂\u200d"},
    ]  # fmt: skip
    file = write_csv(tmp_path / "households.csv", rows)
    before = aid.snapshot()
    result = aid.run("import", "households", str(file), "--max-errors", "0")
    assert result.exit_code == 3, result.stderr
    for n, char in enumerate(HIDDEN):
        assert f"row {n + 2}: name: name contains the invisible character U+{ord(char):04X}" in (
            result.stderr
        )
    assert "address: address contains the invisible character U+202E" in result.stderr
    assert "employer: employer contains the invisible character U+200D" in result.stderr
    aid_file = write_csv(
        tmp_path / "aid.csv",
        [{"household": "H000001", "program": "living-aid", "fund": "F001",
          "on_date": "2018-03-01", "ref": "凭\u2066证"}],
    )  # fmt: skip
    paid = aid.run("import", "aid", str(aid_file))
    assert paid.exit_code == 3 and "U+2066" in paid.stderr, paid.stderr
    assert aid.snapshot() == before


# ---------------------------------------------------------------- digits

#: Digits Python reads as numbers but kunnan does not: Arabic-Indic, superscript, Devanagari,
#: extended Arabic-Indic, circled, mathematical bold.
FOREIGN_THREES = ["٣", "³", "३", "۳", "③", "𝟑"]


@pytest.mark.parametrize("three", FOREIGN_THREES, ids=lambda c: f"U+{ord(c):04X}")
def test_every_number_parser_refuses_other_digits_and_takes_full_width(three: str) -> None:
    from kunnan.domain.dates import DateError, parse_date, parse_year
    from kunnan.domain.idnumber import IdNumberError, parse_id_number
    from kunnan.domain.money import MoneyError, parse_yuan
    from kunnan.domain.numerals import NumberError, parse_whole
    from kunnan.domain.phone import PhoneError, parse_mobile
    from kunnan.domain.register import parse_area_m2
    from kunnan.domain.text import TextError, clean_area_code

    today = dt.date(2026, 12, 7)
    number = make_id("620402", dt.date(1983, 3, 13), 33)  # holds a 3 to replace
    full = str.maketrans("0123456789", "０１２３４５６７８９")
    cases: list[tuple[Any, type[Exception], str, Any]] = [
        (parse_yuan, MoneyError, "300", 30000),
        (parse_yuan, MoneyError, "3,000.30", 300030),
        (parse_date, DateError, "2018-03-13", dt.date(2018, 3, 13)),
        (parse_date, DateError, "2018年3月13日", dt.date(2018, 3, 13)),
        (parse_year, DateError, "2013", 2013),
        (parse_mobile, PhoneError, "13893001234", "13893001234"),
        (clean_area_code, TextError, "620403", "620403"),
        (lambda t: parse_id_number(t, today=today).value, IdNumberError, number, number),
        (parse_area_m2, ValueError, "43.5", __import__("decimal").Decimal("43.5")),
        (parse_whole, NumberError, "2013", 2013),
    ]
    for parse, error, ascii_text, value in cases:
        assert parse(ascii_text) == value
        assert parse(ascii_text.translate(full)) == value, (parse, ascii_text)
        with pytest.raises(error, match=f"U\\+{ord(three):04X}"):
            parse(ascii_text.replace("3", three, 1))


def _int_options() -> list[tuple[str, str]]:
    found = []
    for path, command in _leaves().items():
        for param in command.params:
            if getattr(getattr(param, "type_descriptor", None), "annotation", None) is int:
                found.append((path, param.opts[0]))
    return found


def test_every_integer_option_refuses_other_digits_and_takes_full_width(
    register: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    options = _int_options()
    assert len(options) >= 30
    assert {("policy lines", "--year"), ("audit list", "--limit"), ("aid loan", "--term-months")} <= set(options)  # fmt: skip
    before = register.snapshot()
    for path, option in options:
        for three in ("٣", "³"):
            refused = register.run(*path.split(), option, f"20{three}8")
            assert refused.exit_code == 2, (path, option, refused.stderr)
            assert f"Invalid value for '{option}'" in refused.stderr, (path, option)
            assert f"U+{ord(three):04X}" in refused.stderr, (path, option, refused.stderr)
        taken = register.run(*path.split(), option, "３")
        if f"Invalid value for '{option}'" in taken.stderr:  # read as 3, then out of range
            assert "not 3" in taken.stderr, (path, option, taken.stderr)
    assert register.snapshot() == before


def test_the_command_line_takes_full_width_digits_and_refuses_others(aid: Ledger) -> None:
    # the example: --amount ٣٠٠ paid 300.00
    for amount in ("٣٠٠", "³00", "3००"):
        aid.fails("aid", "grant", "H000001", "--program", "living-aid", "--fund", "F001",
                  "--amount", amount, "--on", "2018-03-01", code=3)  # fmt: skip
    for on in ("٢٠١٨-03-01", "2018-0³-01"):
        aid.fails("aid", "grant", "H000001", "--program", "living-aid", "--fund", "F001",
                  "--on", on, code=3)  # fmt: skip
    aid.fails("household", "add", "--name", "王五", "--id-number", NEW_ID, "--org", "baiyin-qu",
              "--phone", "1389300123٤", code=3)  # fmt: skip
    aid.fails("household", "add", "--name", "王五", "--id-number", NEW_ID, "--org", "baiyin-qu",
              "--area", "62040³", code=3)  # fmt: skip
    aid.fails("household", "add", "--name", "王五", "--id-number", NEW_ID[:-1] + "٣",
              "--org", "baiyin-qu", code=3)  # fmt: skip
    aid.fails("household", "edit", "H000001", "--housing-area", "٤٥", code=3)
    aid.fails("identify", "inspect", "H000002", "--area", "٤٥", "--car-value", "0", code=3)
    aid.fails("aid", "loan", "H000001", "--amount", "100", "--fund", "F001", "--term-months",
              "12", "--rate", "٣", "--on", "2018-06-01", code=3)  # fmt: skip
    full = str.maketrans("0123456789", "０１２３４５６７８９")
    aid.ok("aid", "grant", "H000001", "--program", "living-aid", "--fund", "F001",
           "--amount", "３００", "--on", "２０１８-０３-０１")  # fmt: skip
    aid.ok("household", "add", "--name", "王五", "--id-number", NEW_ID.translate(full),
           "--org", "baiyin-qu", "--phone", "13893001234".translate(full), "--area", "６２０４０２",
           "--income", "１,２００.５０", "--housing-area", "４５.５", "--on", "２０１８年３月１日")  # fmt: skip
    shown = aid.ok("household", "show", NEW_ID, "-f", "json", "--reveal", "--why", "核对").json()
    assert (shown["area_code"], shown["registered_on"], shown["housing_area_m2"]) == (
        "620402", "2018-03-01", "45.50",
    )  # fmt: skip
    assert shown["members"][0]["id_number"] == NEW_ID
    assert shown["members"][0]["monthly_income_fen"] == 120050
    assert shown["members"][0]["phone"] == "13893001234"
    grants = aid.ok("aid", "list", "--household", "H000001", "-f", "json").rows()
    assert [g["amount_fen"] for g in grants if g["program"] == "living-aid"] == [30000]


def test_import_files_take_full_width_digits_and_refuse_others(aid: Ledger, tmp_path: Path) -> None:
    from tests.files import write_csv

    full = str.maketrans("0123456789", "０１２３４５６７８９")
    good = {"name": "王五", "id_number": NEW_ID, "org": "baiyin-qu", "phone": "13893001234",
            "area_code": "620402", "monthly_income": "1200", "housing_area_m2": "45.5",
            "registered_on": "2018-03-01", "admitted": "undergraduate", "admitted_year": "2018"}  # fmt: skip
    columns = [key for key in good if key not in ("name", "org")]
    rows = []
    for column in columns:
        for three in ("٣", "³"):
            row = {**good, "id_number": make_id("620402", dt.date(1980, 1, 1), 200 + len(rows))}
            row[column] = (
                (row[column][:-1] + three)
                if column != "id_number"
                else (row["id_number"][:-1] + three)
            )
            rows.append(row)
    file = write_csv(tmp_path / "bad.csv", rows)
    before = aid.snapshot()
    result = aid.run("import", "households", str(file), "--max-errors", "0")
    assert result.exit_code == 3, result.stderr
    for index, row in enumerate(rows):
        assert f"row {index + 2}:" in result.stderr, (row, result.stderr)
    for three in ("٣", "³"):
        assert f"U+{ord(three):04X}" in result.stderr
    in_fen = {key: value for key, value in good.items() if key != "monthly_income"}
    fen = write_csv(tmp_path / "fen.csv", [{**in_fen, "monthly_income_fen": "12000٠"}])
    refused = aid.run("import", "households", str(fen))
    assert "monthly_income_fen: '12000٠' is not a whole number of fen" in refused.stderr
    assert aid.run("import", "households", str(fen)).exit_code == 3
    assert aid.snapshot() == before
    widened = {key: value.translate(full) for key, value in good.items()}
    aid.ok("import", "households", str(write_csv(tmp_path / "good.csv", [widened])))
    shown = aid.ok("household", "show", NEW_ID, "-f", "json").json()
    assert (shown["registered_on"], shown["members"][0]["admitted_year"]) == ("2018-03-01", 2018)
    assert shown["members"][0]["monthly_income_fen"] == 120000
    aid_file = write_csv(
        tmp_path / "aid.csv",
        [{"household": "H000001", "program": "living-aid", "fund": "F001",
          "on_date": "2018-03-01", "amount": "٣٠٠"}],
    )  # fmt: skip
    paid = aid.run("import", "aid", str(aid_file))
    assert paid.exit_code == 3 and "U+0663" in paid.stderr, paid.stderr
    civil = write_csv(
        tmp_path / "civil.csv",
        [{"id_number": NEW_ID[:-1] + "٣", "name": "王五"},
         {"id_number": NEW_ID, "name": "王五", "monthly_amount": "٣٠٠"},
         {"id_number": NEW_ID.translate(full), "name": "王五", "monthly_amount": "３００"}],
        rename={"monthly_amount": "月保障金额(元)"},
    )  # fmt: skip
    compared = aid.run("compare", "civil", str(civil), "-f", "json")
    unreadable = [f for f in compared.rows() if f["kind"] == "unreadable_row"]
    assert [f["row"] for f in unreadable] == [2, 3], compared.stdout
    assert "U+0663" in unreadable[0]["detail"] and "U+0663" in unreadable[1]["detail"]


@pytest.mark.parametrize(
    ("command", "other"),
    [(("household", "show"), "H٠٠٠٠٠١"), (("fund", "show"), "F٠٠١"), (("aid", "show"), "#١")],
)
def test_record_codes_take_full_width_digits_and_refuse_others(
    aid: Ledger, command: tuple[str, ...], other: str
) -> None:
    full_width = other[0].replace("#", "") + "０" * (len(other) - 2) + "１"
    aid.ok(*command, full_width)
    aid.fails(*command, other, code=4)

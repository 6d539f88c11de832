"""The mask cannot be undone by combining what the default outputs show about a person.

The rule: for every person, at least 1,000 valid ID numbers (GB 11643: the area
code, a real birth date from 1900 to today, the check character) stay consistent
with everything any default output shows of them — their masked ID number in
every form it takes, any birth date or compact YYYYMMDD, and their area, birth
year and sex, which are taken as known whether shown or not.

The tests run every read that can show a person, in every format, and every file
the exports and notices write; rebuild from the text what is shown of each person;
and count the consistent numbers with arithmetic over residues mod 11, so that the
count also runs over the whole Baiyin sample.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEEDED, BuiltDemo, ledger_fixture
from tests.files import read_csv, read_xlsx, write_csv
from tests.support import Ledger, archive_household, make_id

#: GB 11643-1999, restated here so that the count does not lean on kunnan's own code.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
EARLIEST = dt.date(1900, 1, 1)
THRESHOLD = 1000
DIGITS = "0123456789"

TODAY = dt.date.today()

# ---------------------------------------------------------------- counting


@cache
def _date_residues(year: int, today: dt.date) -> tuple[int, ...]:
    """How many days of ``year`` up to ``today`` weigh to each residue mod 11 (positions 6-13)."""
    counts = [0] * 11
    day = max(dt.date(year, 1, 1), EARLIEST)
    last = min(dt.date(year, 12, 31), today)
    while day <= last:
        counts[_weigh(day.strftime("%Y%m%d"), 6)] += 1
        day += dt.timedelta(days=1)
    return tuple(counts)


def _weigh(digits: str, start: int) -> int:
    return sum(int(d) * WEIGHTS[start + i] for i, d in enumerate(digits)) % 11


def consistent_numbers(
    *,
    area: str,
    year: int,
    male: bool,
    forms: Iterable[str] = (),
    dates: Iterable[dt.date] = (),
    today: dt.date = TODAY,
) -> int:
    """How many valid 18-character ID numbers agree with all that is known of a person.

    ``forms`` are masked numbers seen (18 characters, ``*`` where hidden); ``dates``
    full birth dates seen. Area, birth year and sex are known. For each candidate birth
    date, the hidden sequence digits are counted by the residue mod 11 they weigh to,
    and a visible check character keeps those whose total gives it.
    """
    fixed: dict[int, str] = dict(enumerate(area))
    for form in forms:
        assert len(form) == 18, form
        for place, char in enumerate(form):
            if char != "*" and fixed.setdefault(place, char) != char:
                return 0
    days = _days_by_residue(fixed, year, set(dates), today)
    sequences = _sequences_by_residue(fixed, male)
    if 17 not in fixed:
        return sum(days) * sum(sequences)
    wanted, base = CHECK.index(fixed[17]), _weigh(area, 0)
    return sum(days[r] * sequences[(wanted - base - r) % 11] for r in range(11))


def _days_by_residue(
    fixed: dict[int, str], year: int, seen: set[dt.date], today: dt.date
) -> list[int]:
    """The possible birth dates, by the residue their digits weigh to."""
    if not seen and not any(place in fixed for place in range(6, 14)):
        return list(_date_residues(year, today))
    first, last = max(dt.date(year, 1, 1), EARLIEST), min(dt.date(year, 12, 31), today)
    every = (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    counts = [0] * 11
    for day in seen or every:
        text = day.strftime("%Y%m%d")
        if first <= day <= last and all(fixed.get(6 + i, c) == c for i, c in enumerate(text)):
            counts[_weigh(text, 6)] += 1
    return counts


def _sequences_by_residue(fixed: dict[int, str], male: bool) -> list[int]:
    """The possible sequence digits (places 14-16; the last odd for men), by residue."""
    places = []
    for place in (14, 15, 16):
        digits = [int(d) for d in fixed.get(place, DIGITS) if d in DIGITS]
        places.append([d for d in digits if place != 16 or (d % 2 == 1) == male])
    counts = [0] * 11
    for a in places[0]:
        for b in places[1]:
            for c in places[2]:
                counts[(a * WEIGHTS[14] + b * WEIGHTS[15] + c * WEIGHTS[16]) % 11] += 1
    return counts


def _brute_force(*, area: str, year: int, male: bool, forms: Sequence[str], today: dt.date) -> int:
    found = 0
    day = dt.date(year, 1, 1)
    while day.year == year and day <= today:
        for sequence in range(1000):
            first17 = f"{area}{day:%Y%m%d}{sequence:03d}"
            if (sequence % 2 == 1) != male:
                continue
            number = first17 + CHECK[_weigh(first17, 0)]
            if all(_agrees(form, number) for form in forms):
                found += 1
        day += dt.timedelta(days=1)
    return found


def _mask(number: str, start: int, end: int) -> str:
    return number[:start] + "*" * (18 - start - end) + number[18 - end :]


NUMBER = make_id("620402", dt.date(1978, 3, 15), 13)


def test_the_count_agrees_with_brute_force() -> None:
    today = dt.date(2026, 12, 7)
    for forms in ([_mask(NUMBER, 6, 2)], [_mask(NUMBER, 6, 4)], [_mask(NUMBER, 6, 0)]):
        assert consistent_numbers(
            area="620402", year=1978, male=True, forms=forms, today=today
        ) == _brute_force(area="620402", year=1978, male=True, forms=forms, today=today)


def test_the_count_knows_what_undoes_a_mask() -> None:
    """The old mask beside the birth date is the whole number; the date or the last four beside
    the year leave fewer than 100; the year beside the last two leaves thousands."""
    born, facts = dt.date(1978, 3, 15), {"area": "620402", "year": 1978, "male": True}
    old, new = _mask(NUMBER, 6, 4), _mask(NUMBER, 6, 2)
    assert consistent_numbers(**facts, forms=[old], dates=[born]) == 1  # type: ignore[arg-type]
    assert consistent_numbers(**facts, forms=[new], dates=[born]) < 100  # type: ignore[arg-type]
    assert consistent_numbers(**facts, forms=[old]) < 100  # type: ignore[arg-type]
    assert consistent_numbers(**facts, forms=[new]) >= 3317  # type: ignore[arg-type]
    # a year not over yet has had fewer days: with the end shown, too few remain early on
    early = dt.date(2026, 2, 1)
    baby = make_id("620402", dt.date(2026, 1, 5), 13)
    assert (
        consistent_numbers(
            area="620402", year=2026, male=True, forms=[_mask(baby, 6, 2)], today=early
        )
        < THRESHOLD
    )
    assert (
        consistent_numbers(
            area="620402", year=2026, male=True, forms=[_mask(baby, 6, 0)], today=early
        )
        >= THRESHOLD
    )


def test_every_complete_year_leaves_at_least_3317_numbers() -> None:
    """The figure the README states: the least over every area, year, sex and visible end."""
    least = min(
        9 * sum(counts) + min(counts)
        for counts in (_date_residues(year, dt.date(2025, 12, 31)) for year in range(1900, 2026))
    )
    assert least == 3317
    # and the count agrees for a person in the worst year
    worst = make_id("110101", dt.date(1900, 6, 1), 1)
    counts = {
        consistent_numbers(
            area=area, year=1900, male=True, forms=[area + "*" * 10 + worst[16] + check]
        )
        for area in ("110101", "620402", "650102")
        for check in CHECK
    }
    assert min(counts) >= 3317


# ---------------------------------------------------------------- what outputs show

_FORM_18 = re.compile(r"(?<![0-9Xx*])[0-9*]{17}[0-9Xx*](?![0-9Xx*])")
_FORM_15 = re.compile(r"(?<![0-9Xx*])[0-9*]{15}(?![0-9Xx*])")


@dataclass
class Person:
    number: str
    forms: set[str] = field(default_factory=set)
    dates: set[dt.date] = field(default_factory=set)

    @property
    def birth(self) -> dt.date:
        return dt.date.fromisoformat(self.number[6:14])

    def count(self) -> int:
        return consistent_numbers(
            area=self.number[:6],
            year=self.birth.year,
            male=int(self.number[16]) % 2 == 1,
            forms=self.forms,
            dates=self.dates,
        )


def _agrees(form: str, number: str) -> bool:
    return all(f in ("*", n) for f, n in zip(form, number, strict=True))


def _date_forms(day: dt.date) -> tuple[str, ...]:
    return (
        day.isoformat(),
        f"{day:%Y%m%d}",
        f"{day:%Y/%m/%d}",
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day:%Y}年{day:%m}月{day:%d}日",
    )


def shown_of(people: Iterable[str], texts: Iterable[str]) -> dict[str, Person]:
    """What the texts show of each person: every masked form of their number (any form whose
    visible characters agree with theirs counts as theirs) and any full birth date."""
    found = {number: Person(number) for number in people}
    for text in texts:
        for number in found:
            assert number not in text, "a full ID number is shown"
        forms_18 = {m for m in _FORM_18.findall(text) if "*" in m}
        forms_15 = {m for m in _FORM_15.findall(text) if "*" in m}
        for number, person in found.items():
            person.forms |= {form.upper() for form in forms_18 if _agrees(form.upper(), number)}
            original = number[:6] + number[8:17]
            for form in forms_15:
                if number[6:8] == "19" and _agrees(form, original):
                    # the 15-digit form's places in the 18-character number
                    person.forms.add(form[:6] + "**" + form[6:] + "*")
            if any(shown in text for shown in _date_forms(person.birth)):
                person.dates.add(person.birth)
    return found


def _file_text(path: Path) -> str:
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        cells = [
            value.date().isoformat()
            if isinstance(value, dt.datetime)
            else value.isoformat()
            if isinstance(value, dt.date)
            else str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        book.close()
        return "\n".join(cells)
    return path.read_text(encoding="utf-8-sig")


# ---------------------------------------------------------------- the register

HEAD = make_id(sequence=11)  # the seeded household's head, 张三, born 1978-03-15
SPOUSE = make_id("620402", dt.date(1980, 6, 1), 22)
SPOUSE_BEFORE = make_id("620402", dt.date(1980, 6, 2), 22)  # entered wrongly, then corrected
CHILD = make_id("620402", dt.date(2012, 5, 7), 31)
ELDER_15 = "620402" + "500917" + "044"  # a first-generation number: 1950-09-17, female
ELDER = "620402" + "19500917044"
ELDER += CHECK[_weigh(ELDER, 0)]
#: Born on 1 January this year (or, on 1 January, the day before): the youngest case.
BABY_BORN = dt.date(TODAY.year, 1, 1) if TODAY.timetuple().tm_yday > 1 else TODAY - dt.timedelta(1)
BABY = make_id("620402", BABY_BORN, 52)
OTHER_HEAD = make_id("620403", dt.date(1966, 11, 9), 13)
PEOPLE = (HEAD, SPOUSE, CHILD, ELDER, BABY, OTHER_HEAD)


def _build(cli: Ledger) -> None:
    cli.ok("household", "member", "edit", "H000001", "head", "--phone", "13893001234")
    for name, number, relation in (
        ("李秀英", SPOUSE_BEFORE, "spouse"),
        ("张小军", CHILD, "child"),
        ("王桂兰", ELDER_15, "parent"),
        ("张小宝", BABY, "child"),
    ):
        cli.ok("household", "member", "add", "H000001", "--name", name, "--id-number", number,
               "--relation", relation)  # fmt: skip
    cli.ok("household", "member", "edit", "H000001", "李秀英", "--id-number", SPOUSE)
    cli.ok("household", "add", "--name", "王德魁", "--id-number", OTHER_HEAD, "--org", "pingchuan",
           "--phone", "13893007777", "--cause", "illness", "--on", "2018-02-01")  # fmt: skip
    archive_household(cli, "H000001", start=dt.date(2018, 1, 8))
    cli.ok("pair", "assign", "H000001", "--unit", "aluminium-unit", "--contact", "李发明",
           "--phone", "13893005678", "--on", "2018-05-02")  # fmt: skip
    cli.ok(
        "pair", "visit", "H000001", "--kind", "home", "--note", "送去米面油", "--on", "2018-06-10"
    )
    cli.ok("fund", "add", "--name", "2018年帮扶资金", "--source", "union", "--year", "2018")
    cli.ok("fund", "contribute", "F001", "50000", "--from", "白银市总工会", "--on", "2018-04-20")
    cli.ok("aid", "grant", "H000001", "--program", "living-aid", "--fund", "F001",
           "--on", "2018-06-01")  # fmt: skip


register = ledger_fixture(*SEEDED, ("test_privacy_mask.register", _build))

FORMATS = ("table", "json", "csv", "markdown")
READS = (
    ("household", "show", "H000001"),
    ("household", "show", "H000001", "--timeline"),
    ("household", "show", "H000002"),
    ("household", "list"),
    ("household", "list", "--unreached"),
    ("household", "find", "张"),
    ("household", "find", HEAD),
    ("household", "find", ELDER_15),
    ("identify", "status", "H000001"),
    ("identify", "pipeline"),
    ("pair", "list"),
    ("pair", "show", "H000001"),
    ("pair", "coverage"),
    ("review", "due", "--as-of", "2020-01-01"),
    ("review", "never-aided"),
    ("review", "unpaired"),
    ("review", "stale", "--as-of", "2020-01-01"),
    ("review", "followups"),
    ("audit", "list", "--limit", "0"),
    ("aid", "list"),
    ("exit", "list"),
)
FILES = (
    ("export", "households", "-o", "{dir}/households.{ext}"),
    ("export", "members", "-o", "{dir}/members.{ext}"),
)


def _outputs(cli: Ledger, folder: Path) -> list[str]:
    texts: list[str] = []
    civil = write_csv(
        folder / "civil.csv",
        [
            {"id_number": HEAD, "name": "张三丰"},  # a name that differs: shown beside the number
            {"id_number": SPOUSE, "name": "李秀英"},
            {"id_number": OTHER_HEAD, "name": "王德魁"},
            {"id_number": CHILD, "name": "张小军", "dibao_status": "死亡"},
            {"id_number": ELDER_15, "name": "王桂兰"},
        ],
    )
    reads = [*READS, ("compare", "civil", str(civil))]
    for lang in ("en", "zh"):
        for command in reads:
            for fmt in FORMATS if lang == "en" else ("table",):
                result = cli.run("--lang", lang, *command, "--format", fmt)
                assert result.exit_code in (0, 1), (command, result.stderr)
                texts += [result.stdout, result.stderr]
        for ext in ("csv", "json", "xlsx"):
            for template in FILES:
                command = [part.format(dir=folder, ext=f"{lang}.{ext}") for part in template]
                texts.append(cli.ok("--lang", lang, *command).stderr)
                texts.append(_file_text(Path(command[-1])))
        for ext in ("html", "csv", "xlsx"):
            target = folder / f"notice.{lang}.{ext}"
            texts.append(cli.ok("--lang", lang, "notice", "export", "--households", "H000001",
                                "-o", str(target)).stderr)  # fmt: skip
            texts.append(_file_text(target))
        target = folder / f"dashboard.{lang}.html"
        cli.ok("--lang", lang, "report", "html", "-o", str(target), "--as-of", "2018-12-24")
        texts.append(_file_text(target))
    # the refusals that name a person's number
    for args in (
        ("household", "add", "--name", "冒名", "--id-number", HEAD, "--org", "phosphate"),
        ("household", "member", "add", "H000002", "--name", "冒名", "--id-number", CHILD),
        ("household", "show", CHILD),
        ("household", "member", "edit", "H000001", ELDER, "--income", "abc"),
    ):
        texts.append(cli.run(*args).stderr)
    return texts


def test_no_default_output_narrows_anyone_below_a_thousand_numbers(
    register: Ledger, tmp_path: Path
) -> None:
    shown = shown_of(PEOPLE, _outputs(register, tmp_path))
    for number, person in shown.items():
        assert person.forms, f"{number[:6]}…: the outputs never showed this person's number"
        assert person.count() >= THRESHOLD, (number[:6], sorted(person.forms), person.count())
        assert not person.dates, f"{number[:6]}…: a default output shows the birth date"


def test_revealed_outputs_show_the_date_and_the_number(register: Ledger) -> None:
    """The count is not blind: with --reveal the same text gives each person away."""
    result = register.ok(
        "household", "show", "H000001", "-f", "json", "--reveal", "--why", "入户核对"
    )
    members = result.json()["members"]
    assert {m["id_number"]: m["birth_date"] for m in members}[HEAD] == "1978-03-15"
    masked = register.ok("household", "show", "H000001", "-f", "json").json()["members"]
    assert {m["name"]: m["birth_date"] for m in masked}["张三"] == "1978"


def test_the_whole_baiyin_sample_keeps_a_thousand_numbers_for_everyone(
    baiyin_demo: BuiltDemo, tmp_path: Path
) -> None:
    """The default ``export members`` of the sample gave back every one of its 15,099 numbers."""
    copy = baiyin_demo.copy(tmp_path)
    copy.ok("--operator", "马建华", "export", "members", "-o", str(tmp_path / "full.csv"),
            "--reveal", "--why", "测试")  # fmt: skip
    full = read_csv(tmp_path / "full.csv")
    key = full[0].index("id_number")
    numbers = [row[key] for row in full[1:]]
    assert len(numbers) == 15_099
    for ext in ("csv", "json"):
        target = tmp_path / f"members.{ext}"
        baiyin_demo.ledger.ok("export", "members", "-o", str(target))
        rows: list[dict[str, Any]]
        if ext == "csv":
            table = read_csv(target)
            rows = [dict(zip(table[0], row, strict=True)) for row in table[1:]]
        else:
            rows = json.loads(target.read_text(encoding="utf-8"))["rows"]
        assert len(rows) == len(numbers)
        for number, row in zip(numbers, rows, strict=True):
            cells = " ".join(str(value) for value in row.values())
            person = Person(number)
            assert number not in cells
            if _agrees(row["id_number"], number):
                person.forms.add(row["id_number"])
            if any(form in cells for form in _date_forms(person.birth)):
                person.dates.add(person.birth)
            assert person.forms, row
            assert person.count() >= THRESHOLD, (row["id_number"], row["birth_date"])


def test_an_old_wider_mask_in_the_audit_log_is_narrowed_when_read(register: Ledger) -> None:
    """Rows written before the mask narrowed keep the last four in the database; the audit
    list shows them as today's mask does."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from kunnan.models import AuditEntry
    from tests.support import pg_admin_url

    old = HEAD[:6] + "*" * 8 + HEAD[-4:]
    url = register.url if "://" in register.url else f"sqlite:///{register.url}"
    engine = create_engine(pg_admin_url(url))
    with Session(engine) as session, session.begin():
        session.add(
            AuditEntry(
                at=dt.datetime.now(dt.UTC),
                operator="老用户",
                command="kunnan household add",
                action="create",
                entity="household",
                entity_ref="H000001",
                changes=json.dumps({"head": {"id_number": old, "birth_date": "1978-03-15"}}),
            )
        )
    engine.dispose()
    listed = register.ok("audit", "list", "--limit", "1", "-f", "json").rows()
    assert listed[0]["changes"] == {
        "head": {"id_number": HEAD[:6] + "*" * 10 + HEAD[-2:], "birth_date": "1978"}
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_birth_dates_are_a_year_in_every_format_unless_revealed(
    register: Ledger, tmp_path: Path, lang: str
) -> None:
    register.ok("--lang", lang, "export", "members", "-o", str(tmp_path / "m.xlsx"))
    rows = read_xlsx(tmp_path / "m.xlsx")
    born = rows[0].index("出生日期" if lang == "zh" else "birth_date")
    assert {row[born] for row in rows[1:]} >= {"1978", "1980", "2012", "1950"}
    register.ok("--lang", lang, "export", "members", "-o", str(tmp_path / "r.xlsx"),
                "--reveal", "--why", "移交")  # fmt: skip
    revealed = read_xlsx(tmp_path / "r.xlsx")
    assert dt.date(1978, 3, 15) in {
        value.date() if isinstance(value, dt.datetime) else value
        for value in (row[born] for row in revealed[1:])
    }

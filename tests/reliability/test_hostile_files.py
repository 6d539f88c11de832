"""Hostile files: zip bombs, lying zip directories, XML attacks, endless lines and rows.

Every file that reads a caseworker's spreadsheet (`import households`,
`import aid`, `compare civil`) must refuse such a file with one line and
exit 3, leave the ledger as it was, and do so in bounded memory and time:
the bombs here expand to a gigabyte from a megabyte, and the memory tests
run kunnan in a child process and read its peak resident size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import AID, ledger_fixture
from tests.hostile import (
    FAMILIES,
    GB,
    HEAD_ID,
    LAUGHS,
    MB,
    XXE,
    column_name,
    inline,
    noise,
    repeated,
    workbook,
)
from tests.support import Ledger, make_id

sqlite_aid = ledger_fixture(*AID, backends="sqlite")

#: What a refused hostile file may cost at most: peak memory of the kunnan process.
PEAK_MB = 300
#: ... and time, start-up included (today's code took minutes, or ran out of memory).
SECONDS = 60

# --- the bombs ------------------------------------------------------------------------------

#: Each of these is about a megabyte on disk and a gigabyte of XML.
BOMBS = {
    "one huge cell": lambda p, h=FAMILIES["households"][0]: workbook(
        p, header=h, rows=[b'<row r="2"><c r="A2" t="inlineStr"><is><t>', *repeated(b"A", GB), b"</t></is></c></row>"]
    ),
    "one huge shared string": lambda p, h=FAMILIES["households"][0]: workbook(
        p, header=h, strings=[b"<si><t>", *repeated(b"A", GB), b"</t></si>"]
    ),
    "a row of millions of cells": lambda p, h=FAMILIES["households"][0]: workbook(
        p, header=h, rows=[b'<row r="2">', *repeated(b"<c><v>1</v></c>", GB), b"</row>"]
    ),
    "millions of rows": lambda p, h=FAMILIES["households"][0]: workbook(
        p, header=h, rows=repeated(b'<row><c t="n"><v>1</v></c></row>', GB)
    ),
}  # fmt: skip
#: The same, with a directory that declares small sizes: only what is really read is counted.
LYING = {
    "styles of a gigabyte, declared 1 KB": lambda p, h=FAMILIES["households"][0]: workbook(
        p, header=h, styles=[b"<numFmts>", *repeated(b"A", GB)], styles_declared=1024,
    ),
    "huge cell, declared 150 MB": lambda p, h=FAMILIES["households"][0]: workbook(
        p, header=h, rows=[b'<row r="2"><c r="A2" t="inlineStr"><is><t>', *repeated(b"A", GB), b"</t></is></c></row>"],
        sheet_declared=150 * MB,
    ),
    "huge shared string, declared 60 MB": lambda p, h=FAMILIES["households"][0]: workbook(
        p, header=h, strings=[b"<si><t>", *repeated(b"A", GB), b"</t></si>"], strings_declared=60 * MB
    ),
    "wide row, declared 150 MB": lambda p, h=FAMILIES["households"][0]: workbook(
        p, header=h, rows=[b'<row r="2">', *repeated(b"<c><v>1</v></c>", GB), b"</row>"],
        sheet_declared=150 * MB,
    ),
    "one row number again and again, declared 150 MB": lambda p, h=FAMILIES["households"][0]: workbook(
        p, header=h, rows=repeated(b'<row r="2"/>', GB), sheet_declared=150 * MB
    ),
    "tiny shared strings, declared 60 MB": lambda p, h=FAMILIES["households"][0]: workbook(
        p, header=h, strings=repeated(b"<si/>", GB), strings_declared=60 * MB
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    made = {}
    for index, (name, make) in enumerate({**BOMBS, **LYING}.items()):
        made[name] = make(folder / f"bomb{index}.xlsx")
    return made


@dataclass
class Measured:
    exit_code: int
    stderr: str
    peak_mb: float
    seconds: float


#: Runs its arguments as a child and reports the child's peak memory: a process of its own,
#: so that no other test's children count (RUSAGE_CHILDREN is the largest child ever waited for).
_MEASURE = """
import json, resource, subprocess, sys, time
start = time.monotonic()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, errors="replace")
print(json.dumps({"code": done.returncode, "stderr": done.stderr[-20000:],
                  "peak_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "seconds": time.monotonic() - start}))
"""


def measured(ledger: Ledger, *args: str) -> Measured:
    """``kunnan --db LEDGER ARGS…`` as a separate process, with its peak memory and time."""
    command = [sys.executable, "-m", "kunnan", "--db", ledger.url, *args]
    env = {**os.environ, "COLUMNS": "160"}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    return Measured(report["code"], report["stderr"], report["peak_kb"] / 1024, report["seconds"])


def assert_refused_within_bounds(result: Measured, *, expect: str = "") -> None:
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 3, result.stderr[-2000:]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr[-2000:]
    assert result.peak_mb < PEAK_MB, f"peak {result.peak_mb:.0f} MB: {lines[0]}"
    assert result.seconds < SECONDS, f"{result.seconds:.0f} s: {lines[0]}"
    assert expect in lines[0]


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_a_zip_bomb_is_refused_in_bounded_memory_and_time(
    sqlite_aid: Ledger, bombs: dict[str, Path], bomb: str
) -> None:
    assert bombs[bomb].stat().st_size < 3 * MB  # a megabyte or two on disk, a gigabyte opened
    before = sqlite_aid.snapshot()
    result = measured(sqlite_aid, "import", "households", str(bombs[bomb]), "--org", "baiyin-qu")
    assert_refused_within_bounds(result, expect="more than kunnan reads")
    assert sqlite_aid.snapshot() == before


@pytest.mark.parametrize("bomb", list(LYING))
def test_a_zip_directory_that_lies_about_sizes_does_not_help(
    sqlite_aid: Ledger, bombs: dict[str, Path], bomb: str
) -> None:
    # CPython's ZipExtFile stops at the size the directory declares, but a plain read()
    # (openpyxl's, of styles.xml) decompresses up to 1 GiB in one step first: today 1.2 GB.
    # kunnan reads every part in small chunks and counts what it really gets.
    before = sqlite_aid.snapshot()
    result = measured(sqlite_aid, "import", "households", str(bombs[bomb]), "--org", "baiyin-qu")
    assert_refused_within_bounds(result)
    assert sqlite_aid.snapshot() == before


@pytest.mark.parametrize(
    "command",
    [
        ("import", "aid"),
        ("compare", "civil"),
        ("import", "households", "--org", "baiyin-qu", "--dry-run"),
        ("import", "households", "--org", "baiyin-qu", "--skip-invalid"),
    ],
    ids=" ".join,
)
def test_every_reader_refuses_a_bomb_in_bounded_memory(
    sqlite_aid: Ledger, tmp_path: Path, command: tuple[str, ...]
) -> None:
    file = LYING["styles of a gigabyte, declared 1 KB"](tmp_path / "bomb.xlsx")
    before = sqlite_aid.snapshot()
    result = measured(sqlite_aid, *command[:2], str(file), *command[2:])
    assert_refused_within_bounds(result)
    assert sqlite_aid.snapshot() == before
    assert not list(file.parent.glob("*.rejects.*"))


@pytest.mark.parametrize(
    ("shape", "piece", "expect"),
    [
        ("one cell", b"7" * MB, "row 2 is longer than 33,554,432 characters"),
        ("short cells", b"7," * (MB // 2), "row 2 has more than 16,384 columns"),
    ],
)
def test_a_200_mb_csv_line_is_refused_in_bounded_memory(
    sqlite_aid: Ledger, tmp_path: Path, shape: str, piece: bytes, expect: str
) -> None:
    # Today's code read the whole line: 680 MB for one cell, 1.7 GB for short ones.
    file = tmp_path / "long.csv"
    with file.open("wb") as out:
        out.write("name,id_number,org\n张建国,".encode())
        for _ in range(200):
            out.write(piece)
        out.write(b",baiyin-qu\n")
    before = sqlite_aid.snapshot()
    result = measured(sqlite_aid, "import", "households", str(file))
    assert_refused_within_bounds(result, expect=expect)
    assert sqlite_aid.snapshot() == before


# --- the same refusals, on every reader, in-process -----------------------------------------


def csv_text(rows: Iterable[Sequence[str]], header: Sequence[str]) -> str:
    return "\n".join(",".join(row) for row in [header, *rows]) + "\n"


def _refusals(folder: Path, family: str) -> dict[str, tuple[Path, tuple[str, ...], str]]:
    """Hostile files of each kind for one reader: (file, extra options, what the one line says)."""
    header, data_row = FAMILIES[family]
    rows_xml = b"".join(
        b'<row r="%d">' % n
        + b"".join(inline(column_name(i), n, v) for i, v in enumerate(data_row))
        + b"</row>"
        for n in range(2, 6)
    )
    made: dict[str, tuple[Path, tuple[str, ...], str]] = {}

    def add(name: str, path: Path, options: tuple[str, ...], expect: str) -> None:
        made[name] = (path, options, expect)

    def book(name: str, **parts: Any) -> Path:
        return workbook(folder / name, header=header, **parts)

    path = folder / "many.csv"
    path.write_text(csv_text([data_row] * 4, header), encoding="utf-8")
    add("csv rows past --max-rows", path, ("--max-rows", "3"), "more than 3 rows under its header")
    add("xlsx rows past --max-rows", book("many.xlsx", rows=[rows_xml]),
        ("--max-rows", "3"), "more than 3 rows under its header")  # fmt: skip
    path = folder / "wide.csv"
    path.write_text(csv_text([data_row + ("x",) * 20_000], header), encoding="utf-8")
    add("csv row of 20,000 columns more", path, (), "row 2 has more than 16,384 columns")
    add("xlsx cell past column XFD", book("wide.xlsx",
        rows=[b'<row r="2">' + inline("XFE", 2, "x") + b"</row>"]), (),
        "row 2 has more than 16,384 columns")  # fmt: skip
    add("xlsx row past Excel's last row", book("far.xlsx",
        rows=[b'<row r="2000000000"><c r="A2000000000"><v>1</v></c></row>']), (),
        "past the last row Excel allows")  # fmt: skip
    add("xlsx cell of 2 million characters", book("cell.xlsx",
        rows=[b'<row r="2">' + inline("B", 2, noise(2 * MB)) + b"</row>"]), (),
        "a cell holds more than 1,048,576 characters")  # fmt: skip
    path = folder / "record.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(",".join(header) + "\n" + ",".join(data_row) + "\n")
        cell = '"' + ("x" * 1000 + "\n") * 900 + '"'  # under the cell limit, many lines long
        out.write(",".join([cell] * 40) + "\n")
    add("csv record of 36 million characters over many lines", path, (),
        "row 3 is longer than 33,554,432 characters")  # fmt: skip
    add("xlsx zip bomb", book("bomb.xlsx",
        rows=[b'<row r="2"><c r="A2"><v>', *repeated(b"1", 300 * MB), b"</v></c></row>"]), (),
        "expands to 300 MB")  # fmt: skip
    add("xlsx part that expands a thousandfold", book("fold.xlsx",
        rows=[b'<row r="2"><c r="A2"><v>', *repeated(b"1", 50 * MB), b"</v></c></row>"]), (),
        "expands 1,0")  # fmt: skip
    path = folder / "parts.xlsx"
    with zipfile.ZipFile(path, "w") as parts:
        for n in range(20_000):
            parts.writestr(f"xl/media/{n}.bin", b"")
    add("xlsx zip of 20,000 parts", path, (), "a zip of 20,000 parts")
    add("xlsx billion laughs", book("laughs.xlsx", doctype=LAUGHS,
        rows=[b'<row r="2">' + b'<c r="B2" t="inlineStr"><is><t>&lol9;</t></is></c></row>']), (),
        "declares entities or a document type")  # fmt: skip
    add("xlsx external entity", book("xxe.xlsx", doctype=XXE,
        rows=[b'<row r="2"><c r="B2" t="inlineStr"><is><t>&xxe;</t></is></c></row>']), (),
        "declares entities or a document type")  # fmt: skip
    path = folder / "rot13.csv"
    path.write_text(csv_text([data_row], header), encoding="utf-8")
    add("csv given a codec that is not a text encoding", path, ("--encoding", "rot13"),
        "not 'rot13'")  # fmt: skip
    return made


Refusals = dict[str, dict[str, tuple[Path, tuple[str, ...], str]]]


@pytest.fixture(scope="module")
def refusals(tmp_path_factory: pytest.TempPathFactory) -> Refusals:
    return {
        family: _refusals(tmp_path_factory.mktemp(f"hostile-{family}"), family)
        for family in FAMILIES
    }


REFUSALS = [
    "csv rows past --max-rows", "xlsx rows past --max-rows", "csv row of 20,000 columns more",
    "xlsx cell past column XFD", "xlsx row past Excel's last row", "xlsx cell of 2 million characters",
    "csv record of 36 million characters over many lines", "xlsx zip bomb", "xlsx billion laughs",
    "xlsx external entity", "xlsx part that expands a thousandfold", "xlsx zip of 20,000 parts",
    "csv given a codec that is not a text encoding",
]  # fmt: skip
COMMANDS = {
    "import households": ("households", ("import", "households", "--org", "baiyin-qu")),
    "import households --dry-run": ("households", ("import", "households", "--org", "baiyin-qu", "--dry-run")),
    "import households --skip-invalid": ("households", ("import", "households", "--org", "baiyin-qu", "--skip-invalid")),
    "import aid": ("aid", ("import", "aid")),
    "import aid --dry-run": ("aid", ("import", "aid", "--dry-run")),
    "import aid --skip-invalid": ("aid", ("import", "aid", "--skip-invalid")),
    "compare civil": ("civil", ("compare", "civil")),
}  # fmt: skip


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("kind", REFUSALS)
def test_every_hostile_file_is_refused_by_every_reader_with_one_line(
    aid: Ledger, refusals: Refusals, kind: str, command: str
) -> None:
    family, words = COMMANDS[command]
    file, options, expect = refusals[family][kind]
    before = aid.snapshot()
    refused = aid.fails(*words[:2], str(file), *words[2:], *options, code=3)
    assert expect in refused.stderr
    assert "root:" not in refused.stderr + refused.stdout
    assert aid.snapshot() == before
    assert not list(file.parent.glob("*.rejects.*"))


# --- XML attacks in each part ---------------------------------------------------------------

ATTACKS = {
    "billion laughs in the sheet": {
        "doctype": LAUGHS, "rows": [b'<row r="2"><c r="B2" t="inlineStr"><is><t>&lol9;</t></is></c></row>']
    },
    "billion laughs in the shared strings": {
        "doctype": LAUGHS, "strings": [b"<si><t>&lol9;</t></si>"],
    },
    "billion laughs in the sheet list": {"workbook_doctype": LAUGHS, "sheet_name": "&lol9;"},
    "/etc/passwd as an entity in the sheet": {
        "doctype": XXE, "rows": [b'<row r="2"><c r="B2" t="inlineStr"><is><t>&xxe;</t></is></c></row>']
    },
    "/etc/passwd as an entity in the shared strings": {
        "doctype": XXE, "strings": [b"<si><t>&xxe;</t></si>"]
    },
    "/etc/passwd as an entity in the sheet list": {"workbook_doctype": XXE, "sheet_name": "&xxe;"},
    "a URL as an entity": {
        "doctype": '<!DOCTYPE x [<!ENTITY web SYSTEM "http://127.0.0.1:9/secret">]>',
        "rows": [b'<row r="2"><c r="B2" t="inlineStr"><is><t>&web;</t></is></c></row>'],
    },
    "/etc/passwd as the document type": {
        "doctype": '<!DOCTYPE x SYSTEM "file:///etc/passwd">',
        "rows": [b'<row r="2"><c r="B2" t="inlineStr"><is><t>x</t></is></c></row>'],
    },
}  # fmt: skip


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_xml_attacks_are_refused_and_read_nothing(aid: Ledger, tmp_path: Path, attack: str) -> None:
    file = workbook(tmp_path / "attack.xlsx", **ATTACKS[attack])  # type: ignore[arg-type]
    before = aid.snapshot()
    for words in (("import", "households", "--org", "baiyin-qu", "--skip-invalid"),
                  ("import", "aid"), ("compare", "civil")):  # fmt: skip
        refused = aid.fails(*words[:2], str(file), *words[2:], code=3)
        assert "declares entities or a document type" in refused.stderr
        assert "root:" not in refused.stderr + refused.stdout
    assert aid.snapshot() == before
    assert not list(tmp_path.glob("*.rejects.*"))


# --- encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "expect"),
    [
        ("nope", "unknown encoding 'nope'"),
        ("rot13", "not 'rot13'"),
        ("hex", "not 'hex'"),
        ("base64", "not 'base64'"),
        ("zlib", "not 'zlib'"),
        ("bz2", "not 'bz2'"),
        ("latin-1", "not 'latin-1'"),
        ("", "--encoding is empty"),
        ("x" * 5000, "unknown encoding 'xxxxx"),
        ("utf-16", "row 1 is not UTF-16 text"),
        ("utf-32", "not 'utf-32'"),
    ],
)
def test_an_encoding_kunnan_cannot_read_is_one_line(
    aid: Ledger, tmp_path: Path, encoding: str, expect: str
) -> None:
    file = tmp_path / "list.csv"
    header, row = FAMILIES["households"]  # refused before any header is looked for
    file.write_text(csv_text([row], header), encoding="utf-8")
    before = aid.snapshot()
    for words in (("import", "households", "--org", "baiyin-qu"), ("import", "aid"),
                  ("compare", "civil")):  # fmt: skip
        refused = aid.fails(*words[:2], str(file), *words[2:], "--encoding", encoding, code=3)
        assert expect in refused.stderr
        assert len(refused.stderr) < 400
    assert aid.snapshot() == before


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "GB2312", "big5", "utf-16", "UTF8"])
def test_the_encodings_chinese_spreadsheets_are_saved_in_are_read(
    baiyin: Ledger, tmp_path: Path, encoding: str
) -> None:
    file = tmp_path / "names.csv"
    # 张建国 is in every one of these character sets (张 is 張 in Big5's traditional script).
    name = "張建國" if encoding == "big5" else "张建国"
    file.write_text(f"name,id_number,org\n{name},{HEAD_ID},baiyin-qu\n", encoding=encoding)
    baiyin.ok("import", "households", str(file), "--encoding", encoding)
    shown = baiyin.ok("household", "show", "H000001").stdout
    assert name in shown


# --- short messages about huge headers ------------------------------------------------------


def test_a_20_mb_header_of_unknown_columns_gives_a_short_warning(
    baiyin: Ledger, tmp_path: Path
) -> None:
    unknown = [f"备注{n:05d}" + "长" * 1300 for n in range(16_000)]
    file = tmp_path / "wide.csv"
    file.write_text(
        ",".join(["姓名", "身份证号", "所属工会", *unknown]) + f"\n张建国,{HEAD_ID},baiyin-qu\n",
        encoding="utf-8",
    )
    assert file.stat().st_size > 20 * MB
    result = baiyin.ok("import", "households", str(file))
    warning = [line for line in result.stderr.splitlines() if "ignoring columns" in line]
    assert len(warning) == 1 and len(warning[0]) < 1200, warning[0][:2000]
    assert "and 15,990 more columns" in warning[0]
    assert len(result.stderr) < 2000


def test_100000_unknown_columns_are_one_short_line(baiyin: Ledger, tmp_path: Path) -> None:
    file = tmp_path / "wide.csv"
    header = ["姓名", "身份证号", "所属工会", *(f"c{n}" for n in range(100_000))]
    file.write_text(",".join(header) + f"\n张建国,{HEAD_ID},baiyin-qu\n", encoding="utf-8")
    refused = baiyin.fails("import", "households", str(file), code=3)
    assert "row 1 has more than 16,384 columns" in refused.stderr
    assert len(refused.stderr) < 300


def test_a_column_named_twice_with_a_huge_name_is_quoted_short(
    baiyin: Ledger, tmp_path: Path
) -> None:
    long = "姓名" + "*" * 500_000  # '*' marks a required column; it is not part of the name
    file = tmp_path / "twice.csv"
    file.write_text(f"姓名,{long},身份证号\n张建国,张建国,{HEAD_ID}\n", encoding="utf-8")
    refused = baiyin.fails("import", "households", str(file), "--org", "baiyin-qu", code=3)
    assert "are both name" in refused.stderr
    assert len(refused.stderr) < 400


def test_a_sheet_that_is_not_there_lists_a_few_sheets_briefly(
    baiyin: Ledger, tmp_path: Path
) -> None:
    file = workbook(tmp_path / "book.xlsx", sheet_name="表" * 5000)
    refused = baiyin.fails("import", "households", str(file), "--sheet", "2019", code=3)
    assert "no sheet '2019'" in refused.stderr
    assert len(refused.stderr) < 400


# --- what is still read as before -----------------------------------------------------------


def test_a_genuine_workbook_still_imports_with_dates_and_numbers(
    baiyin: Ledger, tmp_path: Path
) -> None:
    import datetime as dt

    from tests.files import write_xlsx

    file = write_xlsx(
        tmp_path / "花名册.xlsx",
        [
            ["姓名", "身份证号", "所属工会", "登记日期", "月收入(元)"],
            ["张建国", HEAD_ID, "baiyin-qu", dt.date(2018, 3, 1), 1200.5],
        ],
        title="白银区困难职工花名册",
    )
    baiyin.ok("import", "households", str(file))
    shown = baiyin.ok("household", "show", "H000001", "--format", "json").json()
    assert shown["registered_on"] == "2018-03-01"


def test_max_rows_lets_a_bigger_register_in(baiyin: Ledger, tmp_path: Path) -> None:
    from kunnan.sheets.limits import MAX_ROWS

    file = tmp_path / "three.csv"
    people = (("张建国", 11), ("李明", 13), ("王德魁", 15))
    file.write_text(
        "姓名,身份证号,所属工会\n"
        + "".join(f"{name},{make_id(sequence=n)},baiyin-qu\n" for name, n in people),
        encoding="utf-8",
    )
    baiyin.fails("import", "households", str(file), "--max-rows", "2", code=3)
    baiyin.ok("import", "households", str(file), "--max-rows", "3")
    assert f"default: {MAX_ROWS}" in baiyin.ok("import", "households", "--help").stdout


def test_a_problem_in_a_column_with_a_huge_name_is_reported_short(
    baiyin: Ledger, tmp_path: Path
) -> None:
    huge = "身份证号" + "*" * 500_000  # '*' marks a required column; the name is 身份证号
    file = tmp_path / "list.csv"
    file.write_text(f"姓名,{huge},所属工会\n张建国,not-an-id,baiyin-qu\n", encoding="utf-8")
    refused = baiyin.run("import", "households", str(file))
    assert refused.exit_code == 3
    assert "list.csv: row 2: 身份证号****" in refused.stderr
    assert len(refused.stderr) < 1000
    compared = baiyin.run("compare", "civil", str(file), "--format", "csv")
    assert compared.exit_code == 1, compared.stderr
    assert "身份证号****" in compared.stdout
    assert len(compared.stdout) < 1000

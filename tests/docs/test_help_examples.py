"""Every ``Example:`` line of every command's --help runs, on a fresh copy of the Baiyin sample.

The examples are collected by walking the command tree (``kunnan.cli.commands_of``): the
indented lines of a command's ``Example:`` section that start with ``kunnan `` (the English
help). A command's examples run in order on one fresh copy of the ledger ``kunnan demo``
builds (copied from the one build of the session, ``baiyin_demo``; ``KUNNAN_DB`` names the
copy), as a reader tries them one after another: the case the first line opens, the second
resolves. They run as the README's commands do (``tests/docs/readme.py``): in-process, or in
bash when they have shell syntax, in a sandbox of their own:

- the working directory holds the files the examples name (``FILES``: sample files under
  the names the examples give them);
- the home folder (``~/``) has the folders the examples write into (``~/backups``), and
  ``/tmp/`` in an example is a folder inside the sandbox;
- each command's examples run as an operator of the sample whose role does the command's
  duty (``OPERATORS``), unless an example names one with ``--operator``;
- ``SETUP`` gives what a command's examples need first that no example makes (a backup to
  restore); ``kunnan demo`` is served from the session's build.

Each example must exit 0 (or the code ``EXIT_CODES`` gives it).
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from kunnan.cli import app, commands_of
from kunnan.domain.enums import Duty
from kunnan.domain.operators import duty_of
from tests.conftest import BuiltDemo
from tests.docs.readme import SAMPLES, Command, Reader, remove_ledgers
from tests.support import Result

#: Files the examples name, in their working directory, and the sample file each is.
FILES = {
    "困难职工花名册.xlsx": "households.xlsx",
    "households.csv": "households.csv",
    "2018金秋助学发放表.xlsx": "baiyin/golden-autumn-2018.xlsx",
    "2018年审补录.csv": "baiyin/reviews-2018-late.csv",
    "民政低保名单.xlsx": "civil.xlsx",
}
#: Where examples put files for a while; in the test, a folder of the sandbox.
TMP = "/tmp/"  # noqa: S108 (an example's path, never opened)
#: Folders of the home folder that examples write into.
HOME_FOLDERS = ("backups",)
#: A reversal waiting for approval (P0002: P0001 is the sample's accepted void), made by the
#: sample's finance officer.
HELD = ['kunnan --operator 刘淑芳 aid reverse 17 --reason "重复发放，退回资金"']
#: A county union's own new ledger with its checkpoint key, and its verifier key in a file.
COUNTY_LEDGER = [
    "kunnan --db 区工会.sqlite init",
    "kunnan --db 区工会.sqlite ledger key --origin kunnan/白银区总工会",
    "kunnan --db 区工会.sqlite ledger show --verifier-key > 区工会账本公钥.txt",
]
#: What a command's examples need first that no example of theirs makes, as commands run first.
SETUP = {
    "kunnan db restore": ["kunnan db backup ~/backups/ledger-2018-12-24.sqlite"],
    "kunnan db copy": ["kunnan demo --db kunnan-demo.sqlite"],
    "kunnan identify settle": [
        'kunnan identify object H005060 --by 匿名 --text "其子女有经营性收入" --on 2018-11-01'
    ],
    "kunnan ledger verify": ["kunnan ledger head > ~/ledger-head.txt"],
    # an action waiting for approval, made by finance, for a second operator to decide
    "kunnan approve accept": HELD,
    "kunnan approve decline": HELD,
    # a proof to check, and the key to check it with
    "kunnan ledger check-proof": [
        "kunnan ledger prove H000001 -o proof.json",
        "kunnan ledger show --verifier-key > ledger-key.txt",
    ],
    # a county union's ledger of its own, which the city union's witnesses
    "kunnan witness add": COUNTY_LEDGER,
    "kunnan witness update": [
        *COUNTY_LEDGER,
        'kunnan witness add "$(< 区工会账本公钥.txt)"',
        "kunnan --db 区工会.sqlite ledger checkpoint --since 0 -o 区工会检查点.json",
    ],
    # every archived household of the sample is paired: one pairing ends, to be made anew
    "kunnan pair assign": ['kunnan pair end H000001 --reason "责任单位撤销" --on 2018-12-20'],
}
#: Who runs the examples of a command of each duty: the sample's city union staff, whose
#: union is the whole ledger (a reading command's examples may reveal, so the auditor's).
OPERATORS = {
    Duty.CASEWORK: "周红",
    Duty.REVIEW: "赵德明",
    Duty.APPROVE: "陈国栋",
    Duty.MONEY: "刘淑芳",
    Duty.ADMINISTER: "王丽",
    Duty.READ: "马建华",
    Duty.REVEAL: "马建华",
}
#: Examples that exit other than 0 when they do what they show.
EXIT_CODES = {
    # the sample is a SQLite file: only a PostgreSQL ledger has database roles
    "kunnan db roles sync --login 李发明": 6,
    # differences found: the sample's dibao households are not on the six-row list
    "kunnan compare civil 民政低保名单.xlsx --format csv > 比对结果.csv": 1,
    "kunnan compare civil 民政低保名单.xlsx --format csv --csv-encoding gb18030 > 比对结果.csv": 1,
}


def examples() -> dict[str, list[str]]:
    """Each command's path (``kunnan aid grant``) and its examples, in the tree's order."""
    found: dict[str, list[str]] = defaultdict(list)
    for path, command in commands_of(app):
        help_text = command.help or ""
        if "Example:" not in help_text:
            continue
        section = help_text[help_text.index("Example:") :].splitlines()[1:]
        for line in section:
            if line.startswith((" ", "\t")) and line.strip().startswith("kunnan "):
                found[path].append(line.strip())
    return dict(found)


EXAMPLES = examples()


def test_there_are_examples_to_run() -> None:
    assert sum(len(lines) for lines in EXAMPLES.values()) > 100


def test_every_line_the_lists_name_is_an_example_or_a_command() -> None:
    every = {line for lines in EXAMPLES.values() for line in lines}
    assert set(EXIT_CODES) <= every, "an EXIT_CODES line is no longer an example"
    assert set(SETUP) <= set(EXAMPLES), "no such command with examples"


@pytest.mark.parametrize("path", sorted(EXAMPLES))
def test_the_examples_of_a_command_run_on_the_baiyin_sample(
    path: str, baiyin_demo: BuiltDemo, tmp_path: Path
) -> None:
    try:
        failures = _run_examples(path, baiyin_demo, tmp_path)
    finally:
        remove_ledgers(tmp_path)
    assert not failures, "\n".join(failures)


def _run_examples(path: str, built: BuiltDemo, sandbox: Path) -> list[str]:
    def demo(typed: str, target: Path) -> Result:
        shutil.copyfile(built.path, target)
        return Result(0, built.stdout, built.stderr.replace(str(built.path), typed))

    reader = Reader.at(sandbox, demo, samples=False)
    ledger = sandbox / "demo.sqlite"
    shutil.copyfile(built.path, ledger)
    reader.env["KUNNAN_DB"] = str(ledger)
    reader.env["KUNNAN_OPERATOR"] = OPERATORS[duty_of(path)]
    for name, sample in FILES.items():
        shutil.copyfile(SAMPLES / sample, reader.work / name)
    for folder in HOME_FOLDERS:
        (reader.home / folder).mkdir()
    (sandbox / "tmp").mkdir()
    for line in SETUP.get(path, []):
        done = reader.run(Command(line, 0))
        assert done.exit_code == 0, f"setup {line}: {done.stderr}"
    failures = []
    for line in EXAMPLES[path]:
        text = line.replace(f" {TMP}", f" {sandbox / 'tmp'}/")
        result = reader.run(Command(text, 0))
        wanted = EXIT_CODES.get(line, 0)
        if result.exit_code != wanted:
            failures.append(f"{line}\n  exit {result.exit_code}: {result.stderr.strip()}")
    return failures

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
- ``SETUP`` gives what a command's examples need first that no example makes (a backup to
  restore); ``kunnan demo`` is served from the session's build.

Each example must exit 0, except those in ``KNOWN_BROKEN``, which must still fail: the list
shrinks as they are fixed and cannot go stale.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from kunnan.cli import app, commands_of
from tests.conftest import BuiltDemo
from tests.docs.readme import SAMPLES, Command, Reader, remove_ledgers
from tests.support import Result

#: Files the examples name, in their working directory, and the sample file each is.
FILES = {
    "困难职工花名册.xlsx": "households.xlsx",
    "households.csv": "households.csv",
    "2018金秋助学发放表.xlsx": "baiyin/golden-autumn-2018.xlsx",
    "民政低保名单.xlsx": "civil.xlsx",
}
#: Where examples put files for a while; in the test, a folder of the sandbox.
TMP = "/tmp/"  # noqa: S108 (an example's path, never opened)
#: Folders of the home folder that examples write into.
HOME_FOLDERS = ("backups",)
#: What a command's examples need first that no example of theirs makes, as commands run first.
SETUP = {
    "kunnan db restore": ["kunnan db backup ~/backups/ledger-2018-12-24.sqlite"],
    "kunnan identify settle": [
        'kunnan identify object H005060 --by 匿名 --text "其子女有经营性收入" --on 2018-11-01'
    ],
    "kunnan ledger verify": ["kunnan ledger head > ~/ledger-head.txt"],
}
#: Examples that exit other than 0 when they do what they show.
EXIT_CODES = {
    # differences found: the sample's dibao households are not on the six-row list
    "kunnan compare civil 民政低保名单.xlsx --format csv > 比对结果.csv": 1,
}
#: Commands whose examples run in a process of their own, not in-process, and why.
IN_A_PROCESS = {
    # alembic's Config takes stdout=sys.stdout as a default bound when alembic is first
    # imported; in-process that can be an earlier command's captured, closed stream.
    "kunnan db check": "alembic.config.Config binds the sys.stdout of its import",
}
#: Examples that fail on the Baiyin sample today: why, and → a line that runs there. The test
#: requires that each still fails; remove a line when its example is fixed.
KNOWN_BROKEN = {
    "kunnan org add --code baiyin --name 白银市总工会 --kind city --area 620400": "the sample has baiyin → kunnan org add --code gas --name 白银区燃气公司工会 --kind grassroots --parent baiyin-qu",
    "kunnan org add --code baiyin-qu --name 白银区总工会 --kind county --parent baiyin --area 620402": "the sample has baiyin-qu → kunnan org add --code aluminium-unit --name 华鹭铝业公司 --kind unit --parent baiyin-qu",
    "kunnan household member edit H000001 张小梅 --admitted undergraduate --year 2018": "H000001 has no 张小梅; its child is 蔡晓东 → kunnan household member edit H000001 蔡晓东 --admitted undergraduate --year 2018",
    "kunnan household member remove H000001 张小梅": "H000001 has no 张小梅 → kunnan household member remove H000001 蔡晓东",
    "kunnan identify visit H000001 --visitor 李发明 --visitor 张清满 --on 2018-03-05": "H000001 is archived; H005088 is a candidate registered 2018-10-19 → kunnan identify visit H005088 --visitor 李发明 --visitor 张清满 --on 2018-12-10",
    "kunnan identify inspect H000001 --housing owned --area 44 --car-value 0 --no-second-home --no-business": "H000001 is archived; H005045 is due for inspection → kunnan identify inspect H005045 --housing owned --area 44 --car-value 0 --no-second-home --no-business",
    "kunnan identify calculate H000001 --medical-costs 600 --on 2018-03-12": "H000001 is archived; H005041 is due for its calculation since 2018-10-22 → kunnan identify calculate H005041 --medical-costs 600 --on 2018-12-03",
    'kunnan identify deliberate H000001 --decision approve --attendees 7 --minutes "同意纳入建档"': 'H000001 is archived; H005043 is due for deliberation → kunnan identify deliberate H005043 --decision approve --attendees 7 --minutes "同意纳入建档"',
    "kunnan identify appraise H000001 --for 21 --against 2": "H000001 is archived; H005040 is due for appraisal → kunnan identify appraise H005040 --for 21 --against 2",
    "kunnan identify publicize H000001 --from 2018-04-02 --days 7 --place 厂区公示栏": "H000001 is archived; H005044 was appraised on 2018-11-25 → kunnan identify publicize H005044 --from 2018-12-03 --days 7 --place 厂区公示栏",
    "kunnan identify confirm H000001 --by baiyin --cause illness --on 2018-04-10": "H000001 is archived; H005060's notice ran to 2018-11-04 → kunnan identify confirm H005060 --by baiyin --cause illness --on 2018-12-10",
    "kunnan identify advance H000001 --visitor 李发明 --visitor 张清满": "H000001 is archived; H005088 is a candidate → kunnan identify advance H005088 --visitor 李发明 --visitor 张清满",
    "kunnan identify advance H000001 --housing owned --car-value 0": "H000001 is archived → kunnan identify advance H005088 --housing owned --car-value 0",
    'kunnan identify object H000001 --by 匿名 --text "其子女有经营性收入"': 'H000001 has no notice running; H005060\'s ran 2018-10-29 to 2018-11-04 → kunnan identify object H005060 --by 匿名 --text "其子女有经营性收入" --on 2018-11-01',
    'kunnan identify settle 3 --dismissed --note "经核实无经营性收入"': 'the sample has no objection; the one SETUP files is 1 → kunnan identify settle 1 --dismissed --note "经核实无经营性收入"',
    'kunnan identify reject H000001 --reason "家庭人均收入高于标准"': 'H000001 is archived; H005045\'s case is open → kunnan identify reject H005045 --reason "家庭人均收入高于标准"',
    'kunnan identify restart H000001 --reason "妻子确诊重病，家庭情况变化"': 'H000001 is archived; H005129 was rejected → kunnan identify restart H005129 --reason "妻子确诊重病，家庭情况变化"',
    "kunnan exit stable H000001 --recalculate --on 2018-11-20": "H000001's 274.67 a head is under the exit line; H000026's is 1,331.00 → kunnan exit stable H000026 --recalculate --on 2018-11-20",
    'kunnan exit stable H000007 --resolved "工伤赔偿到位，医疗费用已结清"': 'H000007 is dibao; H002897 is an accident household → kunnan exit stable H002897 --resolved "工伤赔偿到位，医疗费用已结清"',
    "kunnan exit deceased H000004 --on 2018-09-30": "H000004's contact person visited it on 2018-12-17 → kunnan exit deceased H000004 --on 2018-12-20",
    'kunnan exit followup H000001 --by 李发明 --outcome stable --note "工作稳定，月收入3000元"': 'H000001 has not exited; H004071 exited stably on 2018-12-20 → kunnan exit followup H004071 --by 李发明 --outcome stable --note "工作稳定，月收入3000元"',
    'kunnan exit relapse H000001 --reason "工厂停产，再次失业"': 'H000001 has not exited → kunnan exit relapse H004071 --reason "工厂停产，再次失业"',
    "kunnan pair assign H000001 --unit aluminium-unit --contact 李发明 --phone 13893005678 --on 2018-05-02": "every archived household of the sample is paired, and it has no aluminium-unit: the ledger lacks an archived household without a pairing",
    'kunnan pair end H000001 --reason "责任单位撤销" --on 2018-12-01': 'H000001\'s contact person visited it on 2018-12-14 → kunnan pair end H000001 --reason "责任单位撤销" --on 2018-12-20',
    "kunnan pair list --unit aluminium-unit --format csv": "the sample has no aluminium-unit; its units are the unions → kunnan pair list --unit aluminium --format csv",
    "kunnan fund assert F001 150000 --on 2018-12-31": "F001 held 164,500.00 yuan → kunnan fund assert F001 164500 --on 2018-12-31",
    "kunnan aid grant H000002 --program golden-autumn --member 张晓雯 --fund F001 --on 2018-09-01": "H000002 has no 张晓雯; H003037's 卢梓萱 was admitted in 2018 and not yet paid → kunnan aid grant H003037 --program golden-autumn --member 卢梓萱 --fund F003 --on 2018-09-01",
    'kunnan aid reverse 12 --reason "重复发放，退回资金"': 'entry 12 is a contribution its fund has spent; entry 17 is a grant → kunnan aid reverse 17 --reason "重复发放，退回资金"',
    "kunnan aid repay L001 5000 --on 2019-06-01 --ref 收据0012": "L001 is repaid in full; L011 has 6,250.00 outstanding → kunnan aid repay L011 5000 --on 2019-06-01 --ref 收据0012",
    'kunnan aid loan-default L001 --reason "店铺关闭，多次催收未还" --on 2020-09-01': 'L001 is repaid in full; L011 fell due on 2018-12-28 → kunnan aid loan-default L011 --reason "店铺关闭，多次催收未还" --on 2020-09-01',
    "kunnan training enroll C001 H000001 --member 张小军 --on 2018-02-20": "the sample's C001 ended in 2016 and H000001 has no 张小军 → kunnan training enroll C038 H000001 --member 蔡晓东 --on 2018-09-08",
    "kunnan training enroll C001 H000007 --not-archived": "H000007 is archived and C001 ended in 2016; H005089 is a candidate → kunnan training enroll C038 H005089 --not-archived --on 2018-10-08",
    "kunnan training complete C001 H000001 --member 张小军 --on 2018-04-30": "H000001 has no 张小军; 毛玉珍 is enrolled in C038 → kunnan training complete C038 H000664 --member 毛玉珍 --on 2018-10-17",
    "kunnan training certify C001 H000001 --member 张小军 --certificate 6204001801234 --on 2018-05-15": "H000001 has no 张小军; 彭振华 completed C038 → kunnan training certify C038 H000073 --member 彭振华 --certificate 6204001801234 --on 2018-11-05",
    "kunnan training employ C001 H000001 --member 张小军 --employer 白银有色集团 --monthly-wage 3200 --on 2018-06-01": "H000001 has no 张小军; 丁巧云 was certified after C038 → kunnan training employ C038 H002616 --member 丁巧云 --employer 白银有色集团 --monthly-wage 3200 --on 2018-12-01",
    "kunnan ledger verify --expect 5d41402abc4b2a76b9719d911017c592ae9f1b7fd8f2e4a1c3b5d7e9f0a1b2c3": "a made-up hash; the head SETUP writes down is in ~/ledger-head.txt → kunnan ledger verify --expect \"$(cut -d ' ' -f 2 ~/ledger-head.txt)\"",
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
    assert set(KNOWN_BROKEN) <= every, "a KNOWN_BROKEN line is no longer an example"
    assert set(EXIT_CODES) <= every, "an EXIT_CODES line is no longer an example"
    assert set(SETUP) | set(IN_A_PROCESS) <= set(EXAMPLES), "no such command with examples"


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
        result = reader.bash(text) if path in IN_A_PROCESS else reader.run(Command(text, 0))
        wanted = EXIT_CODES.get(line, 0)
        if line in KNOWN_BROKEN:
            assert result.exit_code != wanted, f"{line} runs now: remove it from KNOWN_BROKEN"
        elif result.exit_code != wanted:
            failures.append(f"{line}\n  exit {result.exit_code}: {result.stderr.strip()}")
    return failures

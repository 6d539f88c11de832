"""The programme catalogue seeded by the migration, and rule changes from a date on."""

from __future__ import annotations

import pytest

from tests.support import Ledger

CATALOGUE = [
    ("golden-autumn", "金秋助学", "education"),
    ("medical-aid", "大病医疗救助", "medical"),
    ("mutual-aid", "职工医疗互助", "medical"),
    ("living-aid", "生活救助", "living"),
    ("send-warmth", "送温暖", "living"),
    ("insurance", "送保险", "medical"),
    ("temporary-aid", "临时救助", "living"),
]
SERVICES = [
    ("training", "技能培训", "employment", "service"),
    ("job-placement", "就业援助", "employment", "service"),
    ("startup-loan", "创业担保借款", "employment", "loan"),
    ("housing", "住房保障", "housing", "service"),
    ("legal-aid", "法律援助", "rights", "service"),
    ("wage-arrears", "欠薪追讨", "rights", "service"),
    ("injury-compensation", "工伤赔偿", "rights", "service"),
    ("labour-dispute", "劳动争议", "rights", "service"),
    ("counseling", "心理疏导", "living", "service"),
]


def rule(cli: Ledger, program: str, on: str | None = None) -> dict[str, object]:
    args = ("--on", on) if on else ()
    shown: dict[str, object] = cli.ok("program", "show", program, *args, "-f", "json").json()
    return shown


def test_a_new_ledger_has_the_seven_cash_programmes_with_their_rules(cli: Ledger) -> None:
    rows = cli.ok("program", "list", "-f", "json").rows()
    assert [(r["code"], r["name"], r["guarantee"]) for r in rows[:7]] == CATALOGUE
    assert all(r["kind"] == "cash" for r in rows[:7])
    # then the service programmes, which have their own commands and no cash rules
    assert [(r["code"], r["name"], r["guarantee"], r["kind"]) for r in rows[7:]] == SERVICES
    assert all(r["effective_from"] is None for r in rows[7:])
    golden = rows[0]
    assert (
        golden["undergraduate_fen"],
        golden["junior_college_fen"],
        golden["high_school_fen"],
    ) == (
        500000,
        400000,
        300000,
    )
    assert golden["admission_required"] is True and golden["once_per"] == "member"
    assert rows[1]["yearly_cap_fen"] == 2000000
    assert rows[4]["once_per"] == "household"
    assert rows[6]["archived_only"] is False and rows[6]["excludes"] == "living-aid"
    assert all(r["archived_only"] for r in rows[:6])
    zh = cli.ok("--lang", "zh", "program", "list").stdout
    assert "金秋助学" in zh and "本科 5,000.00" in zh and "就学" in zh and "每户" in zh


def test_a_rule_change_takes_effect_from_its_date_and_keeps_its_history(cli: Ledger) -> None:
    changed = cli.ok("program", "set", "大病医疗救助", "--cap", "30000", "--standard", "none",
                     "--from", "2019-01-01")  # fmt: skip
    assert "medical-aid: changed standard_fen, yearly_cap_fen from 2019-01-01" in changed.stderr
    assert rule(cli, "medical-aid", "2018-12-31")["yearly_cap_fen"] == 2000000
    later = rule(cli, "medical-aid", "2019-01-01")
    assert (later["yearly_cap_fen"], later["standard_fen"]) == (3000000, None)
    assert [r["effective_from"] for r in later["rules"]] == ["2000-01-01", "2019-01-01"]  # type: ignore[union-attr,index]
    # a later change starts from the rule in force on its own date
    cli.ok("program", "set", "medical-aid", "--once-per", "household", "--from", "2020-01-01")
    assert rule(cli, "medical-aid", "2020-06-01")["yearly_cap_fen"] == 3000000
    entry = cli.ok("audit", "list", "-f", "json", "--limit", "1").rows()[0]
    assert (entry["entity"], entry["entity_ref"]) == ("program_rule", "medical-aid")
    assert entry["changes"] == {"effective_from": "2020-01-01", "once_per": [None, "household"]}


def test_setting_what_the_rule_already_says_changes_nothing(cli: Ledger) -> None:
    before = cli.snapshot()
    result = cli.ok("program", "set", "send-warmth", "--once-per", "每户", "--from", "2018-01-01")
    assert "already says so; nothing changed" in result.stderr
    assert cli.snapshot() == before


def test_every_switch_of_a_rule_can_be_set(cli: Ledger) -> None:
    cli.ok("program", "set", "living-aid", "--ceiling", "on", "--archived-only", "off",
           "--admission", "off", "--once-per", "member", "--excludes", "send-warmth,insurance",
           "--from", "2018-01-01")  # fmt: skip
    shown = rule(cli, "living-aid")
    assert (shown["ceiling"], shown["archived_only"], shown["once_per"]) == (True, False, "member")
    assert shown["excludes"] == "insurance, send-warmth"
    cli.ok("program", "set", "living-aid", "--excludes", "none", "--from", "2018-01-01")
    assert rule(cli, "living-aid")["excludes"] is None


BAD = [
    pytest.param(["program", "set", "medical-aid"], 3, "nothing to change", id="nothing"),
    pytest.param(["program", "set", "lottery", "--cap", "1"], 4, "no programme 'lottery'", id="unknown"),
    pytest.param(["program", "set", "medical-aid", "--cap", "0"], 3, "--cap: must be more than 0", id="zero-cap"),
    pytest.param(["program", "set", "medical-aid", "--ceiling", "maybe"], 3, "--ceiling: is a switch", id="bad-switch"),
    pytest.param(["program", "set", "medical-aid", "--once-per", "city"], 3, "unknown once-a-year rule", id="bad-once"),
    pytest.param(["program", "set", "medical-aid", "--excludes", "medical-aid"], 3, "cannot exclude itself", id="self"),
    pytest.param(["program", "set", "medical-aid", "--excludes", "lottery"], 4, "no programme 'lottery'", id="unknown-excluded"),
    pytest.param(["program", "set", "golden-autumn", "--level", "undergraduate"], 3, "--level goes with --standard", id="level-alone"),
    pytest.param(["program", "set", "golden-autumn", "--level", "none", "--standard", "1"], 3, "--level: choose one of", id="level-none"),
    pytest.param(["program", "set", "golden-autumn", "--level", "phd", "--standard", "1"], 3, "unknown admission level", id="level-unknown"),
    pytest.param(["program", "set", "medical-aid", "--cap", "1", "--from", "2018-02-30"], 3, "not a date", id="bad-date"),
    pytest.param(["program", "show", "lottery"], 4, "choose one of golden-autumn, medical-aid", id="show-unknown"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "code", "message"), BAD)
def test_bad_rule_changes_are_refused_with_one_line_and_change_nothing(
    cli: Ledger, args: list[str], code: int, message: str
) -> None:
    before = cli.snapshot()
    assert message in cli.fails(*args, code=code).stderr
    assert cli.snapshot() == before

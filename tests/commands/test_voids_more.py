"""作废 of the other non-money records through the command line: identification steps (a
voided step is due again, a voided confirmation reopens the case), objections, pairing
visits, training stages and placements, housing and legal cases and their status changes,
counselling sessions. Each stays in the timeline marked void, and every list, report and
rule reads past it."""

from __future__ import annotations

from tests.commands.test_exits import archived, status_of
from tests.commands.test_identify import hh
from tests.commands.test_training import WELDING, add_class
from tests.conftest import aid
from tests.service_aid_support import rows
from tests.support import Ledger, walk_to_notice

__all__ = ["aid", "archived", "hh"]


def _entry(cli: Ledger, code: str, record: str) -> dict[str, object]:
    timeline = cli.ok("household", "show", code, "-f", "json").json()["timeline"]
    found: dict[str, object] = next(e for e in timeline if str(e["record"]).endswith(record))
    return found


def _due(cli: Ledger, code: str = "H000001") -> str | None:
    due: str | None = cli.ok("identify", "status", code, "-f", "json").json()["due"]
    return due


def test_a_voided_step_is_due_again_and_may_be_recorded_again(hh: Ledger) -> None:
    walk_to_notice(hh)  # ST001 visit … ST006 publicize
    assert _due(hh) == "confirm"
    number = hh.ok("identify", "object", "H000001", "--by", "匿名", "--text", "有经营收入",
                   "--on", "2018-04-10").stdout.strip()  # fmt: skip
    assert _entry(hh, "H000001", "OB001")["event"] == "objection"
    before = hh.snapshot()
    kept = hh.fails("void", "ST006", "--reason", "公示地点录错", code=6)
    assert "ST006's public notice has 1 objection filed in it; void it first" in kept.stderr
    later = hh.fails("void", "ST005", "--reason", "x", code=6)
    assert "ST005 is not the latest step of H000001's case (publicize (六公示) came after" in (
        later.stderr
    )
    assert "home visit" in hh.fails("void", "ST001", "--reason", "x", code=6).stderr
    assert hh.snapshot() == before
    hh.ok("void", "OB001", "--reason", "异议人撤回，系误录")
    # A voided objection is settled no more, and no longer holds up the confirmation.
    gone = hh.fails("identify", "settle", number, "--dismissed", "--note", "x", code=5)
    assert "OB001 was already voided" in gone.stderr
    assert hh.ok("identify", "status", "H000001", "-f", "json").json()["objections"] == []
    out = hh.ok("void", "ST006", "--reason", "公示地点录错")
    assert "H000001's case waits for publicize (六公示) again" in out.stderr
    assert _due(hh) == "publicize"
    assert _entry(hh, "H000001", "ST006")["voided"] is not None
    notice = hh.fails("notice", "export", "--households", "H000001", "-o", "公示.html", code=4)
    assert "no public notice for H000001" in notice.stderr
    # The rules read past it: the notice is recorded again, and the case goes on.
    hh.ok("identify", "publicize", "H000001", "--from", "2018-04-20", "--place", "厂区大门")
    assert _due(hh) == "confirm"
    early = hh.fails("identify", "confirm", "H000001", "--by", "baiyin", "--on", "2018-04-22",
                     code=6)  # fmt: skip
    assert "2018-04-26" in early.stderr  # the new notice's, not the voided one's
    hh.ok("identify", "confirm", "H000001", "--by", "baiyin", "--on", "2018-04-27")
    steps = hh.ok("identify", "status", "H000001", "-f", "json").json()["steps"]
    assert [s["step"] for s in steps][-2:] == ["publicize", "confirm"]
    hh.ok("db", "check")


def test_a_voided_confirmation_reopens_the_case_and_releases_the_archive_number(
    hh: Ledger,
) -> None:
    walk_to_notice(hh)
    done = hh.ok("identify", "confirm", "H000001", "--by", "baiyin", "--on", "2018-04-16")
    assert "archive number 620402-2018-00001" in done.stderr
    archived = hh.ok("report", "categories", "--as-of", "2018-06-01", "-f", "json").json()
    assert sum(row["households"] for row in archived["rows"]) == 1
    out = hh.ok("--operator", "王会计", "void", "ST007", "--reason", "审批单位录错")
    assert "H000001 is identifying again and waits for confirm (七确认)" in out.stderr
    assert "archive number 620402-2018-00001 released" in out.stderr
    shown = hh.ok("household", "show", "H000001", "-f", "json").json()
    assert (shown["status"], shown["archive_no"]) == ("identifying", None)
    assert _due(hh) == "confirm"
    rounds = hh.ok("identify", "status", "H000001", "-f", "json").json()["rounds"]
    assert rounds[0]["status"] == "open"
    archived = hh.ok("report", "categories", "--as-of", "2018-06-01", "-f", "json").json()
    assert sum(row["households"] for row in archived["rows"]) == 0
    pipeline = hh.ok("report", "pipeline", "--as-of", "2018-06-01", "-f", "json").json()
    assert sum(row["waiting"] for row in pipeline["rows"]) == 1
    assert "王会计: 审批单位录错" in str(_entry(hh, "H000001", "ST007")["voided"])
    # Confirmed again, it takes the number that was released.
    again = hh.ok("identify", "confirm", "H000001", "--by", "baiyin", "--on", "2018-04-20")
    assert "archive number 620402-2018-00001" in again.stderr
    # Once something has happened since in its status history, the confirmation stands.
    hh.ok("exit", "deceased", "H000001", "--on", "2018-06-01")
    before = hh.snapshot()
    moved = hh.fails("void", "ST008", "--reason", "x", code=6)
    assert "H000001's status has changed since ST008 archived it" in moved.stderr
    assert hh.snapshot() == before
    assert status_of(hh, "H000001") == "exited"
    hh.ok("db", "check")


def test_an_upheld_objection_that_rejected_the_case_is_not_voided(hh: Ledger) -> None:
    walk_to_notice(hh)
    number = hh.ok("identify", "object", "H000001", "--by", "匿名", "--text", "有经营收入",
                   "--on", "2018-04-10").stdout.strip()  # fmt: skip
    hh.ok("identify", "settle", number, "--upheld", "--note", "属实", "--on", "2018-04-12")
    upheld = hh.fails("void", "OB001", "--reason", "x", code=6)
    assert "OB001 was upheld and rejected its case" in upheld.stderr
    closed = hh.fails("void", "ST006", "--reason", "x", code=6)
    assert "ST006 belongs to a closed case of H000001" in closed.stderr
    # In Chinese too, in one line.
    zh = hh.fails("--lang", "zh", "void", "OB001", "--reason", "x", code=6)
    assert zh.stderr.startswith("错误：")


def test_a_voided_visit_no_longer_counts_as_activity_nor_as_a_visit(archived: Ledger) -> None:
    archived.ok("pair", "assign", "H000001", "--unit", "aluminium-unit", "--contact", "李发明",
                "--phone", "13893005678", "--on", "2018-01-20")  # fmt: skip
    archived.ok("pair", "visit", "H000001", "--kind", "home", "--note", "送去米面油",
                "--on", "2018-12-01")  # fmt: skip

    def stale() -> list[str]:
        found = archived.ok("review", "stale", "--as-of", "2019-02-01", "-f", "json").rows()
        return [row["code"] for row in found]

    assert "H000001" not in stale()
    assert archived.ok("pair", "list", "-f", "json").rows()[0]["visits"] == 1
    out = archived.ok("void", "PV001", "--reason", "走访记错了户")
    assert "PV001 voided: visit to H000001" in out.stderr
    assert "H000001" in stale()
    row = archived.ok("pair", "list", "-f", "json").rows()[0]
    assert (row["visits"], row["last_visit_on"]) == (0, None)
    assert archived.ok("pair", "show", "H000001", "-f", "json").json()["visits"] == []
    assert _entry(archived, "H000001", "PV001")["voided"] is not None
    again = archived.fails("void", "PV001", "--reason", "x", code=5)
    assert "PV001 was already voided" in again.stderr


def test_a_voided_training_stage_and_its_placement_leave_the_reports(aid: Ledger) -> None:
    add_class(aid, *WELDING)
    aid.ok("training", "enroll", "C001", "H000001", "--on", "2018-02-20")
    aid.ok("training", "complete", "C001", "H000001", "--on", "2018-04-30")  # TS001
    # TS002
    aid.ok("training", "certify", "C001", "H000001", "--certificate", "6204001801234",
           "--on", "2018-05-15")  # fmt: skip
    # TS003, P001
    aid.ok("training", "employ", "C001", "H000001", "--employer", "白银有色集团",
           "--monthly-wage", "3200", "--on", "2018-06-01")  # fmt: skip

    def report() -> tuple[int, int]:
        shown = aid.ok("report", "training", "--as-of", "2018-12-31", "-f", "json").json()
        return shown["rows"][0]["employed"], shown["placed_total"]["placed"]

    assert report() == (1, 1)
    assert _entry(aid, "H000001", "TS003")["event"] == "employed"
    not_latest = aid.fails("void", "TS002", "--reason", "x", code=6)
    assert "TS002 is not the latest of the trainee's stages (TS003 came after it)" in (
        not_latest.stderr
    )
    out = aid.ok("void", "TS003", "--reason", "就业单位录错")
    assert "张建国 of H000001 has the work and income recorded before the placement" in out.stderr
    assert report() == (0, 0)
    head = aid.ok("household", "show", "H000001", "-f", "json").json()["members"][0]
    assert (head["employer"], head["monthly_income_fen"]) != ("白银有色集团", 320000)
    assert rows(aid, "aid", "list", "--kind", "placement") == []
    assert rows(aid, "training", "list", "--class", "C001")[0]["stage"] == "certified"
    assert aid.fails("void", "P001", "--reason", "x", code=5).stderr.startswith("error:")
    # The stage may be recorded again.
    aid.ok("training", "employ", "C001", "H000001", "--employer", "白银铝厂",
           "--monthly-wage", "3000", "--on", "2018-06-05")  # fmt: skip
    assert report() == (1, 1)
    aid.ok("db", "check")


def test_a_voided_placement_gives_back_the_members_work_while_it_is_the_latest(
    aid: Ledger,
) -> None:
    place = ["aid", "place", "H000002", "--employer", "白银银光化学公司", "--job", "保洁员",
             "--monthly-wage", "3000", "--via", "spring-breeze"]  # fmt: skip
    aid.ok(*place, "--on", "2018-03-02")  # P001
    aid.ok(*place[:-2], "--via", "direct", "--on", "2018-05-02")  # P002
    later = aid.fails("void", "P001", "--reason", "x", code=6)
    assert "P001 is not the latest of 李明's placements (P002 came after it)" in later.stderr
    aid.ok("void", "P002", "--reason", "重复录入")
    assert [r["record"] for r in rows(aid, "aid", "list", "--kind", "placement")] == ["P001"]
    aid.ok("void", "P001", "--reason", "推荐未成功")
    head = aid.ok("household", "show", "H000002", "-f", "json").json()["members"][0]
    assert head["monthly_income_fen"] == 0
    assert rows(aid, "aid", "list", "--kind", "placement") == []
    assert _entry(aid, "H000002", "P001")["voided"] is not None
    aid.ok("db", "check")


def test_housing_legal_and_counselling_records_are_voided_and_leave_aid_list(
    aid: Ledger,
) -> None:
    # HC001 HS001
    aid.ok("aid", "housing", "H000001", "--kind", "low-rent", "--status", "applied",
           "--on", "2018-03-01")  # fmt: skip
    # HS002
    aid.ok("aid", "housing", "H000001", "--kind", "low-rent", "--status", "allocated",
           "--area-m2", "45", "--on", "2018-07-01")  # fmt: skip
    # LC001 LS001
    aid.ok("aid", "legal", "H000001", "--kind", "wage-arrears", "--status", "opened",
           "--against", "某建筑公司", "--on", "2018-03-01")  # fmt: skip
    # LS002
    aid.ok("aid", "legal", "H000001", "--kind", "wage-arrears", "--status", "resolved",
           "--recovered", "12000", "--on", "2018-05-20")  # fmt: skip
    aid.ok("aid", "counsel", "H000001", "--by", "王心怡", "--note", "谈心", "--on", "2018-04-01")

    def listed() -> dict[str, tuple[object, object]]:
        return {r["record"]: (r["status"], r["amount_fen"])
                for r in rows(aid, "aid", "list", "--household", "H000001")}  # fmt: skip

    assert listed() == {
        "HC001": ("allocated", None), "LC001": ("resolved", 1200000), "CS001": ("held", None),
    }  # fmt: skip
    assert _entry(aid, "H000001", "HS002")["record"] == "HC001 HS002"
    later = aid.fails("void", "HS001", "--reason", "x", code=6)
    assert "HS001 is not the latest of case HC001's status changes (HS002 came" in later.stderr
    aid.ok("void", "HS002", "--reason", "分配记录录早了")
    opened = aid.fails("void", "HS001", "--reason", "x", code=6)
    assert "HS001 opened case HC001; void the case instead: kunnan void HC001" in opened.stderr
    aid.ok("void", "LS002", "--reason", "追讨金额未到账")
    aid.fails("void", "LS001", "--reason", "x", code=6)
    aid.ok("void", "CS001", "--reason", "记错了户")
    assert listed() == {"HC001": ("applied", None), "LC001": ("opened", None)}
    # The rules read past it: the case is open again and may be allocated again.
    aid.ok("aid", "housing", "H000001", "--kind", "low-rent", "--status", "allocated",
           "--on", "2018-08-01")  # fmt: skip
    aid.ok("void", "HC001", "--reason", "不是这一户的申请")
    aid.ok("void", "LC001", "--reason", "重复立案")
    assert listed() == {}
    timeline = aid.ok("household", "show", "H000001", "-f", "json").json()["timeline"]
    cases = [e for e in timeline if e["event"] in ("housing", "legal", "counseling")]
    assert len(cases) == 6 and all(e["voided"] is not None for e in cases)
    # A new case of the kind may be opened: the voided one is not open.
    aid.ok("aid", "housing", "H000001", "--kind", "low-rent", "--status", "applied",
           "--on", "2018-09-01")  # fmt: skip
    assert listed() == {"HC002": ("applied", None)}
    assert aid.fails("void", "L001", "--reason", "x", code=3).stderr.startswith("error:")
    aid.ok("db", "check")


def test_a_voided_calculation_no_longer_counts_as_the_households_income(hh: Ledger) -> None:
    """A calculate step voided takes its income calculation with it: the step is due again,
    and the income it found is no household's income for a list or a rule."""
    for step in (("visit", "--visitor", "李发明", "--visitor", "张清满"),
                 ("inspect", "--car-value", "0")):  # fmt: skip
        hh.ok("identify", *step[:1], "H000001", *step[1:], "--on", "2018-04-02")
    wrong = hh.ok("identify", "calculate", "H000001", "--other-income", "900", "--on", "2018-04-03")
    assert "900.00 earned + 900.00 other" in wrong.stdout
    hh.ok("void", "ST003", "--reason", "其他收入录错")
    assert _due(hh) == "calculate"
    right = hh.ok("identify", "calculate", "H000001", "--on", "2018-04-04")
    assert "900.00 earned + 0.00 other" in right.stdout
    # Both calculations stay in the ledger; the voided one is marked (void_id, its last column).
    calculations = sorted(hh.snapshot()["income_calculation"])
    assert [(row[3].isoformat() if hasattr(row[3], "isoformat") else str(row[3]), row[-1] is None)
            for row in calculations] == [("2018-04-03", False), ("2018-04-04", True)]  # fmt: skip
    timeline = hh.ok("household", "show", "H000001", "-f", "json").json()["timeline"]
    calculated = [(e["on_date"], e["voided"] is not None) for e in timeline
                  if e["event"] == "calculate"]  # fmt: skip
    assert calculated == [("2018-04-03", True), ("2018-04-04", False)]

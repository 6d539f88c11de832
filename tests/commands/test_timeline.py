"""household show's timeline: everything done for a household in date order; review stale sees
service aid as activity too."""

from __future__ import annotations

import datetime as dt

from tests.service_aid_support import reading, rows
from tests.support import Ledger


def test_the_timeline_lists_everything_done_for_a_household_in_date_order(aid: Ledger) -> None:
    aid.ok("policy", "set-line", "--area", "620402", "--year", "2018", "--amount", "520")
    aid.ok("household", "contact", "H000001", "--by", "phone", "--outcome", "reached",
           "--caseworker", "李发明", "--on", "2017-03-01")  # fmt: skip
    aid.ok("pair", "assign", "H000001", "--unit", "aluminium-unit", "--contact", "李发明",
           "--phone", "13893005678", "--on", "2018-01-05")  # fmt: skip
    aid.ok("pair", "visit", "H000001", "--note", "送去米面油", "--on", "2018-02-10")
    aid.ok("aid", "grant", "H000001", "--program", "send-warmth", "--fund", "F001",
           "--on", "2018-01-20")  # fmt: skip
    aid.ok("training", "class", "add", "--name", "计算机班", "--trade", "computer-operation",
           "--start", "2018-03-01", "--end", "2018-03-31")  # fmt: skip
    aid.ok("training", "enroll", "C001", "H000001", "--member", "张小梅", "--on", "2018-02-25")
    aid.ok("aid", "counsel", "H000001", "--by", "王心怡", "--note", "谈心", "--on", "2018-03-10")
    aid.ok("aid", "legal", "H000001", "--kind", "wage-arrears", "--status", "opened",
           "--against", "某建筑公司", "--on", "2018-03-12")  # fmt: skip
    aid.ok("aid", "legal", "H000001", "--kind", "wage-arrears", "--status", "resolved",
           "--recovered", "6000", "--on", "2018-04-02")  # fmt: skip
    aid.ok("aid", "place", "H000001", "--employer", "白银有色", "--job", "电工", "--monthly-wage",
           "4000", "--via", "direct", "--on", "2018-05-01")  # fmt: skip
    aid.ok("exit", "stable", "H000001", "--recalculate", "--on", "2018-06-01")
    aid.ok("exit", "followup", "H000001", "--by", "李发明", "--outcome", "stable",
           "--note", "收入稳定", "--on", "2018-09-01")  # fmt: skip
    shown = aid.ok("household", "show", "H000001", "-f", "json").json()
    timeline = shown["timeline"]
    days = [e["on_date"] for e in timeline]
    assert days == sorted(days)
    events = [e["event"] for e in timeline]
    assert events[:9] == [
        "registered", "contact", "visit", "inspect", "calculate", "deliberate", "appraise",
        "publicize", "confirm",
    ]  # fmt: skip
    assert events[9:] == [
        "paired", "grant", "pair_visit", "enrolled", "counseling", "legal", "legal", "placed",
        "income_check", "pairing_ended", "exited", "followup",
    ]  # fmt: skip
    by_event = {e["event"]: e for e in timeline}
    assert by_event["grant"]["record"] == "#2" and by_event["grant"]["amount_fen"] == 50000
    assert by_event["grant"]["detail"] == "送温暖"  # a household programme: no member
    assert by_event["enrolled"]["detail"] == "张小梅 · computer_operation · 计算机班"
    assert by_event["placed"]["detail"] == "张建国 · direct · 白银有色 · 电工"
    assert by_event["placed"]["amount_fen"] == 400000
    assert by_event["exited"]["detail"].startswith("stable")
    assert timeline[1]["detail"] == "phone · reached · 李发明"
    assert timeline[-1]["detail"] == "stable · 李发明 · 收入稳定"
    zh = aid.ok("--lang", "zh", "household", "show", "H000001").stdout
    for label in ("帮扶记录", "一进", "七确认", "结对走访", "培训报名", "计算机操作", "心理疏导",
                  "欠薪追讨", "已解决", "就业安置", "直接推荐", "退出", "回访"):  # fmt: skip
        assert label in zh, label
    csv = aid.ok("household", "show", "H000001", "--timeline", "-f", "csv").stdout.splitlines()
    assert csv[0] == "on_date,event,record,detail,amount_fen,voided"
    assert len(csv) == len(timeline) + 1
    only = aid.ok("household", "show", "H000001", "--timeline").stdout
    assert "Timeline" in only and "Members" not in only


def test_review_stale_counts_service_aid_as_something_done(aid: Ledger) -> None:
    def stale(as_of: str) -> list[str]:
        return [r["code"] for r in rows(aid, "review", "stale", "--as-of", as_of)]

    assert "H000001" in stale("2018-12-31")  # archived 2017-03-08, nothing since
    aid.ok("aid", "counsel", "H000001", "--by", "王心怡", "--note", "谈心", "--on", "2018-06-01")
    assert "H000001" not in stale("2018-12-31")
    assert "H000001" in stale("2019-06-02")


def test_every_service_table_counts_as_activity(aid: Ledger) -> None:
    aid.ok("training", "class", "add", "--name", "烹饪班", "--trade", "cooking",
           "--start", "2018-01-10", "--end", "2018-01-31")  # fmt: skip
    done = {
        "2018-01-05": ["training", "enroll", "C001", "H000001"],
        "2018-01-31": ["training", "complete", "C001", "H000001"],
        "2018-02-01": ["aid", "place", "H000001", "--employer", "饭店", "--job", "厨师",
                       "--monthly-wage", "2500", "--via", "direct"],
        "2018-02-02": ["aid", "loan", "H000001", "--amount", "1000", "--fund", "F001",
                       "--term-months", "1"],
        "2018-03-05": ["aid", "loan-default", "L001", "--reason", "失联"],
        "2018-03-06": ["aid", "housing", "H000001", "--kind", "rent-subsidy", "--status", "applied"],
        "2018-03-07": ["aid", "legal", "H000001", "--kind", "legal-aid", "--status", "opened"],
        "2018-03-08": ["aid", "counsel", "H000001", "--by", "王心怡", "--note", "谈心"],
    }  # fmt: skip
    for day, args in done.items():
        aid.ok(*args, "--on", day)
    from sqlalchemy import union_all

    from kunnan.services.review import ACTIVITY_SOURCES

    with reading(aid) as session:
        activity = union_all(*(part for source in ACTIVITY_SOURCES for part in source())).subquery()
        days = {
            day for household_id, day in session.execute(activity.select()) if household_id == 1
        }
    assert {dt.date.fromisoformat(day) for day in done} <= days

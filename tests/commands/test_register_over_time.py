"""The register over the years: members who join and leave, head changes, and the yearly
review (年审) — through the command line, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tests.conftest import BAIYIN, ledger_fixture
from tests.support import Ledger, archive_household, make_id

START = dt.date(2018, 1, 8)


def _build(baiyin: Ledger) -> None:
    """Archived in January 2018: H1 dibao (no income), H2 marginal (1,200 a month), each with
    a spouse; H3 a candidate."""
    for year, amount in (("2017", "480"), ("2018", "520"), ("2019", "560")):
        baiyin.ok("policy", "set-line", "--area", "620402", "--year", year, "--amount", amount)
    people = [("吴新民", "0"), ("张瑞华", "1200"), ("刘菊香", "0")]
    for sequence, (name, income) in enumerate(people, start=1):
        baiyin.ok("household", "add", "--name", name, "--id-number", make_id(sequence=sequence * 2 + 1),
                  "--org", "phosphate", "--income", income, "--cause", "illness", "--on", "2017-12-01")  # fmt: skip
        baiyin.ok("household", "member", "add", f"H00000{sequence}", "--name", f"{name[0]}家属",
                  "--id-number", make_id(birth=dt.date(1980, 1, sequence), sequence=sequence * 2),
                  "--relation", "spouse")  # fmt: skip
    archive_household(baiyin, "H000001", start=START)
    archive_household(baiyin, "H000002", start=START)


archived = ledger_fixture(*BAIYIN, ("test_register_over_time.archived", _build))


def _by_category(cli: Ledger, day: str) -> dict[str, tuple[int, int]]:
    rows = cli.ok("report", "categories", "--as-of", day, "-f", "json").json()["rows"]
    return {row["category"]: (row["households"], row["people"]) for row in rows}


def _by_cause(cli: Ledger, day: str) -> dict[str, int]:
    rows = cli.ok("report", "causes", "--as-of", day, "-f", "json").json()["rows"]
    return {row["cause"]: row["households"] for row in rows if row["households"]}


def _secondary(cli: Ledger, day: str) -> dict[str, int]:
    document = cli.ok("report", "causes", "--secondary", "--as-of", day, "-f", "json").json()
    return {row["cause"]: row["secondary"] for row in document["rows"] if row["secondary"]}


def _show(cli: Ledger, code: str) -> Any:
    return cli.ok("household", "show", code, "-f", "json").json()


# Members over time ---------------------------------------------------------------------------


def test_a_member_who_left_is_not_counted_after_the_day_she_left(archived: Ledger) -> None:
    assert _by_category(archived, "2018-06-30")["dibao"] == (1, 2)
    out = archived.ok(
        "household",
        "member",
        "leave",
        "H000001",
        "吴家属",
        "--reason",
        "death",
        "--on",
        "2018-07-01",
    )
    assert "H000001: 吴家属 left on 2018-07-01" in out.stderr
    assert _by_category(archived, "2018-06-30")["dibao"] == (1, 2)
    assert _by_category(archived, "2018-07-01")["dibao"] == (1, 1)
    shown = _show(archived, "H000001")
    left = [m for m in shown["members"] if m["name"] == "吴家属"]
    assert left[0]["left_on"] == "2018-07-01" and left[0]["left_reason"] == "death"
    events = [(row["on_date"], row["event"]) for row in shown["timeline"]]
    assert ("2018-07-01", "member_left") in events
    # The yearly review counts the members present that day: the head alone.
    review = archived.ok("review", "record", "H000001", "--on", "2018-12-01")
    assert "members: 1" in review.stdout


def test_a_member_joins_on_a_day_and_counts_from_then(archived: Ledger) -> None:
    archived.ok("household", "member", "add", "H000002", "--name", "张小宝", "--relation", "child",
                "--id-number", make_id(birth=dt.date(2018, 9, 3), sequence=2),
                "--on", "2018-09-03", "--reason", "birth")  # fmt: skip
    assert _by_category(archived, "2018-09-02")["marginal"] == (1, 2)
    assert _by_category(archived, "2018-09-03")["marginal"] == (1, 3)
    joined = [m for m in _show(archived, "H000002")["members"] if m["name"] == "张小宝"]
    assert joined[0]["joined_on"] == "2018-09-03" and joined[0]["joined_reason"] == "birth"
    before = archived.snapshot()
    early = archived.fails("household", "member", "add", "H000002", "--name", "张二宝",
                           "--id-number", make_id(birth=dt.date(2016, 1, 1), sequence=4),
                           "--relation", "child", "--on", "2016-01-01", "--reason", "birth",
                           code=6)  # fmt: skip
    assert "was registered on 2017-12-01" in early.stderr
    assert archived.snapshot() == before


def test_leaving_is_refused_for_the_head_twice_or_before_joining(archived: Ledger) -> None:
    before = archived.snapshot()
    head = archived.fails("household", "member", "leave", "H000001", "head", "--reason", "moved_out",
                          "--on", "2018-07-01", code=6)  # fmt: skip
    assert "is the head worker of H000001; change the head first" in head.stderr
    early = archived.fails("household", "member", "leave", "H000001", "吴家属", "--reason", "death",
                           "--on", "2017-01-01", code=6)  # fmt: skip
    assert "belongs to H000001 from 2017-12-01" in early.stderr
    bad = archived.fails("household", "member", "leave", "H000001", "吴家属", "--reason", "flew",
                         code=3)  # fmt: skip
    assert "unknown reason a member left 'flew'" in bad.stderr
    assert archived.snapshot() == before
    archived.ok("household", "member", "leave", "H000001", "吴家属", "--reason", "moved_out",
                "--on", "2018-07-01")  # fmt: skip
    twice = archived.fails("household", "member", "leave", "H000001", "吴家属", "--reason", "death",
                           "--on", "2018-08-01", code=6)  # fmt: skip
    assert "already left H000001 on 2018-07-01" in twice.stderr


def test_the_head_changes_and_the_household_keeps_its_archive(archived: Ledger) -> None:
    archive_no = _show(archived, "H000002")["archive_no"]
    before = archived.snapshot()
    stays = archived.fails("household", "head", "H000002", "--to", "张家属", "--reason",
                           "incapacity", "--on", "2018-08-01", code=3)  # fmt: skip
    assert "give --former-relation" in stays.stderr
    same = archived.fails("household", "head", "H000002", "--to", "head", "--reason", "death",
                          code=3)  # fmt: skip
    assert "is already the head worker of H000002" in same.stderr
    assert archived.snapshot() == before
    out = archived.ok("household", "head", "H000002", "--to", "张家属", "--reason", "death",
                      "--on", "2018-08-01")  # fmt: skip
    assert "张家属 is the head worker from 2018-08-01; 张瑞华 left the household" in out.stderr
    shown = _show(archived, "H000002")
    assert shown["archive_no"] == archive_no and shown["status"] == "archived"
    members = {m["name"]: m for m in shown["members"]}
    assert members["张家属"]["relation"] == "head"
    assert members["张瑞华"]["left_on"] == "2018-08-01"
    assert members["张瑞华"]["left_reason"] == "death"
    assert ("2018-08-01", "head_changed") in [(r["on_date"], r["event"]) for r in shown["timeline"]]
    listed = archived.ok("household", "list", "-f", "json").rows()
    assert {row["head_name"] for row in listed if row["code"] == "H000002"} == {"张家属"}
    # The one who left had income; the household's people and income are the new head's now.
    assert _by_category(archived, "2018-08-01")["marginal"] == (1, 1)


# The yearly review ---------------------------------------------------------------------------


def test_a_review_clears_the_household_from_review_due(archived: Ledger) -> None:
    due = archived.ok("review", "due", "--as-of", "2019-03-01", "-f", "json").rows()
    assert [row["code"] for row in due] == ["H000001", "H000002"]
    out = archived.ok("review", "record", "H000002", "--on", "2018-12-20")
    assert "per capita: 1,200.00 ÷ 2 = 600.00" in out.stdout
    assert "H000002: reviewed on 2018-12-20; kept as marginal" in out.stderr
    due = archived.ok("review", "due", "--as-of", "2019-03-01", "-f", "json").rows()
    assert [row["code"] for row in due] == ["H000001"]
    shown = _show(archived, "H000002")
    assert shown["status"] == "archived"
    reviews = [r for r in shown["timeline"] if r["event"] == "review"]
    assert [(r["on_date"], r["amount_fen"]) for r in reviews] == [("2018-12-20", 60000)]


def test_a_category_changed_at_review_shows_after_the_change_and_not_before(
    archived: Ledger,
) -> None:
    archived.ok("household", "member", "edit", "H000002", "head", "--income", "400")
    before = archived.snapshot()
    kept = archived.fails("review", "record", "H000002", "--on", "2018-12-01", code=6)
    assert "the calculation proposes dibao (低保户), not marginal (低保边缘户)" in kept.stderr
    no_reason = archived.fails("review", "record", "H000002", "--outcome", "category",
                               "--on", "2018-12-01", code=3)  # fmt: skip
    assert "needs a reason (--reason; 理由 in a file)" in no_reason.stderr
    assert archived.snapshot() == before
    out = archived.ok("review", "record", "H000002", "--outcome", "category", "--reason",
                      "收入下降，低于低保标准", "--on", "2018-12-01")  # fmt: skip
    assert "category dibao (低保户) from 2018-12-01" in out.stderr
    assert _by_category(archived, "2018-11-30") == {
        "dibao": (1, 2), "marginal": (1, 2), "accident": (0, 0)
    }  # fmt: skip
    assert _by_category(archived, "2018-12-01") == {
        "dibao": (2, 4), "marginal": (0, 0), "accident": (0, 0)
    }  # fmt: skip
    assert _show(archived, "H000002")["category"] == "dibao"
    again = archived.fails("review", "record", "H000002", "--on", "2018-12-01", code=6)
    assert "last reviewed on 2018-12-01" in again.stderr


def test_causes_change_at_review_and_only_there_once_archived(archived: Ledger) -> None:
    before = archived.snapshot()
    edited = archived.fails("household", "edit", "H000001", "--cause", "disability", code=6)
    assert "its causes change at a yearly review" in edited.stderr
    same = archived.fails("review", "record", "H000001", "--outcome", "causes", "--cause",
                          "illness", "--reason", "x", "--on", "2018-12-01", code=3)  # fmt: skip
    assert "these are the causes it already has" in same.stderr
    assert archived.snapshot() == before
    archived.ok("review", "record", "H000001", "--outcome", "causes", "--cause", "disability",
                "--secondary", "education", "--reason", "复核发现因残致困", "--on", "2018-12-01")  # fmt: skip
    assert _by_cause(archived, "2018-11-30") == {"illness": 2}
    assert _by_cause(archived, "2018-12-01") == {"illness": 1, "disability": 1}
    assert _secondary(archived, "2018-11-30") == {}
    assert _secondary(archived, "2018-12-01") == {"education": 1}
    # A later review ends education and gives unemployment: each day reads the causes it had.
    archived.ok("review", "record", "H000001", "--outcome", "causes", "--secondary", "unemployment",
                "--reason", "子女已毕业", "--on", "2019-12-01")  # fmt: skip
    assert _secondary(archived, "2019-11-30") == {"education": 1}
    assert _secondary(archived, "2019-12-01") == {"unemployment": 1}
    assert _secondary(archived, "2018-11-30") == {}
    shown = _show(archived, "H000001")
    assert shown["main_cause"] == "disability" and shown["secondary_causes"] == ["unemployment"]


def test_only_an_archived_household_is_reviewed_and_not_before_its_archive(
    archived: Ledger,
) -> None:
    before = archived.snapshot()
    candidate = archived.fails("review", "record", "H000003", "--on", "2018-12-01", code=6)
    assert "H000003 is candidate on 2018-12-01: only an archived household" in candidate.stderr
    early = archived.fails("review", "record", "H000001", "--on", "2018-01-09", code=6)
    assert "H000001 is identifying on 2018-01-09" in early.stderr
    mixed = archived.fails("review", "record", "H000001", "--category", "marginal",
                           "--on", "2018-12-01", code=3)  # fmt: skip
    assert "--outcome keep changes neither category nor causes" in mixed.stderr
    assert archived.snapshot() == before


def test_an_exit_is_proposed_at_review_and_made_by_the_exit_rules(archived: Ledger) -> None:
    archived.ok("household", "member", "edit", "H000002", "head", "--income", "3000")
    out = archived.ok("review", "record", "H000002", "--outcome", "exit", "--on", "2018-12-01")
    assert "exit proposed (kunnan exit stable H000002 --on 2018-12-01)" in out.stderr
    assert _show(archived, "H000002")["status"] == "archived"
    archived.ok("exit", "stable", "H000002", "--on", "2018-12-01")
    assert _show(archived, "H000002")["status"] == "exited"


def test_reviews_come_in_bulk_from_a_file_all_or_nothing(archived: Ledger, tmp_path: Path) -> None:
    archived.ok("household", "member", "edit", "H000002", "head", "--income", "400")
    good = tmp_path / "2018年审.csv"
    good.write_text(
        "户编号,年审日期,年审结论,调整后类别,理由,备注\n"
        "H000001,2018-12-03,维持,,,入户核实\n"
        "H000002,2018-12-04,调整类别,低保户,收入下降,入户核实\n",
        encoding="utf-8",
    )
    bad = tmp_path / "有误.csv"
    bad.write_text(
        "户编号,年审日期,年审结论\n"
        "H000001,2018-12-03,维持\n"
        "H000002,2018-12-04,维持\n"
        "H000003,2018-12-05,维持\n"
        "H000009,2018-12-05,保留\n",
        encoding="utf-8",
    )
    before = archived.snapshot()
    refused = archived.run("import", "reviews", str(bad))
    assert refused.exit_code == 3
    lines = refused.stderr.splitlines()
    assert "有误.csv: row 3: H000002: the calculation proposes dibao (低保户)" in lines[0]
    assert "row 4: H000003 is candidate on 2018-12-05" in lines[1]
    assert "row 5: 年审结论: unknown review outcome '保留'" in lines[2]
    assert "nothing was imported" in lines[-1]
    assert archived.snapshot() == before
    out = archived.ok("import", "reviews", str(good))
    assert "2 rows read; 2 reviews recorded, 0 already in the ledger, 0 rejected" in out.stderr
    assert _by_category(archived, "2018-12-04") == {
        "dibao": (2, 4), "marginal": (0, 0), "accident": (0, 0)
    }  # fmt: skip
    again = archived.ok("import", "reviews", str(good))
    assert "2 rows read; 0 reviews recorded, 2 already in the ledger, 0 rejected" in again.stderr
    rejects = tmp_path / "rejects.csv"
    # The rows of the first two households match their reviews now; the other two are set aside.
    done = archived.ok("import", "reviews", str(bad), "--skip-invalid", "--rejects", str(rejects))
    assert "4 rows read; 0 reviews recorded, 2 already in the ledger, 2 rejected" in done.stderr
    assert rejects.read_text(encoding="utf-8-sig").count("\n") == 3  # the header and two rows


def test_the_years_reviews_are_counted_by_union_and_outcome(archived: Ledger) -> None:
    archived.ok("review", "record", "H000001", "--on", "2018-12-03")
    archived.ok("household", "member", "edit", "H000002", "head", "--income", "3000")
    archived.ok("review", "record", "H000002", "--outcome", "exit", "--on", "2018-12-04")
    rows = archived.ok("review", "summary", "--year", "2018", "-f", "json").rows()
    assert [(r["org"], r["archived"], r["reviewed"], r["kept"], r["exit"], r["not_reviewed"])
            for r in rows] == [("白银磷肥厂工会", 2, 2, 1, 1, 0)]  # fmt: skip
    earlier = archived.ok("review", "summary", "--year", "2017", "-f", "json").rows()
    assert earlier == []  # archived in January 2018: nothing to review in 2017


def test_no_aid_or_service_goes_to_a_member_after_she_left(aid: Ledger) -> None:
    """A member who received aid may leave; from that day nothing more is hers."""
    aid.ok("aid", "grant", "H000001", "--program", "golden-autumn", "--member", "张小梅",
           "--fund", "F001", "--on", "2018-09-01")  # fmt: skip
    aid.ok("household", "member", "leave", "H000001", "张小梅", "--reason", "working_elsewhere",
           "--on", "2018-10-01")  # fmt: skip
    before = aid.snapshot()
    for what, args in (
        ("a grant", ("aid", "grant", "H000001", "--program", "medical-aid", "--member", "张小梅",
                     "--amount", "1000", "--fund", "F001", "--on", "2018-10-08")),
        ("a placement", ("aid", "place", "H000001", "--member", "张小梅", "--employer", "某公司",
                         "--job", "工人", "--monthly-wage", "2500", "--via", "direct", "--on", "2018-10-08")),
        ("counselling", ("aid", "counsel", "H000001", "--member", "张小梅", "--by", "刘老师", "--note", "谈心",
                         "--on", "2018-10-08")),
    ):  # fmt: skip
        refused = aid.fails(*args, code=6)
        assert f"张小梅 left the household on 2018-10-01; {what} dated 2018-10-08" in refused.stderr
    assert aid.snapshot() == before
    # What she received stays on the ledger, and the head may still be helped.
    rows = aid.ok("aid", "list", "-f", "json").rows()
    assert [row["member"] for row in rows if row["program"] == "golden-autumn"] == ["张小梅"]
    aid.ok("aid", "place", "H000001", "--employer", "某公司", "--job", "工人",
           "--monthly-wage", "2500", "--via", "direct", "--on", "2018-10-08")  # fmt: skip


def test_the_register_exported_today_leaves_out_the_members_who_left(
    archived: Ledger, tmp_path: Path
) -> None:
    archived.ok("household", "member", "leave", "H000001", "吴家属", "--reason", "moved_out",
                "--on", "2018-07-01")  # fmt: skip
    out = tmp_path / "members.csv"
    archived.ok("export", "members", "-o", str(out))
    text = out.read_text(encoding="utf-8-sig")
    assert "吴新民" in text and "吴家属" not in text and "张家属" in text

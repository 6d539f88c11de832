"""Aid beyond cash on the command line: job placements, housing, legal aid and wage arrears,
counselling, and every action on one list."""

from __future__ import annotations

import pytest

from tests.service_aid_support import refused, rows
from tests.support import Ledger

PLACE = ["aid", "place", "H000002", "--employer", "白银银光化学公司", "--job", "保洁员",
         "--monthly-wage", "3000", "--via", "spring-breeze"]  # fmt: skip


def test_a_placement_is_the_members_work_and_the_next_calculation_counts_it(aid: Ledger) -> None:
    aid.ok("policy", "set-line", "--area", "620403", "--year", "2018", "--amount", "520")
    aid.ok("identify", "visit", "H000002", "--visitor", "李发明", "--visitor", "张清满",
           "--on", "2018-03-01")  # fmt: skip
    aid.ok("identify", "inspect", "H000002", "--car-value", "0", "--on", "2018-03-01")
    placed = aid.ok(*PLACE, "--on", "2018-03-02")
    assert placed.stdout.strip() == "P001"
    assert "monthly income 0.00 → 3,000.00 yuan" in placed.stderr
    head = aid.ok("household", "show", "H000002", "-f", "json").json()["members"][0]
    assert (head["employer"], head["identity"], head["monthly_income_fen"]) == (
        "白银银光化学公司", "employed", 300000,
    )  # fmt: skip
    calculated = aid.ok("identify", "calculate", "H000002", "--on", "2018-03-03").stdout
    assert "income: 3,000.00 earned + 0.00 other = 3,000.00 yuan a month" in calculated
    assert "proposed category: none (not eligible)" in calculated
    audit = rows(aid, "audit", "list", "--household", "H000002", "--limit", "3")
    member_change = next(e for e in audit if e["entity"] == "member")
    assert member_change["changes"]["monthly_income_fen"] == [0, 300000]
    assert any(e["entity"] == "job_placement" and e["entity_ref"] == "P001" for e in audit)
    [row] = rows(aid, "aid", "list", "--household", "H000002")
    assert (row["kind"], row["status"], row["amount_fen"], row["subtype"]) == (
        "placement", "placed", 300000, "spring_breeze",
    )  # fmt: skip


def test_a_placement_older_than_the_members_latest_job_is_refused(aid: Ledger) -> None:
    aid.ok(*PLACE, "--on", "2018-06-01")
    message = refused(aid, *PLACE[:-2], "--via", "direct", "--on", "2018-03-01")
    assert (
        "李明 was placed in a job on 2018-06-01; a placement dated 2018-03-01 is older" in message
    )
    aid.ok(*PLACE[:-2], "--via", "民营企业招聘周", "--on", "2018-06-01")  # the same day is fine


def test_exited_households_get_no_new_services_but_open_cases_still_end(aid: Ledger) -> None:
    aid.ok("aid", "housing", "H000001", "--kind", "low-rent", "--status", "applied",
           "--on", "2018-03-01")  # fmt: skip
    aid.ok("exit", "moved", "H000001", "--to", "兰州市", "--on", "2018-04-01")
    left = "H000001 left the register on 2018-04-01 (moved); exited households receive no new"
    for args in (
        ["aid", "place", "H000001", "--employer", "某公司", "--job", "工人", "--monthly-wage",
         "2000", "--via", "direct", "--on", "2018-05-01"],
        ["aid", "counsel", "H000001", "--by", "王心怡", "--note", "谈心", "--on", "2018-05-01"],
        ["aid", "legal", "H000001", "--kind", "legal-aid", "--status", "opened", "--on", "2018-05-01"],
        ["aid", "housing", "H000001", "--kind", "rent-subsidy", "--status", "applied", "--on", "2018-05-01"],
        ["aid", "loan", "H000001", "--amount", "1000", "--fund", "F001", "--term-months", "6", "--on", "2018-05-01"],
    ):  # fmt: skip
        assert left in refused(aid, *args)
    # a record dated before the exit is still taken, and the open case records how it ended
    aid.ok("aid", "counsel", "H000001", "--by", "王心怡", "--note", "谈心", "--on", "2018-03-15")
    aid.ok("aid", "housing", "H000001", "--kind", "low-rent", "--status", "refused",
           "--on", "2018-05-01")  # fmt: skip


def test_housing_is_applied_for_then_allocated_or_refused_keeping_each_change(aid: Ledger) -> None:
    message = refused(aid, "aid", "housing", "H000001", "--kind", "low-rent", "--status",
                      "allocated", "--on", "2018-03-01")  # fmt: skip
    assert "H000001 has no open low_rent housing case to become allocated" in message
    assert "--status applied" in message
    opened = aid.ok("aid", "housing", "H000001", "--kind", "廉租房", "--status", "已申请",
                    "--on", "2018-03-01")  # fmt: skip
    assert opened.stdout.strip() == "HC001"
    message = refused(aid, "aid", "housing", "H000001", "--kind", "low-rent", "--status",
                      "applied", "--on", "2018-03-02")  # fmt: skip
    assert "housing case HC001 of H000001 (low_rent) cannot become applied" in message
    message = refused(aid, "aid", "housing", "H000001", "--kind", "low-rent", "--status",
                      "allocated", "--on", "2018-02-28")  # fmt: skip
    assert "last changed on 2018-03-01; a change dated 2018-02-28 would go back in time" in message
    aid.ok("aid", "housing", "H000001", "--kind", "low-rent", "--status", "allocated",
           "--area-m2", "45.5", "--amount", "300", "--note", "白银区廉租房3号楼", "--on", "2018-07-01")  # fmt: skip
    message = refused(aid, "aid", "housing", "H000001", "--kind", "low-rent", "--status",
                      "refused", "--on", "2018-08-01")  # fmt: skip
    assert "no open low_rent housing case" in message  # allocated is final
    aid.ok("aid", "housing", "H000001", "--kind", "rent-subsidy", "--status", "applied",
           "--amount", "200", "--on", "2018-08-01")  # fmt: skip
    cases = rows(aid, "aid", "list", "--kind", "housing")
    assert [(r["record"], r["subtype"], r["status"], r["amount_fen"]) for r in cases] == [
        ("HC001", "low_rent", "allocated", 30000), ("HC002", "rent_subsidy", "applied", 20000),
    ]  # fmt: skip
    timeline = aid.ok("household", "show", "H000001", "-f", "json").json()["timeline"]
    housing = [(e["on_date"], e["detail"]) for e in timeline if e["event"] == "housing"]
    assert housing == [
        ("2018-03-01", "low_rent · applied"),
        ("2018-07-01", "low_rent · allocated · 45.50 m² · 白银区廉租房3号楼"),
        ("2018-08-01", "rent_subsidy · applied"),
    ]


def test_wage_arrears_record_what_was_recovered_which_is_not_union_money(aid: Ledger) -> None:
    opened = aid.ok("aid", "legal", "H000001", "--kind", "wage-arrears", "--status", "opened",
                    "--against", "某建筑公司", "--on", "2018-03-01")  # fmt: skip
    assert opened.stdout.strip() == "LC001"
    resolved = aid.ok("aid", "legal", "H000001", "--kind", "欠薪追讨", "--status", "resolved",
                      "--recovered", "12,000", "--on", "2018-05-20")  # fmt: skip
    assert "12,000.00 yuan recovered for the household" in resolved.stderr
    aid.ok("aid", "legal", "H000001", "--kind", "wage-arrears", "--status", "closed",
           "--recovered", "500", "--on", "2018-06-01")  # fmt: skip
    message = refused(aid, "aid", "legal", "H000001", "--kind", "wage-arrears", "--status",
                      "resolved", "--on", "2018-07-01")  # fmt: skip
    assert "H000001 has no open wage_arrears case to become resolved" in message
    [case] = rows(aid, "aid", "list", "--program", "wage-arrears")
    assert (case["record"], case["status"], case["amount_fen"], case["detail"]) == (
        "LC001", "closed", 1250000, "某建筑公司",
    )  # fmt: skip
    fund = aid.ok("fund", "show", "F001", "-f", "json").json()
    assert fund["balance_fen"] == 10_000_000  # recovered wages never touch a fund
    aid.ok("aid", "legal", "H000001", "--kind", "injury-compensation", "--status", "opened",
           "--member", "张小梅", "--on", "2018-04-01")  # fmt: skip
    [injury] = rows(aid, "aid", "list", "--kind", "legal", "--program", "工伤赔偿")
    assert (injury["member"], injury["status"], injury["amount_fen"]) == ("张小梅", "opened", None)


def test_two_open_cases_of_a_kind_need_case_to_say_which(aid: Ledger) -> None:
    for employer in ("甲公司", "乙公司"):
        aid.ok("aid", "legal", "H000001", "--kind", "wage-arrears", "--status", "opened",
               "--against", employer, "--on", "2018-03-01")  # fmt: skip
    message = refused(aid, "aid", "legal", "H000001", "--kind", "wage-arrears", "--status",
                      "resolved", "--on", "2018-04-01", code=3)  # fmt: skip
    assert "give --case: H000001 has 2 open wage_arrears cases (LC001, LC002)" in message
    aid.ok("aid", "legal", "H000001", "--kind", "wage-arrears", "--status", "resolved",
           "--case", "LC002", "--recovered", "800", "--on", "2018-04-01")  # fmt: skip
    aid.ok("aid", "legal", "H000001", "--kind", "wage-arrears", "--status", "closed",
           "--case", "LC002", "--on", "2018-04-02")  # fmt: skip
    # LC001 is the only open one now, so it needs no --case: closed without resolution
    aid.ok("aid", "legal", "H000001", "--kind", "wage-arrears", "--status", "closed",
           "--on", "2018-04-02")  # fmt: skip
    assert [(r["record"], r["status"], r["amount_fen"]) for r in rows(aid, "aid", "list", "--kind", "legal")] == [
        ("LC001", "closed", None), ("LC002", "closed", 80000),
    ]  # fmt: skip
    message = refused(aid, "aid", "legal", "H000001", "--kind", "legal-aid", "--status",
                      "closed", "--case", "LC002", "--on", "2018-04-03", code=3)  # fmt: skip
    assert "--kind: legal case LC002 is wage_arrears, not legal_aid" in message


def test_counselling_is_recorded_for_a_household_or_a_member(aid: Ledger) -> None:
    first = aid.ok("aid", "counsel", "H000001", "--by", "王心怡", "--note", "疏导因病致困的焦虑情绪",
                   "--on", "2018-04-10")  # fmt: skip
    assert first.stdout.strip() == "CS001"
    aid.ok("aid", "counsel", "H000001", "--by", "王心怡", "--member", "张小梅",
           "--note", "入学前的心理辅导", "--on", "2018-08-10")  # fmt: skip
    sessions = rows(aid, "aid", "list", "--kind", "counseling")
    assert [(r["record"], r["member"], r["status"], r["detail"]) for r in sessions] == [
        ("CS001", None, "held", "王心怡"), ("CS002", "张小梅", "held", "王心怡"),
    ]  # fmt: skip


def test_aid_list_shows_every_action_with_its_kind_status_and_amount(aid: Ledger) -> None:
    aid.ok("aid", "grant", "H000001", "--program", "golden-autumn", "--fund", "F001",
           "--on", "2018-09-01")  # fmt: skip
    aid.ok("training", "class", "add", "--name", "电焊班", "--trade", "welding",
           "--start", "2018-03-01", "--end", "2018-04-30")  # fmt: skip
    aid.ok("training", "enroll", "C001", "H000001", "--on", "2018-02-20")
    aid.ok("aid", "loan", "H000001", "--amount", "20000", "--fund", "F001", "--term-months",
           "24", "--on", "2018-06-01")  # fmt: skip
    aid.ok("aid", "repay", "L001", "5000", "--on", "2018-12-01")
    aid.ok("aid", "housing", "H000001", "--kind", "shanty-renovation", "--status", "applied",
           "--on", "2018-03-01")  # fmt: skip
    aid.ok("aid", "legal", "H000001", "--kind", "labour-dispute", "--status", "opened",
           "--on", "2018-03-02")  # fmt: skip
    aid.ok("aid", "counsel", "H000001", "--by", "王心怡", "--note", "谈心", "--on", "2018-04-10")
    aid.ok("aid", "place", "H000001", "--member", "张小梅", "--employer", "超市", "--job",
           "收银员", "--monthly-wage", "1500", "--via", "assistance-month", "--on", "2018-07-01")  # fmt: skip
    listed = rows(aid, "aid", "list", "--household", "H000001")
    assert [(r["on_date"], r["kind"], r["status"], r["amount_fen"]) for r in listed] == [
        ("2018-02-20", "training", "enrolled", None),
        ("2018-03-01", "housing", "applied", None),
        ("2018-03-02", "legal", "opened", None),
        ("2018-04-10", "counseling", "held", None),
        ("2018-06-01", "loan", "overdue", 2000000),  # due 2020-06-01: aid list reads today
        ("2018-07-01", "placement", "placed", 150000),
        ("2018-09-01", "grant", "paid", 500000),
    ]
    loan = listed[4]
    assert (loan["record"], loan["seq"], loan["fund"], loan["outstanding_fen"]) == (
        "L001", 3, "F001", 1500000,
    )  # fmt: skip
    assert [r["kind"] for r in rows(aid, "aid", "list", "--fund", "F001")] == ["loan", "grant"]
    assert len(rows(aid, "aid", "list", "--year", "2018")) == 7
    table = aid.ok("aid", "list", "--household", "H000001")
    assert "Total" in table.stdout and "5,000.00" in table.stdout and "15,000.00" in table.stdout
    assert "the total counts cash grants only" in table.stderr
    zh = aid.ok("--lang", "zh", "aid", "list").stdout
    for label in ("技能培训", "已报名", "住房保障", "棚户区改造", "劳动争议", "心理疏导", "已开展",
                  "创业担保借款", "逾期", "就业援助月", "已上岗", "金秋助学", "合计"):  # fmt: skip
        assert label in zh, label
    csv = aid.ok("aid", "list", "-f", "csv").stdout.splitlines()
    assert csv[0].startswith("seq,record,on_date,year,household,head_name,member,kind,program")
    assert len(csv) == 8


BAD = [
    pytest.param([*PLACE[:-2], "--via", "job-fair"], 3, "--via: unknown placement channel 'job-fair'", id="unknown-channel"),
    pytest.param([*PLACE[:8], "-3000", "--via", "direct"], 3, "--monthly-wage: amount '-3000' is negative", id="negative-wage"),
    pytest.param([*PLACE, "--member", "王五"], 4, "H000002 has no member '王五'", id="unknown-member"),
    pytest.param([*PLACE, "--on", "2016-01-01"], 6, "H000002 was registered on 2017-04-01; a placement dated 2016-01-01 is before it", id="before-registration"),
    pytest.param(["aid", "housing", "H000001", "--kind", "tent", "--status", "applied"], 3, "unknown housing kind 'tent'", id="unknown-housing-kind"),
    pytest.param(["aid", "housing", "H000001", "--kind", "low-rent", "--status", "refused", "--amount", "10"], 3, "a refused case grants nothing", id="refused-with-amount"),
    pytest.param(["aid", "housing", "H000001", "--kind", "low-rent", "--status", "applied", "--area-m2", "-4"], 3, "--area-m2", id="negative-area"),
    pytest.param(["aid", "legal", "H000001", "--kind", "wage-arrears", "--status", "opened", "--recovered", "100"], 3, "--recovered: money is recovered when a case is resolved or closed", id="recovered-when-opened"),
    pytest.param(["aid", "legal", "H000001", "--kind", "wage-arrears", "--status", "opened", "--case", "LC001"], 3, "--case: opened starts a new case", id="case-when-opened"),
    pytest.param(["aid", "legal", "H000001", "--kind", "wage-arrears", "--status", "closed", "--against", "某公司"], 3, "--against: --member and --against are given when the case is opened", id="against-when-closing"),
    pytest.param(["aid", "legal", "H000001", "--kind", "wage-arrears", "--status", "closed", "--case", "LC404"], 4, "H000001 has no legal case 'LC404'", id="unknown-case"),
    pytest.param(["aid", "counsel", "H000001", "--by", "王心怡", "--note", " "], 3, "--note: note must not be empty", id="empty-note"),
    pytest.param(["aid", "counsel", "H999999", "--by", "王心怡", "--note", "谈心"], 4, "no household H999999", id="unknown-household"),
    pytest.param(["aid", "list", "--kind", "gift"], 3, "--kind: unknown kind of aid 'gift'", id="unknown-kind"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "code", "message"), BAD)
def test_bad_service_input_is_refused_with_one_line(
    aid: Ledger, args: list[str], code: int, message: str
) -> None:
    assert message in refused(aid, *args, code=code)


def test_the_cash_programmes_report_leaves_out_the_service_programmes(aid: Ledger) -> None:
    aid.ok(*PLACE, "--on", "2018-03-02")
    programs = aid.ok("report", "programs", "--as-of", "2018-12-31", "-f", "json").json()["rows"]
    assert [r["program"] for r in programs] == [
        "golden-autumn", "medical-aid", "mutual-aid", "living-aid", "send-warmth", "insurance",
        "temporary-aid",
    ]  # fmt: skip
    assert "job-placement" in aid.ok("program", "list").stdout  # still in the catalogue

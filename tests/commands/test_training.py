"""培训-鉴定-就业: skills classes with their places, each stage after the one before, the funnel."""

from __future__ import annotations

import pytest

from tests.service_aid_support import refused, rows
from tests.support import Ledger

WELDING = ["training", "class", "add", "--name", "2018年第一期电焊班", "--trade", "welding",
           "--start", "2018-03-01", "--end", "2018-04-30", "--org", "baiyin"]  # fmt: skip


def add_class(cli: Ledger, *args: str) -> str:
    return cli.ok(*(args or WELDING)).stdout.strip()


def test_a_trainee_goes_enrolled_completed_certified_employed_in_that_order(aid: Ledger) -> None:
    assert add_class(aid, *WELDING, "--capacity", "30") == "C001"
    aid.ok("training", "enroll", "C001", "H000001", "--on", "2018-02-20")
    message = refused(aid, "training", "certify", "C001", "H000001", "--certificate", "X-1",
                      "--on", "2018-05-01")  # fmt: skip
    assert "张建国 of H000001 has not completed class C001 yet" in message
    assert "(kunnan training complete C001 H000001)" in message
    message = refused(aid, "training", "employ", "C001", "H000001", "--employer", "白银有色",
                      "--monthly-wage", "3200", "--on", "2018-06-01")  # fmt: skip
    assert "has not been certified after class C001 yet" in message
    assert "(kunnan training complete C001 H000001)" in message  # the first stage missing
    message = refused(aid, "training", "complete", "C001", "H000001", "--on", "2018-02-19")
    assert "张建国 of H000001 was enrolled in class C001 on 2018-02-20" in message
    aid.ok("training", "complete", "C001", "H000001", "--on", "2018-04-30")
    message = refused(aid, "training", "complete", "C001", "H000001", "--on", "2018-05-01", code=5)
    assert "has already completed class C001 (on 2018-04-30)" in message
    message = refused(aid, "training", "employ", "C001", "H000001", "--employer", "白银有色",
                      "--monthly-wage", "3200", "--on", "2018-06-01")  # fmt: skip
    assert "has not been certified after class C001 yet" in message
    aid.ok("training", "certify", "C001", "H000001", "--certificate", "6204001801234",
           "--on", "2018-05-15")  # fmt: skip
    employed = aid.ok("training", "employ", "C001", "H000001", "--employer", "白银有色集团",
                      "--monthly-wage", "3200", "--via", "春风行动", "--on", "2018-06-01")  # fmt: skip
    assert employed.stdout.strip() == "P001"
    assert "monthly income 0.00 → 3,200.00 yuan" in employed.stderr
    head = aid.ok("household", "show", "H000001", "-f", "json").json()["members"][0]
    assert (head["employer"], head["identity"], head["monthly_income_fen"]) == (
        "白银有色集团", "employed", 320000,
    )  # fmt: skip
    [trainee] = rows(aid, "training", "list", "--class", "C001")
    assert trainee == {
        "household": "H000001", "head_name": "张建国", "member": "张建国",
        "household_status": "archived", "stage": "employed", "enrolled_on": "2018-02-20",
        "completed_on": "2018-04-30", "certified_on": "2018-05-15",
        "certificate_no": "6204001801234", "employed_on": "2018-06-01",
        "employer": "白银有色集团", "monthly_wage_fen": 320000,
    }  # fmt: skip
    [placement] = rows(aid, "aid", "list", "--kind", "placement")
    assert (placement["record"], placement["subtype"], placement["amount_fen"]) == (
        "P001", "spring_breeze", 320000,
    )  # fmt: skip
    assert placement["detail"] == "白银有色集团 / 电焊"  # the job defaults to the trade


def test_a_full_class_takes_nobody_else(aid: Ledger) -> None:
    add_class(aid, *WELDING, "--capacity", "1")
    aid.ok("training", "enroll", "C001", "H000001", "--on", "2018-02-20")
    message = refused(aid, "training", "enroll", "C001", "H000001", "--member", "张小梅",
                      "--on", "2018-02-21")  # fmt: skip
    assert "class C001 (2018年第一期电焊班) is full: all 1 places are taken" in message
    message = refused(aid, "training", "enroll", "2018年第一期电焊班", "H000001",
                      "--on", "2018-02-22", code=5)  # fmt: skip
    assert "张建国 of H000001 is already enrolled in class C001 (since 2018-02-20)" in message


def test_classes_are_open_but_a_household_not_archived_needs_the_flag(aid: Ledger) -> None:
    add_class(aid)
    message = refused(aid, "training", "enroll", "C001", "H000002", "--on", "2018-02-20")
    assert "H000002 is candidate (候选) on 2018-02-20, not archived" in message
    assert "--not-archived" in message
    aid.ok("training", "enroll", "C001", "H000002", "--not-archived", "--on", "2018-02-20")
    [trainee] = rows(aid, "training", "list", "--class", "C001")
    assert (trainee["member"], trainee["household_status"], trainee["stage"]) == (
        "李明", "candidate", "enrolled",
    )  # fmt: skip


def test_no_enrolment_after_the_class_ended_or_for_a_household_that_left(aid: Ledger) -> None:
    add_class(aid)
    message = refused(aid, "training", "enroll", "C001", "H000001", "--on", "2018-05-01")
    assert "class C001 ended on 2018-04-30; an enrolment dated 2018-05-01 is after it" in message
    aid.ok("exit", "moved", "H000001", "--to", "兰州市", "--on", "2018-01-10")
    message = refused(aid, "training", "enroll", "C001", "H000001", "--on", "2018-02-20")
    assert (
        "H000001 left the register on 2018-01-10 (moved); exited households receive no new aid "
        "or services"
    ) in message


def test_the_funnel_per_class_trade_and_year(aid: Ledger) -> None:
    add_class(aid, *WELDING, "--capacity", "20")
    add_class(aid, "training", "class", "add", "--name", "2019年烹饪班", "--trade", "烹饪",
              "--start", "2019-03-01", "--end", "2019-04-30")  # fmt: skip
    aid.ok("training", "enroll", "C001", "H000001", "--on", "2018-02-20")
    aid.ok("training", "enroll", "C001", "H000001", "--member", "张小梅", "--on", "2018-02-20")
    aid.ok("training", "enroll", "C001", "H000002", "--not-archived", "--on", "2018-02-21")
    aid.ok("training", "complete", "C001", "H000001", "--on", "2018-04-30")
    aid.ok("training", "complete", "C001", "H000001", "--member", "张小梅", "--on", "2018-04-30")
    aid.ok("training", "certify", "C001", "H000001", "--certificate", "A1", "--on", "2018-05-15")
    aid.ok("training", "enroll", "C002", "H000001", "--on", "2019-02-01")
    classes = rows(aid, "training", "list")
    assert [(r["code"], r["trade"], r["year"], r["capacity"]) for r in classes] == [
        ("C001", "welding", 2018, 20), ("C002", "cooking", 2019, None),
    ]  # fmt: skip
    assert [(r["enrolled"], r["completed"], r["certified"], r["employed"]) for r in classes] == [
        (3, 2, 1, 0), (1, 0, 0, 0),
    ]  # fmt: skip
    by_trade = rows(aid, "training", "list", "--by", "trade")
    assert [(r["trade"], r["classes"], r["enrolled"]) for r in by_trade] == [
        ("cooking", 1, 1), ("welding", 1, 3),
    ]  # fmt: skip
    by_year = rows(aid, "training", "list", "--by", "year", "--year", "2018")
    assert [(r["year"], r["enrolled"], r["completed"], r["certified"]) for r in by_year] == [
        (2018, 3, 2, 1)
    ]
    assert [r["code"] for r in rows(aid, "training", "list", "--trade", "电焊")] == ["C001"]
    zh = aid.ok("--lang", "zh", "training", "list", "--by", "trade").stdout
    assert "电焊" in zh and "烹饪" in zh and "合计" in zh and "取证" in zh
    table = aid.ok("training", "list").stdout
    assert "Total" in table and "2018年第一期电焊班" in table
    csv = aid.ok("training", "list", "--class", "C001", "-f", "csv").stdout.splitlines()
    assert csv[0].startswith("household,head_name,member,household_status,stage")
    assert len(csv) == 4


def test_a_class_trainees_in_chinese(aid: Ledger) -> None:
    add_class(aid)
    aid.ok("training", "enroll", "C001", "H000001", "--on", "2018-02-20")
    aid.ok("training", "complete", "C001", "H000001", "--on", "2018-04-30")
    aid.ok("training", "enroll", "C001", "H000002", "--not-archived", "--on", "2018-02-21")
    zh = aid.ok("--lang", "zh", "training", "list", "--class", "C001").stdout
    for label in ("学员", "阶段", "张建国", "已结业", "李明", "已报名", "候选", "2018-04-30"):
        assert label in zh, label


def test_a_member_in_training_stays_on_the_register(aid: Ledger) -> None:
    add_class(aid)
    aid.ok("training", "enroll", "C001", "H000001", "--member", "张小梅", "--on", "2018-02-20")
    message = refused(aid, "household", "member", "remove", "H000001", "张小梅")
    assert "张小梅 has a training enrolment on record" in message


BAD = [
    pytest.param([*WELDING[:8], "2018-03-01", "--end", "2018-02-01"], 3, "--end: the class ends (2018-02-01) before it starts (2018-03-01)", id="ends-before-start"),
    pytest.param([*WELDING[:5], "--trade", "blacksmith", *WELDING[7:]], 3, "--trade: unknown trade 'blacksmith'", id="unknown-trade"),
    pytest.param([*WELDING, "--capacity", "0"], 3, "--capacity: must be at least 1", id="no-places"),
    pytest.param([*WELDING[:-2], "--org", "nowhere"], 4, "nowhere", id="unknown-org"),
    pytest.param(["training", "enroll", "C009", "H000001"], 4, "no training class 'C009'", id="unknown-class"),
    pytest.param(["training", "enroll", "C001", "H000001", "--member", "王五"], 4, "H000001 has no member '王五'", id="unknown-member"),
    pytest.param(["training", "enroll", "C001", "H000001", "--on", "2099-01-01"], 3, "in the future", id="future-date"),
    pytest.param(["training", "complete", "C001", "H000001"], 4, "张建国 of H000001 is not enrolled in class C001", id="not-enrolled"),
    pytest.param(["training", "certify", "C001", "H000001", "--certificate", " "], 3, "--certificate", id="empty-certificate"),
    pytest.param(["training", "list", "--by", "month"], 3, "--by must be class, trade, year, not 'month'", id="unknown-grouping"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "code", "message"), BAD)
def test_bad_training_input_is_refused_with_one_line(
    aid: Ledger, args: list[str], code: int, message: str
) -> None:
    if args[:3] != WELDING[:3]:
        add_class(aid)
    assert message in refused(aid, *args, code=code)

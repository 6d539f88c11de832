"""创业担保借款: loans leave a fund on the hash chain, repayments bring the money back, and a
loan is current, overdue, repaid, defaulted or cancelled."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.aid_support import sql
from tests.service_aid_support import reading, refused, rows
from tests.support import Ledger

LOAN = ["aid", "loan", "H000001", "--amount", "20000", "--fund", "F001", "--term-months", "12",
        "--rate", "4.35%", "--purpose", "早餐店", "--ref", "借字[2018]3号", "--on", "2018-06-01"]  # fmt: skip


def balance(cli: Ledger) -> int:
    return int(cli.ok("fund", "show", "F001", "-f", "json").json()["balance_fen"])


def loan_row(cli: Ledger, as_of: str) -> dict[str, object]:
    [row] = rows(cli, "aid", "loans", "--as-of", as_of)
    return row


def test_a_loan_leaves_the_fund_on_the_chain_and_repayments_return_to_it(aid: Ledger) -> None:
    issued = aid.ok(*LOAN)
    assert issued.stdout.strip() == "L001"
    assert (
        "loan L001 (entry 2): 20,000.00 yuan from F001 to H000001, due 2019-06-01" in issued.stderr
    )
    assert balance(aid) == 8_000_000
    entry = aid.ok("aid", "show", "2", "-f", "json").json()
    assert (entry["kind"], entry["program"], entry["amount_fen"], entry["ref"]) == (
        "loan", "startup-loan", 2_000_000, "借字[2018]3号",
    )  # fmt: skip
    repaid = aid.ok("aid", "repay", "L001", "5,000", "--on", "2018-12-01")
    assert repaid.stdout.strip() == "3"
    assert "15,000.00 yuan outstanding" in repaid.stderr
    assert balance(aid) == 8_500_000
    row = loan_row(aid, "2018-12-31")
    assert {k: row[k] for k in ("code", "entry", "borrower", "due_on", "rate_pct", "purpose")} == {
        "code": "L001", "entry": 2, "borrower": "张建国", "due_on": "2019-06-01",
        "rate_pct": "4.35", "purpose": "早餐店",
    }  # fmt: skip
    assert (row["status"], row["amount_fen"], row["repaid_fen"], row["outstanding_fen"]) == (
        "current", 2_000_000, 500_000, 1_500_000,
    )  # fmt: skip
    assert loan_row(aid, "2018-11-30")["repaid_fen"] == 0  # balances as of a day
    assert loan_row(aid, "2019-06-01")["status"] == "current"  # the due date itself
    assert loan_row(aid, "2019-06-02")["status"] == "overdue"
    assert rows(aid, "aid", "loans", "--as-of", "2018-05-31") == []  # not yet issued
    aid.ok("aid", "repay", "L001", "15000", "--on", "2019-07-01")
    assert loan_row(aid, "2019-07-01")["status"] == "repaid"
    assert balance(aid) == 10_000_000
    fund = aid.ok("fund", "show", "F001", "-f", "json").json()
    assert (fund["lent_fen"], fund["repaid_fen"]) == (2_000_000, 2_000_000)
    verified = aid.ok("ledger", "verify").stdout
    assert verified.startswith("4 ")
    aid.ok("db", "verify")


def test_the_loan_list_in_chinese_and_as_csv(aid: Ledger) -> None:
    aid.ok(*LOAN)
    aid.ok("aid", "repay", "L001", "5000", "--on", "2018-12-01")
    zh = aid.ok("--lang", "zh", "aid", "loans", "--as-of", "2019-07-01").stdout
    for label in ("借款编号", "借款人", "到期日", "逾期", "未还", "合计", "15,000.00"):
        assert label in zh, label
    csv = aid.ok("aid", "loans", "--as-of", "2018-12-31", "-f", "csv").stdout.splitlines()
    assert csv == [
        "code,entry,household,head_name,borrower,fund,issued_on,due_on,term_months,rate_pct,"
        "purpose,status,amount_fen,repaid_fen,outstanding_fen",
        "L001,2,H000001,张建国,张建国,F001,2018-06-01,2019-06-01,12,4.35,早餐店,current,"
        "2000000,500000,1500000",
    ]


def test_a_repayment_is_never_more_than_is_outstanding(aid: Ledger) -> None:
    aid.ok(*LOAN)
    aid.ok("aid", "repay", "L001", "15000", "--on", "2018-12-01")
    message = refused(aid, "aid", "repay", "L001", "5000.01", "--on", "2018-12-02")
    assert (
        "loan L001 has 5,000.00 yuan outstanding (20,000.00 lent, 15,000.00 repaid); a repayment "
        "of 5,000.01 yuan would be more than is owed"
    ) in message
    aid.ok("aid", "repay", "L001", "5000", "--on", "2018-12-02")
    message = refused(aid, "aid", "repay", "L001", "0.01", "--on", "2018-12-03")
    assert "loan L001 is repaid in full; nothing is outstanding" in message
    message = refused(aid, "aid", "repay", "L001", "1", "--on", "2018-05-31")
    assert (
        "loan L001 was issued on 2018-06-01; a repayment dated 2018-05-31 is before it" in message
    )


def test_a_loan_past_due_may_be_declared_defaulted_and_repayments_still_count(aid: Ledger) -> None:
    aid.ok(*LOAN)
    aid.ok("aid", "repay", "L001", "2000", "--on", "2018-10-01")
    message = refused(aid, "aid", "loan-default", "L001", "--reason", "失联", "--on", "2019-06-01")
    assert (
        "loan L001 falls due on 2019-06-01; it can be declared defaulted only after that" in message
    )
    assert "18,000.00 yuan outstanding" in message
    declared = aid.ok("aid", "loan-default", "L001", "--reason", "店铺关闭，多次催收未还",
                      "--on", "2019-09-01")  # fmt: skip
    assert (
        "loan L001 declared defaulted on 2019-09-01; 18,000.00 yuan outstanding" in declared.stderr
    )
    assert loan_row(aid, "2019-08-31")["status"] == "overdue"
    assert loan_row(aid, "2019-09-01")["status"] == "defaulted"
    assert [
        r["code"] for r in rows(aid, "aid", "loans", "--status", "违约", "--as-of", "2020-01-01")
    ] == ["L001"]
    message = refused(aid, "aid", "loan-default", "L001", "--reason", "再次", "--on", "2019-10-01")
    assert "loan L001 was already declared defaulted on 2019-09-01" in message
    aid.ok("aid", "repay", "L001", "18000", "--on", "2020-03-01")  # recovered after all
    assert loan_row(aid, "2020-03-01")["status"] == "repaid"
    timeline = aid.ok("household", "show", "H000001", "-f", "json").json()["timeline"]
    assert [(e["event"], e["record"]) for e in timeline if e["record"] and e["record"][0] == "L"] == [
        ("loan", "L001 #2"), ("repayment", "L001 #3"), ("loan_default", "L001"),
        ("repayment", "L001 #4"),
    ]  # fmt: skip


def test_loans_are_for_archived_households_from_a_fund_that_holds_the_money(aid: Ledger) -> None:
    message = refused(aid, *[a if a != "H000001" else "H000002" for a in LOAN])
    assert "start-up loans are for archived households only; H000002 is candidate (候选)" in message
    big = [*LOAN[:3], "--amount", "100000.01", *LOAN[5:]]
    message = refused(aid, *big)
    assert "fund F001 (2018年帮扶资金) holds 100,000.00 yuan; a loan of 100,000.01 yuan" in message


def test_a_mistaken_loan_is_cancelled_by_reversing_it_once_nothing_is_repaid(aid: Ledger) -> None:
    aid.ok(*LOAN)
    aid.ok("aid", "repay", "L001", "1000", "--on", "2018-07-01")
    message = refused(aid, "aid", "reverse", "2", "--reason", "录错", "--on", "2018-07-02")
    assert (
        "loan L001 has 1,000.00 yuan repaid; reverse its repayments before cancelling it" in message
    )
    aid.ok("aid", "reverse", "3", "--reason", "收据作废", "--on", "2018-07-02")
    assert loan_row(aid, "2018-07-02")["outstanding_fen"] == 2_000_000
    aid.ok("aid", "reverse", "2", "--reason", "借款人放弃", "--on", "2018-07-03")
    row = loan_row(aid, "2018-07-03")
    assert (row["status"], row["outstanding_fen"]) == ("cancelled", 0)
    assert balance(aid) == 10_000_000
    message = refused(aid, "aid", "repay", "L001", "1", "--on", "2018-07-04")
    assert "loan L001 was cancelled" in message
    aid.ok("db", "verify")


def test_the_database_keeps_loans_as_they_were_written(aid: Ledger) -> None:
    aid.ok(*LOAN)
    aid.ok("aid", "repay", "L001", "100", "--on", "2018-07-01")
    aid.ok("aid", "loan-default", "L001", "--reason", "失联", "--on", "2019-07-01")
    before = aid.snapshot()
    for statement in (
        "UPDATE loan SET amount_fen = 1",
        "DELETE FROM loan_repayment",
        "UPDATE loan_default SET reason = 'x'",
    ):
        with pytest.raises(Exception, match="never changed or deleted"):
            sql(aid, statement)
    assert aid.snapshot() == before


def test_db_verify_finds_a_loan_repaid_beyond_its_principal(aid: Ledger) -> None:
    aid.ok(*LOAN)
    # someone with SQL links the 100,000-yuan contribution to the loan as a repayment
    sql(aid, "INSERT INTO loan_repayment (entry_seq, loan_id) VALUES (1, 1)")
    result = aid.run("db", "verify")
    assert result.exit_code == 1
    assert "L001" in result.stdout + result.stderr
    assert "has 100,000.00 yuan repaid against 20,000.00 yuan lent" in result.stdout + result.stderr


def test_loan_status_in_sql_agrees_with_the_rule(aid: Ledger) -> None:
    def one_month(amount: str) -> None:
        aid.ok("aid", "loan", "H000001", "--amount", amount, "--fund", "F001",
               "--term-months", "1", "--on", "2018-06-01")  # fmt: skip

    aid.ok(*LOAN)  # L001, entry 2: due 2019-06-01
    one_month("3000")  # L002, entry 3: repaid in full
    aid.ok("aid", "repay", "L002", "3000", "--on", "2018-06-20")
    one_month("1000")  # L003, entry 5: declared defaulted
    aid.ok("aid", "loan-default", "L003", "--reason", "失联", "--on", "2018-08-01")
    one_month("500")  # L004, entry 6: entered by mistake
    aid.ok("aid", "reverse", "6", "--reason", "录错", "--on", "2018-06-02")
    from kunnan.models import Loan
    from kunnan.services.aid.loan import LoanFilter, list_loans, loan_facts, loans_by_year

    days = [dt.date(2018, 6, 1), dt.date(2018, 7, 2), dt.date(2018, 8, 1), dt.date(2019, 7, 1)]
    with reading(aid) as session:
        for day in days:
            listed, totals = list_loans(session, where=LoanFilter(), as_of=day)
            for row in listed:
                loan = session.get(Loan, int(row.code[1:]))
                assert loan is not None
                facts = loan_facts(session, loan, as_of=day)
                assert row.status == facts.status_on(day).value, (row.code, day)
                assert row.outstanding_fen == facts.outstanding_fen
            assert totals["outstanding_fen"] == sum(r.outstanding_fen for r in listed)
        [year] = loans_by_year(session, as_of=dt.date(2019, 7, 1))
    assert (year.year, year.loans, year.lent_fen, year.repaid_fen, year.outstanding_fen) == (
        2018, 4, 2_400_000, 300_000, 2_100_000,
    )  # fmt: skip
    assert (year.current, year.overdue, year.repaid, year.defaulted, year.cancelled) == (
        0, 1, 1, 1, 1,
    )  # fmt: skip


BAD = [
    pytest.param([*LOAN[:8], "0", *LOAN[9:]], 3, "--term-months", id="no-term"),
    pytest.param([*LOAN[:8], "361", *LOAN[9:]], 3, "--term-months", id="term-too-long"),
    pytest.param([*LOAN[:10], "four", *LOAN[11:]], 3, "--rate: 'four' is not a yearly rate", id="rate-not-a-number"),
    pytest.param([*LOAN[:10], "4.355", *LOAN[11:]], 3, "--rate: a rate takes at most two decimals", id="rate-three-decimals"),
    pytest.param([*LOAN[:10], "101", *LOAN[11:]], 3, "--rate: a yearly rate is from 0 to 100 percent", id="rate-over-100"),
    pytest.param([*LOAN[:3], "--amount", "0", *LOAN[5:]], 3, "--amount: must be more than 0", id="zero-loan"),
    pytest.param([*LOAN[:5], "--fund", "F009", *LOAN[7:]], 4, "no fund 'F009'", id="unknown-fund"),
    pytest.param(["aid", "repay", "L009", "100"], 4, "no loan 'L009'", id="unknown-loan"),
    pytest.param(["aid", "repay", "12", "100"], 4, "no loan '12'", id="entry-is-not-a-loan"),
    pytest.param(["aid", "repay", "L001", "-5"], 2, "No such option", id="negative-repayment"),
    pytest.param(["aid", "repay", "L001", "abc"], 3, "AMOUNT: 'abc' is not an amount", id="not-an-amount"),
    pytest.param(["aid", "loan-default", "L001", "--reason", " "], 3, "--reason: reason must not be empty", id="empty-reason"),
    pytest.param(["aid", "loans", "--status", "lost"], 3, "--status: unknown loan status 'lost'", id="unknown-status"),
    pytest.param(["aid", "loans", "--as-of", "2099-01-01"], 3, "--as-of", id="future-as-of"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "code", "message"), BAD)
def test_bad_loan_input_is_refused_with_one_line(
    aid: Ledger, args: list[str], code: int, message: str
) -> None:
    if args[1] != "loan":
        aid.ok(*LOAN)
    assert message in refused(aid, *args, code=code)

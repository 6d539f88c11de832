"""Giving aid through the command line: every programme rule, its refusal, and reversals."""

from __future__ import annotations

import pytest

from tests.aid_support import SECOND_STUDENT_ID, archive_for_test
from tests.support import Ledger


def grant(cli: Ledger, household: str, program: str, *extra: str, on: str = "2018-09-01") -> int:
    result = cli.ok(
        "aid", "grant", household, "--program", program, "--fund", "F001", "--on", on, *extra
    )
    return int(result.stdout)


def refused(cli: Ledger, *args: str, code: int = 6) -> str:
    """Run a refused command; check it changed nothing and return its error line."""
    before = cli.snapshot()
    result = cli.fails(*args, code=code)
    assert cli.snapshot() == before
    return result.stderr


def aid_rows(cli: Ledger, *filters: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = cli.ok("aid", "list", "-f", "json", *filters).rows()
    return rows


def balance(cli: Ledger) -> int:
    return int(cli.ok("fund", "show", "F001", "-f", "json").json()["balance_fen"])


@pytest.mark.parametrize(
    ("level", "paid_fen"),
    [("undergraduate", 500000), ("junior-college", 400000), ("高中", 300000)],
)
def test_golden_autumn_pays_the_standard_for_the_students_level(
    aid: Ledger, level: str, paid_fen: int
) -> None:
    aid.ok(
        "household", "member", "edit", "H000001", "张小梅", "--admitted", level, "--year", "2018"
    )
    seq = grant(aid, "H000001", "golden-autumn")
    shown = aid.ok("aid", "show", str(seq), "-f", "json").json()
    assert shown["amount_fen"] == paid_fen
    assert shown["member"] == "张小梅"  # the one member admitted this year
    assert shown["program_name"] == "金秋助学"
    assert shown["rule_from"] == "2000-01-01"
    assert balance(aid) == 10_000_000 - paid_fen


def test_golden_autumn_needs_a_member_admitted_in_the_grants_year(aid: Ledger) -> None:
    message = refused(aid, "aid", "grant", "H000001", "--program", "golden-autumn",
                      "--fund", "F001", "--on", "2019-09-01")  # fmt: skip
    assert "golden-autumn needs a member newly admitted to study in 2019" in message
    assert "no member of H000001 is recorded as admitted in 2019" in message
    message = refused(aid, "aid", "grant", "H000001", "--program", "golden-autumn",
                      "--member", "head", "--fund", "F001", "--on", "2018-09-01")  # fmt: skip
    assert "张建国 is not recorded as admitted in 2018" in message


def test_golden_autumn_with_two_students_admitted_asks_which(aid: Ledger) -> None:
    aid.ok("household", "member", "add", "H000001", "--name", "张小军", "--id-number",
           SECOND_STUDENT_ID, "--relation", "child")  # fmt: skip
    aid.ok("household", "member", "edit", "H000001", "张小军", "--admitted", "high_school",
           "--year", "2018")  # fmt: skip
    message = refused(aid, "aid", "grant", "H000001", "--program", "golden-autumn",
                      "--fund", "F001", "--on", "2018-09-01", code=3)  # fmt: skip
    assert "give --member: 2 members of H000001 were admitted in 2018 (张小梅, 张小军)" in message
    grant(aid, "H000001", "golden-autumn", "--member", "张小梅")
    grant(aid, "H000001", "golden-autumn", "--member", "张小军")
    assert [r["amount_fen"] for r in aid_rows(aid)] == [500000, 300000]


def test_golden_autumn_is_once_per_student_a_year_and_an_override_is_audited(aid: Ledger) -> None:
    first = grant(aid, "H000001", "golden-autumn")
    message = refused(aid, "aid", "grant", "H000001", "--program", "golden-autumn",
                      "--fund", "F001", "--on", "2018-10-01")  # fmt: skip
    assert "golden-autumn is once per student a year" in message
    assert f"张小梅 already received it in 2018 (entry {first} on 2018-09-01)" in message
    assert "under the golden-autumn rule in force since 2000-01-01" in message
    assert '--override "reason"' in message
    second = aid.ok(
        "--operator", "王主任", "aid", "grant", "H000001", "--program", "golden-autumn",
        "--fund", "F001", "--on", "2018-10-01", "--override", "二次资助经市总批准",
    )  # fmt: skip
    assert "override: golden-autumn is once per student a year" in second.stderr
    seq = int(second.stdout)
    assert (
        aid.ok("aid", "show", str(seq), "-f", "json").json()["override_reason"]
        == "二次资助经市总批准"
    )
    entries = aid.ok("audit", "list", "-f", "json", "--household", "H000001").rows()
    override = next(e for e in entries if e["action"] == "override")
    assert override["operator"] == "王主任"
    assert override["entity_ref"] == str(seq)
    assert override["changes"]["reason"] == "二次资助经市总批准"
    assert override["changes"]["rules"] == ["once_per_year"]


def test_golden_autumn_pays_no_more_than_the_standard(aid: Ledger) -> None:
    message = refused(aid, "aid", "grant", "H000001", "--program", "golden-autumn",
                      "--amount", "6000", "--fund", "F001", "--on", "2018-09-01")  # fmt: skip
    assert (
        "golden-autumn pays at most 5,000.00 yuan for undergraduate; 6,000.00 yuan asked" in message
    )
    seq = grant(aid, "H000001", "golden-autumn", "--amount", "4500.50")
    assert aid.ok("aid", "show", str(seq), "-f", "json").json()["amount_fen"] == 450050


def test_only_archived_households_receive_aid_but_temporary_aid_takes_any_registered(
    aid: Ledger,
) -> None:
    message = refused(aid, "aid", "grant", "H000002", "--program", "living-aid",
                      "--fund", "F001", "--on", "2018-05-01")  # fmt: skip
    assert "living-aid is for archived households only; H000002 is candidate" in message
    seq = grant(aid, "H000002", "temporary-aid", on="2018-05-01")
    assert aid_rows(aid)[0]["seq"] == seq
    assert aid_rows(aid)[0]["amount_fen"] == 200000
    archive_for_test(aid, "H000002")
    grant(aid, "H000002", "living-aid", on="2018-06-01")


def test_medical_aid_is_capped_per_household_per_year(aid: Ledger) -> None:
    grant(aid, "H000001", "medical-aid", "--amount", "15000", on="2018-03-01")
    message = refused(aid, "aid", "grant", "H000001", "--program", "medical-aid",
                      "--amount", "8000", "--fund", "F001", "--on", "2018-11-01")  # fmt: skip
    assert (
        "medical-aid is capped at 20,000.00 yuan per household a year; H000001 has received "
        "15,000.00 yuan in 2018, so at most 5,000.00 yuan more (8,000.00 yuan asked)"
    ) in message
    grant(aid, "H000001", "medical-aid", on="2018-11-01")  # the standard 5,000 fits exactly
    grant(aid, "H000001", "medical-aid", "--amount", "20000", on="2019-01-10")  # a new year
    refused(aid, "aid", "grant", "H000001", "--program", "medical-aid", "--amount", "0.01",
            "--fund", "F001", "--on", "2018-12-01")  # fmt: skip
    passed = aid.ok("aid", "grant", "H000001", "--program", "medical-aid", "--amount", "3000",
                    "--fund", "F001", "--on", "2018-12-01", "--override", "病情危重，特批")  # fmt: skip
    assert "override: medical-aid is capped at 20,000.00 yuan" in passed.stderr
    assert sum(int(str(r["amount_fen"])) for r in aid_rows(aid, "--year", "2018")) == 2_300_000


def test_a_reversed_grant_no_longer_counts_toward_the_cap(aid: Ledger) -> None:
    first = grant(aid, "H000001", "medical-aid", "--amount", "20000", on="2018-03-01")
    refused(aid, "aid", "grant", "H000001", "--program", "medical-aid", "--fund", "F001",
            "--on", "2018-04-01")  # fmt: skip
    aid.ok("aid", "reverse", str(first), "--reason", "金额录错", "--on", "2018-03-02")
    grant(aid, "H000001", "medical-aid", "--amount", "18000", on="2018-04-01")
    assert sum(int(str(r["amount_fen"])) for r in aid_rows(aid, "--year", "2018")) == 1_800_000


def test_send_warmth_is_once_per_household_a_year(aid: Ledger) -> None:
    first = grant(aid, "H000001", "send-warmth", on="2018-01-20")
    message = refused(aid, "aid", "grant", "H000001", "--program", "送温暖", "--fund", "F001",
                      "--on", "2018-12-20")  # fmt: skip
    assert (
        f"send-warmth is once per household a year; H000001 already received it in 2018 (entry {first}"
        in message
    )
    grant(aid, "H000001", "send-warmth", on="2019-01-20")
    aid.ok("aid", "reverse", str(first), "--reason", "春节慰问改发实物", "--on", "2018-02-01")
    grant(aid, "H000001", "send-warmth", on="2018-12-20")  # the reversed one no longer counts


def test_insurance_is_once_per_member_a_year_and_defaults_to_the_head(aid: Ledger) -> None:
    seq = grant(aid, "H000001", "insurance", on="2018-03-01")
    assert aid.ok("aid", "show", str(seq), "-f", "json").json()["member"] == "张建国"
    grant(aid, "H000001", "insurance", "--member", "张小梅", on="2018-03-01")
    message = refused(aid, "aid", "grant", "H000001", "--program", "insurance", "--member",
                      "head", "--fund", "F001", "--on", "2018-06-01")  # fmt: skip
    assert "insurance is once per member a year; 张建国 already received it in 2018" in message


def test_no_double_funding_where_the_programme_says_so(aid: Ledger) -> None:
    living = grant(aid, "H000001", "living-aid", on="2018-02-01")
    message = refused(aid, "aid", "grant", "H000001", "--program", "temporary-aid",
                      "--fund", "F001", "--on", "2018-07-01")  # fmt: skip
    assert (
        "temporary-aid is not combined with living-aid in the same year; H000001 received "
        f"living-aid in 2018 (entry {living} on 2018-02-01)"
    ) in message
    grant(aid, "H000001", "temporary-aid", on="2019-07-01")  # another year
    # a rule is data: medical-aid now excludes mutual-aid from 2018-06-01
    aid.ok("program", "set", "medical-aid", "--excludes", "mutual_aid", "--from", "2018-06-01")
    grant(aid, "H000001", "mutual-aid", on="2018-05-01")
    grant(aid, "H000001", "medical-aid", on="2018-05-15")  # judged by the old rule
    message = refused(aid, "aid", "grant", "H000001", "--program", "medical-aid",
                      "--fund", "F001", "--on", "2018-06-15")  # fmt: skip
    assert "medical-aid is not combined with mutual-aid" in message
    assert "rule in force since 2018-06-01" in message


def test_grants_are_judged_by_the_rule_in_force_on_their_date(aid: Ledger) -> None:
    aid.ok("program", "set", "medical-aid", "--cap", "30000", "--from", "2019-01-01")
    aid.ok("program", "set", "golden-autumn", "--level", "undergraduate", "--standard", "6000",
           "--from", "2019-09-01")  # fmt: skip
    refused(aid, "aid", "grant", "H000001", "--program", "medical-aid", "--amount", "25000",
            "--fund", "F001", "--on", "2018-12-31")  # fmt: skip
    seq = grant(aid, "H000001", "medical-aid", "--amount", "25000", on="2019-01-01")
    assert aid.ok("aid", "show", str(seq), "-f", "json").json()["rule_from"] == "2019-01-01"
    seq_2018 = grant(aid, "H000001", "golden-autumn", on="2018-09-01")
    assert aid.ok("aid", "show", str(seq_2018), "-f", "json").json()["amount_fen"] == 500000
    aid.ok("household", "member", "edit", "H000001", "张小梅", "--admitted", "undergraduate",
           "--year", "2019")  # fmt: skip
    seq_2019 = grant(aid, "H000001", "golden-autumn", on="2019-09-01")
    assert aid.ok("aid", "show", str(seq_2019), "-f", "json").json()["amount_fen"] == 600000


def test_a_grant_that_would_overdraw_the_fund_is_refused_with_the_balance(aid: Ledger) -> None:
    aid.ok("fund", "add", "--name", "送温暖专项", "--source", "donation", "--year", "2018")
    aid.ok("fund", "contribute", "F002", "800", "--from", "白银有色集团", "--on", "2018-01-05")
    aid.ok(
        "aid",
        "grant",
        "H000001",
        "--program",
        "send-warmth",
        "--fund",
        "F002",
        "--on",
        "2018-01-20",
    )
    message = refused(aid, "aid", "grant", "H000001", "--program", "medical-aid", "--fund",
                      "送温暖专项", "--on", "2018-02-01")  # fmt: skip
    assert (
        "fund F002 (送温暖专项) holds 300.00 yuan; a grant of 5,000.00 yuan would take it below zero"
    ) in message


def test_a_reversal_is_a_negative_entry_linked_to_the_grant_and_happens_once(aid: Ledger) -> None:
    seq = grant(aid, "H000001", "living-aid", "--ref", "生救[2018]3号", on="2018-02-01")
    reversal = int(
        aid.ok("aid", "reverse", str(seq), "--reason", "重复发放", "--on", "2018-02-03").stdout
    )
    shown = aid.ok("aid", "show", str(reversal), "-f", "json").json()
    assert shown["amount_fen"] == -100000
    assert shown["reverses_seq"] == seq
    assert shown["reason"] == "重复发放"
    assert shown["year"] == 2018 and shown["program"] == "living-aid"
    assert aid.ok("aid", "show", str(seq), "-f", "json").json()["reversed_by"] == reversal
    assert balance(aid) == 10_000_000
    message = refused(aid, "aid", "reverse", str(seq), "--reason", "again")
    assert f"entry {seq} was already reversed by entry {reversal}" in message
    message = refused(aid, "aid", "reverse", str(reversal), "--reason", "undo")
    assert f"entry {reversal} is itself the reversal of entry {seq}" in message
    message = refused(aid, "aid", "reverse", "999", "--reason", "none such", code=4)
    assert "no ledger entry '999'" in message
    entry = aid.ok("audit", "list", "-f", "json", "--limit", "1").rows()[0]
    assert entry["action"] == "reverse"
    assert entry["changes"]["reverses"] == seq


def test_a_reversal_is_not_dated_before_what_it_reverses(aid: Ledger) -> None:
    seq = grant(aid, "H000001", "living-aid", on="2018-02-01")
    message = refused(aid, "aid", "reverse", str(seq), "--reason", "录错", "--on", "2018-01-31")
    assert "a reversal cannot be dated before the entry it reverses (2018-02-01)" in message


def test_a_contribution_can_be_reversed_while_the_fund_still_holds_it(aid: Ledger) -> None:
    grant(aid, "H000001", "medical-aid", "--amount", "20000", on="2018-03-01")
    message = refused(aid, "aid", "reverse", "1", "--reason", "拨款撤回")
    assert (
        "fund F001 (2018年帮扶资金) holds 80,000.00 yuan; reversing entry 1 of 100,000.00 yuan"
        in message
    )
    aid.ok("fund", "contribute", "F001", "50000", "--from", "市财政局", "--on", "2018-04-01")
    aid.ok("aid", "reverse", "3", "--reason", "拨款撤回")
    assert balance(aid) == 8_000_000


GRANT = ["aid", "grant", "H000001", "--fund", "F001", "--on", "2018-09-01"]
BAD_GRANTS = [
    pytest.param([*GRANT, "--program", "lottery"], 4, "no programme 'lottery': choose one of golden-autumn", id="unknown-programme"),
    pytest.param([*GRANT[:4], "F999", *GRANT[5:], "--program", "living-aid"], 4, "no fund 'F999'", id="unknown-fund"),
    pytest.param(["aid", "grant", "H000099", "--program", "living-aid", "--fund", "F001"], 4, "no household H000099", id="unknown-household"),
    pytest.param([*GRANT, "--program", "living-aid", "--member", "王五"], 4, "H000001 has no member '王五'", id="unknown-member"),
    pytest.param([*GRANT, "--program", "living-aid", "--amount", "-5"], 3, "--amount: amount '-5' is negative", id="negative-amount"),
    pytest.param([*GRANT, "--program", "living-aid", "--amount", "0"], 3, "--amount: must be more than 0", id="zero-amount"),
    pytest.param([*GRANT, "--program", "living-aid", "--amount", "1.001"], 3, "not an amount", id="three-decimals"),
    pytest.param([*GRANT[:5], "--on", "2099-01-01", "--program", "living-aid"], 3, "in the future", id="future-date"),
    pytest.param([*GRANT[:5], "--on", "2017-01-01", "--program", "living-aid"], 6, "H000001 was registered on 2017-03-01; a grant dated 2017-01-01 is before it", id="before-registration"),
    pytest.param([*GRANT, "--program", "living-aid", "--override", "  "], 3, "--override: reason must not be empty", id="empty-override"),
    pytest.param([*GRANT, "--program", "living-aid", "--ref", "号" * 101], 3, "at most 100", id="over-long-ref"),
    pytest.param(["aid", "reverse", "2", "--reason", ""], 3, "--reason: reason must not be empty", id="reverse-without-reason"),
    pytest.param(["aid", "show", "abc"], 4, "no ledger entry 'abc'", id="show-unknown-entry"),
    pytest.param(["aid", "list", "--program", "nope"], 4, "no programme 'nope'", id="list-unknown-programme"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "code", "message"), BAD_GRANTS)
def test_bad_aid_input_is_refused_with_one_line_and_changes_nothing(
    aid: Ledger, args: list[str], code: int, message: str
) -> None:
    assert message in refused(aid, *args, code=code)


def test_aid_list_filters_and_totals(aid: Ledger) -> None:
    aid.ok("fund", "add", "--name", "2019年帮扶资金", "--source", "government", "--year", "2019")
    aid.ok("fund", "contribute", "F002", "50000", "--from", "市财政局", "--on", "2019-01-02")
    archive_for_test(aid, "H000002", category="marginal")
    grant(aid, "H000001", "golden-autumn")
    grant(aid, "H000002", "living-aid", "--amount", "1200.50", on="2018-05-01")
    aid.ok("aid", "grant", "H000002", "--program", "living-aid", "--fund", "F002",
           "--on", "2019-05-01")  # fmt: skip

    def seqs(*filters: str) -> list[object]:
        return [row["seq"] for row in aid_rows(aid, *filters)]

    assert seqs() == [4, 3, 5]  # by date: 2018-05-01, 2018-09-01, 2019-05-01
    assert seqs("--household", "H000002") == [4, 5]
    assert seqs("--program", "生活救助") == [4, 5]
    assert seqs("--year", "2018") == [4, 3]
    assert seqs("--fund", "2019年帮扶资金") == [5]
    assert seqs("--kind", "grant") == [4, 3, 5]
    row = aid_rows(aid, "--household", "H000002", "--year", "2018")[0]
    assert row == {
        "seq": 4, "record": None, "on_date": "2018-05-01", "year": 2018, "household": "H000002",
        "head_name": "李明", "member": None, "kind": "grant", "program": "living-aid",
        "program_name": "生活救助", "status": "paid", "subtype": None, "detail": None, "fund": "F001",
        "ref": None, "reverses_seq": None, "reversed_by": None, "override_reason": None,
        "amount_fen": 120050, "outstanding_fen": None,
    }  # fmt: skip
    table = aid.ok("aid", "list", "--year", "2018").stdout
    assert "Total" in table and "6,200.50" in table
    csv_lines = aid.ok("aid", "list", "-f", "csv").stdout.splitlines()
    assert csv_lines[0].split(",")[0] == "seq" and len(csv_lines) == 4
    zh = aid.ok("--lang", "zh", "aid", "list").stdout
    assert "合计" in zh and "流水号" in zh and "金秋助学" in zh and "golden-autumn" not in zh


def test_aid_show_in_chinese_carries_the_hash_chain(aid: Ledger) -> None:
    seq = grant(aid, "H000001", "golden-autumn")
    shown = aid.ok("aid", "show", str(seq), "-f", "json").json()
    first = aid.ok("aid", "show", "1", "-f", "json").json()
    assert shown["prev_hash"] == first["hash"]
    assert len(shown["hash"]) == 64
    assert first["kind"] == "contribution" and first["counterparty"] == "白银市总工会"
    table = aid.ok("--lang", "zh", "aid", "show", str(seq)).stdout
    assert "发放" in table and "金秋助学" in table and "5,000.00" in table


def test_admission_is_recorded_shown_and_cleared(aid: Ledger) -> None:
    member = aid.ok("household", "show", "H000001", "-f", "json").json()["members"][1]
    assert (member["admitted_level"], member["admitted_year"]) == ("undergraduate", 2018)
    refused(
        aid,
        "household",
        "member",
        "edit",
        "H000001",
        "张小梅",
        "--admitted",
        "undergraduate",
        code=3,
    )
    refused(aid, "household", "member", "edit", "H000001", "张小梅", "--year", "2019", code=3)
    message = refused(aid, "household", "member", "edit", "H000001", "张小梅", "--admitted", "phd",
                      "--year", "2019", code=3)  # fmt: skip
    assert "unknown admission level 'phd'" in message
    aid.ok("household", "member", "edit", "H000001", "张小梅", "--admitted", "none")
    member = aid.ok("household", "show", "H000001", "-f", "json").json()["members"][1]
    assert (member["admitted_level"], member["admitted_year"]) == (None, None)
    change = aid.ok("audit", "list", "-f", "json", "--limit", "1").rows()[0]["changes"]
    assert change == {"admitted_level": ["undergraduate", None], "admitted_year": [2018, None]}


def test_a_member_who_received_aid_stays_on_the_register(aid: Ledger) -> None:
    seq = grant(aid, "H000001", "golden-autumn")
    message = refused(aid, "household", "member", "remove", "H000001", "张小梅")
    assert f"张小梅 received aid (ledger entry {seq})" in message


def test_money_is_exact_fen_end_to_end(aid: Ledger) -> None:
    seq = grant(aid, "H000001", "medical-aid", "--amount", "1,234.56", on="2018-03-01")
    assert aid.ok("aid", "show", str(seq), "-f", "json").json()["amount_fen"] == 123456
    assert "1,234.56" in aid.ok("aid", "show", str(seq)).stdout
    assert balance(aid) == 10_000_000 - 123456

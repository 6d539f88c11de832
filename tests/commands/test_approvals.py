"""A second pair of eyes (maker-checker) through the command line: who confirms an archive,
and the actions that wait for a second operator (``kunnan approve``)."""

from __future__ import annotations

import datetime as dt

from tests.aid_support import sql
from tests.conftest import AID, SEEDED, ledger_fixture
from tests.support import Ledger

#: The people of a small staffed ledger: name → (role, union).
STAFF = {
    "李发明": ("caseworker", "phosphate"),  # grassroots: 白银磷肥厂工会
    "郭县": ("caseworker", "baiyin-qu"),  # county
    "赵评": ("reviewer", "baiyin-qu"),  # county: 白银区总工会
    "钱审": ("approver", "baiyin-qu"),
    "孙批": ("approver", "baiyin"),  # city: 白银市总工会
    "周平": ("approver", "pingchuan"),  # another county: 平川区总工会
    "吴财": ("finance", "baiyin"),
    "郑财": ("finance", "baiyin-qu"),
}


def staff(ledger: Ledger) -> Ledger:
    """The administrator, then operators at the city, county and grassroots unions."""
    ledger.ok("operator", "add", "王丽", "--role", "admin", "--org", "baiyin")
    for name, (role, union) in STAFF.items():
        ledger.ok("--operator", "王丽", "operator", "add", name, "--role", role, "--org", union)
    return ledger


def as_(name: str) -> dict[str, str | None]:
    return {"KUNNAN_OPERATOR": name}


def visit(ledger: Ledger, code: str, by: str) -> None:
    ledger.ok("identify", "visit", code, "--visitor", "李发明", "--visitor", "张清满",
              "--on", "2018-04-02", env=as_(by))  # fmt: skip


def to_notice(ledger: Ledger, code: str, *, caseworker: str = "李发明", reviewer: str = "赵评"
              ) -> None:  # fmt: skip
    """The steps after the visit, each by its own operator; the notice runs to 2018-04-15."""
    ledger.ok("identify", "inspect", code, "--car-value", "0", "--on", "2018-04-03",
              env=as_(caseworker))  # fmt: skip
    ledger.ok("identify", "calculate", code, "--on", "2018-04-04", env=as_(caseworker))
    ledger.ok("identify", "deliberate", code, "--decision", "approve", "--attendees", "7",
              "--minutes", "同意纳入建档", "--on", "2018-04-05", env=as_(reviewer))  # fmt: skip
    ledger.ok("identify", "appraise", code, "--for", "21", "--against", "2", "--on",
              "2018-04-06", env=as_(reviewer))  # fmt: skip
    ledger.ok("identify", "publicize", code, "--from", "2018-04-09", env=as_(reviewer))


CONFIRM = ("identify", "confirm", "H000001", "--by", "baiyin", "--on", "2018-04-16")

#: Baiyin with candidate household H000001 and the staff registered.
staffed = ledger_fixture(*SEEDED, ("approvals-staff", staff))


def test_confirm_is_by_an_approver_of_a_union_above_the_visit(staffed: Ledger) -> None:
    # The visit was made by the county union's caseworker: the county's approver is not above.
    visit(staffed, "H000001", "郭县")
    to_notice(staffed, "H000001")
    before = staffed.snapshot()
    wrong = staffed.fails("--operator", "钱审", *CONFIRM, code=9)
    assert (
        "钱审 is an approver of 白银区总工会, which is not above 白银区总工会, the union of the "
        "home visit of H000001" in wrong.stderr
    )
    outside = staffed.fails("--operator", "周平", *CONFIRM, code=9)
    assert "H000001 belongs to 白银磷肥厂工会, outside 周平's union" in outside.stderr
    reviewer = staffed.fails("--operator", "李发明", "identify", "advance", "H000001", "--by",
                             "baiyin", "--on", "2018-04-16", code=9)  # fmt: skip
    assert "李发明 is caseworker" in reviewer.stderr and "an approver's work" in reviewer.stderr
    assert staffed.snapshot() == before
    staffed.ok("--operator", "孙批", *CONFIRM)
    status = staffed.ok("identify", "status", "H000001", "-f", "json", env=as_("孙批")).json()
    assert status["status"] == "archived"


def test_the_person_who_recorded_a_step_does_not_confirm_it(seeded: Ledger) -> None:
    # The visit was typed under 钱审's name before the ledger had operators.
    visit(seeded, "H000001", "钱审")
    staff(seeded)
    to_notice(seeded, "H000001")
    before = seeded.snapshot()
    same = seeded.fails("--operator", "钱审", *CONFIRM, code=9)
    assert "钱审 recorded a step of H000001's identification and may not also confirm it" in (
        same.stderr
    )
    assert seeded.snapshot() == before
    seeded.ok("--operator", "孙批", *CONFIRM)


def test_at_the_top_union_a_second_approver_of_it_confirms(staffed: Ledger) -> None:
    from tests.support import make_id

    for name, role in (("冯市", "caseworker"), ("冯评", "reviewer")):
        staffed.ok("--operator", "王丽", "operator", "add", name, "--role", role, "--org",
                   "baiyin")  # fmt: skip
    code = staffed.ok("household", "add", "--name", "陈五", "--id-number", make_id(sequence=51),
                      "--org", "baiyin", "--cause", "illness", "--on", "2018-01-02",
                      env=as_("冯市")).stdout.strip()  # fmt: skip
    staffed.ok("policy", "set-line", "--area", "620400", "--year", "2018", "--amount", "520",
               env=as_("王丽"))  # fmt: skip
    visit(staffed, code, "冯市")
    to_notice(staffed, code, caseworker="冯市", reviewer="冯评")
    # Nobody is above the city union: its own approver, a second person, confirms.
    staffed.ok("--operator", "孙批", "identify", "confirm", code, "--by", "baiyin", "--on",
               "2018-04-16")  # fmt: skip


# Pending actions ----------------------------------------------------------------------------


#: Baiyin's aid ledger (archived H000001 of 白银区总工会, fund F001) with the staff registered.
def staff_with_county_fund(ledger: Ledger) -> None:
    """The staff, and F002: 白银区总工会's own fund (a county approver checks money of the
    funds of their union, not the city's)."""
    staff(ledger)
    ledger.ok("--operator", "吴财", "fund", "add", "--name", "白银区帮扶资金", "--source",
              "union", "--year", "2018", "--org", "baiyin-qu")  # fmt: skip
    ledger.ok("--operator", "吴财", "fund", "contribute", "F002", "20000", "--from",
              "市财政局", "--on", "2018-01-02")  # fmt: skip


staffed_aid = ledger_fixture(*AID, ("approvals-staff-fund", staff_with_county_fund))

GOLDEN = ("aid", "grant", "H000001", "--program", "golden-autumn", "--fund", "F002")


def entries(ledger: Ledger) -> int:
    return len(sql(ledger, "SELECT seq FROM aid_entry"))


def waiting(ledger: Ledger, who: str = "孙批", *extra: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = ledger.ok(
        "approve", "list", *extra, "-f", "json", env=as_(who)
    ).rows()
    return rows


def test_an_override_waits_until_a_second_operator_accepts_it(staffed_aid: Ledger) -> None:
    ledger = staffed_aid
    first = int(ledger.ok(*GOLDEN, "--on", "2018-09-01", env=as_("吴财")).stdout)
    before = entries(ledger)
    held = ledger.ok(*GOLDEN, "--on", "2018-10-01", "--override", "二次资助经市总批准",
                     env=as_("吴财"))  # fmt: skip
    assert held.stdout.strip() == "P0001"
    assert "P0001 waits for approval by a second operator, an approver (审批)" in held.stderr
    assert entries(ledger) == before  # nothing paid yet
    [row] = waiting(ledger, "钱审")
    assert (row["code"], row["kind"], row["household"], row["maker"], row["status"]) == (
        "P0001", "override", "H000001", "吴财", "pending"
    )  # fmt: skip
    assert waiting(ledger, "周平") == []  # 平川区总工会 does not see 白银区总工会's
    snapshot = ledger.snapshot()
    outside = ledger.fails("--operator", "周平", "approve", "accept", "P0001", code=9)
    assert "H000001 belongs to 白银区总工会, outside 周平's union" in outside.stderr
    finance = ledger.fails("--operator", "郑财", "approve", "accept", "P0001", code=9)
    assert "郑财 is finance" in finance.stderr
    assert ledger.snapshot() == snapshot
    accepted = ledger.ok("--operator", "钱审", "approve", "accept", "P0001")
    assert "P0001 accepted (吴财's override" in accepted.stderr
    assert entries(ledger) == before + 1
    shown = ledger.ok("aid", "list", "-f", "json", env=as_("钱审")).rows()
    assert len([r for r in shown if r["kind"] == "grant"]) == 2, shown
    audit = ledger.ok("audit", "list", "-f", "json", env=as_("孙批")).rows()
    accept = next(e for e in audit if e["action"] == "accept")
    assert accept["operator"] == "钱审"
    assert accept["changes"]["maker"] == "吴财" and accept["changes"]["checker"] == "钱审"
    assert any(e["action"] == "override" for e in audit)
    again = ledger.fails("--operator", "孙批", "approve", "accept", "P0001", code=5)
    assert "P0001 was accepted" in again.stderr
    assert first in [r["seq"] for r in shown]


def test_a_grant_above_the_policy_amount_waits_and_a_declined_one_never_pays(
    staffed_aid: Ledger,
) -> None:
    ledger = staffed_aid
    ledger.ok("--operator", "王丽", "policy", "set", "approval_above", "100", "--from",
              "2018-01-01")  # fmt: skip
    before = entries(ledger)
    held = ledger.ok(*GOLDEN, "--on", "2018-09-01", env=as_("吴财"))
    assert held.stdout.strip() == "P0001"
    [row] = waiting(ledger)
    assert row["kind"] == "large_grant"
    ledger.ok("--operator", "孙批", "approve", "decline", "P0001", "--reason", "超出年度预算")
    assert entries(ledger) == before
    assert waiting(ledger) == []
    [declined] = waiting(ledger, "孙批", "--all")
    assert (declined["status"], declined["decided_by"], declined["reason"]) == (
        "declined", "孙批", "超出年度预算"
    )  # fmt: skip
    late = ledger.fails("--operator", "钱审", "approve", "accept", "P0001", code=5)
    assert "P0001 was declined" in late.stderr
    # Under the limit, a grant is paid at once.
    ledger.ok("--operator", "王丽", "policy", "set", "approval_above", "none", "--from",
              "2018-01-01")  # fmt: skip
    int(ledger.ok(*GOLDEN, "--on", "2018-09-01", env=as_("吴财")).stdout)
    assert entries(ledger) == before + 1


def test_a_reversal_waits_and_is_judged_again_when_accepted(staffed_aid: Ledger) -> None:
    ledger = staffed_aid
    seq = ledger.ok(*GOLDEN, "--on", "2018-09-01", env=as_("吴财")).stdout.strip()
    before = entries(ledger)
    reverse = ("aid", "reverse", seq, "--reason", "重复发放", "--on", "2018-09-02")
    assert ledger.ok(*reverse, env=as_("吴财")).stdout.strip() == "P0001"
    assert ledger.ok(*reverse, env=as_("郑财")).stdout.strip() == "P0002"  # not reversed yet
    assert entries(ledger) == before
    ledger.ok("--operator", "孙批", "approve", "accept", "P0001")
    assert entries(ledger) == before + 1
    snapshot = ledger.snapshot()
    twice = ledger.fails("--operator", "孙批", "approve", "accept", "P0002", code=6)
    assert f"entry {seq} was already reversed by entry" in twice.stderr
    assert ledger.snapshot() == snapshot
    assert [row["code"] for row in waiting(ledger)] == ["P0002"]  # it keeps waiting


def test_a_void_waits_and_its_maker_does_not_accept_it(staffed_aid: Ledger) -> None:
    ledger = staffed_aid
    ledger.ok("household", "contact", "H000001", "--by", "phone", "--outcome", "reached",
              env=as_("郭县"))  # fmt: skip
    [(number,)] = sql(ledger, "SELECT id FROM contact_attempt")
    code = f"CA{number:03d}"
    held = ledger.ok("--operator", "钱审", "void", code, "--reason", "录错了户")
    assert held.stdout.strip() == "P0001"
    assert code in str(waiting(ledger)[0]["summary"])
    assert sql(ledger, "SELECT void_id FROM contact_attempt") == [(None,)]  # not voided yet
    snapshot = ledger.snapshot()
    same = ledger.fails("--operator", "钱审", "approve", "accept", "P0001", code=9)
    assert "钱审 made P0001 and may not also approve it" in same.stderr
    assert ledger.snapshot() == snapshot
    ledger.ok("--operator", "孙批", "approve", "accept", "P0001")
    assert sql(ledger, "SELECT void_id FROM contact_attempt") != [(None,)]
    # A refused void is refused at once, not held.
    ledger.fails("--operator", "钱审", "void", code, "--reason", "再作废", code=5)
    assert len(waiting(ledger, "孙批", "--all")) == 1


def test_an_expired_action_cannot_be_accepted(staffed_aid: Ledger) -> None:
    ledger = staffed_aid
    ledger.ok(*GOLDEN, "--on", "2018-09-01", env=as_("吴财"))
    ledger.ok(*GOLDEN, "--on", "2018-10-01", "--override", "二次资助", env=as_("吴财"))
    # made long ago: its last day has passed
    sql(ledger, "UPDATE pending SET expires_on = :day", day=dt.date(2018, 11, 1))
    assert waiting(ledger) == []
    [row] = waiting(ledger, "孙批", "--all")
    assert row["status"] == "expired"
    snapshot = ledger.snapshot()
    late = ledger.fails("--operator", "孙批", "approve", "accept", "P0001", code=6)
    assert "P0001 expired on 2018-11-02 without approval" in late.stderr
    assert ledger.snapshot() == snapshot


def test_a_ledger_without_operators_grants_reverses_and_voids_at_once(aid: Ledger) -> None:
    city = (*GOLDEN[:-1], "F001")
    first = int(aid.ok(*city, "--on", "2018-09-01").stdout)
    second = int(aid.ok(*city, "--on", "2018-10-01", "--override", "二次资助").stdout)
    reversal = int(aid.ok("aid", "reverse", str(second), "--reason", "重复").stdout)
    assert first < second < reversal
    aid.ok("household", "contact", "H000001", "--by", "phone", "--outcome", "reached")
    [(number,)] = sql(aid, "SELECT id FROM contact_attempt")
    code = f"CA{number:03d}"
    assert aid.ok("void", code, "--reason", "录错了户").stdout.strip() == code
    assert aid.ok("approve", "list").stderr.strip() == "nothing waits for approval"

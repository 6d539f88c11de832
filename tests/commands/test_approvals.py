"""A second pair of eyes (maker-checker) through the command line: who confirms an archive,
and the actions that wait for a second operator (``kunnan approve``)."""

from __future__ import annotations

from tests.conftest import SEEDED, ledger_fixture
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
staffed = ledger_fixture(*SEEDED, ("staffed", staff))


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

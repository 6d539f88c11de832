"""Operators (经办人员) through the command line: the register, and who may write what."""

from __future__ import annotations

import pytest

from kunnan.cli import app, commands_of
from kunnan.domain.operators import DUTIES
from tests.support import Ledger

ROLES = ("caseworker", "reviewer", "approver", "finance", "auditor", "admin")

#: One command of each duty (its refusal comes before anything else the command checks).
BY_DUTY = {
    "casework": ("household", "contact", "H000001", "--by", "phone", "--outcome", "reached"),
    "review": ("identify", "deliberate", "H000001", "--decision", "approve", "--attendees", "5",
               "--minutes", "同意"),
    "approve": ("void", "CA001", "--reason", "误录"),
    "money": ("fund", "add", "--name", "2018年帮扶资金", "--source", "union", "--year", "2018"),
    "administer": ("org", "add", "--code", "new-union", "--name", "新工会", "--kind", "grassroots",
                   "--parent", "baiyin"),
    "reveal": ("household", "show", "H000001", "--reveal", "--why", "入户核实"),
    "read": ("household", "list"),
}  # fmt: skip

#: Who may do what: the table the README shows, written out here as the union decided it.
MAY = {
    "caseworker": {"casework", "reveal", "read"},
    "reviewer": {"review", "read"},
    "approver": {"approve", "reveal", "read"},
    "finance": {"money", "read"},
    "auditor": {"reveal", "read"},
    "admin": {"administer", "reveal", "read"},
}


def _staffed(seeded: Ledger) -> Ledger:
    seeded.ok("operator", "add", "王丽", "--role", "admin", "--org", "baiyin")
    for number, role in enumerate(ROLES[:-1], start=1):
        seeded.ok("--operator", "王丽", "operator", "add", f"{role}{number}", "--role", role,
                  "--org", "baiyin")  # fmt: skip
    return seeded


def test_a_ledger_without_operators_lets_anyone_write_until_the_first_is_registered(
    seeded: Ledger,
) -> None:
    assert "no operator is registered" in seeded.ok("operator", "list").stderr
    seeded.ok("household", "contact", "H000001", "--by", "phone", "--outcome", "no_answer")
    first = seeded.fails("operator", "add", "李发明", "--role", "caseworker", code=6)
    assert "the first operator of a ledger is its administrator (--role admin)" in first.stderr
    seeded.ok("operator", "add", "王丽", "--role", "admin", "--org", "baiyin")
    before = seeded.snapshot()
    anyone = seeded.fails("--operator", "张三", "household", "contact", "H000001", "--by",
                          "phone", "--outcome", "reached", code=9)  # fmt: skip
    assert "is not a registered operator of this ledger" in anyone.stderr
    assert seeded.snapshot() == before
    rows = seeded.ok("--operator", "王丽", "operator", "list", "-f", "json").rows()
    assert [(r["name"], r["role"], r["org"]) for r in rows] == [("王丽", "admin", "白银市总工会")]
    twice = seeded.fails("--operator", "王丽", "operator", "add", "王丽", "--role", "auditor",
                         code=5)  # fmt: skip
    assert "an operator named '王丽' is registered already" in twice.stderr


@pytest.mark.parametrize("role", ROLES)
def test_each_role_does_its_own_work_and_no_other(seeded: Ledger, role: str) -> None:
    staffed = _staffed(seeded)
    name = "王丽" if role == "admin" else f"{role}{ROLES.index(role) + 1}"
    for duty, args in BY_DUTY.items():
        before = staffed.snapshot()
        result = staffed.run("--operator", name, *args)
        if duty in MAY[role]:
            assert result.exit_code != 9, f"{role} refused {duty}: {result.stderr}"
        else:
            assert result.exit_code == 9, f"{role} was let do {duty}: {result.stderr}"
            assert f"{name} is {role} (" in result.stderr and "work, which that role" in (
                result.stderr
            )
            assert staffed.snapshot() == before


def test_a_disabled_operator_can_do_nothing(seeded: Ledger) -> None:
    staffed = _staffed(seeded)
    staffed.ok("--operator", "王丽", "operator", "disable", "caseworker1", "--reason", "调离",
               "--on", "2018-12-20")  # fmt: skip
    for args in (BY_DUTY["casework"], BY_DUTY["read"]):
        refused = staffed.fails("--operator", "caseworker1", *args, code=9)
        assert "caseworker1 was disabled on 2018-12-20 and can do nothing" in refused.stderr
    again = staffed.fails("--operator", "王丽", "operator", "disable", "caseworker1",
                          "--reason", "x", code=5)  # fmt: skip
    assert "disabled already on 2018-12-20" in again.stderr
    rows = staffed.ok("--operator", "王丽", "operator", "list", "-f", "json").rows()
    assert {r["name"]: r["disabled_on"] for r in rows}["caseworker1"] == "2018-12-20"


def test_init_registers_the_first_administrator(empty_database: Ledger) -> None:
    out = empty_database.ok("init", "--admin", "王丽")
    assert "王丽 is an operator now: admin" in out.stderr
    refused = empty_database.fails("--operator", "张三", "org", "add", "--code", "baiyin",
                                   "--name", "白银市总工会", "--kind", "city", code=9)  # fmt: skip
    assert "is not a registered operator" in refused.stderr
    empty_database.ok("--operator", "王丽", "org", "add", "--code", "baiyin", "--name",
                      "白银市总工会", "--kind", "city", "--area", "620400")  # fmt: skip


def test_every_command_has_a_duty() -> None:
    paths = {
        path.removeprefix("kunnan").strip()
        for path, command in commands_of(app)
        if command.callback is not None and path != "kunnan"
    }
    assert sorted(paths - set(DUTIES)) == []
    assert sorted(set(DUTIES) - paths) == []


def test_an_operator_sees_and_changes_only_the_households_of_their_union_and_below(
    seeded: Ledger,
) -> None:
    seeded.ok("household", "add", "--name", "李四", "--id-number", "620403197001010015",
              "--org", "pingchuan", "--on", "2018-01-02")  # fmt: skip
    seeded.ok("operator", "add", "王丽", "--role", "admin")
    admin = ("--operator", "王丽")
    seeded.ok(*admin, "operator", "add", "李发明", "--role", "caseworker", "--org", "baiyin-qu")
    seeded.ok(*admin, "operator", "add", "张清满", "--role", "caseworker", "--org", "phosphate")
    # H000001 is of 白银磷肥厂工会 (under 白银区总工会), H000002 of 平川区总工会.
    for name in ("李发明", "张清满"):
        seeded.ok("--operator", name, "household", "contact", "H000001", "--by", "phone",
                  "--outcome", "reached")  # fmt: skip
        seeded.ok("--operator", name, "household", "show", "H000001")
        before = seeded.snapshot()
        refused = seeded.fails("--operator", name, "household", "contact", "H000002", "--by",
                               "phone", "--outcome", "reached", code=9)  # fmt: skip
        assert "H000002 belongs to 平川区总工会, outside" in refused.stderr
        seen = seeded.fails("--operator", name, "household", "show", "H000002", code=9)
        assert "H000002 belongs to 平川区总工会" in seen.stderr
        assert seeded.snapshot() == before
    # The administrator of the whole ledger sees every household.
    seeded.ok(*admin, "household", "show", "H000002")


def test_lists_and_reports_keep_to_the_operators_unions(seeded: Ledger) -> None:
    seeded.ok("household", "add", "--name", "李四", "--id-number", "620403197001010015",
              "--org", "pingchuan", "--on", "2018-01-02")  # fmt: skip
    seeded.ok("operator", "add", "王丽", "--role", "admin")
    seeded.ok("--operator", "王丽", "operator", "add", "张清满", "--role", "caseworker",
              "--org", "phosphate")  # fmt: skip
    mine = ("--operator", "张清满")
    listed = seeded.ok(*mine, "household", "list", "-f", "json").rows()
    assert [row["code"] for row in listed] == ["H000001"]
    everyone = seeded.ok("--operator", "王丽", "household", "list", "-f", "json").rows()
    assert [row["code"] for row in everyone] == ["H000001", "H000002"]
    report = seeded.ok(*mine, "report", "pipeline", "-f", "json").json()
    assert report["org"] == "phosphate"
    before = seeded.snapshot()
    other = seeded.fails(*mine, "report", "pipeline", "--org", "pingchuan", code=9)
    assert "平川区总工会 is outside 张清满's union (白银磷肥厂工会)" in other.stderr
    elsewhere = seeded.fails(*mine, "household", "add", "--name", "王五", "--id-number",
                             "620403197002020012", "--org", "pingchuan", code=9)  # fmt: skip
    assert "平川区总工会 is outside 张清满's union" in elsewhere.stderr
    assert seeded.snapshot() == before

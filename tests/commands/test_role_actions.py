"""Who may do what: every role against every kind of action, through the real command line.

Each role's operator (the city union's staff, ``tests.conftest.CITY_STAFF``, whose union is the
whole ledger) tries each action on its own copy of the staffed ledger. A permitted action
does its work (exit 0); a refused one exits 9 with one line on stderr naming the role, and
leaves the ledger exactly as it was.
"""

from __future__ import annotations

import pytest

from tests.conftest import CITY_STAFF
from tests.support import Ledger, make_id

#: Each action as a user types it, on the staffed ledger: each works when permitted.
ACTIONS: dict[str, tuple[str, ...]] = {
    "register a household": ("household", "add", "--name", "孙志刚", "--id-number",
                             make_id(sequence=61), "--org", "phosphate", "--on", "2018-06-01"),
    "record a contact": ("household", "contact", "H000003", "--by", "phone", "--outcome",
                         "reached", "--on", "2018-05-03"),
    "record a home visit": ("identify", "visit", "H000003", "--visitor", "李发明", "--visitor",
                            "张清满", "--on", "2018-05-03"),
    "record a review step": ("identify", "deliberate", "H000002", "--decision", "approve",
                             "--attendees", "5", "--minutes", "同意", "--on", "2018-05-04"),
    "add a fund": ("fund", "add", "--name", "2019年帮扶资金", "--source", "union", "--year",
                   "2019"),
    "give a grant": ("aid", "grant", "H000001", "--program", "golden-autumn", "--member",
                     "张小梅", "--fund", "F001", "--on", "2018-09-01"),
    "record an exit": ("exit", "ineligible", "H000001", "--reason", "数据比对发现家庭有经营性收入",
                       "--on", "2018-10-01"),
    "add a union": ("org", "add", "--code", "new-union", "--name", "新工会", "--kind",
                    "grassroots", "--parent", "baiyin"),
    "set a dibao line": ("policy", "set-line", "--area", "620403", "--year", "2019", "--amount",
                         "560"),
    "reveal an ID number": ("household", "show", "H000001", "--reveal", "--why", "入户核实"),
    "read the register": ("household", "list"),
    "read a report": ("report", "categories", "--as-of", "2018-12-24"),
    "read the audit log": ("audit", "list", "--limit", "5"),
}  # fmt: skip

#: Who may do what, as the union decided it (the README's table); not read from the code.
MAY: dict[str, set[str]] = {
    "caseworker": {
        "register a household", "record a contact", "record a home visit",
        "reveal an ID number", "read the register", "read a report", "read the audit log",
    },
    "reviewer": {"record a review step", "read the register", "read a report", "read the audit log"},
    "approver": {
        "record an exit", "reveal an ID number", "read the register", "read a report",
        "read the audit log",
    },
    "finance": {"add a fund", "give a grant", "read the register", "read a report",
                "read the audit log"},
    "auditor": {"reveal an ID number", "read the register", "read a report", "read the audit log"},
    "admin": {
        "add a union", "set a dibao line", "reveal an ID number", "read the register",
        "read a report", "read the audit log",
    },
}  # fmt: skip


def test_the_table_names_every_action_and_role() -> None:
    assert set(MAY) == set(CITY_STAFF)
    assert set().union(*MAY.values()) == set(ACTIONS)


@pytest.mark.parametrize("role", sorted(MAY))
def test_each_role_may_do_its_cells_of_the_table_and_no_other(staffed: Ledger, role: str) -> None:
    name = CITY_STAFF[role]
    wrong = []
    before = staffed.snapshot()
    for action, args in ACTIONS.items():
        result = staffed.run("--operator", name, *args)
        if action in MAY[role]:
            if result.exit_code != 0:
                wrong.append(f"{action}: refused (exit {result.exit_code}): {result.stderr}")
            before = staffed.snapshot()
            continue
        lines = result.stderr.strip().splitlines()
        if result.exit_code != 9:
            wrong.append(f"{action}: let through (exit {result.exit_code}): {result.stderr}")
        elif len(lines) != 1 or not lines[0].startswith(f"error: {name} is {role} ("):
            wrong.append(f"{action}: refused with {result.stderr!r}")
        elif staffed.snapshot() != before:
            wrong.append(f"{action}: refused, but the ledger changed")
    assert not wrong, f"{role} ({name}):\n" + "\n".join(wrong)

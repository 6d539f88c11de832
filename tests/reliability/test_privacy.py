"""Masking by default everywhere: no full ID number or phone in any output or message."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import SEEDED, ledger_fixture
from tests.support import Ledger, archive_household, make_id

HEAD = make_id(sequence=11)  # the seeded household's head
CHILD = make_id("620402", dt.date(2012, 5, 1), 22)
PHONE = "13893001234"

READS = [
    ["household", "list"],
    ["household", "list", "--unreached"],
    ["household", "show", "H000001"],
    ["household", "find", "张"],
    ["household", "find", HEAD[-6:]],
    ["identify", "status", "H000001"],
    ["identify", "pipeline"],
    ["exit", "list"],
    ["review", "due", "--as-of", "2020-01-01"],
    ["review", "stale", "--as-of", "2020-01-01"],
    ["audit", "list", "--limit", "0"],
    ["org", "list"],
    ["report", "categories"],
    ["report", "areas"],
]
FORMATS = ["table", "json", "csv", "markdown"]


def _build_register(seeded: Ledger) -> None:
    seeded.ok("household", "member", "edit", "H000001", "head", "--phone", PHONE)
    seeded.ok("household", "member", "add", "H000001", "--name", "张小", "--id-number", CHILD,
              "--relation", "child")  # fmt: skip
    archive_household(seeded, "H000001", start=dt.date(2018, 1, 8))


register = ledger_fixture(*SEEDED, ("test_privacy.register", _build_register))


@pytest.mark.parametrize("command", READS, ids=lambda c: " ".join(c[:2]))
def test_no_command_shows_a_full_number_without_reveal(
    register: Ledger, command: list[str]
) -> None:
    for fmt in FORMATS:
        result = register.ok(*command, "--format", fmt)
        for secret in (HEAD, CHILD, PHONE):
            assert secret not in result.stdout and secret not in result.stderr, (
                command,
                fmt,
                secret,
            )


def test_error_messages_mask_numbers_too(register: Ledger) -> None:
    duplicate = register.fails("household", "add", "--name", "冒名", "--id-number", HEAD, "--org", "phosphate",
                               code=5)  # fmt: skip
    assert HEAD not in duplicate.stderr and HEAD[:6] + "*" * 10 + HEAD[-2:] in duplicate.stderr
    member = register.fails("household", "show", CHILD, code=4)
    assert CHILD not in member.stderr


def test_reveal_shows_numbers_only_where_asked_and_audits_it(register: Ledger) -> None:
    shown = register.ok(
        "household", "show", "H000001", "-f", "json", "--reveal", "--why", "入户核对"
    )
    assert HEAD in shown.stdout and PHONE in shown.stdout and CHILD in shown.stdout
    entries = register.ok("audit", "list", "--reveals", "-f", "json").rows()
    assert entries[0]["changes"] == {"households": ["H000001"], "why": "入户核对"}
    audit_text = register.ok("audit", "list", "--limit", "0", "-f", "json").stdout
    assert HEAD not in audit_text and PHONE not in audit_text

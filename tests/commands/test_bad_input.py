"""Every bad input: one clear line on stderr, a non-zero exit, and an unchanged database."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support import Ledger, make_id

HEAD_ID = make_id("620402", dt.date(1978, 3, 15), 11)
OTHER_ID = make_id("620402", dt.date(1980, 6, 1), 31)
FUTURE_BIRTH = make_id("620402", dt.date.today() + dt.timedelta(days=400), 11)


def household_add(*extra: str, id_number: str = OTHER_ID, name: str = "李明") -> list[str]:
    return [
        "household",
        "add",
        "--name",
        name,
        "--id-number",
        id_number,
        "--org",
        "baiyin-qu",
        *extra,
    ]


WRONG_CHECK = HEAD_ID[:17] + ("0" if HEAD_ID[17] != "0" else "1")

BAD_INPUTS = [
    pytest.param(household_add(id_number=WRONG_CHECK), 3, f"expected {HEAD_ID[17]}", id="wrong-check-digit"),
    pytest.param(household_add(id_number="62040219780230001X"), 3, "no real date", id="impossible-date"),
    pytest.param(household_add(id_number=FUTURE_BIRTH), 3, "in the future", id="future-birth"),
    pytest.param(household_add(id_number=HEAD_ID), 5, "already registered (household H000001)", id="duplicate-id"),
    pytest.param(["household", "member", "add", "H000001", "--name", "张小梅", "--id-number", HEAD_ID],
                 5, "already registered", id="duplicate-id-as-member"),
    pytest.param(["household", "add", "--name", "李明", "--id-number", OTHER_ID, "--org", "nowhere"],
                 4, "no organisation 'nowhere'", id="unknown-org"),
    pytest.param(["household", "add", "--name", "李明", "--id-number", OTHER_ID, "--org", "aluminium-unit"],
                 6, "not a union", id="household-under-a-unit"),
    pytest.param(household_add("--identity", "boss"), 3, "unknown worker identity 'boss'", id="unknown-enum-en"),
    pytest.param(household_add("--cause", "因穷"), 3, "unknown cause '因穷'", id="unknown-enum-zh"),
    pytest.param(household_add("--income", "-100"), 3, "negative", id="negative-money"),
    pytest.param(household_add("--income", "12,34.5"), 3, "not an amount", id="malformed-money"),
    pytest.param(household_add("--income", "1.005"), 3, "not an amount", id="three-decimals"),
    pytest.param(household_add("--address", "路" * 201), 3, "at most 200", id="over-long-address"),
    pytest.param(household_add(name="张" * 41), 3, "at most 40", id="over-long-name"),
    pytest.param(household_add(name="   "), 3, "must not be empty", id="empty-name"),
    pytest.param(household_add(name="张\x00三"), 3, "control character", id="nul-in-name"),
    pytest.param(household_add("--phone", "12345"), 3, "not a mobile number", id="bad-phone"),
    pytest.param(household_add("--on", "2099-01-01"), 3, "in the future", id="future-record-date"),
    pytest.param(household_add("--on", "2018-02-30"), 3, "not a date", id="impossible-record-date"),
    pytest.param(household_add("--area", "12345"), 3, "six digits", id="bad-area-code"),
    pytest.param(household_add("--housing-area", "-3"), 3, "more than 0", id="negative-floor-area"),
    pytest.param(household_add("--secondary", "illness", "--secondary", "illness"), 3, "twice", id="repeated-cause"),
    pytest.param(household_add(*[a for c in ("illness", "education", "disability", "other")
                                 for a in ("--secondary", c)]), 3, "at most 3", id="too-many-causes"),
    pytest.param(["household", "show", "H999999"], 4, "no household H999999", id="unknown-household"),
    pytest.param(["household", "member", "edit", "H000001", "王五", "--income", "1"], 4, "no member", id="unknown-member"),
    pytest.param(["household", "list", "--status", "poor"], 3, "unknown status", id="unknown-status-filter"),
    pytest.param(["org", "add", "--code", "baiyin-qu", "--name", "新工会", "--kind", "county", "--parent", "baiyin"],
                 5, "code 'baiyin-qu' already exists", id="duplicate-org-code"),
    pytest.param(["org", "add", "--code", "x", "--name", "某县工会", "--kind", "county"], 6, "needs --parent", id="county-without-parent"),
    pytest.param(["org", "add", "--code", "x", "--name", "某工会", "--kind", "county", "--parent", "phosphate"],
                 6, "cannot sit under", id="county-under-grassroots"),
    pytest.param(["org", "add", "--code", "白银", "--name", "某工会", "--kind", "city"], 3, "ASCII", id="non-ascii-code"),
    pytest.param(["policy", "set-line", "--area", "620402", "--year", "2018", "--amount", "0"], 3, "--amount: must be more than 0", id="zero-line"),
    pytest.param(["policy", "set", "marginal_multiplier", "abc"], 3, "must be a number", id="bad-multiplier"),
    pytest.param(["policy", "set", "poverty_line", "1"], 3, "unknown policy setting", id="unknown-setting"),
    pytest.param(["--lang", "fr", "household", "list"], 3, "--lang must be en or zh", id="unknown-language"),
    pytest.param(["household", "add", "--name", "李明"], 2, "Missing option", id="missing-option"),
    pytest.param(["household", "frobnicate"], 2, "No such command", id="unknown-command"),
    pytest.param(["household", "list", "--colour"], 2, "No such option", id="unknown-option"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "code", "message"), BAD_INPUTS)
def test_bad_input_is_refused_with_one_line_and_changes_nothing(
    baiyin: Ledger, args: list[str], code: int, message: str
) -> None:
    baiyin.ok("household", "add", "--name", "张建国", "--id-number", HEAD_ID, "--org", "baiyin-qu")
    before = baiyin.snapshot()
    result = baiyin.fails(*args, code=code)
    assert message in result.stderr
    assert baiyin.snapshot() == before

"""The exit rule as dated policy: a multiple of the line today, or months above it."""

from __future__ import annotations

import datetime as dt

from tests.conftest import BAIYIN, ledger_fixture
from tests.support import Ledger, archive_household, make_id


def _build(cli: Ledger) -> None:
    """Three households of two members, archived on 2018-01-15 on a calculation of 2018-01-08
    (the line 520.00): H1 and H2 marginal at 600.00 a person, H3 dibao with no income. H1 still
    has 600.00 a person; the heads of H2 and H3 now earn 3,000 (1,500.00 a person)."""
    for year, amount in (("2018", "520"), ("2019", "560")):
        cli.ok("policy", "set-line", "--area", "620402", "--year", year, "--amount", amount)
    people = (("吴新民", "1200", "1200"), ("张瑞华", "1200", "3000"), ("刘菊香", "0", "3000"))
    for n, (name, before, now) in enumerate(people, start=1):
        cli.ok("household", "add", "--name", name, "--id-number", make_id(sequence=n * 2 + 1),
               "--org", "phosphate", "--income", before, "--cause", "illness",
               "--on", "2017-12-01")  # fmt: skip
        cli.ok("household", "member", "add", f"H00000{n}", "--name", f"{name[0]}家属",
               "--id-number", make_id(birth=dt.date(1980, 1, n), sequence=n * 2),
               "--relation", "spouse")  # fmt: skip
        archive_household(cli, f"H00000{n}", start=dt.date(2018, 1, 8))
        cli.ok("household", "member", "edit", f"H00000{n}", "head", "--income", now)


archived = ledger_fixture(*BAIYIN, ("test_exit_rule.archived", _build))


def months_from(cli: Ledger, day: str, months: str = "6") -> None:
    cli.ok("policy", "set", "exit_rule", "months", "--from", day)
    cli.ok("policy", "set", "exit_months", months, "--from", day)


def test_months_at_or_above_the_line_from_before_the_window_on(archived: Ledger) -> None:
    months_from(archived, "2018-01-01")
    before = archived.snapshot()
    early = archived.fails("exit", "stable", "H000001", "--recalculate", "--on", "2018-07-01",
                           code=6)  # fmt: skip
    assert early.stderr == (
        "error: H000001 cannot exit stably: the rule is 6 months at or above the dibao line "
        "before 2018-07-01, and no income figure is from 2018-01-01 or before\n"
    )
    low = archived.fails("exit", "stable", "H000003", "--recalculate", "--on", "2018-08-01",
                         code=6)  # fmt: skip
    assert low.stderr == (
        "error: H000003 cannot exit stably: per capita 0.00 < dibao line 520.00 on 2018-01-08; "
        "the rule is 6 months at or above the line before 2018-08-01\n"
    )
    assert archived.snapshot() == before
    # 600.00 a person is below 1.5 × the line, but at or above the line for six months
    done = archived.ok("exit", "stable", "H000001", "--recalculate", "--on", "2018-07-08")
    assert done.stderr.startswith(
        "H000001: exited stably on 2018-07-08: per capita at or above the dibao line since "
        "2018-01-08, 6 months or more (2 income figures); follow-ups due 2018-10-08"
    )
    row = archived.ok("exit", "list", "-f", "json").rows()[0]
    assert row["reason"].startswith("per capita at or above the dibao line since 2018-01-08")


def test_the_rule_in_force_on_the_exit_day_decides(archived: Ledger) -> None:
    months_from(archived, "2018-09-01")
    multiple = archived.fails("exit", "stable", "H000001", "--recalculate", "--on", "2018-08-01",
                              code=6)  # fmt: skip
    assert "per capita 600.00 < exit line 780.00 (1.5 × 520.00)" in multiple.stderr
    months = archived.fails("exit", "stable", "H000003", "--recalculate", "--on", "2018-09-10",
                            code=6)  # fmt: skip
    assert "per capita 0.00 < dibao line 520.00 on 2018-01-08" in months.stderr
    out = archived.ok("exit", "stable", "H000003", "--recalculate", "--on", "2018-08-01")
    assert "per capita 1,500.00 ≥ exit line 780.00" in out.stderr
    out = archived.ok("exit", "stable", "H000001", "--recalculate", "--on", "2018-09-10")
    assert "at or above the dibao line since 2018-01-08" in out.stderr


def test_what_follow_ups_found_counts_as_income_too(archived: Ledger) -> None:
    archived.ok("exit", "stable", "H000002", "--recalculate", "--on", "2018-03-01")
    archived.ok("exit", "followup", "H000002", "--by", "李发明", "--outcome", "at_risk",
                "--income", "800", "--on", "2018-06-01")  # fmt: skip
    archived.ok("exit", "relapse", "H000002", "--reason", "家人患病", "--on", "2018-06-05")
    archived.ok("household", "member", "edit", "H000002", "head", "--income", "1200")
    archive_household(archived, "H000002", start=dt.date(2018, 6, 11))  # 600.00 a person
    archived.ok("household", "member", "edit", "H000002", "head", "--income", "3000")
    months_from(archived, "2018-10-01")
    low = archived.fails("exit", "stable", "H000002", "--recalculate", "--on", "2018-11-01",
                         code=6)  # fmt: skip
    assert "per capita 400.00 < dibao line 520.00 on 2018-06-01;" in low.stderr
    out = archived.ok("exit", "stable", "H000002", "--recalculate", "--on", "2018-12-15")
    assert "since 2018-06-11, 6 months or more (2 income figures)" in out.stderr


def test_the_exit_rule_settings_are_checked_and_shown(archived: Ledger) -> None:
    before = archived.snapshot()
    bad = archived.fails("policy", "set", "exit_rule", "sometimes", code=3)
    assert bad.stderr.startswith("error: exit_rule: unknown exit rule 'sometimes'")
    archived.fails("policy", "set", "exit_months", "0", code=3)
    archived.fails("policy", "set", "exit_months", "3,6", code=3)
    assert archived.snapshot() == before
    archived.ok("policy", "set", "稳定脱困认定方式", "MONTHS", "--from", "2019-01-01")
    archived.ok("policy", "set", "exit_months", "12", "--from", "2019-01-01")

    def shown(day: str) -> dict[str, str]:
        rows = archived.ok("policy", "show", "--on", day, "-f", "json").rows()
        return {r["key"]: r["value"] for r in rows}

    assert (shown("2018-12-31")["exit_rule"], shown("2018-12-31")["exit_months"]) == (
        "multiple", "6",
    )  # fmt: skip
    assert (shown("2019-01-01")["exit_rule"], shown("2019-01-01")["exit_months"]) == (
        "months", "12",
    )  # fmt: skip

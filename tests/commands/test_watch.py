"""防返困 through the command line: what follow-ups record, and the watch list graded on it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.conftest import BAIYIN, ledger_fixture
from tests.support import Ledger, archive_household, make_id


def _build_exited(cli: Ledger) -> None:
    """H1 and H2 exited stably on 2018-06-01 (follow-ups due 2018-09-01, 2018-12-01,
    2019-06-01), H3 withdrew on the same day; each household has two members."""
    for year, amount in (("2018", "520"), ("2019", "560")):
        cli.ok("policy", "set-line", "--area", "620402", "--year", year, "--amount", amount)
    for n, name in enumerate(("吴新民", "张瑞华", "刘菊香"), start=1):
        cli.ok("household", "add", "--name", name, "--id-number", make_id(sequence=n * 2 + 1),
               "--org", "phosphate", "--income", "0", "--cause", "illness", "--on", "2017-12-01")  # fmt: skip
        cli.ok("household", "member", "add", f"H00000{n}", "--name", f"{name[0]}家属",
               "--id-number", make_id(birth=dt.date(1980, 1, n), sequence=n * 2),
               "--relation", "spouse")  # fmt: skip
        archive_household(cli, f"H00000{n}", start=dt.date(2018, 1, 8))
        cli.ok("household", "member", "edit", f"H00000{n}", "head", "--income", "3000")
    cli.ok("exit", "stable", "H000001", "--recalculate", "--on", "2018-06-01")
    cli.ok("exit", "stable", "H000002", "--recalculate", "--on", "2018-06-01")
    cli.ok("exit", "withdrew", "H000003", "--on", "2018-06-01")


exited = ledger_fixture(*BAIYIN, ("test_watch.exited", _build_exited))


def followups(cli: Ledger, household_id: int) -> list[dict[str, Any]]:
    """The follow-up rows of a household as the ledger holds them, in the order made."""
    names = ("id", "exit_id", "household_id", "due_on", "done_on", "visitor", "outcome", "note",
             "income_fen", "members", "dibao_line_fen", "new_illness")  # fmt: skip
    rows = [dict(zip(names, row, strict=True)) for row in cli.snapshot()["followup"]]
    return sorted((r for r in rows if r["household_id"] == household_id), key=lambda r: r["id"])


def test_a_follow_up_keeps_the_income_it_found_and_a_new_illness(exited: Ledger) -> None:
    out = exited.ok("exit", "followup", "H000001", "--by", "李发明", "--outcome", "at_risk",
                    "--income", "1,000", "--illness", "--on", "2018-09-03")  # fmt: skip
    assert out.stderr == "H000001: follow-up on 2018-09-03 (due 2018-09-01): at_risk\n"
    first = followups(exited, 1)[0]
    assert (first["income_fen"], first["members"], first["dibao_line_fen"]) == (100000, 2, 52000)
    assert bool(first["new_illness"]) is True
    # a visit of 2019 is measured by the line of 2019; without --income nothing is asked
    exited.ok("exit", "followup", "H000001", "--by", "李发明", "--outcome", "stable",
              "--income", "2400", "--on", "2019-01-10")  # fmt: skip
    exited.ok("exit", "followup", "H000002", "--by", "张清满", "--outcome", "stable",
              "--on", "2018-09-02")  # fmt: skip
    second = followups(exited, 1)[1]
    assert (second["income_fen"], second["dibao_line_fen"], bool(second["new_illness"])) == (
        240000,
        56000,
        False,
    )
    plain = followups(exited, 2)[0]
    assert (plain["income_fen"], plain["members"], plain["dibao_line_fen"]) == (None, None, None)
    entry = exited.ok("audit", "list", "-f", "json", "--limit", "3").rows()[-1]
    assert entry["action"] == "followup" and entry["changes"]["income_fen"] == 100000


def test_a_follow_up_income_needs_the_line_of_its_year(exited: Ledger) -> None:
    before = exited.snapshot()
    missing = exited.fails("exit", "followup", "H000001", "--by", "李发明", "--outcome", "stable",
                           "--income", "2000", "--on", "2020-02-01", code=4)  # fmt: skip
    assert "no dibao line for area 620402 in 2020" in missing.stderr
    bad = exited.fails("exit", "followup", "H000001", "--by", "李发明", "--outcome", "stable",
                       "--income", "很多", "--on", "2018-09-03", code=3)  # fmt: skip
    assert bad.stderr.startswith("error: --income: ")
    assert exited.snapshot() == before

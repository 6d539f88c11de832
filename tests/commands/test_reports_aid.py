"""Reports over aid, funds, coverage and targets, the dashboard, and the HTML page in a real browser."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.aid_support import archive_for_test
from tests.conftest import AID, ledger_fixture
from tests.support import Ledger


def _build_helped(aid: Ledger) -> None:
    """The aid fixture with grants in 2018 (one reversed later), a second archived household,
    a pairing, an agreement and a stable exit."""
    archive_for_test(aid, "H000002", category="marginal")
    aid.ok("aid", "grant", "H000001", "--program", "golden-autumn", "--member", "张小梅", "--fund", "F001",
           "--on", "2018-09-01")  # fmt: skip
    aid.ok(
        "aid",
        "grant",
        "H000001",
        "--program",
        "send-warmth",
        "--fund",
        "F001",
        "--on",
        "2018-01-20",
    )
    aid.ok(
        "aid",
        "grant",
        "H000002",
        "--program",
        "send-warmth",
        "--fund",
        "F001",
        "--on",
        "2018-01-20",
    )
    seq = aid.ok("aid", "grant", "H000002", "--program", "living-aid", "--fund", "F001",
                 "--on", "2018-03-01").stdout.strip()  # fmt: skip
    aid.ok("aid", "reverse", seq, "--reason", "重复", "--on", "2018-10-01")
    aid.ok("pair", "assign", "H000001", "--unit", "aluminium-unit", "--contact", "李发明",
           "--phone", "13893005678", "--on", "2018-02-01")  # fmt: skip
    aid.ok("agreement", "add", "--org", "baiyin", "--year", "2018", "--target-helped", "2",
           "--target-exits", "1", "--signed-on", "2018-01-05")  # fmt: skip
    aid.ok("household", "member", "edit", "H000002", "head", "--income", "5000")
    aid.ok("policy", "set-line", "--area", "620403", "--year", "2018", "--amount", "500")
    aid.ok("exit", "stable", "H000002", "--recalculate", "--on", "2018-11-01")


helped = ledger_fixture(*AID, ("test_reports_aid.helped", _build_helped))


def report(cli: Ledger, *args: str) -> dict:  # type: ignore[type-arg]
    return cli.ok("report", *args, "-f", "json").json()  # type: ignore[no-any-return]


def test_programs_count_standing_grants_as_of_the_day(helped: Ledger) -> None:
    late = {r["program"]: r for r in report(helped, "programs", "--as-of", "2018-12-31")["rows"]}
    assert (late["golden-autumn"]["grants"], late["golden-autumn"]["people"], late["golden-autumn"]["amount_fen"]) == (
        1, 1, 500000,
    )  # fmt: skip
    assert late["golden-autumn"]["guarantee"] == "education"
    assert late["send-warmth"]["households"] == 2
    assert late["living-aid"]["grants"] == 0  # reversed on 2018-10-01
    before_reversal = {
        r["program"]: r for r in report(helped, "programs", "--as-of", "2018-09-30")["rows"]
    }
    assert before_reversal["living-aid"]["grants"] == 1
    total = report(helped, "programs", "--as-of", "2018-12-31", "--year", "2018")["total"]
    assert total == {"grants": 3, "households": 2, "people": 1, "amount_fen": 500000 + 2 * 50000}
    assert report(helped, "programs", "--year", "2017")["total"]["grants"] == 0


def test_the_programs_chart_shows_yuan_for_the_years_it_covers(helped: Ledger) -> None:
    def chart(*args: str) -> tuple[str, dict[str, str]]:
        lines = helped.ok(*args, "--as-of", "2018-12-31", "--chart").stdout.splitlines()
        at = next(i for i, line in enumerate(lines) if "█" in line) - 1
        bars = {line.split()[0]: line.split()[-1] for line in lines[at + 1 :]}
        return lines[at], bars

    title, bars = chart("report", "programs", "--year", "2018")
    assert title == "Amount (yuan), aid counting toward 2018 (as of 2018-12-31)"
    assert bars["golden-autumn"] == "5,000.00" and bars["send-warmth"] == "1,000.00"  # not fen
    assert bars["living-aid"] == "0.00"  # reversed
    title, _ = chart("report", "programs", "--since", "2017")
    assert title == "Amount (yuan), aid counting toward 2017 or later (as of 2018-12-31)"
    assert chart("report", "programs")[0] == "Amount (yuan), aid of every year (as of 2018-12-31)"
    title, bars = chart("--lang", "zh", "report", "programs", "--year", "2018")
    assert title == "金额（元）：计入 2018 年度的帮扶（截至2018-12-31）"
    assert bars["金秋助学"] == "5,000.00"
    csv = helped.ok("report", "programs", "--chart", "-f", "csv").stdout
    assert "█" not in csv and "Amount (yuan)" not in csv


def test_funds_in_out_and_balance(helped: Ledger) -> None:
    data = report(helped, "funds", "--as-of", "2018-12-31")
    row = data["rows"][0]
    assert (row["fund"], row["in_fen"], row["out_fen"]) == ("F001", 10_000_000, 600000)
    assert row["balance_fen"] == 10_000_000 - 600000
    assert data["by_source"] == [{"source": "union", "in_fen": 10_000_000, "out_fen": 600000,
                                  "balance_fen": 9_400_000}]  # fmt: skip
    assert report(helped, "funds", "--as-of", "2018-01-01")["total"]["in_fen"] == 0


def test_coverage_and_targets_reuse_the_pairing_and_agreement_services(helped: Ledger) -> None:
    coverage = report(helped, "coverage", "--as-of", "2018-06-30")
    assert coverage["total"]["archived"] == 2 and coverage["total"]["paired"] == 1
    targets = report(helped, "targets", "--year", "2018")
    row = targets["rows"][0]
    # At year end only H1 is archived (H2 exited) and it is paired: every target is met.
    assert (row["org_code"], row["helped"], row["exits"], row["met"]) == ("baiyin", 2, 1, "met")
    assert row["short_of"] == []


def test_the_dashboard_gathers_the_headline_figures(helped: Ledger) -> None:
    data = report(helped, "dashboard", "--as-of", "2018-12-24", "--since", "2017")
    assert data["headline"]["archived"] == 1
    assert data["headline"]["stable_exits_since"] == 1
    assert data["headline"]["aid_since_fen"] == 600000
    assert data["categories"]["total"]["households"] == 1
    assert len(data["ledger_head"]["hash"]) == 64
    table = helped.ok(
        "--lang", "zh", "report", "dashboard", "--as-of", "2018-12-24", "--since", "2017"
    ).stdout
    for text in ("建档困难职工", "2017年以来稳定脱困", "金秋助学", "低保户", "6,000.00"):
        assert text in table


def test_the_html_page_renders_in_a_real_browser(
    helped: Ledger, tmp_path: Path, browser: str
) -> None:
    page = tmp_path / "dashboard.html"
    helped.ok(
        "--lang",
        "zh",
        "report",
        "html",
        "-o",
        str(page),
        "--as-of",
        "2018-12-24",
        "--since",
        "2017",
    )
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text and "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    chromium = browser
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}"]  # fmt: skip
    dom = subprocess.run([chromium, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120, check=True).stdout  # fmt: skip
    for figure in (
        "困难职工帮扶工作概况",
        "建档困难职工",
        "低保户",
        "金秋助学",
        "6,000.00",
        "2018",
    ):
        assert figure in dom
    assert dom.count("<svg") >= 3
    shot = tmp_path / "dashboard.png"
    subprocess.run([chromium, *flags, f"--screenshot={shot}", "--window-size=1000,1400", page.as_uri()],
                   capture_output=True, timeout=120, check=True)  # fmt: skip
    assert shot.stat().st_size > 10_000
    keep = Path(__file__).resolve().parents[2] / "build" / "dashboard-test.png"
    keep.parent.mkdir(exist_ok=True)
    shutil.copyfile(shot, keep)

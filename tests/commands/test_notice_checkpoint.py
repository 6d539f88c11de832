"""Paper as witness: a public notice and the HTML report print the ledger's latest checkpoint
(origin, events, root, the day it was signed) and, on a page, its QR code, which a real
browser draws and zbarimg reads back as the signed note, byte for byte."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest

from tests.aid_support import sql
from tests.commands.test_notice import _build_notice_ledger, text_of
from tests.conftest import BAIYIN, ledger_fixture
from tests.support import Ledger, make_id

ORIGIN = "kunnan/白银市总工会"


def _pin(ledger: Ledger) -> None:
    """The notice ledger with its checkpoint key and one checkpoint signed."""
    ledger.ok("ledger", "key", "--origin", ORIGIN)
    ledger.ok("ledger", "checkpoint")


pinned_ledger = ledger_fixture(
    *BAIYIN,
    ("test_notice.notice_ledger", _build_notice_ledger),
    ("test_notice_checkpoint.pinned", _pin),
)
bare_ledger = ledger_fixture(*BAIYIN, ("test_notice.notice_ledger", _build_notice_ledger))


def _latest(ledger: Ledger) -> dict[str, object]:
    """The latest checkpoint as the ledger holds it: its note, size and root, and the day
    (the office's clock) it was signed."""
    shown = ledger.ok("ledger", "show", "-f", "json").json()
    note = sql(ledger, "SELECT note FROM checkpoint ORDER BY id DESC")[0][0]
    made = dt.datetime.fromisoformat(str(shown["checkpoint_at"]))
    root = note.split("\n")[2]
    return {"note": note, "size": shown["checkpoint_size"], "root": root,
            "day": made.astimezone().date().isoformat()}  # fmt: skip


def _notice(ledger: Ledger, out: Path, *extra: str) -> str:
    result = ledger.ok("--lang", "zh", "notice", "export", "--batch", "2018-04-09", "-o", str(out),
                       *extra)  # fmt: skip
    return result.stderr


def test_an_html_notice_prints_the_checkpoint_and_its_qr_code(
    pinned_ledger: Ledger, tmp_path: Path
) -> None:
    latest = _latest(pinned_ledger)
    out = tmp_path / "公示.html"
    stderr = _notice(pinned_ledger, out)
    text = out.read_text(encoding="utf-8")
    line = (f"本公示对应账本检查点：{ORIGIN}，共 {latest['size']} 个事件，根哈希 {latest['root']}，"
            f"{latest['day']} 签署。")  # fmt: skip
    assert line in text
    assert "扫码可核对" in text
    assert text.count('<svg viewBox="') == 1 and 'class="qr"' in text
    svg = text[text.index("<svg") : text.index("</svg>")]
    assert "<?xml" not in text and " width=" not in svg  # inline, scaled by the page
    # a read command: it printed the checkpoint, it signed nothing, and had nothing to tell
    assert "写入了" not in stderr and "were written since" not in stderr
    assert _latest(pinned_ledger) == latest


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_notice_file_ends_with_the_checkpoint_and_its_whole_note(
    pinned_ledger: Ledger, tmp_path: Path, suffix: str
) -> None:
    from openpyxl import load_workbook

    latest = _latest(pinned_ledger)
    out = tmp_path / f"公示{suffix}"
    _notice(pinned_ledger, out)
    if suffix == ".csv":
        rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    else:
        sheet = load_workbook(out).worksheets[0]
        rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert rows[-2] == [f"本公示对应账本检查点：{ORIGIN}，共 {latest['size']} 个事件，根哈希 "
                        f"{latest['root']}，{latest['day']} 签署。"]  # fmt: skip
    assert rows[-1] == ["签名的检查点原文（可用账本公钥核对）：", latest["note"]]
    # the header, the list, a blank row, then the footer
    assert len(rows) == 6 and {rows[1][1], rows[2][1]} == {"吴*民", "李*"} and rows[3] == []
    assert str(latest["note"]).startswith(f"{ORIGIN}\n{latest['size']}\n")


@pytest.mark.parametrize("suffix", [".html", ".csv", ".xlsx"])
def test_without_a_checkpoint_nothing_is_printed(
    bare_ledger: Ledger, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"公示{suffix}"
    stderr = _notice(bare_ledger, out)
    text = text_of(out)
    assert "吴*民" in text
    for missing in ("检查点", "<svg", "kunnan/", "\u2014 "):
        assert missing not in text, missing
    assert "检查点" not in stderr
    page = tmp_path / "report.html"
    bare_ledger.ok("report", "html", "-o", str(page), "--as-of", "2018-12-24")
    assert 'class="qr"' not in page.read_text(encoding="utf-8")


def test_events_written_since_are_told_and_not_signed(
    pinned_ledger: Ledger, tmp_path: Path
) -> None:
    latest = _latest(pinned_ledger)
    pinned_ledger.ok("household", "add", "--name", "王五", "--id-number", make_id(sequence=71),
                     "--org", "phosphate", "--cause", "illness", "--on", "2018-03-01")  # fmt: skip
    grown = pinned_ledger.ok("ledger", "show", "-f", "json").json()["size"]
    since = grown - int(str(latest["size"]))
    assert since > 0
    out = tmp_path / "公示.html"
    stderr = _notice(pinned_ledger, out)
    told = [line for line in stderr.splitlines() if "kunnan ledger checkpoint" in line]
    assert told == [f"所印检查点（共 {latest['size']} 个事件）之后又写入了 {since} 个事件，尚未"
                    "签署；用 kunnan ledger checkpoint 签署"]  # fmt: skip
    assert f"共 {latest['size']} 个事件" in out.read_text(encoding="utf-8")  # still that one
    assert _latest(pinned_ledger) == latest  # a read command signs nothing
    assert pinned_ledger.ok("ledger", "show", "-f", "json").json()["size"] == grown
    english = pinned_ledger.ok("report", "html", "-o", str(tmp_path / "r.html"), "--as-of",
                               "2018-12-24").stderr  # fmt: skip
    assert (f"{since} events were written since the checkpoint printed (of {latest['size']} "
            "events); kunnan ledger checkpoint signs them") in english  # fmt: skip
    pinned_ledger.ok("ledger", "checkpoint")
    stderr = _notice(pinned_ledger, out, "--force")
    assert "kunnan ledger checkpoint" not in stderr
    assert f"共 {_latest(pinned_ledger)['size']} 个事件" in out.read_text(encoding="utf-8")


# --- read back in a real browser -----------------------------------------------------------


def _scanned(browser: str, qr_reader: str, page: Path, tmp_path: Path, height: int) -> bytes:
    """What zbarimg reads from a screenshot of ``page`` in headless Chromium."""
    shot = tmp_path / f"{page.stem}.png"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
             "--hide-scrollbars", f"--window-size=1000,{height}", f"--screenshot={shot}"]  # fmt: skip
    subprocess.run([browser, *flags, page.as_uri()], capture_output=True, timeout=120, check=True)
    read = subprocess.run([qr_reader, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(shot)],
                          capture_output=True, timeout=120)  # fmt: skip
    assert read.returncode == 0, read.stderr
    return read.stdout


def _exactly(scanned: bytes, note: str) -> None:
    """The code holds the note byte for byte (zbarimg ends each code it prints in a newline)."""
    wanted = note.encode("utf-8")
    assert scanned in (wanted, wanted + b"\n"), scanned


def test_the_qr_codes_of_a_notice_and_the_report_read_back_as_the_signed_note(
    pinned_ledger: Ledger, tmp_path: Path, browser: str, qr_reader: str
) -> None:
    note = str(_latest(pinned_ledger)["note"])
    notice = tmp_path / "notice.html"
    _notice(pinned_ledger, notice, "--contact", "市总工会帮扶中心 0943-8221234")
    _exactly(_scanned(browser, qr_reader, notice, tmp_path, 1400), note)
    report = tmp_path / "report.html"
    pinned_ledger.ok("--lang", "zh", "report", "html", "-o", str(report), "--as-of", "2018-12-24",
                     "--since", "2017")  # fmt: skip
    text = report.read_text(encoding="utf-8")
    assert f"本报告对应账本检查点：{ORIGIN}" in text and text.count('class="qr"') == 1
    _exactly(_scanned(browser, qr_reader, report, tmp_path, 4000), note)

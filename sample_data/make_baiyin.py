"""Write the Baiyin sample's files: the register and the grants as a union would import them.

    .venv/bin/python sample_data/make_baiyin.py

- baiyin/households.csv: every household of the sample as it was registered,
  one row per person, Chinese headers (the `kunnan import households` format).
- baiyin/aid.csv: every cash grant of the sample (the `kunnan import aid` format).

The files come from the same seeded plan `kunnan demo` builds its ledger from
(``kunnan.sample.baiyin``), so they are the same on every run; a test checks
that the committed files are what this script writes. See README.md here.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable
from pathlib import Path

from kunnan.sample import baiyin

HERE = Path(__file__).resolve().parent


def as_csv(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """UTF-8 text with a BOM (so Excel reads the Chinese), one line per row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return "\ufeff" + out.getvalue()


def files() -> dict[str, str]:
    """Each file's path under sample_data/ and its text."""
    plan = baiyin.plan()
    return {
        "baiyin/households.csv": as_csv(
            baiyin.HOUSEHOLD_HEADER, baiyin.household_rows(plan.households)
        ),
        "baiyin/aid.csv": as_csv(baiyin.AID_HEADER, baiyin.aid_rows(plan)),
    }


def main() -> int:
    for name, text in files().items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        print(f"wrote {path.relative_to(HERE.parent)} ({text.count(chr(10)) - 1:,} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

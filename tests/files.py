"""Helpers for tests that import and export files: households files in CSV and Excel."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.support import make_id

#: The households file's English header, as `export households` writes it.
HEADER = [
    "household", "archive_no", "status", "category", "main_cause", "secondary_causes", "org",
    "area_code", "address", "housing_type", "housing_area_m2", "registered_on", "archived_on", "relation",
    "name", "id_number", "phone", "employer", "identity", "health", "schooling",
    "monthly_income_fen", "admitted", "admitted_year",
]  # fmt: skip

HEAD_ID = make_id("620402", dt.date(1978, 3, 15), 11)
SPOUSE_ID = make_id("620402", dt.date(1980, 6, 1), 22)
CHILD_ID = make_id("620402", dt.date(2003, 9, 1), 2)
OTHER_HEAD_ID = make_id("620402", dt.date(1962, 10, 2), 111)


def person(
    name: str, id_number: str, relation: str = "head", household: str = "1", **fields: Any
) -> dict[str, Any]:
    return {
        "household": household,
        "relation": relation,
        "name": name,
        "id_number": id_number,
        **fields,
    }


def archived_family(household: str = "1") -> list[dict[str, Any]]:
    """An archived dibao household of three, as a union's register holds it."""
    return [
        person(
            "张建国", HEAD_ID, household=household, status="archived", archive_no="BY2017-001",
            category="dibao", main_cause="illness", secondary_causes="education;disability",
            org="baiyin-qu", address="白银区人民路18号", housing_type="owned",
            housing_area_m2="45.5", registered_on="2017-03-01", phone="13893001234",
            identity="laid_off", monthly_income="1,200.50",
        ),
        person("李秀英", SPOUSE_ID, "spouse", household=household, health="chronic", monthly_income="800"),
        person("张小梅", CHILD_ID, "child", household=household, schooling="undergraduate"),
    ]  # fmt: skip


def candidate(
    name: str = "王德魁", id_number: str = OTHER_HEAD_ID, household: str = "2", **fields: Any
) -> dict[str, Any]:
    fields.setdefault("org", "baiyin-qu")
    return person(name, id_number, household=household, **fields)


def columns_of(rows: Sequence[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    for row in rows:
        for key in row:
            if key not in found:
                found.append(key)
    return found


def write_csv(
    path: Path,
    rows: Sequence[dict[str, Any]],
    *,
    header: Sequence[str] | None = None,
    encoding: str = "utf-8",
    rename: dict[str, str] | None = None,
) -> Path:
    """A CSV file with ``rows`` under ``header`` (default: every key the rows use)."""
    keys = list(header or columns_of(rows))
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([(rename or {}).get(key, key) for key in keys])
        for row in rows:
            writer.writerow(["" if row.get(key) is None else row.get(key) for key in keys])
    return path


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = None,
    sheet: str = "Sheet1",
) -> Path:
    """An Excel file whose first sheet holds ``rows`` (the first is the header)."""
    from openpyxl import Workbook

    book = Workbook()
    worksheet = book.active
    assert worksheet is not None
    worksheet.title = sheet
    if title:
        worksheet.append([title])
    for row in rows:
        worksheet.append(list(row))
    book.save(path)
    return path


def read_xlsx(path: Path, sheet: str | None = None) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    worksheet: Any = book[sheet] if sheet else book.worksheets[0]
    rows = [tuple(row) for row in worksheet.iter_rows(values_only=True)]
    book.close()
    width = max((len(row) for row in rows), default=0)
    # Read-only workbooks drop empty cells at the end of a row; a table keeps its width.
    return [row + (None,) * (width - len(row)) for row in rows]


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))

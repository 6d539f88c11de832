"""The plain reading of `import households` against the input models.

The plain reading judges each cell by its field's rule (``schemas.household.FIELDS``)
without building the models. It may decline any household; where it takes one, the
models must take it too and give exactly the same columns. Generated households mix valid and invalid cells,
text and typed (Excel) cells, English and Chinese headers, any subset of the columns in
any order. And so that "decline everything" cannot pass, plain households (as exports
and the sample write them) must be taken.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from kunnan.sample import baiyin
from kunnan.services.imports.households import (
    HOUSEHOLD_COLUMNS,
    HOUSEHOLD_FIELDS,
    Draft,
    HouseholdRows,
)
from kunnan.sheets.columns import HeaderMatch, match_header
from kunnan.sheets.read import SourceRow
from tests.support import make_id

TODAY = dt.date(2026, 11, 28)

#: Ten people's ID numbers, and one that ends in X (written in lower case below).
IDS = [make_id("620402", dt.date(1960 + n, 1 + n, 1 + n), 10 + n) for n in range(10)]
X_ID = next(
    number
    for sequence in range(1, 1000)
    if (number := make_id("620402", dt.date(1970, 1, 1), sequence)).endswith("X")
)
WRONG_CHECK = IDS[0][:17] + ("0" if IDS[0][17] != "0" else "1")
FUTURE_ID = make_id("620402", dt.date(2030, 1, 1), 1)
#: An old 15-digit number (upgraded on reading).
FIFTEEN = "620402780315123"

#: Cells each column may hold that the models take: text in every form they read, and
#: typed cells as Excel gives them.
VALID: dict[str, list[Any]] = {
    "household": ["1", " 1 ", "", "B0000001"],
    "archive_no": ["BY2017-001", "620402-2015-0000001", " BY-3 "],
    "status": ["archived", "candidate", "建档", "候选", " archived ", "ARCHIVED"],
    "category": ["dibao", "低保户", "marginal", "accident"],
    "main_cause": ["illness", "因病", "education", "low_income", ""],
    "secondary_causes": ["", "education;low_income", "因学、收入低", " ; ", "disability"],
    "org": ["baiyin-qu", "白银区总工会", "'=1+2"],
    "area_code": ["620402", "６２０４０２", "", " 620402 "],
    "address": ["白银区人民路1号", "", "  东区  "],
    "housing_type": ["owned", "public_rental", "廉租房", "shanty", ""],
    "housing_area_m2": ["31.5", "45.50", "60㎡", "", 45.5, 12],
    "registered_on": [
        "2015-01-02",
        "2017/3/1",
        "2017年3月1日",
        "",
        dt.datetime(2016, 1, 1),
        dt.date(2016, 5, 4),
        "2016-1-2",
    ],
    "archived_on": ["2015-02-11", "2018-01-01", ""],
    "relation": ["head", "户主", "spouse", "配偶", "child", "parent", "other", "", " Head "],
    "name": ["王建国", "阿依古丽·买买提", " 张三 "],
    "id_number": [
        *IDS,
        X_ID.lower(),
        FIFTEEN,
        " " + IDS[1] + " ",
        "".join(chr(ord(c) + 0xFEE0) for c in IDS[2]),
        int(IDS[4]),
    ],
    "phone": ["13800000000", "138-0000-0000", "+8613800000000", "", 13800000001],
    "employer": ["白银有色集团", "", "'=1"],
    "identity": ["laid_off", "下岗", ""],
    "health": ["healthy", "chronic", "慢性病", ""],
    "schooling": ["none", "undergraduate", ""],
    "monthly_income_fen": ["0", "10000", "", "１０", 100, 100.0],
    "admitted": ["", "undergraduate", "none", "本科"],
    "admitted_year": ["", "2018", " 2018", "2018.0", 2018],
}
#: Cells the models refuse (or that break a rule across columns).
INVALID: dict[str, list[Any]] = {
    "archive_no": ["a" * 41, "有\x00控制"],
    "status": ["identifying", "exited", "xyz"],
    "category": ["bad", ""],
    "main_cause": ["x"],
    "secondary_causes": ["illness;illness", "a;b", "illness;education;disability;other"],
    "org": ["", "  ", "x" * 101, "=cmd|' /C calc'!A0"],
    "area_code": ["999999", "12345"],
    "address": ["x" * 201, "a\x07b"],
    "housing_type": ["bad"],
    "housing_area_m2": ["45.555", "0", "-1", "abc", "10001"],
    "registered_on": ["2030-01-01", "2015-02-30", "nope", "1950-01-01"],  # the last: before birth
    "archived_on": ["2014-01-01", "2030-01-01", "nope", "1950-01-01"],
    "relation": ["bad"],
    "name": ["", "x1", "a" * 41, "李\u3000四"],
    "id_number": [WRONG_CHECK, FUTURE_ID, "620402********0007", "", float(IDS[3][:15]), "12345"],
    "phone": ["12345", "138****0000"],
    "employer": ["x" * 101],
    "identity": ["bad"],
    "health": ["bad"],
    "schooling": ["bad"],
    "monthly_income_fen": ["-5", "1.5", "abc", True],
    "admitted": ["bad"],
    "admitted_year": ["1900", "20x8", "2201"],
}
#: The income under a header that names it in yuan.
YUAN_VALID = ["1,200.50", "800", "¥100", "100元", 1200.5, ""]
YUAN_INVALID = ["-1", "abc", "0.005"]
#: The cells of a plain household, as an export or the sample writes it.
PLAIN: dict[str, list[Any]] = {
    "household": ["1"],
    "org": ["baiyin-qu", "白银区总工会"],
    "area_code": ["620402", ""],
    "address": ["白银区人民路1号", ""],
    "housing_type": ["owned", "shanty", ""],
    "housing_area_m2": ["31.5", "45.50", ""],
    "registered_on": ["2015-01-02", "2017/3/1", ""],
    "secondary_causes": ["", "education;low_income"],
    "name": ["王建国", "阿依古丽·买买提"],
    "phone": ["13800000000", ""],
    "employer": ["白银有色集团", ""],
    "identity": ["laid_off", "下岗", ""],
    "health": ["healthy", "chronic", ""],
    "schooling": ["none", "undergraduate", ""],
    "monthly_income_fen": ["0", "10000", ""],
}  # fmt: skip


def header_of(keys: list[str], *, chinese: bool) -> HeaderMatch:
    names = {column.key: column.zh if chinese else column.key for column in HOUSEHOLD_COLUMNS}
    return match_header([names[key] for key in keys], HOUSEHOLD_COLUMNS)


def readers(header: HeaderMatch, default_org: str | None) -> tuple[HouseholdRows, HouseholdRows]:
    """Two readers of one file: one for the plain reading, one for the models'."""
    return tuple(  # type: ignore[return-value]
        HouseholdRows(header, today=TODAY, default_org=default_org, csv_escaped=True)
        for _ in range(2)
    )


def agree(
    header: HeaderMatch, group: list[SourceRow], default_org: str | None, *, report: bool = True
) -> Draft | None:
    """The plain reading's draft, after checking the models take the household and agree."""
    plain, rows = readers(header, default_org)
    draft = plain.plain(group)
    plan = rows.through_models(group)
    if report:
        taken = "taken by the plain reading" if draft is not None else "declined"
        event(f"{taken}; the models {'refuse' if plan.problems else 'take'} it")
    if draft is not None:
        assert plan.problems == []
        assert plan.draft == draft
        assert repr(plan.draft) == repr(draft)  # Decimal('45.50') is not Decimal('45.5')
    return draft


def cell(draw: st.DrawFn, key: str, noise: float, *, yuan: bool) -> Any:
    valid, invalid = VALID[key], INVALID.get(key, [])
    if yuan and key == "monthly_income_fen":
        valid, invalid = YUAN_VALID, YUAN_INVALID
    if invalid and draw(st.floats(0, 1)) < noise:
        return draw(st.sampled_from(invalid))
    return draw(st.sampled_from(valid))


#: How the standing columns read for an archived household and for a candidate.
ARCHIVED = {
    "status": "archived",
    "archive_no": "BY-1",
    "category": "dibao",
    "main_cause": "illness",
}
CANDIDATE = {"status": "候选", "archive_no": "", "category": "", "archived_on": ""}
ADMISSIONS: list[tuple[Any, Any]] = [
    ("", ""),
    ("undergraduate", "2018"),
    ("none", ""),
    ("本科", 2018),
]
HEAD_FORMS, MEMBER_FORMS = ["head", "户主", " Head "], ["spouse", "配偶", "child", "other"]


@st.composite
def households(draw: st.DrawFn) -> Any:
    """A header of any columns in any order, and a household of one to four rows, each cell
    invalid with the household's own chance (often none). Most households are put in
    order (one head, first; a standing that fits its status), so that plenty pass."""
    optional = [key for key in VALID if key not in ("name", "id_number")]
    keys = draw(st.permutations(["name", "id_number", *draw(st.sets(st.sampled_from(optional)))]))
    chinese = draw(st.booleans())  # Chinese headers read the income in yuan
    noise = draw(st.sampled_from([0.0, 0.0, 0.02, 0.1, 0.5]))
    ordered = draw(st.booleans()) or draw(st.booleans())
    standing = draw(st.sampled_from([ARCHIVED, CANDIDATE]))
    default_org = draw(st.sampled_from([None, "baiyin-qu"]))
    if ordered and default_org is None and "org" not in keys:
        keys.append("org")
    rows: list[list[Any]] = []
    for number in range(draw(st.integers(1, 4))):
        row = []
        admission = draw(st.sampled_from(ADMISSIONS))
        for place, key in enumerate(keys):
            if ordered and key in ("admitted", "admitted_year"):
                both = "admitted" in keys and "admitted_year" in keys
                row.append(admission[key == "admitted_year"] if both else "")
                continue
            if ordered and key == "relation":
                row.append(draw(st.sampled_from(MEMBER_FORMS if number else HEAD_FORMS)))
                continue
            if ordered and key in standing and number == 0:
                row.append(standing[key])
                continue
            if number and key in HOUSEHOLD_FIELDS:
                # a member's household cell: mostly blank or the head's
                kind = draw(st.sampled_from(["blank", "same", "same", "any"]))
                if kind != "any" or ordered:
                    row.append("" if kind == "blank" else rows[0][place])
                    continue
            row.append(cell(draw, key, noise, yuan=chinese))
        rows.append(row)
    group = [SourceRow(number, tuple(row)) for number, row in enumerate(rows, start=2)]
    return header_of(keys, chinese=chinese), group, default_org


@st.composite
def plain_households(draw: st.DrawFn) -> Any:
    """Households as exports write them: archived or candidates, the head first."""
    optional = list(PLAIN)
    keys = ["name", "id_number", "relation", "org", *draw(st.sets(st.sampled_from(optional)))]
    keys = draw(st.permutations(list(dict.fromkeys(keys))))
    archived = draw(st.booleans())
    standing = {"status": "archived", "category": "dibao", "main_cause": "illness",
                "archive_no": "BY-1"} if archived else {}  # fmt: skip
    keys = [*keys, *standing]
    rows = []
    for number in range(draw(st.integers(1, 4))):
        row = []
        for key in keys:
            if key == "relation":
                row.append("head" if number == 0 else draw(st.sampled_from(["spouse", "配偶"])))
            elif key == "id_number":
                row.append(IDS[number])
            elif key in standing:
                row.append(standing[key] if number == 0 else "")
            elif number and key in HOUSEHOLD_FIELDS:
                row.append("")
            else:
                row.append(draw(st.sampled_from(PLAIN[key])))
        rows.append(row)
    group = [SourceRow(number, tuple(row)) for number, row in enumerate(rows, start=2)]
    return header_of(keys, chinese=draw(st.booleans())), group, None


@settings(max_examples=1000, deadline=None)
@given(households())
def test_the_plain_reading_takes_only_what_the_models_take_and_writes_the_same(case: Any) -> None:
    agree(*case)


@settings(max_examples=200, deadline=None)
@given(plain_households())
def test_plain_households_take_the_plain_reading(case: Any) -> None:
    assert agree(*case) is not None


def test_the_samples_households_file_takes_the_plain_reading_whole() -> None:
    header = match_header(baiyin.HOUSEHOLD_HEADER, HOUSEHOLD_COLUMNS)
    plan = baiyin.plan()
    rows = [
        SourceRow(n, cells)
        for n, cells in enumerate(baiyin.household_rows(plan.households[:300]), 2)
    ]
    groups: list[list[SourceRow]] = []
    for row in rows:
        if groups and groups[-1][0].cells[0] == row.cells[0]:
            groups[-1].append(row)
        else:
            groups.append([row])
    assert len(groups) == 300
    for group in groups:
        assert agree(header, group, None, report=False) is not None


def test_a_registration_before_the_heads_birth_declines_and_the_models_say_why() -> None:
    """Both readings judge it by one rule (``domain.register.registration_problem``)."""
    for keys, cells in (
        (["name", "id_number", "org", "registered_on"], ("王建国", IDS[0], "baiyin-qu", "1959-12-31")),
        (["name", "id_number", "org", *ARCHIVED, "archived_on"],
         ("王建国", IDS[0], "baiyin-qu", *ARCHIVED.values(), "1959-12-31")),
    ):  # fmt: skip
        header = header_of(keys, chinese=False)
        group = [SourceRow(2, cells)]
        assert agree(header, group, None, report=False) is None
        _plain, rows = readers(header, None)
        (problem,) = rows.through_models(group).problems
        assert "before its head worker was born (by the ID number)" in problem.reason
        born = IDS[0][6:14]
        assert born not in problem.reason and f"{born[:4]}-{born[4:6]}" not in problem.reason
    on_the_day = [SourceRow(2, ("王建国", IDS[0], "baiyin-qu", "1960-01-01"))]
    assert agree(header_of(["name", "id_number", "org", "registered_on"], chinese=False),
                 on_the_day, None, report=False) is not None  # fmt: skip

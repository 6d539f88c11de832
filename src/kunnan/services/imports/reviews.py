"""Reviews files: a year's yearly reviews (年审) from a spreadsheet, through the review's rules.

Each row is one review, judged as a typed ``kunnan review record`` is: a fresh income
calculation with the members present on the review's day, and the outcome (维持, 调整类别,
调整致困原因, 建议退出) checked by ``domain.review``, in the same words. A row names its
household by code or archive number (户编号/档案号) or by the head worker's ID number
(身份证号). Rows are recorded a batch at a time through the one path every review takes
(``services.review.ReviewBook``). A household already reviewed on a row's day is matched,
not reviewed twice, so importing a file again adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from kunnan.domain.dates import DateError, not_in_future, parse_date
from kunnan.domain.enums import Category, Cause, Labelled, ReviewOutcome
from kunnan.domain.errors import KunnanError
from kunnan.domain.money import MoneyError, parse_yuan
from kunnan.domain.register import distinct_causes
from kunnan.domain.review import ReviewAsked
from kunnan.domain.text import NOTE_MAX, TextError, clean_text
from kunnan.i18n import _
from kunnan.services.identify import CostFacts
from kunnan.services.imports import CellRow, OneRowEach, Outcome, RowProblem
from kunnan.services.review import ReviewBook, ReviewPlan
from kunnan.sheets.columns import Column, HeaderMatch, count_known, tidy
from kunnan.store.households import resolve_households

REVIEW_COLUMNS: tuple[Column, ...] = (
    Column("household", "户编号", aliases=("户号", "档案号", "archive_no", "code")),
    Column("id_number", "身份证号", "id_number", aliases=("户主身份证号", "身份证号码")),
    Column("reviewed_on", "年审日期", "date", aliases=("复核日期", "日期", "date", "on")),
    Column("outcome", "年审结论", "enum", ReviewOutcome, aliases=("结论", "复核结论")),
    Column("category", "调整后类别", "enum", Category, aliases=("新类别", "类别")),
    Column("main_cause", "主要致困原因", "enum", Cause, aliases=("致困原因", "cause")),
    Column("secondary", "次要致困原因", "enum_list", Cause, aliases=("secondary_causes",)),
    Column("reason", "理由", aliases=("调整理由", "原因说明")),
    Column("other_income", "其他收入(元)", "money", aliases=("其他收入",)),
    Column("medical_costs", "医疗支出(元)", "money", aliases=("医疗支出",)),
    Column("schooling_costs", "教育支出(元)", "money", aliases=("教育支出",)),
    Column("accident_costs", "意外支出(元)", "money", aliases=("意外支出",)),
    Column("note", "备注", aliases=("说明",)),
)
COLUMN = {column.key: column for column in REVIEW_COLUMNS}
REQUIRED_COLUMNS = ("reviewed_on",)
ERROR_HEADERS = {"en": "error", "zh": "错误原因"}
COSTS = ("other_income", "medical_costs", "schooling_costs", "accident_costs")


def is_header(cells: Sequence[str]) -> bool:
    """The header row names at least two columns of the reviews file."""
    return count_known(cells, REVIEW_COLUMNS) >= 2


class ReviewFileImporter(OneRowEach):
    """Records the rows of a reviews file through the review's rules, a batch at a time."""

    def __init__(self, session: Session, *, header: HeaderMatch, csv_escaped: bool = False) -> None:
        names = {key: header.name(column) for key, column in COLUMN.items()}
        super().__init__(session, header=header, names=names, csv_escaped=csv_escaped)
        self._book: ReviewBook | None = None

    def apply(self, batch: list[CellRow]) -> list[Outcome]:
        if self._book is None:
            self._book = ReviewBook(self._session)
        book = self._book
        outcomes: dict[int, Outcome] = {}
        ready: dict[int, tuple[CellRow, str, ReviewAsked, CostFacts, str]] = {}
        for place, row in enumerate(batch):
            checked = self._read(row)
            if isinstance(checked, Outcome):
                outcomes[place] = checked
            else:
                ready[place] = (row, *checked)
        households = resolve_households(self._session, [item[1] for item in ready.values()])
        book.load(found for found in households.values() if isinstance(found, int))
        for place, (row, ref, asked, costs, note) in ready.items():
            household = households[ref]
            if isinstance(household, KunnanError):
                outcomes[place] = self._refused(row, household)
                continue
            if book.reviewed(household, asked.on):
                outcomes[place] = Outcome(rows=[row.source], result="matched")
                continue
            try:
                book.review(ReviewPlan(household, asked, costs, note))
            except KunnanError as error:
                outcomes[place] = self._refused(row, error)
                continue
            outcomes[place] = Outcome(rows=[row.source], result="created", added=1)
        book.write()
        return [outcomes[place] for place in range(len(batch))]

    def _read(self, row: CellRow) -> tuple[str, ReviewAsked, CostFacts, str] | Outcome:
        """The row's cells as a review's input (its household as typed), or why not."""
        if row.problems:
            return self._rejected(row)
        values, number = row.values, row.source.number
        problems: list[RowProblem] = []

        def problem(key: str, message: str) -> None:
            problems.append(RowProblem(number, self._column(key), tidy(message)))

        ref = values.get("household") or values.get("id_number")
        if ref is None:
            problem("", _("give the household (户编号) or its head's ID number (身份证号)"))
        day = dt.date.today()
        if "reviewed_on" not in values:
            problem("reviewed_on", _("a review needs its date"))
        else:
            try:
                day = not_in_future(parse_date(str(values["reviewed_on"])), today=dt.date.today())
            except DateError as error:
                problem("reviewed_on", str(error))
        choices, secondary, fen, texts = self._choices(values, problem)
        if problems:
            return self._rejected(row, *problems)
        outcome = choices["outcome"]
        asked = ReviewAsked(
            on=day,
            outcome=outcome if isinstance(outcome, ReviewOutcome) else ReviewOutcome.KEEP,
            category=choices["category"] if isinstance(choices["category"], Category) else None,
            main_cause=choices["main_cause"] if isinstance(choices["main_cause"], Cause) else None,
            secondary=secondary,
            reason=texts["reason"],
        )
        costs = CostFacts(
            other_income_fen=fen["other_income"],
            medical_costs_fen=fen["medical_costs"],
            schooling_costs_fen=fen["schooling_costs"],
            accident_costs_fen=fen["accident_costs"],
        )
        return str(ref), asked, costs, texts["note"]

    def _choices(
        self, values: dict[str, Any], problem: Callable[[str, str], None]
    ) -> tuple[
        dict[str, Labelled | None], tuple[Cause, ...] | None, dict[str, int], dict[str, str]
    ]:
        """The row's choices, costs and texts, each problem handed to ``problem``."""
        choices: dict[str, Labelled | None] = {}
        for key, enum in (
            ("outcome", ReviewOutcome),
            ("category", Category),
            ("main_cause", Cause),
        ):
            try:
                choices[key] = enum.parse(str(values[key])) if key in values else None
            except ValueError as error:
                problem(key, str(error))
        secondary: tuple[Cause, ...] | None = None
        if "secondary" in values:
            try:
                secondary = tuple(distinct_causes([Cause.parse(c) for c in values["secondary"]]))
            except ValueError as error:
                problem("secondary", str(error))
        fen: dict[str, int] = {}
        for key in COSTS:
            try:
                fen[key] = parse_yuan(str(values[key])) if key in values else 0
            except MoneyError as error:
                problem(key, str(error))
        texts: dict[str, str] = {}
        for key in ("reason", "note"):
            try:
                texts[key] = clean_text(str(values.get(key, "")), field=self._column(key),
                                        max_length=NOTE_MAX, allow_newlines=True)  # fmt: skip
            except TextError as error:
                problem(key, str(error))
        return choices, secondary, fen, texts

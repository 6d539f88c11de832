"""The dashboard is one model: the terminal and the page show what each card and section declares."""

from __future__ import annotations

import pytest

from kunnan.domain.enums import Category
from kunnan.ui.columns import Column
from kunnan.ui.dashboard import Card, Dashboard, Layout, Section, show_dashboard
from kunnan.ui.html import dashboard_page
from kunnan.ui.output import OutputFormat, View
from kunnan.ui.reports import Chart

CATEGORY = Column("category", "Category", "enum", Category, context="category")
HOUSEHOLDS = Column("households", "Households", "int")
ROWS = [
    {"category": "dibao", "households": 435},
    {"category": "marginal", "households": 2461},
    {"category": "accident", "households": 0},
]


def _model() -> Dashboard:
    return Dashboard(
        lang="zh",
        screen_title="概况（终端）",
        page_title="概况（网页）",
        subtitle="截至 2018-12-24",
        cards=(
            Card("3,195", "9,024 人", screen="建档困难职工", page="建档困难职工"),
            Card("1,200", "期数", screen="只在终端", page=None),
            Card("6,000.00", "户", screen=None, page="只在网页"),
        ),
        sections=(
            Section(
                ROWS,
                {"households": 2896},
                screen=Layout("按类别（终端）", (CATEGORY, HOUSEHOLDS)),
                page=Layout(
                    "按类别（网页）",
                    (CATEGORY, HOUSEHOLDS),
                    bars=Chart(("category",), "households", skip_zero=True).bars(
                        ROWS, (CATEGORY,), "zh"
                    ),
                ),
            ),
            Section(ROWS[:1], None, screen=None, page=Layout("只在网页的表", (HOUSEHOLDS,))),
        ),
        chain=(42, "ab" * 32),
    )


def test_the_page_shows_its_cards_and_sections_with_totals_and_charts() -> None:
    page = dashboard_page(_model())
    assert "概况（网页）" in page and "截至 2018-12-24" in page
    assert "只在网页" in page and "只在终端" not in page
    assert "按类别（网页）" in page and "只在网页的表" in page and "按类别（终端）" not in page
    assert '<tr class="total"><td class="">合计</td><td class="n">2,896</td></tr>' in page
    assert page.count("<svg") == 1  # the second section has no chart
    assert ">低保边缘户<" in page and ">2,461<" in page
    assert page.count(">意外致困户<") == 1  # in the table, not among the bars (zero)
    assert "第 42 笔" in page and "ab" * 32 in page


# JSON is not among them: report dashboard -f json writes the reports' figures, not this model.
@pytest.mark.parametrize("output", [OutputFormat.TABLE, OutputFormat.CSV, OutputFormat.MARKDOWN])
def test_the_terminal_shows_its_own_cards_and_sections(
    output: OutputFormat, capsys: pytest.CaptureFixture[str]
) -> None:
    show_dashboard(_model(), View(format=output, lang="zh"))
    shown = capsys.readouterr().out
    assert "只在网页" not in shown and "只在网页的表" not in shown
    assert ("只在终端" in shown) is (output is OutputFormat.TABLE)  # cards: tables only
    if output is OutputFormat.CSV:
        assert shown.splitlines() == [
            "category,households",
            "dibao,435",
            "marginal,2461",
            "accident,0",
        ]
    else:
        assert "按类别（终端）" in shown and "低保边缘户" in shown and "合计" in shown


def test_chart_bars_label_choices_and_show_money_as_yuan() -> None:
    rows = [{"year": 2018, "category": "dibao", "amount_fen": 150000}]
    bars = Chart(("year", "category"), "amount_fen", money=True).bars(rows, (CATEGORY,), "zh")
    assert bars == [("2018 低保户", 150000, "1,500.00")]
    assert Chart(("category",), "amount_fen").bars(rows, (), "en") == [("dibao", 150000, "150,000")]

"""The dashboard: one model of headline cards and sections, shown in the terminal and on a page.

``kunnan.commands.report`` builds a ``Dashboard`` from the figures of every
report; ``show_dashboard`` writes it to the terminal (cards as panels, then
the sections' tables and charts, in any list format) and
``kunnan.ui.html.dashboard_page`` lays out the same model as one HTML page.
Each card and section says how it appears in each: the terminal shows the
report's own columns under short titles, the page fewer columns with charts,
and some of either appear in one only (``None``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kunnan.ui.checkpoint import Pinned
from kunnan.ui.columns import Column
from kunnan.ui.output import OutputFormat, View, render_rows
from kunnan.ui.reports import Bars, with_total_label


@dataclass(frozen=True)
class Card:
    """A headline figure: its value, a note under it, and its label in each place it appears."""

    value: str
    note: str
    screen: str | None
    page: str | None


@dataclass(frozen=True)
class Layout:
    """How a section appears in one place: a title, its columns, and a bar chart if any."""

    title: str
    columns: tuple[Column, ...]
    bars: Bars | None = None


@dataclass(frozen=True)
class Section:
    """One table of figures (and its total, labelled in the first column), laid out per place."""

    rows: Sequence[Mapping[str, Any]]
    total: Mapping[str, Any] | None
    screen: Layout | None
    page: Layout | None


@dataclass(frozen=True)
class Dashboard:
    lang: str
    screen_title: str
    page_title: str
    subtitle: str
    cards: tuple[Card, ...]
    sections: tuple[Section, ...]
    #: The aid ledger's head, (entries, hash), which the page prints at its foot.
    chain: tuple[int, str]
    #: The latest checkpoint of the ledger's log, which the page prints at its foot with its
    #: QR code (None: the ledger has none).
    checkpoint: Pinned | None = None


def show_dashboard(dashboard: Dashboard, view: View) -> None:
    """The terminal's dashboard: a title and cards (tables only), then each section."""
    from kunnan.ui.charts import render_bar_chart

    if view.format is OutputFormat.TABLE:
        _cards(dashboard)
    for section in dashboard.sections:
        layout = section.screen
        if layout is None:
            continue
        total = section.total
        render_rows(
            section.rows,
            layout.columns,
            view,
            title=layout.title,
            total=None if total is None else with_total_label(total, layout.columns, view.lang),
        )
        if layout.bars is not None and view.format is OutputFormat.TABLE:
            render_bar_chart("", layout.bars)


def _cards(dashboard: Dashboard) -> None:
    from rich.columns import Columns
    from rich.panel import Panel
    from rich.text import Text

    from kunnan.ui.console import stdout_console

    console = stdout_console()
    console.print(Text(dashboard.screen_title, style="bold"))
    console.print(
        Columns(
            [
                Panel(
                    Text(card.value, style="bold red", justify="center"),
                    title=card.screen,
                    subtitle=card.note,
                    width=28,
                )
                for card in dashboard.cards
                if card.screen is not None
            ]
        )
    )

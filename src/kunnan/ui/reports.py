"""Reports as data, and the one way they are written: table, JSON, CSV, Markdown and chart.

``kunnan.commands.report`` describes each report as a ``ReportSpec`` (its
columns, title, chart, the tables under it and its notes); the figures come
from the function of the same name in ``kunnan.services.report``;
``show_report`` writes any report in any format:

- ``json``: ``{"report", "as_of", "org", "rows", "total", …}``, values as
  programs read them (slugs, fen), plus what else the report gathered;
- ``csv``: the rows alone, as in JSON;
- ``table`` and ``markdown``: a title with the as-of day and union, labels in
  the chosen language, a total row, the tables under it; with ``--chart`` a
  bar chart below (terminal tables only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from kunnan.domain.money import format_fen
from kunnan.i18n import translate
from kunnan.ui.columns import Column, machine_value, screen_value
from kunnan.ui.output import OutputFormat, View, render_rows, write_json

Rows = list[dict[str, Any]]
#: A bar chart's bars: (label, length, value as shown).
Bars = list[tuple[str, int, str]]


class Union(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...


class Scope(Protocol):
    """Where and when a report's figures stand (``kunnan.services.report.Scope``)."""

    @property
    def as_of(self) -> dt.date: ...
    @property
    def org(self) -> Union | None: ...


class Figures(Protocol):
    """A report's figures (``kunnan.services.report.Report``)."""

    @property
    def name(self) -> str: ...
    @property
    def scope(self) -> Scope: ...
    @property
    def rows(self) -> Rows: ...
    @property
    def total(self) -> dict[str, Any]: ...
    @property
    def extra(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Words:
    """Words shown in the user's language."""

    #: The English words, and the message id of their translations.
    en: str

    def __call__(self, lang: str) -> str:
        return translate(self.en, lang)


def total_label(lang: str) -> str:
    """What a total row says in its first column."""
    return translate("total", lang)


def with_total_label(
    total: Mapping[str, Any], columns: Sequence[Column], lang: str
) -> dict[str, Any]:
    return dict(total) | {columns[0].key: total_label(lang)}


@dataclass(frozen=True)
class Chart:
    """A bar per row: named by the ``label`` columns' values, as long as the ``value`` column's."""

    label: tuple[str, ...]
    value: str
    #: Show the value as yuan (from fen) rather than as a count.
    money: bool = False
    #: Leave out the rows whose value is zero.
    skip_zero: bool = False

    def bars(self, rows: Sequence[Mapping[str, Any]], columns: Sequence[Column], lang: str) -> Bars:
        by_key = {column.key: column for column in columns}
        bars = []
        for row in rows:
            value = int(row[self.value])
            if self.skip_zero and not value:
                continue
            name = " ".join(
                screen_value(by_key[key], row[key], lang=lang) if key in by_key else str(row[key])
                for key in self.label
            )
            bars.append((name, value, format_fen(value) if self.money else f"{value:,}"))
        return bars


@dataclass(frozen=True)
class Below:
    """A second table under a report's first, from what else the report gathered."""

    rows: str  # the key of the rows in the report's extra figures
    title: Words
    columns: tuple[Column, ...]
    total: str | None = None  # the key of its total there, if it has one
    formats: frozenset[OutputFormat] = frozenset({OutputFormat.TABLE, OutputFormat.MARKDOWN})


@dataclass(frozen=True)
class ReportSpec:
    """How one report is shown; its figures come from ``services.reports.<name>``."""

    name: str
    title: Words
    columns: tuple[Column, ...]
    #: Columns shown only when the report counted them (they are in its total).
    optional: frozenset[str] = frozenset()
    #: A column of choices shown as labels in tables, Markdown and charts ("not given" for
    #: unknown values); CSV, like JSON, keeps the slugs.
    label: str | None = None
    #: Drawn under the table with --chart.
    chart: Chart | None = None
    below: tuple[Below, ...] = ()
    #: The rows as every format but JSON shows them (names instead of codes, indentation).
    present: Callable[[Rows, View], Rows] | None = None
    #: Lines for stderr after the report (an empty register, totals since a year).
    notes: Callable[[Figures, View], list[str]] | None = field(default=None)

    def columns_of(self, figures: Figures) -> tuple[Column, ...]:
        return tuple(
            c for c in self.columns if c.key not in self.optional or c.key in figures.total
        )


def heading(title: Words, scope: Scope, lang: str) -> str:
    """A report's title with the day it stands on and the union it covers."""
    where = f" · {scope.org.name}" if scope.org is not None else ""
    return translate("{title} (as of {day}){where}", lang).format(
        title=title(lang), day=scope.as_of.isoformat(), where=where
    )


def envelope(figures: Figures, columns: Sequence[Column]) -> dict[str, Any]:
    """A report as JSON: its name and scope, rows and total as programs read them, and the rest."""
    scope = figures.scope
    return {
        "report": figures.name,
        "as_of": scope.as_of.isoformat(),
        "org": scope.org.code if scope.org is not None else None,
        "rows": [
            {c.key: machine_value(c, row.get(c.key), reveal=False) for c in columns}
            for row in figures.rows
        ],
        "total": {
            c.key: machine_value(c, figures.total[c.key], reveal=False)
            for c in columns
            if c.key in figures.total
        },
        **figures.extra,
    }


def labelled(rows: Rows, column: Column, lang: str) -> Rows:
    """Rows with a column of choices shown as its labels (unknown ones as "not given")."""
    enum = column.enum
    if enum is None:
        return rows
    shown: Rows = []
    for row in rows:
        value = row[column.key]
        try:
            label: Any = enum(value).label(lang)
        except ValueError:
            label = value
            if value == "unknown":  # a household whose main cause was never given
                label = translate("not given", lang)
        shown.append(row | {column.key: label})
    return shown


def show_report(spec: ReportSpec, figures: Figures, view: View, *, chart: bool = False) -> None:
    """Write a report to stdout in the chosen format, and its notes to stderr."""
    from kunnan.ui.console import note

    columns = spec.columns_of(figures)
    if view.format is OutputFormat.JSON:
        write_json(envelope(figures, columns))
    else:
        _show_tables(spec, figures, columns, view, chart=chart)
    for line in spec.notes(figures, view) if spec.notes is not None else ():
        note(line)


def _show_tables(
    spec: ReportSpec, figures: Figures, columns: Sequence[Column], view: View, *, chart: bool
) -> None:
    rows = spec.present(figures.rows, view) if spec.present is not None else figures.rows
    if spec.label is not None and view.format is not OutputFormat.CSV:
        rows = labelled(rows, next(c for c in columns if c.key == spec.label), view.lang)
    total = dict(figures.total)
    if view.format is not OutputFormat.CSV:  # CSV has no total row
        total = with_total_label(total, columns, view.lang)
    title = heading(spec.title, figures.scope, view.lang)
    render_rows(rows, columns, view, title=title, total=total or None)
    for below in spec.below:
        if view.format not in below.formats:
            continue
        if view.format is OutputFormat.MARKDOWN:
            render_blank_line()
        below_total = figures.extra[below.total] if below.total is not None else None
        render_rows(
            figures.extra[below.rows],
            below.columns,
            view,
            title=below.title(view.lang),
            total=None
            if below_total is None
            else with_total_label(below_total, below.columns, view.lang),
        )
    if chart and spec.chart is not None and view.format is OutputFormat.TABLE:
        from kunnan.ui.charts import render_bar_chart

        render_bar_chart("", spec.chart.bars(rows, columns, view.lang))


def render_blank_line() -> None:
    import sys

    sys.stdout.write("\n")

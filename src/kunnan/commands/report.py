"""kunnan report: the figures a union reports upward, as tables, JSON, CSV, Markdown or charts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from kunnan.commands._common import FormatOption, ledger, parse_on, state, view
from kunnan.domain.enums import Category, Cause, ExitKind, Labelled, Step
from kunnan.ui.console import note
from kunnan.ui.output import Field, OutputFormat, View

if TYPE_CHECKING:
    from kunnan.services.reports import Report, Scope

app = typer.Typer(
    help="Reports: categories, causes, pipeline, exits, areas, dashboard.", no_args_is_help=True
)

AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="The register as it stood on this day, YYYY-MM-DD (default: today)."
    ),
]
OrgOpt = Annotated[str | None, typer.Option("--org", help="That union and everything under it.")]
ChartOpt = Annotated[bool, typer.Option("--chart", help="Also draw a bar chart in the terminal.")]

SHARE = Field("share_pct", "Share %", "占比%", "decimal")


def _scope(session: Any, as_of: str | None, org: str | None) -> Scope:
    from kunnan.services.orgs import find_org
    from kunnan.services.reports import Scope

    day = parse_on(as_of, option="--as-of", allow_future=True)
    return Scope(as_of=day, org=find_org(session, org) if org else None)


def _label_rows(
    rows: list[dict[str, Any]], key: str, enum: type[Labelled], lang: str
) -> list[dict[str, Any]]:
    labelled = []
    for row in rows:
        value = row[key]
        try:
            shown = enum(value).label(lang)
        except ValueError:
            shown = {"unknown": "未填写" if lang == "zh" else "not given"}.get(value, value)
        labelled.append(row | {key: shown})
    return labelled


def _title(shown: View, en: str, zh: str, report: Report) -> str:
    where = f" · {report.scope.org.name}" if report.scope.org is not None else ""
    if shown.lang == "zh":
        return f"{zh}（截至{report.scope.as_of.isoformat()}）{where}"
    return f"{en} (as of {report.scope.as_of.isoformat()}){where}"


def _emit(
    ctx: typer.Context,
    report: Report,
    fields: tuple[Field, ...],
    output: OutputFormat,
    *,
    title: tuple[str, str],
    label: tuple[str, type[Labelled]] | None = None,
    chart: tuple[str, str] | None = None,
) -> None:
    """Write a report: JSON keeps slugs and adds the scope; tables and charts show labels."""
    from kunnan.ui.output import machine_value, render_rows, write_json

    shown = view(ctx, output)
    if shown.format is OutputFormat.JSON:
        write_json(
            {
                "report": report.name,
                "as_of": report.scope.as_of.isoformat(),
                "org": report.scope.org.code if report.scope.org is not None else None,
                "rows": [
                    {f.key: machine_value(f, row.get(f.key), reveal=False) for f in fields}
                    for row in report.rows
                ],
                "total": {f.key: report.total[f.key] for f in fields if f.key in report.total},
                **report.extra,
            }
        )
        return
    rows = report.rows
    if label is not None and shown.format is not OutputFormat.CSV:
        rows = _label_rows(rows, label[0], label[1], shown.lang)
    total_label = {
        "category": "合计",
        "cause": "合计",
        "stage": "合计",
        "year": "合计",
        "area": "合计",
    }
    total = dict(report.total)
    if shown.format is not OutputFormat.CSV:
        first = fields[0].key
        total[first] = total_label.get(first, "合计") if shown.lang == "zh" else "total"
    render_rows(rows, fields, shown, title=_title(shown, *title, report), total=total or None)
    if chart is not None and shown.format is OutputFormat.TABLE:
        from kunnan.ui.charts import render_bar_chart

        key, value_key = chart
        render_bar_chart("", [(str(r[key]), int(r[value_key]), f"{r[value_key]:,}") for r in rows])


def _empty(report: Report, key: str = "households") -> None:
    if not report.total.get(key):
        note(f"no archived households as of {report.scope.as_of.isoformat()}")


@app.command("categories")
def categories(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    org: OrgOpt = None,
    chart: ChartOpt = False,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Archived households by category (低保户, 低保边缘户, 意外致困户): households, people, share.

    Example:

    \b
        kunnan report categories --as-of 2018-12-24 --chart --lang zh
    """
    from kunnan.services.reports import categories as build

    with ledger(ctx, write=False) as session:
        report = build(session, _scope(session, as_of, org))
    fields = (
        Field("category", "Category", "困难类别", "enum", Category),
        Field("households", "Households", "户数", "int"),
        Field("people", "People", "人数", "int"),
        SHARE,
    )
    _emit(
        ctx,
        report,
        fields,
        output,
        title=("Archived households by category", "建档困难职工按类别"),
        label=("category", Category),
        chart=("category", "households") if chart else None,
    )
    _empty(report)


@app.command("causes")
def causes(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    org: OrgOpt = None,
    secondary: Annotated[
        bool, typer.Option("--secondary", help="Also count secondary causes.")
    ] = False,
    chart: ChartOpt = False,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Archived households by main cause of hardship (因病, 因学, 收入低 …).

    Example:

    \b
        kunnan report causes --as-of 2018-12-24 --secondary
    """
    from kunnan.services.reports import causes as build

    with ledger(ctx, write=False) as session:
        report = build(session, _scope(session, as_of, org), secondary=secondary)
    fields: tuple[Field, ...] = (
        Field("cause", "Main cause", "主要致困原因", "enum", Cause),
        Field("households", "Households", "户数", "int"),
        SHARE,
    )
    if secondary:
        fields = (*fields, Field("secondary", "As a secondary cause", "次要原因户数", "int"))
    _emit(
        ctx,
        report,
        fields,
        output,
        title=("Archived households by main cause", "建档困难职工按致困原因"),
        label=("cause", Cause),
        chart=("cause", "households") if chart else None,
    )
    _empty(report)


@app.command("pipeline")
def pipeline(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    org: OrgOpt = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """The identification funnel: households waiting at each step, and past it.

    Example:

    \b
        kunnan report pipeline --as-of 2018-06-30 --format markdown
    """
    from kunnan.services.reports import pipeline as build

    with ledger(ctx, write=False) as session:
        report = build(session, _scope(session, as_of, org))
    fields = (
        Field("stage", "Stage", "环节"),
        Field("waiting", "Waiting here", "待办户数", "int"),
        Field("passed", "Passed", "已完成户数", "int"),
    )
    shown_rows = report.rows
    if state(ctx).lang == "zh" and output is not OutputFormat.JSON:
        names = {"archived": "已建档", "rejected": "未通过"}
        report.rows = [
            r | {"stage": names.get(r["stage"]) or Step(r["stage"]).zh} for r in shown_rows
        ]
    _emit(ctx, report, fields, output, title=("Identification pipeline", "精准识别进度"))


@app.command("exits")
def exits(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    org: OrgOpt = None,
    since: Annotated[
        int | None,
        typer.Option("--since", min=1949, max=2200, help="Also total the exits since this year."),
    ] = None,
    chart: ChartOpt = False,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Exits by year and kind, with totals since a year (e.g. stable exits since 2017).

    Example:

    \b
        kunnan report exits --as-of 2018-12-24 --since 2017
    """
    from kunnan.services.reports import exits as build

    with ledger(ctx, write=False) as session:
        report = build(session, _scope(session, as_of, org), since=since)
    lang = state(ctx).lang
    fields = (
        Field("year", "Year", "年度"),
        *(Field(kind.value, kind.value.replace("_", " "), kind.zh, "int") for kind in ExitKind),
        Field("total", "Total", "合计", "int"),
    )
    _emit(
        ctx,
        report,
        fields,
        output,
        title=("Exits by year and kind", "退出情况（按年度、方式）"),
        chart=("year", "total") if chart else None,
    )
    if since is not None and output is not OutputFormat.JSON:
        stable, total = report.extra["since_stable"], report.extra["since_total"]
        note(
            f"{since}年以来退出 {total:,} 户，其中稳定脱困 {stable:,} 户"
            if lang == "zh"
            else f"since {since}: {total:,} households exited, {stable:,} of them stably"
        )


@app.command("areas")
def areas(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    org: OrgOpt = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Per county or district: archived households, people, and exits.

    Example:

    \b
        kunnan report areas --as-of 2018-12-24
    """
    from kunnan.services.reports import areas as build

    with ledger(ctx, write=False) as session:
        report = build(session, _scope(session, as_of, org))
    fields = (
        Field("area_code", "Area code", "地区代码"),
        Field("area", "Area", "地区"),
        Field("households", "Archived", "建档户数", "int"),
        Field("people", "People", "人数", "int"),
        Field("exits", "Exits", "退出户数", "int"),
    )
    _emit(ctx, report, fields, output, title=("Households and exits by area", "分地区统计"))

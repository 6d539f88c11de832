"""kunnan report: the figures a union reports upward, as tables, JSON, CSV, Markdown or charts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kunnan.commands._common import (
    ForceOption,
    FormatOption,
    ledger,
    output_file,
    parse_on,
    state,
    view,
    whole_number,
)
from kunnan.domain.enums import (
    Category,
    Cause,
    ExitKind,
    FundSource,
    Guarantee,
    Labelled,
    PipelineStage,
    Trade,
)
from kunnan.ui.columns import Column
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat, View

if TYPE_CHECKING:
    import datetime as dt

    from kunnan.services.reports import Report, Scope

app = typer.Typer(
    help="Reports: categories, causes, pipeline, coverage, targets, programs, funds, exits, "
    "training, areas, dashboard, html.",
    no_args_is_help=True,
)

AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="The register as it stood on this day, YYYY-MM-DD (default: today)."
    ),
]
OrgOpt = Annotated[str | None, typer.Option("--org", help="That union and everything under it.")]
ChartOpt = Annotated[bool, typer.Option("--chart", help="Also draw a bar chart in the terminal.")]

SHARE = Column("share_pct", "Share %", "占比%", "decimal")


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
    fields: tuple[Column, ...],
    output: OutputFormat,
    *,
    title: tuple[str, str],
    label: tuple[str, type[Labelled]] | None = None,
    chart: tuple[str, str] | None = None,
) -> None:
    """Write a report: JSON keeps slugs and adds the scope; tables and charts show labels."""
    from kunnan.ui.columns import machine_value
    from kunnan.ui.output import render_rows, write_json

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
                "total": {
                    f.key: machine_value(f, report.total[f.key], reveal=False)
                    for f in fields
                    if f.key in report.total
                },
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
        Column("category", "Category", "困难类别", "enum", Category),
        Column("households", "Households", "户数", "int"),
        Column("people", "People", "人数", "int"),
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
    fields: tuple[Column, ...] = (
        Column("cause", "Main cause", "主要致困原因", "enum", Cause),
        Column("households", "Households", "户数", "int"),
        SHARE,
    )
    if secondary:
        fields = (*fields, Column("secondary", "As a secondary cause", "次要原因户数", "int"))
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
        Column("stage", "Stage", "环节"),
        Column("waiting", "Waiting here", "待办户数", "int"),
        Column("passed", "Passed", "已完成户数", "int"),
    )
    shown_rows = report.rows
    if state(ctx).lang == "zh" and output is not OutputFormat.JSON:
        report.rows = [r | {"stage": PipelineStage(r["stage"]).zh} for r in shown_rows]
    _emit(ctx, report, fields, output, title=("Identification pipeline", "精准识别进度"))


@app.command("exits")
def exits(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    org: OrgOpt = None,
    since: Annotated[
        int | None,
        typer.Option(
            "--since",
            parser=whole_number(least=1949, most=2200),
            help="Also total the exits since this year.",
        ),
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
        Column("year", "Year", "年度"),
        *(Column(kind.value, kind.value.replace("_", " "), kind.zh, "int") for kind in ExitKind),
        Column("total", "Total", "合计", "int"),
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
        Column("area_code", "Area code", "地区代码"),
        Column("area", "Area", "地区"),
        Column("households", "Archived", "建档户数", "int"),
        Column("people", "People", "人数", "int"),
        Column("exits", "Exits", "退出户数", "int"),
    )
    _emit(ctx, report, fields, output, title=("Households and exits by area", "分地区统计"))


YearOpt = Annotated[
    int | None,
    typer.Option(
        "--year",
        parser=whole_number(least=1949, most=2200),
        help="Only aid counting toward this year.",
    ),
]
SinceOpt = Annotated[
    int | None,
    typer.Option(
        "--since",
        parser=whole_number(least=1949, most=2200),
        help="Only aid counting toward this year or later.",
    ),
]


@app.command("programs")
def programs(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    org: OrgOpt = None,
    year: YearOpt = None,
    since: SinceOpt = None,
    chart: ChartOpt = False,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Cash aid by guarantee and programme: grants, households, people, amount.

    Reversed grants do not count; --year and --since pick the years the grants
    count toward.

    Example:

    \b
        kunnan report programs --since 2016 --as-of 2018-12-24
    """
    from kunnan.services.reports import programs as build

    with ledger(ctx, write=False) as session:
        report = build(session, _scope(session, as_of, org), year=year, since=since)
    lang = state(ctx).lang
    if lang == "zh" and output is not OutputFormat.JSON:
        report.rows = [r | {"program": r["program_name"]} for r in report.rows]
    fields = (
        Column("guarantee", "Guarantee", "保障项目", "enum", Guarantee),
        Column("program", "Programme", "帮扶项目"),
        Column("grants", "Grants", "笔数", "int"),
        Column("households", "Households", "户数", "int"),
        Column("people", "People", "人数", "int"),
        Column("amount_fen", "Amount", "金额(元)", "money"),
    )
    chart_spec = ("program", "amount_fen") if chart else None
    _emit(
        ctx, report, fields, output, title=("Aid by programme", "帮扶资金按项目"), chart=chart_spec
    )


TRAINING_FIELDS = (
    Column("year", "Year", "年度"),
    Column("trade", "Trade", "工种", "enum", Trade),
    Column("classes", "Classes", "培训班期数", "int"),
    Column("trainees", "Trainees", "培训人数", "int"),
    Column("completed", "Completed", "结业", "int"),
    Column("certified", "Certified", "取证", "int"),
    Column("employed", "Employed", "就业", "int"),
)
PLACED_FIELDS = (
    Column("year", "Year", "年度"),
    Column("trainees_employed", "Trainees employed", "受训人员就业", "int"),
    Column("job_fairs", "Through job fairs", "招聘活动就业", "int"),
    Column("placed", "Placed", "实现就业", "int"),
)


@app.command("training")
def training(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    org: OrgOpt = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            parser=whole_number(least=1949, most=2200),
            help="Only classes starting in this year.",
        ),
    ] = None,
    since: Annotated[
        int | None,
        typer.Option(
            "--since",
            parser=whole_number(least=1949, most=2200),
            help="Only classes starting in this year or later.",
        ),
    ] = None,
    chart: ChartOpt = False,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Skills training (培训-鉴定-就业) by year and trade: classes, trainees, completed,
    certified, employed; and the people placed in jobs each year.

    A class counts toward the year it starts, and its trainees with it. Placed
    counts jobs by the year they began: trainees employed, and jobs found at
    the job fairs (春风行动, 就业援助月, 民营企业招聘周).

    Example:

    \b
        kunnan --lang zh report training --since 2016 --as-of 2018-12-24
    """
    from kunnan.services.reports import training as build
    from kunnan.ui.output import render_rows

    with ledger(ctx, write=False) as session:
        report = build(session, _scope(session, as_of, org), year=year, since=since)
    shown = view(ctx, output)
    zh = shown.lang == "zh"
    _emit(
        ctx,
        report,
        TRAINING_FIELDS,
        output,
        title=("Skills training by year and trade", "技能培训（按年度、工种）"),
    )
    if output not in (OutputFormat.JSON, OutputFormat.CSV):  # CSV is one table: the funnel
        if output is OutputFormat.MARKDOWN:
            typer.echo()
        render_rows(
            report.extra["placed"],
            PLACED_FIELDS,
            shown,
            title="实现就业（按上岗年度）" if zh else "Placed in jobs, by the year the job began",
            total=_total_with(report.extra["placed_total"], "year", zh),
        )
    if chart and output is OutputFormat.TABLE:
        from kunnan.ui.charts import render_bar_chart

        render_bar_chart(
            "",
            [
                (f"{r['year']} {Trade(r['trade']).label(shown.lang)}", r["trainees"],
                 f"{r['trainees']:,}")
                for r in report.rows
            ],
        )  # fmt: skip
    if not report.total["classes"]:
        note(f"no training classes as of {report.scope.as_of.isoformat()}")
    elif output is not OutputFormat.JSON:
        total, placed = report.total, report.extra["placed_total"]["placed"]
        note(
            f"培训班 {total['classes']:,} 期，培训 {total['trainees']:,} 人，"
            f"取证 {total['certified']:,} 人，就业 {total['employed']:,} 人；实现就业共 {placed:,} 人"
            if zh
            else f"{total['classes']:,} classes, {total['trainees']:,} trainees, "
            f"{total['certified']:,} certified, {total['employed']:,} employed; "
            f"{placed:,} placed in jobs in all"
        )


@app.command("funds")
def funds(
    ctx: typer.Context, as_of: AsOfOpt = None, output: FormatOption = OutputFormat.TABLE
) -> None:
    """Every fund on the day: money in, money out and balance, with totals by source.

    Example:

    \b
        kunnan report funds --as-of 2018-12-31
    """
    from kunnan.services.reports import funds as build
    from kunnan.ui.output import render_rows

    with ledger(ctx, write=False) as session:
        report = build(session, _scope(session, as_of, None))
    fields = (
        Column("fund", "Fund", "资金"),
        Column("name", "Name", "名称"),
        Column("source", "Source", "来源", "enum", FundSource),
        Column("year", "Year", "年度"),
        Column("in_fen", "In", "收入(元)", "money"),
        Column("out_fen", "Out", "支出(元)", "money"),
        Column("balance_fen", "Balance", "余额(元)", "money"),
    )
    _emit(ctx, report, fields, output, title=("Funds", "帮扶资金收支"))
    if output is OutputFormat.TABLE:
        shown = view(ctx, output)
        render_rows(
            report.extra["by_source"],
            (fields[2], *fields[4:]),
            shown,
            title="按来源" if shown.lang == "zh" else "By source",
        )


@app.command("coverage")
def coverage(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    org: OrgOpt = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Pairing coverage per union (each including those under it) and overall, on the day.

    Example:

    \b
        kunnan report coverage --as-of 2018-12-24 --org baiyin-qu
    """
    import dataclasses

    from kunnan.commands.pair import COVERAGE_FIELDS
    from kunnan.services.pairing import coverage as build
    from kunnan.services.reports import Report

    with ledger(ctx, write=False) as session:
        scope = _scope(session, as_of, org)
        rows, overall = build(session, on=scope.as_of, org=scope.org)
    records = [dataclasses.asdict(r) for r in rows]
    if output is OutputFormat.TABLE:
        for record in records:
            record["org"] = "  " * record["depth"] + record["org"]
    total = {
        k: v
        for k, v in dataclasses.asdict(overall).items()
        if k in ("archived", "paired", "unpaired", "covered_pct", "visit_overdue")
    }
    report = Report("coverage", scope, records, total)
    _emit(ctx, report, COVERAGE_FIELDS, output, title=("Pairing coverage", "结对帮扶覆盖情况"))


@app.command("targets")
def targets(
    ctx: typer.Context,
    year: YearOpt = None,
    org: OrgOpt = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Responsibility agreements (目标责任书): targets against results, met or not met.

    Example:

    \b
        kunnan report targets --year 2018
    """
    import dataclasses
    import datetime as dt

    from kunnan.commands.agreement import AGREEMENT_FIELDS
    from kunnan.services.agreements import agreement_results
    from kunnan.services.reports import Report, Scope

    with ledger(ctx, write=False) as session:
        rows = agreement_results(session, year=year, org=org)
        scope = _scope(session, f"{year}-12-31" if year else None, org)
    records = [dataclasses.asdict(r) for r in rows]
    met = sum(1 for r in rows if r.met == "met")
    report = Report(
        "targets",
        Scope(as_of=scope.as_of if year else dt.date.today(), org=scope.org),
        records,
        {},
        {"agreements": len(rows), "met": met},
    )
    _emit(
        ctx,
        report,
        AGREEMENT_FIELDS,
        output,
        title=("Responsibility agreements", "目标责任书完成情况"),
    )
    if output is not OutputFormat.JSON:
        note(f"{met} of {len(rows)} agreements met every target")


SinceDashOpt = Annotated[
    int | None,
    typer.Option(
        "--since",
        parser=whole_number(least=1949, most=2200),
        help="Totals since this year (default: two years before the as-of year).",
    ),
]


def _dashboard_data(
    ctx: typer.Context, as_of: str | None, org: str | None, since: int | None
) -> tuple[Report, tuple[int, str]]:
    from kunnan.services.ledger import head
    from kunnan.services.reports import dashboard as build

    with ledger(ctx, write=False) as session:
        scope = _scope(session, as_of, org)
        report = build(session, scope, since=since if since is not None else scope.as_of.year - 2)
        chain = head(session)
    return report, chain


def _labelled_sections(report: Report, lang: str) -> dict[str, list[dict[str, Any]]]:
    """Each part's rows with choices shown in the language (for tables, charts and HTML)."""
    parts = report.extra
    zh = lang == "zh"
    return {
        "categories": _label_rows(parts["categories"].rows, "category", Category, lang),
        "causes": _label_rows(parts["causes"].rows, "cause", Cause, lang),
        "programs": [
            r | {"program": r["program_name"] if zh else r["program"]}
            for r in parts["programs"].rows
        ],
        "exits": parts["exits"].rows,
        "pipeline": [
            r | {"stage": PipelineStage(r["stage"]).zh if zh else r["stage"]}
            for r in parts["pipeline"].rows
        ],
        "areas": parts["areas"].rows,
        "training": _label_rows(parts["training"].rows, "trade", Trade, lang),
    }


@app.command("dashboard")
def dashboard(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    org: OrgOpt = None,
    since: SinceDashOpt = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """One screen with the headline figures: register, coverage, aid, exits and the tables behind them.

    Example:

    \b
        kunnan --lang zh report dashboard --as-of 2018-12-24 --since 2016
    """
    from kunnan.ui.output import write_json

    report, (count, chain_hash) = _dashboard_data(ctx, as_of, org, since)
    if output is OutputFormat.JSON:
        write_json(
            {
                "report": "dashboard",
                "as_of": report.scope.as_of.isoformat(),
                "org": report.scope.org.code if report.scope.org is not None else None,
                "headline": report.total,
                **{
                    name: {"rows": part.rows, "total": part.total, **part.extra}
                    for name, part in report.extra.items()
                },
                "ledger_head": {"entries": count, "hash": chain_hash},
            }
        )
        return
    _render_dashboard(ctx, report, output)


def show_dashboard(ctx: typer.Context, *, as_of: dt.date, output: OutputFormat) -> None:
    """The dashboard as `report dashboard --as-of` shows it (for `kunnan demo`)."""
    report, _chain = _dashboard_data(ctx, as_of.isoformat(), None, None)
    _render_dashboard(ctx, report, output)


def _render_dashboard(ctx: typer.Context, report: Report, output: OutputFormat) -> None:
    from rich.columns import Columns
    from rich.panel import Panel
    from rich.text import Text

    from kunnan.domain.money import format_fen
    from kunnan.ui.charts import render_bar_chart
    from kunnan.ui.console import stdout_console
    from kunnan.ui.output import render_rows

    shown = view(ctx, output)
    zh = shown.lang == "zh"
    head = report.total
    since = head["since"]
    sections = _labelled_sections(report, shown.lang)
    if output is OutputFormat.TABLE:
        console = stdout_console()
        where = (
            report.scope.org.name
            if report.scope.org is not None
            else ("全市" if zh else "all unions")
        )
        title = (
            f"困难职工帮扶工作概况 · {where} · 截至{report.scope.as_of.isoformat()}"
            if zh
            else f"Hardship assistance at a glance · {where} · as of {report.scope.as_of.isoformat()}"
        )
        console.print(Text(title, style="bold"))
        cards = [
            (
                "建档困难职工" if zh else "Archived households",
                f"{head['archived']:,}",
                f"{head['people']:,} 人" if zh else f"{head['people']:,} people",
            ),
            (
                "结对帮扶覆盖" if zh else "Paired",
                f"{head['covered_pct'] or '—'}%",
                f"{head['paired']:,} 户" if zh else f"{head['paired']:,} households",
            ),
            (
                f"{since}年以来稳定脱困" if zh else f"Stable exits since {since}",
                f"{head['stable_exits_since']:,}",
                f"退出共 {head['exits_since']:,} 户"
                if zh
                else f"{head['exits_since']:,} exits in all",
            ),
            (
                f"{since}年以来帮扶资金" if zh else f"Aid since {since}",
                format_fen(head["aid_since_fen"]),
                f"{head['aided_households_since']:,} 户受助"
                if zh
                else f"{head['aided_households_since']:,} households",
            ),
            (
                f"{since}年以来技能培训" if zh else f"Trained since {since}",
                f"{head['trainees_since']:,}",
                f"{head['classes_since']:,} 期 · 就业 {head['employed_since']:,} 人"
                if zh
                else f"{head['classes_since']:,} classes · {head['employed_since']:,} employed",
            ),
        ]
        console.print(
            Columns(
                [
                    Panel(
                        Text(value, style="bold red", justify="center"),
                        title=label,
                        subtitle=sub,
                        width=28,
                    )
                    for label, value, sub in cards
                ]
            )
        )
    parts = report.extra
    render_rows(
        sections["categories"],
        _CATEGORY_FIELDS,
        shown,
        title="按困难类别" if zh else "By category",
        total=_total_with(parts["categories"].total, "category", zh),
    )
    if output is OutputFormat.TABLE:
        render_bar_chart(
            "",
            [
                (r["category"], r["households"], f"{r['households']:,}")
                for r in sections["categories"]
            ],
        )
    render_rows(
        sections["causes"],
        _CAUSE_FIELDS,
        shown,
        title="按致困原因" if zh else "By main cause",
        total=_total_with(parts["causes"].total, "cause", zh),
    )
    render_rows(
        sections["programs"],
        _PROGRAM_FIELDS,
        shown,
        title=f"{since}年以来帮扶资金（按项目）" if zh else f"Aid by programme since {since}",
        total=_total_with(parts["programs"].total, "guarantee", zh),
    )
    render_rows(
        sections["exits"],
        _EXIT_FIELDS,
        shown,
        title="退出情况" if zh else "Exits by year and kind",
        total=_total_with(parts["exits"].total, "year", zh),
    )
    render_rows(
        parts["training"].rows,
        TRAINING_FIELDS,
        shown,
        title=f"{since}年以来技能培训" if zh else f"Skills training since {since}",
        total=_total_with(parts["training"].total, "year", zh),
    )


def _total_with(total: dict[str, Any], key: str, zh: bool) -> dict[str, Any]:
    return dict(total) | {key: "合计" if zh else "total"}


_CATEGORY_FIELDS = (
    Column("category", "Category", "困难类别"),
    Column("households", "Households", "户数", "int"),
    Column("people", "People", "人数", "int"),
    SHARE,
)
_CAUSE_FIELDS = (
    Column("cause", "Main cause", "主要致困原因"),
    Column("households", "Households", "户数", "int"),
    SHARE,
)
_PROGRAM_FIELDS = (
    Column("guarantee", "Guarantee", "保障项目", "enum", Guarantee),
    Column("program", "Programme", "帮扶项目"),
    Column("grants", "Grants", "笔数", "int"),
    Column("households", "Households", "户数", "int"),
    Column("people", "People", "人数", "int"),
    Column("amount_fen", "Amount", "金额(元)", "money"),
)
_EXIT_FIELDS = (
    Column("year", "Year", "年度"),
    *(Column(kind.value, kind.value.replace("_", " "), kind.zh, "int") for kind in ExitKind),
    Column("total", "Total", "合计", "int"),
)


@app.command("html")
def html_report(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")],
    as_of: AsOfOpt = None,
    org: OrgOpt = None,
    since: SinceDashOpt = None,
    force: ForceOption = False,
) -> None:
    """Write the dashboard as one self-contained HTML page (inline CSS and SVG; prints on A4).

    Example:

    \b
        kunnan --lang zh report html -o 白银2018.html --as-of 2018-12-24 --since 2016
    """
    import datetime as dt

    from kunnan.domain.money import format_fen
    from kunnan.files import check, write_atomically
    from kunnan.ui import html as page

    target = output_file(ctx, out, force=force)
    check(target)  # before the ledger is read
    report, (count, chain_hash) = _dashboard_data(ctx, as_of, org, since)
    lang = state(ctx).lang
    zh = lang == "zh"
    head = report.total
    since_year = head["since"]
    sections = _labelled_sections(report, lang)
    parts = report.extra
    where = (
        report.scope.org.name
        if report.scope.org is not None
        else ("全部工会" if zh else "all unions")
    )

    def t(en: str, cn: str) -> str:
        return cn if zh else en

    placed_since = head["placed_since"]
    trainees_by_trade: dict[str, int] = {}
    for row in sections["training"]:  # a few rows, one per year and trade
        trainees_by_trade[row["trade"]] = trainees_by_trade.get(row["trade"], 0) + row["trainees"]

    html_sections = [
        (
            t("Archived households by category", "建档困难职工（按困难类别）"),
            page.bar_chart(
                [
                    (r["category"], r["households"], f"{r['households']:,}")
                    for r in sections["categories"]
                ]
            )
            + page.table(
                [
                    Column("category", "Category", "类别"),
                    Column("households", "Households", "户数", "int"),
                    Column("people", "People", "人数", "int"),
                    Column("share_pct", "Share %", "占比%", "decimal"),
                ],
                sections["categories"],
                _total_with(parts["categories"].total, "category", zh),
                lang=lang,
            ),
        ),
        (
            t("By main cause", "建档困难职工（按致困原因）"),
            page.bar_chart(
                [
                    (r["cause"], r["households"], f"{r['households']:,}")
                    for r in sections["causes"]
                    if r["households"]
                ]
            )
            + page.table(
                [
                    Column("cause", "Main cause", "致困原因"),
                    Column("households", "Households", "户数", "int"),
                    Column("share_pct", "Share %", "占比%", "decimal"),
                ],
                sections["causes"],
                _total_with(parts["causes"].total, "cause", zh),
                lang=lang,
            ),
        ),
        (
            t(f"Aid by programme since {since_year}", f"{since_year}年以来帮扶资金（按项目）"),
            page.bar_chart(
                [
                    (r["program"], r["amount_fen"], format_fen(r["amount_fen"]))
                    for r in sections["programs"]
                    if r["amount_fen"]
                ]
            )
            + page.table(
                [
                    Column("program", "Programme", "项目"),
                    Column("grants", "Grants", "笔数", "int"),
                    Column("households", "Households", "户数", "int"),
                    Column("people", "People", "人数", "int"),
                    Column("amount_fen", "Amount (yuan)", "金额（元）", "money"),
                ],
                sections["programs"],
                _total_with(parts["programs"].total, "program", zh),
                lang=lang,
            ),
        ),
        (
            t("Exits by year", "退出情况（按年度）"),
            page.bar_chart(
                [(str(r["year"]), r["total"], f"{r['total']:,}") for r in sections["exits"]]
            )
            + page.table(
                [
                    Column("year", "Year", "年度"),
                    Column("stable", "Stable", "稳定脱困", "int"),
                    Column("total", "All exits", "退出合计", "int"),
                ],
                sections["exits"],
                _total_with(parts["exits"].total, "year", zh),
                lang=lang,
            ),
        ),
        (
            t(
                f"Skills training since {since_year} (placed in jobs: {placed_since:,})",
                f"{since_year}年以来技能培训（实现就业 {placed_since:,} 人）",
            ),
            page.bar_chart(
                [
                    (trade, trainees, f"{trainees:,}")
                    for trade, trainees in trainees_by_trade.items()
                ]
            )
            + page.table(
                [
                    Column("year", "Year", "年度"),
                    Column("trade", "Trade", "工种"),
                    Column("classes", "Classes", "期数", "int"),
                    Column("trainees", "Trainees", "培训人数", "int"),
                    Column("certified", "Certified", "取证", "int"),
                    Column("employed", "Employed", "就业", "int"),
                ],
                sections["training"],
                _total_with(parts["training"].total, "year", zh),
                lang=lang,
            ),
        ),
        (
            t("Identification pipeline", "精准识别进度"),
            page.table(
                [
                    Column("stage", "Stage", "环节"),
                    Column("waiting", "Waiting", "待办户数", "int"),
                    Column("passed", "Passed", "已完成户数", "int"),
                ],
                sections["pipeline"],
                None,
                lang=lang,
            ),
        ),
        (
            t("By area", "分地区"),
            page.table(
                [
                    Column("area", "Area", "地区"),
                    Column("households", "Archived", "建档户数", "int"),
                    Column("people", "People", "人数", "int"),
                    Column("exits", "Exits", "退出户数", "int"),
                ],
                sections["areas"],
                _total_with(parts["areas"].total, "area", zh),
                lang=lang,
            ),
        ),
    ]
    cards = [
        page.Card(
            t("Archived households", "建档困难职工"),
            f"{head['archived']:,}",
            t(f"{head['people']:,} people", f"{head['people']:,} 人"),
        ),
        page.Card(
            t("Paired", "结对帮扶覆盖"),
            f"{head['covered_pct'] or '—'}%",
            t(f"{head['paired']:,} households", f"{head['paired']:,} 户"),
        ),
        page.Card(
            t(f"Stable exits since {since_year}", f"{since_year}年以来稳定脱困"),
            f"{head['stable_exits_since']:,}",
            t(f"{head['exits_since']:,} exits in all", f"退出共 {head['exits_since']:,} 户"),
        ),
        page.Card(
            t(f"Aid since {since_year} (yuan)", f"{since_year}年以来帮扶资金（元）"),
            format_fen(head["aid_since_fen"]),
            t(
                f"{head['aided_households_since']:,} households",
                f"{head['aided_households_since']:,} 户受助",
            ),
        ),
    ]
    generated = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    footer = (
        t(
            f"Generated by kunnan on {generated}. Aid ledger head: entry {count}, hash ",
            f"由 kunnan 生成于 {generated}。帮扶台账链头：第 {count} 笔，哈希 ",
        )
        + f"<code>{chain_hash}</code>"
    )
    document = page.page(
        title=t(f"Hardship assistance · {where}", f"困难职工帮扶工作概况 · {where}"),
        subtitle=t(
            f"As of {report.scope.as_of.isoformat()}", f"截至 {report.scope.as_of.isoformat()}"
        ),
        cards=cards,
        sections=html_sections,
        footer=footer,
        lang=lang,
    )
    with write_atomically(target) as temporary:
        temporary.write_text(document, encoding="utf-8")
    note(f"wrote {out}")

"""kunnan report: the figures a union reports upward, as tables, JSON, CSV, Markdown or charts.

Each report is described once, as data (a ``ReportSpec``: its columns, title,
chart, the tables under it and its notes); its figures come from the function
of the same name in ``kunnan.services.report``, and ``kunnan.ui.reports``
writes it in every format. A command here only declares its options and runs
``_run``. The dashboard is one model (``kunnan.ui.dashboard``), built here from
the reports' figures and shown in the terminal or written as an HTML page.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kunnan.commands.agreement import AGREEMENT_FIELDS
from kunnan.commands.options import (
    ForceOption,
    FormatOption,
    ledger,
    output_file,
    parse_on,
    state,
    view,
    whole_number,
)
from kunnan.commands.pair import COVERAGE_FIELDS
from kunnan.domain.enums import (
    Cause,
    ExitKind,
    FundSource,
    Guarantee,
    PipelineStage,
    Trade,
)
from kunnan.domain.money import format_fen
from kunnan.i18n import _, by_name, translate
from kunnan.ui.columns import CATEGORY, Column
from kunnan.ui.output import OutputFormat, View
from kunnan.ui.reports import Below, Chart, Figures, ReportSpec, Rows, Words

if TYPE_CHECKING:
    import datetime as dt

    from kunnan.services.log import PostedCheckpoint
    from kunnan.services.report import Report, Scope
    from kunnan.ui.dashboard import Dashboard

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
SinceDashOpt = Annotated[
    int | None,
    typer.Option(
        "--since",
        parser=whole_number(least=1949, most=2200),
        help="Totals since this year (default: two years before the as-of year).",
    ),
]

# The reports, as data ---------------------------------------------------------------------

HOUSEHOLDS = Column("households", "Households", "int")
PEOPLE = Column("people", "People", "int")
SHARE = Column("share_pct", "Share %", "decimal")
YEAR = Column("year", "Year")


def _no_archived(figures: Figures, view: View) -> list[str]:
    if figures.total.get("households"):
        return []
    return [
        translate("no archived households as of {day}", view.lang).format(
            day=figures.scope.as_of.isoformat()
        )
    ]


CATEGORIES = ReportSpec(
    name="categories",
    title=Words("Archived households by category"),
    columns=(
        CATEGORY,
        HOUSEHOLDS,
        PEOPLE,
        SHARE,
    ),
    label="category",
    chart=Chart(("category",), "households"),
    notes=_no_archived,
)

CAUSES = ReportSpec(
    name="causes",
    title=Words("Archived households by main cause"),
    columns=(
        Column("cause", "Main cause", "enum", Cause),
        HOUSEHOLDS,
        SHARE,
        Column("secondary", "As a secondary cause", "int"),
    ),
    optional=frozenset({"secondary"}),
    label="cause",
    chart=Chart(("cause",), "households"),
    notes=_no_archived,
)


def _stage_names(rows: Rows, view: View) -> Rows:
    """Each step by its label (in English, its slug: visit, inspect …)."""
    return [r | {"stage": PipelineStage(r["stage"]).label(view.lang)} for r in rows]


PIPELINE = ReportSpec(
    name="pipeline",
    title=Words("Identification pipeline"),
    columns=(
        Column("stage", "Stage"),
        Column("waiting", "Waiting here", "int"),
        Column("passed", "Passed", "int"),
    ),
    present=_stage_names,
)

EXIT_COLUMNS = (
    YEAR,
    *(Column(kind.value, kind.value, "int", context=kind.context) for kind in ExitKind),
    Column("total", "Total", "int"),
)


def _exits_since(figures: Figures, view: View) -> list[str]:
    extra = figures.extra
    if "since" not in extra or view.format is OutputFormat.JSON:
        return []
    since, stable, total = extra["since"], extra["since_stable"], extra["since_total"]
    return [
        translate(
            "since {since}: {total:,} households exited, {stable:,} of them stably", view.lang
        ).format(since=since, total=total, stable=stable)
    ]


EXITS = ReportSpec(
    name="exits",
    title=Words("Exits by year and kind"),
    columns=EXIT_COLUMNS,
    chart=Chart(("year",), "total"),
    notes=_exits_since,
)

AREAS = ReportSpec(
    name="areas",
    title=Words("Households and exits by area"),
    columns=(
        Column("area_code", "Area code"),
        Column("area", "Area"),
        Column("households", "Archived", "int"),
        PEOPLE,
        Column("exits", "Exits", "int", context="exits"),
    ),
)


def _programme_names(rows: Rows, view: View) -> Rows:
    if not by_name(view.lang):
        return rows
    return [r | {"program": r["program_name"]} for r in rows]


PROGRAMS = ReportSpec(
    name="programs",
    title=Words("Aid by programme"),
    columns=(
        Column("guarantee", "Guarantee", "enum", Guarantee, context="guarantee"),
        Column("program", "Programme", context="program"),
        Column("grants", "Grants", "int"),
        HOUSEHOLDS,
        PEOPLE,
        Column("amount_fen", "Amount", "money", context="amount_fen"),
    ),
    present=_programme_names,  # its chart is drawn by the command: see _programs_chart
)
#: ``report programs --chart``: each programme's amount in yuan, for the years chosen.
PROGRAMS_CHART = Chart(("program",), "amount_fen", money=True)


def _programs_period(figures: Figures, lang: str) -> str:
    """The chart's title: what it measures, the years its grants count toward, and the day."""
    day = figures.scope.as_of.isoformat()
    year, since = figures.extra.get("year"), figures.extra.get("since")
    if year is not None:
        return translate("Amount (yuan), aid counting toward {year} (as of {day})", lang).format(
            year=year, day=day
        )
    if since is not None:
        return translate(
            "Amount (yuan), aid counting toward {since} or later (as of {day})", lang
        ).format(since=since, day=day)
    return translate("Amount (yuan), aid of every year (as of {day})", lang).format(day=day)


def _programs_chart(figures: Figures, view: View) -> None:
    from kunnan.ui.charts import render_bar_chart

    rows = _programme_names(figures.rows, view)
    bars = PROGRAMS_CHART.bars(rows, PROGRAMS.columns, view.lang)
    render_bar_chart(_programs_period(figures, view.lang), bars)


TRAINING_COLUMNS = (
    YEAR,
    Column("trade", "Trade", "enum", Trade),
    Column("classes", "Classes", "int", drop=1),
    Column("trainees", "Trainees", "int"),
    Column("completed", "Completed", "int"),
    Column("certified", "Certified", "int"),
    Column("employed", "Employed", "int"),
)


def _training_summary(figures: Figures, view: View) -> list[str]:
    total = figures.total
    if not total["classes"]:
        return [
            translate("no training classes as of {day}", view.lang).format(
                day=figures.scope.as_of.isoformat()
            )
        ]
    if view.format is OutputFormat.JSON:
        return []
    placed = figures.extra["placed_total"]["placed"]
    return [
        translate(
            "{classes:,} classes, {trainees:,} trainees, {certified:,} certified, "
            "{employed:,} employed; {placed:,} placed in jobs in all",
            view.lang,
        ).format(
            classes=total["classes"],
            trainees=total["trainees"],
            certified=total["certified"],
            employed=total["employed"],
            placed=placed,
        )
    ]


TRAINING = ReportSpec(
    name="training",
    title=Words("Skills training by year and trade"),
    columns=TRAINING_COLUMNS,
    below=(  # CSV is one table: the funnel
        Below(
            rows="placed",
            title=Words("Placed in jobs, by the year the job began"),
            columns=(
                YEAR,
                Column("trainees_employed", "Trainees employed", "int"),
                Column("job_fairs", "Through job fairs", "int"),
                Column("placed", "Placed", "int"),
            ),
            total="placed_total",
        ),
    ),
    chart=Chart(("year", "trade"), "trainees"),
    notes=_training_summary,
)

FUND_COLUMNS = (
    Column("fund", "Fund"),
    Column("name", "Name"),
    Column("source", "Source", "enum", FundSource, context="source", drop=2),
    YEAR,
    Column("in_fen", "In", "money"),
    Column("out_fen", "Out", "money"),
    Column("balance_fen", "Balance", "money", context="balance_fen"),
)
FUNDS = ReportSpec(
    name="funds",
    title=Words("Funds"),
    columns=FUND_COLUMNS,
    below=(
        Below(
            rows="by_source",
            title=Words("By source"),
            columns=(FUND_COLUMNS[2], *FUND_COLUMNS[4:]),
            formats=frozenset({OutputFormat.TABLE}),
        ),
    ),
)


def _indented(rows: Rows, view: View) -> Rows:
    """Each union under the one above it, in tables."""
    if view.format is not OutputFormat.TABLE:
        return rows
    return [r | {"org": "  " * r["depth"] + r["org"]} for r in rows]


COVERAGE = ReportSpec(
    name="coverage",
    title=Words("Pairing coverage"),
    columns=COVERAGE_FIELDS,
    present=_indented,
)


def _targets_met(figures: Figures, view: View) -> list[str]:
    if view.format is OutputFormat.JSON:
        return []
    return [
        translate("{met} of {agreements} agreements met every target", view.lang).format(
            met=figures.extra["met"], agreements=figures.extra["agreements"]
        )
    ]


TARGETS = ReportSpec(
    name="targets",
    title=Words("Responsibility agreements"),
    columns=AGREEMENT_FIELDS,
    notes=_targets_met,
)


def _scope(session: Any, as_of: str | None, org: str | None) -> Scope:
    from kunnan.services.report import Scope
    from kunnan.store.operators import scoped_org

    day = parse_on(as_of, option="--as-of", allow_future=True)
    return Scope(as_of=day, org=scoped_org(session, org))


def _run(
    ctx: typer.Context,
    spec: ReportSpec,
    output: OutputFormat,
    *,
    as_of: str | None,
    org: str | None,
    chart: bool = False,
    **options: Any,
) -> Figures:
    """Every report's one path: read the figures on the day for the union, then show them."""
    from kunnan.services import report as reports
    from kunnan.ui.reports import show_report

    build = getattr(reports, spec.name)
    with ledger(ctx, write=False) as session:
        figures: Figures = build(session, _scope(session, as_of, org), **options)
    show_report(spec, figures, view(ctx, output), chart=chart)
    return figures


# The report commands ------------------------------------------------------------------------


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
    _run(ctx, CATEGORIES, output, as_of=as_of, org=org, chart=chart)


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
    _run(ctx, CAUSES, output, as_of=as_of, org=org, chart=chart, secondary=secondary)


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
    _run(ctx, PIPELINE, output, as_of=as_of, org=org)


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
    _run(ctx, EXITS, output, as_of=as_of, org=org, chart=chart, since=since)


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
    _run(ctx, AREAS, output, as_of=as_of, org=org)


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
    figures = _run(ctx, PROGRAMS, output, as_of=as_of, org=org, year=year, since=since)
    if chart and output is OutputFormat.TABLE:
        _programs_chart(figures, view(ctx, output))


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
    _run(ctx, TRAINING, output, as_of=as_of, org=org, chart=chart, year=year, since=since)


@app.command("funds")
def funds(
    ctx: typer.Context, as_of: AsOfOpt = None, output: FormatOption = OutputFormat.TABLE
) -> None:
    """Every fund on the day: money in, money out and balance, with totals by source.

    Example:

    \b
        kunnan report funds --as-of 2018-12-31
    """
    _run(ctx, FUNDS, output, as_of=as_of, org=None)


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
    _run(ctx, COVERAGE, output, as_of=as_of, org=org)


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
    # A year's agreements stand as of its last day; all of them, as of today.
    _run(ctx, TARGETS, output, as_of=f"{year}-12-31" if year else None, org=org, year=year)


# The dashboard: one model, shown in the terminal or as an HTML page -------------------------


def _dashboard_data(
    ctx: typer.Context,
    as_of: str | None,
    org: str | None,
    since: int | None,
    *,
    checkpoint: bool = False,
) -> tuple[Report, tuple[int, str], PostedCheckpoint | None]:
    """The dashboard's figures, the aid ledger's head, and (``checkpoint``: for the page)
    the latest checkpoint of the log, all read in one session."""
    from kunnan.services.ledger import head
    from kunnan.services.log import posted_checkpoint
    from kunnan.services.report import dashboard as build

    with ledger(ctx, write=False) as session:
        scope = _scope(session, as_of, org)
        report = build(session, scope, since=since if since is not None else scope.as_of.year - 2)
        chain = head(session)
        pinned = posted_checkpoint(session) if checkpoint else None
    return report, chain, pinned


def _dashboard(
    report: Report, chain: tuple[int, str], lang: str, pinned: PostedCheckpoint | None = None
) -> Dashboard:
    """The dashboard model: headline cards, and each report's table as the terminal shows it
    (the report's own columns) and as the page shows it (fewer columns, with a chart); the
    page's foot names the checkpoint ``pinned``."""
    from kunnan.ui.dashboard import Card, Dashboard, Layout, Section
    from kunnan.ui.reports import labelled

    head, parts = report.total, report.extra
    since, placed = head["since"], head["placed_since"]
    as_of = report.scope.as_of.isoformat()
    union = report.scope.org.name if report.scope.org is not None else None
    union = union or translate("all unions", lang)

    categories = labelled(parts["categories"].rows, CATEGORIES.columns[0], lang)
    category_bars = Chart(("category",), "households").bars(categories, (), lang)
    causes = labelled(parts["causes"].rows, CAUSES.columns[0], lang)
    programs = _programme_names(parts["programs"].rows, View(lang=lang))  # in every format
    training = parts["training"].rows
    by_trade: dict[str, int] = {}
    for row in labelled(training, TRAINING_COLUMNS[1], lang):  # a few rows: years × trades
        by_trade[row["trade"]] = by_trade.get(row["trade"], 0) + row["trainees"]
    aid_since = translate("Aid by programme since {since}", lang).format(since=since)
    sections = (
        Section(
            categories,
            parts["categories"].total,
            screen=Layout(
                translate("By category", lang),
                CATEGORIES.columns,
                bars=category_bars,
            ),
            page=Layout(
                translate("Archived households by category", lang),
                (Column("category", "Category"), HOUSEHOLDS, PEOPLE, SHARE),
                bars=category_bars,
            ),
        ),
        Section(
            causes,
            parts["causes"].total,
            screen=Layout(translate("By main cause", lang), CAUSES.columns_of(parts["causes"])),
            page=Layout(
                translate("By main cause", lang),
                (Column("cause", "Main cause", context="cause"), HOUSEHOLDS, SHARE),
                bars=Chart(("cause",), "households", skip_zero=True).bars(causes, (), lang),
            ),
        ),
        Section(
            programs,
            parts["programs"].total,
            screen=Layout(aid_since, PROGRAMS.columns),
            page=Layout(
                aid_since,
                (
                    Column("program", "Programme"),
                    Column("grants", "Grants", "int"),
                    HOUSEHOLDS,
                    PEOPLE,
                    Column("amount_fen", "Amount (yuan)", "money"),
                ),
                bars=Chart(("program",), "amount_fen", money=True, skip_zero=True).bars(
                    programs, (), lang
                ),
            ),
        ),
        Section(
            parts["exits"].rows,
            parts["exits"].total,
            screen=Layout(translate("Exits by year and kind", lang), EXIT_COLUMNS),
            page=Layout(
                translate("Exits by year", lang),
                (
                    YEAR,
                    Column("stable", "Stable", "int"),
                    Column("total", "All exits", "int"),
                ),
                bars=Chart(("year",), "total").bars(parts["exits"].rows, (), lang),
            ),
        ),
        Section(
            training,
            parts["training"].total,
            screen=Layout(
                translate("Skills training since {since}", lang).format(since=since),
                TRAINING_COLUMNS,
            ),
            page=Layout(
                translate(
                    "Skills training since {since} (placed in jobs: {placed:,})", lang
                ).format(since=since, placed=placed),
                (
                    YEAR,
                    TRAINING_COLUMNS[1],
                    Column("classes", "Classes", "int", context="classes"),
                    *TRAINING_COLUMNS[3:4],
                    *TRAINING_COLUMNS[5:],
                ),
                bars=[(trade, trainees, f"{trainees:,}") for trade, trainees in by_trade.items()],
            ),
        ),
        Section(
            _stage_names(parts["pipeline"].rows, View(lang=lang)),
            None,
            screen=None,
            page=Layout(
                translate("Identification pipeline", lang),
                (
                    PIPELINE.columns[0],
                    Column("waiting", "Waiting", "int"),
                    PIPELINE.columns[2],
                ),
            ),
        ),
        Section(
            parts["areas"].rows,
            parts["areas"].total,
            screen=None,
            page=Layout(
                translate("By area", lang),
                (Column("area", "Area"), *AREAS.columns[2:]),
            ),
        ),
    )
    archived = translate("Archived households", lang)
    stable_since = translate("Stable exits since {since}", lang).format(since=since)
    cards = (
        Card(
            f"{head['archived']:,}",
            translate("{people:,} people", lang).format(people=head["people"]),
            screen=archived,
            page=archived,
        ),
        Card(
            f"{head['covered_pct'] or '—'}%",
            translate("{paired:,} households", lang).format(paired=head["paired"]),
            screen=translate("Paired", lang),
            page=translate("Paired", lang),
        ),
        Card(
            f"{head['stable_exits_since']:,}",
            translate("{exits:,} exits in all", lang).format(exits=head["exits_since"]),
            screen=stable_since,
            page=stable_since,
        ),
        Card(
            format_fen(head["aid_since_fen"]),
            translate("{aided:,} households", lang).format(aided=head["aided_households_since"]),
            screen=translate("Aid since {since}", lang).format(since=since),
            page=translate("Aid since {since} (yuan)", lang).format(since=since),
        ),
        Card(
            f"{head['trainees_since']:,}",
            translate("{classes:,} classes · {employed:,} employed", lang).format(
                classes=head["classes_since"], employed=head["employed_since"]
            ),
            screen=translate("Trained since {since}", lang).format(since=since),
            page=None,
        ),
    )
    return Dashboard(
        lang=lang,
        screen_title=translate(
            "Hardship assistance at a glance · {union} · as of {day}", lang
        ).format(union=union, day=as_of),
        page_title=translate("Hardship assistance · {union}", lang).format(union=union),
        subtitle=translate("As of {day}", lang).format(day=as_of),
        cards=cards,
        sections=sections,
        chain=chain,
        checkpoint=pinned,
    )


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
    from kunnan.ui.dashboard import show_dashboard as show
    from kunnan.ui.output import write_json

    report, chain = _dashboard_data(ctx, as_of, org, since)[:2]
    if output is OutputFormat.JSON:
        count, chain_hash = chain
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
    shown = view(ctx, output)
    show(_dashboard(report, chain, shown.lang), shown)


def show_dashboard(ctx: typer.Context, *, as_of: dt.date, output: OutputFormat) -> None:
    """The dashboard as `report dashboard --as-of` shows it (for `kunnan demo`)."""
    from kunnan.ui.dashboard import show_dashboard as show

    report, chain = _dashboard_data(ctx, as_of.isoformat(), None, None)[:2]
    shown = view(ctx, output)
    show(_dashboard(report, chain, shown.lang), shown)


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
    from kunnan.files import check, write_atomically
    from kunnan.ui.checkpoint import since_note
    from kunnan.ui.console import note
    from kunnan.ui.html import dashboard_page

    target = output_file(ctx, out, force=force)
    check(target)  # before the ledger is read
    report, chain, pinned = _dashboard_data(ctx, as_of, org, since, checkpoint=True)
    document = dashboard_page(_dashboard(report, chain, state(ctx).lang, pinned))
    with write_atomically(target) as temporary:
        temporary.write_text(document, encoding="utf-8")
    note(_("wrote {path}", path=out))
    unsigned = since_note(pinned) if pinned is not None else None
    if unsigned is not None:
        note(unsigned)

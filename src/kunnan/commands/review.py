"""kunnan review: the yearly review (年审) lists — who is overdue, stale, or due a follow-up."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer

from kunnan.commands.options import (
    AccidentOpt,
    FormatOption,
    MedicalOpt,
    OtherIncomeOpt,
    SchoolingOpt,
    cost_facts,
    ledger,
    parse_choice,
    parse_on,
    text_option,
    view,
    whole_number,
)
from kunnan.domain.enums import Category, Cause, ReviewOutcome, ReviewState, named
from kunnan.domain.errors import InvalidInput
from kunnan.i18n import N_, _, n_
from kunnan.ui.columns import ARCHIVE_NO, CATEGORY, HEAD_NAME, HOUSEHOLD_CODE, UNION, Column
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

app = typer.Typer(
    help="The yearly review (年审): record one, and the lists of who is overdue, unpaired, stale, "
    "or due a follow-up.",
    no_args_is_help=True,
)

OrgOpt = Annotated[str | None, typer.Option("--org", help="Only this union and those under it.")]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Review as of this date, YYYY-MM-DD (default: today).")
]
ByUnionOpt = Annotated[
    bool, typer.Option("--by-union", help="Count the households per union instead of listing them.")
]

SUMMARY_FIELDS = (
    UNION,
    Column("archived", "Archived", "int"),
    Column("reviewed", "Reviewed", "int"),
    Column("kept", "Kept", "int"),
    Column("category", "Category changed", "int"),
    Column("causes", "Causes changed", "int"),
    Column("exit", "Exit proposed", "int"),
    Column("not_reviewed", "Not reviewed", "int"),
)

COUNT_FIELDS = (
    UNION,
    Column("households", "Households", "int"),
)


def review_fields(date_header: str, days_header: str) -> tuple[Column, ...]:
    return (
        HOUSEHOLD_CODE,
        HEAD_NAME,
        UNION,
        CATEGORY,
        Column("archived_on", "Archived", "date", context="archived_on"),
        Column("last_on", date_header, "date"),
        Column("days", days_header, "int"),
        Column("state", "State", "enum", ReviewState),
    )


def _review(
    ctx: typer.Context,
    query: Callable[..., Sequence[Any]],
    fields: Sequence[Column],
    *,
    org: str | None,
    as_of: str | None,
    by_union: bool,
    output: OutputFormat,
    empty: str,
) -> int:
    """Print the list (or its counts per union); return how many households it holds."""
    from kunnan.services.review import by_union as count_by_union
    from kunnan.store.operators import scoped_org
    from kunnan.ui.output import render_rows

    day = parse_on(as_of, option="--as-of", allow_future=True)
    with ledger(ctx, write=False) as session:
        rows = query(session, as_of=day, org=scoped_org(session, org))
    shown = view(ctx, output)
    if by_union:
        counts = [dataclasses.asdict(c) for c in count_by_union(rows)]
        total = {"org": _("total"), "households": len(rows)}
        render_rows(counts, COUNT_FIELDS, shown, total=total)
    else:
        render_rows([dataclasses.asdict(r) for r in rows], fields, shown)
    if not rows:
        note(_(empty))
    return len(rows)


@app.command("due")
def due(
    ctx: typer.Context,
    org: OrgOpt = None,
    as_of: AsOfOpt = None,
    by_union: ByUnionOpt = False,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Archived households whose yearly review is overdue: no income calculation for a year.

    Example:

    \b
        kunnan review due --org baiyin-qu --by-union
    """
    from kunnan.services.review import review_due

    fields = review_fields(N_("Last calculated"), N_("Days since"))
    _review(
        ctx,
        review_due,
        fields,
        org=org,
        as_of=as_of,
        by_union=by_union,
        output=output,
        empty=N_("no yearly review is overdue"),
    )


@app.command("never-aided")
def never_aided(
    ctx: typer.Context,
    org: OrgOpt = None,
    as_of: AsOfOpt = None,
    by_union: ByUnionOpt = False,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Archived households that have had no aid at all.

    Example:

    \b
        kunnan review never-aided --by-union
    """
    from kunnan.services.review import review_never_aided

    fields = review_fields(N_("Archived on"), N_("Days archived"))
    _review(
        ctx,
        review_never_aided,
        fields,
        org=org,
        as_of=as_of,
        by_union=by_union,
        output=output,
        empty=N_("every archived household has had aid"),
    )


@app.command("stale")
def stale(
    ctx: typer.Context,
    org: OrgOpt = None,
    as_of: AsOfOpt = None,
    by_union: ByUnionOpt = False,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Archived households nothing has been done for in a year (no step, calculation, contact or aid).

    Example:

    \b
        kunnan review stale --format csv
    """
    from kunnan.services.review import review_stale

    fields = review_fields(N_("Last activity"), N_("Days since"))
    _review(
        ctx,
        review_stale,
        fields,
        org=org,
        as_of=as_of,
        by_union=by_union,
        output=output,
        empty=N_("no archive has been left untouched for a year"),
    )


@app.command("followups")
def followups(
    ctx: typer.Context,
    org: OrgOpt = None,
    as_of: AsOfOpt = None,
    by_union: ByUnionOpt = False,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Exited households with a follow-up visit overdue or due within 30 days.

    Example:

    \b
        kunnan review followups --as-of 2018-12-24
    """
    from kunnan.services.review import review_followups

    fields = review_fields(N_("Follow-up due"), N_("Days overdue"))
    _review(
        ctx,
        review_followups,
        fields,
        org=org,
        as_of=as_of,
        by_union=by_union,
        output=output,
        empty=N_("no follow-up is due"),
    )


UNPAIRED_FIELDS = (
    HOUSEHOLD_CODE,
    ARCHIVE_NO,
    HEAD_NAME,
    UNION,
    CATEGORY,
    Column("main_cause", "Main cause", "enum", Cause, in_table=False),
    Column("archived_on", "Archived", "date", context="archived_on"),
    Column("unpaired_since", "Unpaired since", "date"),
    Column("last_unit", "Last unit", in_table=False),
    Column("last_contact", "Last contact person", in_table=False),
)


@app.command("unpaired")
def unpaired(
    ctx: typer.Context,
    org: OrgOpt = None,
    as_of: AsOfOpt = None,
    by_union: ByUnionOpt = False,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Archived households with no responsible unit and contact person (结对帮扶全覆盖).

    Example:

    \b
        kunnan review unpaired --org baiyin-qu
    """
    from kunnan.services.pair import unpaired as unpaired_rows

    def query(session: Any, *, as_of: Any, org: Any) -> Sequence[Any]:
        return unpaired_rows(session, on=as_of, org=org)

    count = _review(
        ctx,
        query,
        UNPAIRED_FIELDS,
        org=org,
        as_of=as_of,
        by_union=by_union,
        output=output,
        empty=N_("every archived household is paired"),
    )
    if count:
        note(
            n_(
                "{n} archived household has no pairing: kunnan pair assign HH …",
                "{n} archived households have no pairing: kunnan pair assign HH …",
                count,
                n=count,
            )
        )


@app.command("record")
def record(
    ctx: typer.Context,
    household: Annotated[str, typer.Argument(help="Household code (H000001) or archive number.")],
    outcome: Annotated[
        str,
        typer.Option("--outcome", help=f"What the review decided: {ReviewOutcome.choices()}."),
    ] = "keep",
    category: Annotated[
        str | None,
        typer.Option(
            "--category",
            help=f"The new category (outcome category; default: as calculated): "
            f"{Category.choices()}.",
        ),
    ] = None,
    cause: Annotated[
        str | None, typer.Option("--cause", help="The new main cause (outcome causes).")
    ] = None,
    secondary: Annotated[
        list[str] | None,
        typer.Option(
            "--secondary",
            help="A secondary cause from now on (outcome causes; repeat, at most three; "
            "'none' clears them).",
        ),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            help="Why: needed to change anything, and to keep "
            "a household the calculation no longer proposes.",
        ),
    ] = None,
    other_income: OtherIncomeOpt = None,
    medical_costs: MedicalOpt = None,
    schooling_costs: SchoolingOpt = None,
    accident_costs: AccidentOpt = None,
    on: Annotated[
        str | None, typer.Option("--on", help="The review's date, YYYY-MM-DD (default: today).")
    ] = None,
    note_: Annotated[
        str | None, typer.Option("--note", help="A note kept with the review.")
    ] = None,
) -> None:
    """年审: review an archived household — a fresh income calculation with the members present
    that day, and the outcome: keep, change the category or the causes, or propose an exit.

    The household stays archived; a new category or main cause is in force from the review's
    day, in every report as of that day or later.

    Example:

    \b
        kunnan review record H000002 --on 2018-12-20
        kunnan review record H000003 --outcome causes --cause disability --reason 复核发现因残致困 --on 2018-12-20
    """
    from kunnan.domain.register import distinct_causes
    from kunnan.domain.review import ReviewAsked
    from kunnan.services.review import ReviewPlan, record_review
    from kunnan.store.households import resolve_household

    day = parse_on(on)
    chosen = parse_choice(ReviewOutcome, outcome, "--outcome")
    assert chosen is not None
    causes: tuple[Cause, ...] | None = None
    if secondary is not None:
        given = [s for s in secondary if s.strip().lower() not in ("none", "无")]
        parsed = [parse_choice(Cause, text, "--secondary") for text in given]
        try:
            causes = tuple(distinct_causes([c for c in parsed if c is not None]))
        except ValueError as error:
            raise InvalidInput(_("--secondary: {error}", error=error)) from None
    asked = ReviewAsked(
        on=day,
        outcome=chosen,
        category=parse_choice(Category, category, "--category"),
        main_cause=parse_choice(Cause, cause, "--cause"),
        secondary=causes,
        reason=text_option(reason, "--reason") or "",
    )
    costs = cost_facts(other_income, medical_costs, schooling_costs, accident_costs)
    with ledger(ctx, write=True) as session:
        target = resolve_household(session, household)
        plan = ReviewPlan(target.id, asked, costs, text_option(note_, "--note") or "")
        result = record_review(session, target, plan)
    for line in result.lines:
        typer.echo(line)
    note(_review_message(result))


def _review_message(result: Any) -> str:
    decision, code, on = result.decision, result.code, result.on.isoformat()
    if decision.outcome is ReviewOutcome.CATEGORY:
        return _(
            "{code}: reviewed on {on}; category {category} from {on}",
            code=code,
            on=on,
            category=named(decision.category),
        )
    if decision.outcome is ReviewOutcome.CAUSES:
        return _(
            "{code}: reviewed on {on}; main cause {cause} from {on}",
            code=code,
            on=on,
            cause=named(decision.main_cause) if decision.main_cause else _("none"),
        )
    if decision.outcome is ReviewOutcome.EXIT:
        return _(
            "{code}: reviewed on {on}; exit proposed (kunnan exit stable {code} --on {on})",
            code=code,
            on=on,
        )
    return _(
        "{code}: reviewed on {on}; kept as {category}",
        code=code,
        on=on,
        category=named(decision.category) if decision.category else _("none"),
    )


@app.command("summary")
def summary(
    ctx: typer.Context,
    year: Annotated[
        int,
        typer.Option(
            "--year", parser=whole_number(least=1949, most=2200), help="The year of the reviews."
        ),
    ],
    org: OrgOpt = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """The year's yearly reviews by union: archived households, reviewed, and each outcome.

    Example:

    \b
        kunnan review summary --year 2018
        kunnan review summary --year 2018 --org baiyin-qu --format csv
    """
    from kunnan.services.review import review_summary
    from kunnan.store.operators import scoped_org
    from kunnan.ui.output import render_rows

    with ledger(ctx, write=False) as session:
        rows = review_summary(session, year=year, org=scoped_org(session, org))
    shown = [dataclasses.asdict(r) | {"not_reviewed": r.not_reviewed} for r in rows]
    keys = ("archived", "reviewed", "kept", "category", "causes", "exit", "not_reviewed")
    total = {"org": _("total")} | {key: sum(row[key] for row in shown) for key in keys}
    render_rows(shown, SUMMARY_FIELDS, view(ctx, output), total=total)

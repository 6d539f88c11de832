"""kunnan review: the yearly review (年审) lists — who is overdue, stale, or due a follow-up."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer

from kunnan.commands.options import FormatOption, ledger, parse_on, view
from kunnan.domain.enums import Cause
from kunnan.i18n import N_, _, n_
from kunnan.ui.columns import ARCHIVE_NO, CATEGORY, HEAD_NAME, HOUSEHOLD_CODE, UNION, Column
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

app = typer.Typer(
    help="Yearly review lists: overdue, unpaired, stale, follow-ups due.", no_args_is_help=True
)

OrgOpt = Annotated[str | None, typer.Option("--org", help="Only this union and those under it.")]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Review as of this date, YYYY-MM-DD (default: today).")
]
ByUnionOpt = Annotated[
    bool, typer.Option("--by-union", help="Count the households per union instead of listing them.")
]

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
        Column("state", "State"),
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
    from kunnan.store.orgs import find_org
    from kunnan.ui.output import render_rows

    day = parse_on(as_of, option="--as-of", allow_future=True)
    with ledger(ctx, write=False) as session:
        rows = query(session, as_of=day, org=find_org(session, org) if org else None)
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

"""kunnan pair: 结对帮扶 — a responsible unit and a named contact person for every archived
household, the contact person's visits, and coverage up the union tree."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kunnan.commands.options import (
    FormatOption,
    HouseholdArg,
    OnOption,
    RevealOption,
    WhyOption,
    ledger,
    parse_on,
    today,
    validated,
    view,
)
from kunnan.domain.codes import household_code
from kunnan.domain.enums import OrgKind, PairingStatus, VisitKind
from kunnan.domain.masking import mask_phone
from kunnan.i18n import _, current, n_, p_
from kunnan.ui.columns import HEAD_NAME, HOUSEHOLD_CODE, UNION, Column, machine_value
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session

app = typer.Typer(
    help="Pair archived households with a responsible unit and a contact person (结对帮扶).",
    no_args_is_help=True,
)

UnitOpt = Annotated[
    str, typer.Option("--unit", help="The responsible unit (责任单位), code or name.")
]
ContactOpt = Annotated[
    str, typer.Option("--contact", help="The named contact person (联系人) who visits.")
]
PhoneOpt = Annotated[str, typer.Option("--phone", help="The contact person's mobile number.")]

PAIRING_FIELDS = (
    HOUSEHOLD_CODE,
    Column("archive_no", "Archive no.", in_table=False),
    HEAD_NAME,
    dataclasses.replace(UNION, drop=4),
    Column("unit", "Unit", min_width=8),
    Column("unit_code", "Unit code", in_table=False),
    Column("contact", "Contact", min_width=6),
    Column("contact_phone", "Contact phone", "phone", drop=1),
    Column("status", "Status", "enum", PairingStatus, in_table=False),
    Column("started_on", "Paired since", "date", drop=3),
    Column("ended_on", "Ended", "date", in_table=False),
    Column("end_reason", "Why it ended", in_table=False),
    Column("visits", "Visits", "int", drop=2),
    Column("last_visit_on", "Last visit", "date"),
    Column("next_visit_due", "Next visit by", "date"),
    Column("visit_overdue", "Visit overdue", in_table=False),
)
#: With ended pairings shown, the table says which are over and why.
HISTORY_COLUMNS = frozenset({"status", "ended_on", "end_reason"})

VISIT_FIELDS = (
    Column("visited_on", "Date", "date"),
    Column("kind", "How", "enum", VisitKind),
    Column("visitor", "By", min_width=6, context="visitor"),
    Column("contact", "Contact person", in_table=False),
    Column("unit", "Responsible unit", in_table=False),
    Column("note", "What was done"),
    Column("solved", "Problems solved"),
)

COVERAGE_FIELDS = (
    Column("org_code", "Code"),
    Column("org", "Union", min_width=8),
    Column("kind", "Kind", "enum", OrgKind, in_table=False),
    Column("archived", "Archived", "int"),
    Column("paired", "Paired", "int"),
    Column("unpaired", "Unpaired", "int"),
    Column("covered_pct", "Covered %", "decimal"),
    Column("visit_overdue", "Visit overdue", "int"),
)


def _with_history(fields: Sequence[Column]) -> tuple[Column, ...]:
    return tuple(
        dataclasses.replace(f, in_table=True) if f.key in HISTORY_COLUMNS else f for f in fields
    )


def _reveal_contacts(session: Session, contacts: list[str], reveal: bool, why: str | None) -> None:
    if reveal and contacts:
        from kunnan.services.pair import record_contact_reveal

        record_contact_reveal(session, contacts=contacts, why=why)


@app.command("assign")
def assign(
    ctx: typer.Context,
    household: HouseholdArg,
    unit: UnitOpt,
    contact: ContactOpt,
    phone: PhoneOpt,
    on: OnOption = None,
) -> None:
    """Pair an archived household with a responsible unit and a named contact person.

    A household has one pairing at a time: to change it, use pair reassign.

    Example:

    \b
        kunnan pair assign H000001 --unit aluminium --contact 李发明 --phone 13893005678 --on 2018-12-21
    """
    from kunnan.schemas.pairing import PairingCreate
    from kunnan.services.pair import assign as assign_pairing
    from kunnan.services.pair import unit_of
    from kunnan.store.households import resolve_household

    data = validated(PairingCreate, {"unit": unit, "contact": contact, "phone": phone})
    day = parse_on(on)
    with ledger(ctx, write=True) as session:
        target = resolve_household(session, household)
        pairing = assign_pairing(session, target, data=data, on=day)
        code = household_code(target.id)
        unit_name = unit_of(session, pairing).name
    note(
        _(
            "{code}: paired from {day} with {unit}, contact person {contact} ({phone})",
            code=code,
            day=day.isoformat(),
            unit=unit_name,
            contact=data.contact,
            phone=mask_phone(data.phone),
        )
    )


@app.command("reassign")
def reassign(
    ctx: typer.Context,
    household: HouseholdArg,
    unit: UnitOpt,
    contact: ContactOpt,
    phone: PhoneOpt,
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="Why the pairing changes (kept with the old one)."),
    ] = None,
    on: OnOption = None,
) -> None:
    """End a household's pairing and start a new one the same day; the old one stays as history.

    Example:

    \b
        kunnan pair reassign H000001 --unit phosphate --contact 张清满 --phone 13893006789 --reason "李发明调离"
    """
    from kunnan.schemas.pairing import PairingCreate
    from kunnan.services.pair import reassign as reassign_pairing
    from kunnan.services.pair import unit_of
    from kunnan.store.households import resolve_household

    data = validated(PairingCreate, {"unit": unit, "contact": contact, "phone": phone})
    why = _text(reason, "--reason", required=False)
    day = parse_on(on)
    with ledger(ctx, write=True) as session:
        target = resolve_household(session, household)
        old, new = reassign_pairing(session, target, data=data, on=day, reason=why)
        code = household_code(target.id)
        previous = old.contact_name
        unit_name = unit_of(session, new).name
    note(
        _(
            "{code}: {previous}'s pairing ended on {day}; now paired with {unit}, "
            "contact person {contact} ({phone})",
            code=code,
            previous=previous,
            day=day.isoformat(),
            unit=unit_name,
            contact=data.contact,
            phone=mask_phone(data.phone),
        )
    )


@app.command("end")
def end(
    ctx: typer.Context,
    household: HouseholdArg,
    reason: Annotated[str, typer.Option("--reason", help="Why the pairing ends.")],
    on: OnOption = None,
) -> None:
    """End a household's pairing without a new one (it then counts as unpaired).

    Exits end the pairing themselves.

    Example:

    \b
        kunnan pair end H000001 --reason "责任单位撤销" --on 2018-12-20
    """
    from kunnan.services.pair import end_pairing
    from kunnan.store.households import resolve_household

    why = _text(reason, "--reason", required=True)
    day = parse_on(on)
    with ledger(ctx, write=True) as session:
        target = resolve_household(session, household)
        ended = end_pairing(session, target, on=day, reason=why or "")
        code = household_code(target.id)
        contact = ended.contact_name
    note(
        _(
            "{code}: pairing with {contact} ended on {day}; it is unpaired now",
            code=code,
            contact=contact,
            day=day.isoformat(),
        )
    )


@app.command("visit")
def visit(
    ctx: typer.Context,
    household: HouseholdArg,
    note_: Annotated[str, typer.Option("--note", help="What was done on the visit.")],
    by: Annotated[
        str | None,
        typer.Option("--by", help="Who visited (default: the pairing's contact person)."),
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help=f"How (default home): {VisitKind.choices()}.")
    ] = None,
    solved: Annotated[
        str | None, typer.Option("--solved", help="Problems solved on the visit.")
    ] = None,
    on: OnOption = None,
) -> None:
    """Log a contact person's visit or call to a paired household: what was done, what was solved.

    Example:

    \b
        kunnan pair visit H000001 --by 李发明 --kind home --note "送去米面油，了解孩子上学情况" --solved "联系学校减免学费" --on 2018-06-10
    """
    from kunnan.schemas.pairing import VisitCreate
    from kunnan.services.pair import log_visit
    from kunnan.store.households import resolve_household

    data = validated(VisitCreate, {"by": by, "kind": kind, "note": note_, "solved": solved})
    day = parse_on(on)
    with ledger(ctx, write=True) as session:
        target = resolve_household(session, household)
        logged = log_visit(session, target, data=data, on=day)
        code = household_code(target.id)
        visitor = logged.visitor
    note(
        _(
            "{code}: {kind} visit by {visitor} on {day} logged",
            code=code,
            kind=data.kind.label(current()),
            visitor=visitor,
            day=day.isoformat(),
        )
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="Only pairings with this unit (and the units under it)."),
    ] = None,
    contact: Annotated[
        str | None,
        typer.Option("--contact", help="Only this contact person's households (their load)."),
    ] = None,
    org: Annotated[
        str | None,
        typer.Option("--org", help="Only households of this union and those under it."),
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Include ended pairings (the history).")
    ] = False,
    output: FormatOption = OutputFormat.TABLE,
    reveal: RevealOption = False,
    why: WhyOption = None,
) -> None:
    """List pairings: household, responsible unit, contact person, visits and the next visit due.

    Example:

    \b
        kunnan pair list --contact 李发明
        kunnan pair list --unit aluminium --format csv
    """
    from kunnan.services.pair import PairingFilter, list_pairings
    from kunnan.ui.output import render_rows

    who = _text(contact, "--contact", required=False) if contact is not None else None
    where = PairingFilter(unit=unit, contact=who, org=org, include_ended=all_)
    with ledger(ctx, write=reveal) as session:
        rows = list_pairings(session, where=where, today=today())
        _reveal_contacts(session, [r.contact for r in rows], reveal, why)
    fields = _with_history(PAIRING_FIELDS) if all_ else PAIRING_FIELDS
    render_rows([dataclasses.asdict(r) for r in rows], fields, view(ctx, output, reveal))
    if who is not None:
        active = sum(1 for r in rows if r.status == PairingStatus.ACTIVE.value)
        overdue = sum(1 for r in rows if r.visit_overdue)
        note(
            n_(
                "{who} is the contact person of {n} household ({overdue} overdue for a visit)",
                "{who} is the contact person of {n} households ({overdue} overdue for a visit)",
                active,
                who=who,
                n=active,
                overdue=overdue,
            )
        )
    elif not rows:
        note(_("no pairings match"))


@app.command("show")
def show(
    ctx: typer.Context,
    household: HouseholdArg,
    output: FormatOption = OutputFormat.TABLE,
    reveal: RevealOption = False,
    why: WhyOption = None,
) -> None:
    """Show a household's pairings, past and present, and every visit logged.

    Example:

    \b
        kunnan pair show H000001 --lang zh
    """
    from kunnan.services.pair import PairingFilter, list_pairings, visits_of
    from kunnan.store.households import head_of, resolve_household
    from kunnan.ui.output import render_rows, write_json

    with ledger(ctx, write=reveal) as session:
        target = resolve_household(session, household)
        code = household_code(target.id)
        head = head_of(target).name
        status = target.status
        pairings = list_pairings(
            session, where=PairingFilter(household=target, include_ended=True), today=today()
        )
        visits = visits_of(session, target)
        _reveal_contacts(session, [p.contact for p in pairings], reveal, why)
    shown = view(ctx, output, reveal)
    pairing_rows = [dataclasses.asdict(p) for p in pairings]
    visit_rows = [dataclasses.asdict(v) for v in visits]
    if shown.format is OutputFormat.JSON:
        write_json(
            {
                "code": code,
                "status": status,
                "pairings": [
                    {f.key: machine_value(f, p[f.key], reveal=reveal) for f in PAIRING_FIELDS}
                    for p in pairing_rows
                ],
                "visits": [
                    {f.key: machine_value(f, v[f.key], reveal=reveal) for f in VISIT_FIELDS}
                    for v in visit_rows
                ],
            }
        )
        return
    if shown.format is OutputFormat.CSV:
        render_rows(visit_rows, VISIT_FIELDS, shown)
        return
    if not pairings:
        note(_("{code} has never been paired", code=code))
    render_rows(
        pairing_rows,
        _with_history(PAIRING_FIELDS),
        shown,
        title=f"{code}  {head}  " + p_("title", "Pairings"),
    )
    if visit_rows:
        render_rows(visit_rows, VISIT_FIELDS, shown, title=p_("title", "Visits"))


@app.command("coverage")
def coverage(
    ctx: typer.Context,
    org: Annotated[
        str | None, typer.Option("--org", help="Only this union and the unions under it.")
    ] = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--on",
            "--as-of",
            help="Coverage as the register stood on this date (default: today).",
        ),
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Pairing coverage per union (including those under it) and overall, and visits overdue.

    JSON and CSV end with the overall row (org_code empty).

    Example:

    \b
        kunnan pair coverage --org baiyin-qu --on 2018-12-31
    """
    from kunnan.services.pair import coverage as coverage_rows
    from kunnan.services.pair import visit_interval
    from kunnan.store.operators import scoped_org
    from kunnan.ui.output import render_rows

    day = parse_on(on)
    with ledger(ctx, write=False) as session:
        scope = scoped_org(session, org)
        rows, overall = coverage_rows(session, on=day, org=scope)
        interval = visit_interval(session, on=day)
    shown = view(ctx, output)
    records: list[dict[str, Any]] = [dataclasses.asdict(r) for r in rows]
    total = dataclasses.asdict(overall) | {"org_code": None, "org": _("overall")}
    if shown.format is OutputFormat.TABLE:
        for record in records:
            record["org"] = "  " * record["depth"] + record["org"]
        render_rows(records, COVERAGE_FIELDS, shown, total=total)
    else:
        render_rows([*records, total], COVERAGE_FIELDS, shown)
    note(
        _(
            "coverage on {day}: {paired} of {archived} archived households paired; "
            "a visit is overdue after {interval} days (policy pair_visit_days)",
            day=day.isoformat(),
            paired=overall.paired,
            archived=overall.archived,
            interval=interval,
        )
    )


def _text(value: str | None, option: str, *, required: bool) -> str | None:
    from kunnan.domain.errors import InvalidInput
    from kunnan.domain.text import NOTE_MAX, TextError, clean_required_text, clean_text

    if value is None:
        return None
    try:
        if required:
            return clean_required_text(value, field=option, max_length=NOTE_MAX)
        return clean_text(value, field=option, max_length=NOTE_MAX) or None
    except TextError as error:
        raise InvalidInput(str(error)) from None

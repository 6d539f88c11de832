"""kunnan household: register households, their members, and find them again."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

import typer

from kunnan.commands.options import (
    FormatOption,
    HouseholdArg,
    OnOption,
    RevealOption,
    WhyOption,
    check_something_given,
    ledger,
    parse_area,
    parse_choice,
    parse_on,
    reveal_reason,
    text_option,
    today,
    validated,
    view,
    whole_number,
)
from kunnan.domain.codes import household_code
from kunnan.domain.enums import (
    AdmissionLevel,
    Category,
    Cause,
    ContactMethod,
    ContactOutcome,
    HeadChangeReason,
    Health,
    HouseholdStatus,
    HousingType,
    JoinReason,
    LeaveReason,
    Relation,
    Schooling,
    Sex,
    TimelineEvent,
    WorkerIdentity,
    shown,
)
from kunnan.domain.errors import InvalidInput
from kunnan.i18n import _, current, p_
from kunnan.ui.columns import (
    ARCHIVE_NO,
    CATEGORY,
    HEAD_NAME,
    HOUSEHOLD_CODE,
    UNION,
    Column,
    machine_value,
)
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

app = typer.Typer(help="Register households and find them again.", no_args_is_help=True)
member_app = typer.Typer(
    help="Household members over time: add, edit, leave, remove.", no_args_is_help=True
)
app.add_typer(member_app, name="member")

NameOpt = Annotated[str, typer.Option("--name", help="Full name, as on the ID card.")]
IdOpt = Annotated[
    str, typer.Option("--id-number", help="Resident ID number (18 characters; 15-digit upgraded).")
]
PhoneOpt = Annotated[
    str | None,
    typer.Option("--phone", help="Phone number: a mobile, or a landline with its area code."),
]
EmployerOpt = Annotated[str | None, typer.Option("--employer", help="Employer or workplace.")]
IdentityOpt = Annotated[
    str | None, typer.Option("--identity", help=f"Worker identity: {WorkerIdentity.choices()}.")
]
IncomeOpt = Annotated[
    str | None, typer.Option("--income", help="Monthly income in yuan, e.g. 1800 or 1,800.50.")
]
HealthOpt = Annotated[str | None, typer.Option("--health", help=f"Health: {Health.choices()}.")]
SchoolingOpt = Annotated[
    str | None, typer.Option("--schooling", help=f"Schooling now: {Schooling.choices()}.")
]
RelationOpt = Annotated[
    str | None, typer.Option("--relation", help=f"Relation to the head: {Relation.choices()}.")
]
OrgOpt = Annotated[
    str, typer.Option("--org", help="The union the household belongs to (code or name).")
]
AreaOpt = Annotated[
    str | None, typer.Option("--area", help="Six-digit area code (default: the union's area).")
]
AddressOpt = Annotated[str | None, typer.Option("--address", help="Home address.")]
HousingOpt = Annotated[
    str | None, typer.Option("--housing", help=f"Housing type: {HousingType.choices()}.")
]
HousingAreaOpt = Annotated[
    str | None, typer.Option("--housing-area", help="Floor area in square metres, e.g. 45.5.")
]
CauseOpt = Annotated[
    str | None, typer.Option("--cause", help=f"Main cause of hardship: {Cause.choices()}.")
]
SecondaryOpt = Annotated[
    list[str] | None,
    typer.Option("--secondary", help="A secondary cause (repeat, at most three)."),
]
MemberArg = Annotated[str, typer.Argument(help="Member: name, ID number, or 'head'.")]
LimitOpt = Annotated[
    int | None,
    typer.Option(
        "--limit",
        parser=whole_number(least=0, most=10**9),
        help="Show at most N households (tables default to 200; 0 = all).",
    ),
]

TABLE_DEFAULT_LIMIT = 200

ROW_FIELDS = (
    HOUSEHOLD_CODE,
    ARCHIVE_NO,
    HEAD_NAME,
    Column("head_id_number", "ID number", "id_number", drop=3),
    Column("head_phone", "Phone", "phone", in_table=False),
    UNION,
    Column("area_code", "Area", in_table=False),
    Column("status", "Status", "enum", HouseholdStatus),
    CATEGORY,
    Column("main_cause", "Main cause", "enum", Cause, drop=1),
    Column("members", "Members", "int", drop=2),
    Column("monthly_income_fen", "Monthly income", "money"),
    Column("registered_on", "Registered", "date", in_table=False),
)

DETAIL_FIELDS = (
    Column("code", "Code", context="code"),
    Column("archive_no", "Archive no."),
    Column("status", "Status", "enum", HouseholdStatus),
    CATEGORY,
    Column("main_cause", "Main cause", "enum", Cause),
    Column("secondary_causes", "Secondary causes", "enum_list", Cause),
    Column("org", "Union", context="org"),
    Column("area_code", "Area"),
    Column("address", "Address"),
    Column("housing_type", "Housing", "enum", HousingType),
    Column("housing_area_m2", "Floor area (m²)", "decimal"),
    Column("registered_on", "Registered", "date"),
    Column("monthly_income_fen", "Monthly income", "money"),
    Column("updated_at", "Last changed", "datetime"),
    Column("merged_into", "Merged into", context="code"),
)

MEMBER_FIELDS = (
    Column("name", "Name", min_width=6, context="member_name"),
    Column("relation", "Relation", "enum", Relation),
    Column("id_number", "ID number", "id_number"),
    Column("sex", "Sex", "enum", Sex, drop=1),
    Column("birth_date", "Born", "birth_date"),
    Column("phone", "Phone", "phone", drop=2),
    Column("employer", "Employer", drop=4),
    Column("identity", "Identity", "enum", WorkerIdentity),
    Column("health", "Health", "enum", Health, drop=3),
    Column("schooling", "Schooling", "enum", Schooling, drop=5),
    Column("monthly_income_fen", "Monthly income", "money", context="monthly_income_fen"),
    Column("admitted_level", "Admitted to", "enum", AdmissionLevel, drop=6),
    Column("admitted_year", "Admitted in", "int", drop=6),
    Column("joined_on", "Joined", "date", drop=7),
    Column("joined_reason", "Joined because", "enum", JoinReason, drop=7),
    Column("left_on", "Left", "date"),
    Column("left_reason", "Left because", "enum", LeaveReason),
)


TIMELINE_FIELDS = (
    Column("on_date", "Date", "date"),
    Column("event", "What", "enum", TimelineEvent),
    Column("record", "Record"),
    Column("detail", "Details", min_width=12),
    Column("amount_fen", "Amount", "money"),
    Column("voided", "Voided", in_table=False),
)

CONTACT_FIELDS = (
    Column("attempted_on", "Date", "date"),
    Column("method", "How", "enum", ContactMethod),
    Column("outcome", "Outcome", "enum", ContactOutcome),
    Column("caseworker", "Caseworker"),
    Column("note", "Note"),
)


def _reveal(session: Any, codes: list[str], reveal: bool, why: str | None) -> None:
    """Write who saw which households' full numbers, and why, to the audit log."""
    if reveal and codes:
        assert why is not None
        from kunnan.services.household.register import record_reveal

        record_reveal(session, households=codes, why=why)


@app.command("add")
def add(
    ctx: typer.Context,
    name: NameOpt,
    id_number: IdOpt,
    org: OrgOpt,
    phone: PhoneOpt = None,
    employer: EmployerOpt = None,
    identity: IdentityOpt = None,
    income: IncomeOpt = None,
    health: HealthOpt = None,
    area: AreaOpt = None,
    address: AddressOpt = None,
    housing: HousingOpt = None,
    housing_area: HousingAreaOpt = None,
    cause: CauseOpt = None,
    secondary: SecondaryOpt = None,
    on: OnOption = None,
) -> None:
    """Register a household (status candidate) with its head worker.

    Prints the new household's code on stdout.

    Example:

    \b
        kunnan household add --name 张建国 --id-number 620402197803150013 --org baiyin-qu --phone 13893001234 --identity laid_off --income 1200 --cause illness
    """
    from kunnan.schemas.household import HouseholdCreate
    from kunnan.services.household.register import register_household

    data = validated(
        HouseholdCreate,
        {
            "head": {
                "name": name,
                "id_number": id_number,
                "phone": phone,
                "employer": employer,
                "identity": identity,
                "monthly_income_fen": income,
                "health": health,
            },
            "org": org,
            "area_code": area,
            "address": address,
            "housing_type": housing,
            "housing_area_m2": housing_area,
            "main_cause": cause,
            "secondary_causes": secondary or None,
            "registered_on": on,
        },
    )
    with ledger(ctx, write=True) as session:
        household = register_household(session, data=data, today=today())
        code = household_code(household.id)
    typer.echo(code)
    note(_("registered household {code}: {name}, status candidate", code=code, name=data.head.name))


def _timeline_rows(entries: list[Any], lang: str, *, machine: bool) -> list[dict[str, Any]]:
    """The timeline as rows, each entry's facts in one line (enum values labelled in ``lang``);
    a voided entry is marked in its line for people, in its own field for programs."""
    from kunnan.commands.identify import describe_step
    from kunnan.services.household.timeline import describe

    rows = []
    for entry in entries:
        detail = describe(entry, lang)
        if entry.step_details is not None:
            facts = describe_step(entry.event.value, entry.step_details, lang)
            detail = " · ".join(part for part in (facts, detail) if part)
        if entry.voided is not None and not machine:
            detail = " · ".join(part for part in (entry.voided, detail) if part)
        rows.append(
            {
                "on_date": entry.on_date,
                "event": entry.event.value,
                "record": entry.record,
                "detail": detail,
                "amount_fen": entry.amount_fen,
                "voided": entry.voided,
            }
        )
    return rows


@app.command("show")
def show(
    ctx: typer.Context,
    household: HouseholdArg,
    timeline: Annotated[
        bool,
        typer.Option(
            "--timeline", help="Show only the timeline of everything done for the household."
        ),
    ] = False,
    output: FormatOption = OutputFormat.TABLE,
    reveal: RevealOption = False,
    why: WhyOption = None,
) -> None:
    """Show a household, its members, and the timeline of everything done for it: identification
    steps, contacts, pairing and visits, aid and services, exits and follow-ups, in date order.

    Example:

    \b
        kunnan household show H000001 --lang zh
        kunnan household show H000001 --timeline --format csv
    """
    why = reveal_reason(reveal, why)
    from kunnan.services.household.contact import contacts_of
    from kunnan.services.household.register import household_detail
    from kunnan.services.household.timeline import timeline as timeline_of
    from kunnan.store.households import resolve_household
    from kunnan.ui.output import render_record, render_rows, write_json

    with ledger(ctx, write=reveal) as session:
        target = resolve_household(session, household, merged=True)
        detail = household_detail(session, target)
        contacts = [dataclasses.asdict(c) for c in contacts_of(session, target)]
        entries = timeline_of(session, target)
        _reveal(session, [detail.code], reveal, why)
    shown = view(ctx, output, reveal)
    machine = shown.format in (OutputFormat.JSON, OutputFormat.CSV)
    history = _timeline_rows(entries, "en" if machine else shown.lang, machine=machine)
    timeline_title = _("Timeline")
    if timeline:
        render_rows(history, TIMELINE_FIELDS, shown, title=f"{detail.code}  {timeline_title}")
        return
    record = dataclasses.asdict(detail)
    members = record.pop("members")
    if shown.format is OutputFormat.JSON:
        data = {f.key: machine_value(f, record.get(f.key), reveal=reveal) for f in DETAIL_FIELDS}
        data["members"] = [
            {f.key: machine_value(f, m.get(f.key), reveal=reveal) for f in MEMBER_FIELDS}
            for m in members
        ]
        data["contacts"] = [
            {f.key: machine_value(f, c.get(f.key), reveal=reveal) for f in CONTACT_FIELDS}
            for c in contacts
        ]
        data["timeline"] = [
            {f.key: machine_value(f, row.get(f.key), reveal=reveal) for f in TIMELINE_FIELDS}
            for row in history
        ]
        write_json(data)
    elif shown.format is OutputFormat.CSV:
        keys = ("code", "archive_no", "status", "category", "org", "area_code", "address")
        household_part = [f for f in DETAIL_FIELDS if f.key in keys]
        render_rows(
            [{**{k: record[k] for k in keys}, **m} for m in members],
            (*household_part, *MEMBER_FIELDS),
            shown,
        )
    else:
        title = f"{detail.code}  {members[0]['name']}" if members else detail.code
        render_record(record, DETAIL_FIELDS, shown, title=title)
        render_rows(members, MEMBER_FIELDS, shown, title=p_("title", "Members"))
        render_rows(history, TIMELINE_FIELDS, shown, title=timeline_title)


def _list_limit(limit: int | None, output: OutputFormat) -> int | None:
    if limit is None:
        return TABLE_DEFAULT_LIMIT if output is OutputFormat.TABLE else None
    return limit or None


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[
        str | None, typer.Option("--status", help=f"Only this status: {HouseholdStatus.choices()}.")
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", help=f"Only this category: {Category.choices()}.")
    ] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Only this union and the unions under it.")
    ] = None,
    area: Annotated[str | None, typer.Option("--area", help="Only this area code.")] = None,
    unreached: Annotated[
        bool,
        typer.Option(
            "--unreached",
            help="Only candidates nobody has reached yet, with their contact attempts.",
        ),
    ] = False,
    limit: LimitOpt = None,
    output: FormatOption = OutputFormat.TABLE,
    reveal: RevealOption = False,
    why: WhyOption = None,
) -> None:
    """List households in the register, oldest first.

    Example:

    \b
        kunnan household list --status candidate --org baiyin-qu --format csv
        kunnan household list --unreached
    """
    why = reveal_reason(reveal, why)
    if unreached:
        _list_unreached(ctx, org, output)
        return
    from kunnan.services.household.register import HouseholdFilter, list_households
    from kunnan.ui.output import render_rows

    where = HouseholdFilter(
        status=parse_choice(HouseholdStatus, status, "--status"),
        category=parse_choice(Category, category, "--category"),
        org=org,
        area_code=parse_area(area),
        limit=_list_limit(limit, output),
    )
    with ledger(ctx, write=reveal) as session:
        rows, total = list_households(session, where=where)
        _reveal(session, [r.code for r in rows], reveal, why)
    render_rows([dataclasses.asdict(r) for r in rows], ROW_FIELDS, view(ctx, output, reveal))
    if len(rows) < total:
        note(
            _(
                "showing {shown} of {total} households; use --limit 0 to see all",
                shown=len(rows),
                total=total,
            )
        )
    elif not rows:
        note(_("no households match"))


UNREACHED_FIELDS = (
    HOUSEHOLD_CODE,
    HEAD_NAME,
    UNION,
    Column("address", "Address"),
    Column("attempts", "Attempts", "int"),
    Column("last_attempt_on", "Last attempt", "date"),
    Column("last_outcome", "Outcome", "enum", ContactOutcome),
)


def _list_unreached(ctx: typer.Context, org: str | None, output: OutputFormat) -> None:
    from kunnan.services.household.contact import unreached
    from kunnan.ui.output import render_rows

    with ledger(ctx, write=False) as session:
        rows = unreached(session, org=org)
    render_rows([dataclasses.asdict(r) for r in rows], UNREACHED_FIELDS, view(ctx, output))
    if not rows:
        note(_("every candidate has been reached"))


@app.command("contact")
def contact(
    ctx: typer.Context,
    household: HouseholdArg,
    by: Annotated[str, typer.Option("--by", help=f"How: {ContactMethod.choices()}.")],
    outcome: Annotated[str, typer.Option("--outcome", help=f"Result: {ContactOutcome.choices()}.")],
    caseworker: Annotated[
        str | None,
        typer.Option("--caseworker", help="Who made the attempt (default: the operator)."),
    ] = None,
    on: OnOption = None,
    note_: Annotated[str | None, typer.Option("--note", help="What happened.")] = None,
) -> None:
    """Log an attempt to reach a household: a phone call, a visit, or knocking on doors.

    Example:

    \b
        kunnan household contact H000006 --by door --outcome no-answer --note "邻居说已搬走"
        kunnan household contact H000006 --by visit --outcome reached --caseworker 李发明
    """
    from kunnan.commands.options import state
    from kunnan.domain.text import NAME_MAX, NOTE_MAX, TextError, clean_text
    from kunnan.services.household.contact import log_contact
    from kunnan.store.households import resolve_household

    method = parse_choice(ContactMethod, by, "--by")
    result = parse_choice(ContactOutcome, outcome, "--outcome")
    assert method is not None and result is not None
    day = parse_on(on)
    try:
        who = clean_text(
            caseworker or state(ctx).operator, field="--caseworker", max_length=NAME_MAX
        )
        text = clean_text(note_ or "", field="--note", max_length=NOTE_MAX, allow_newlines=True)
    except TextError as error:
        raise InvalidInput(str(error)) from None
    with ledger(ctx, write=True) as session:
        target = resolve_household(session, household)
        log_contact(
            session, target, method=method, outcome=result, on=day, caseworker=who, note=text
        )
        code = household_code(target.id)
    lang = current()
    note(
        _(
            "{code}: {method} on {day}: {outcome}",
            code=code,
            method=method.label(lang),
            day=day.isoformat(),
            outcome=result.label(lang),
        )
    )


@app.command("find")
def find(
    ctx: typer.Context,
    text: Annotated[
        str,
        typer.Argument(
            help="Part of a name or address; or a whole ID number, phone or archive number."
        ),
    ],
    limit: LimitOpt = None,
    output: FormatOption = OutputFormat.TABLE,
    reveal: RevealOption = False,
    why: WhyOption = None,
) -> None:
    """Find households by part of a member's name or of the address, or by a whole ID number
    (18 characters or the 15-digit original), phone number (mobile or landline) or archive
    number. Part of a number finds nothing: the digits a mask hides are never searchable.

    Example:

    \b
        kunnan household find 张建国
        kunnan household find 620402197803150013
    """
    why = reveal_reason(reveal, why)
    from kunnan.services.household.register import find_households
    from kunnan.ui.output import render_rows

    with ledger(ctx, write=reveal) as session:
        rows = find_households(session, text=text, limit=_list_limit(limit, output))
        _reveal(session, [r.code for r in rows], reveal, why)
    render_rows([dataclasses.asdict(r) for r in rows], ROW_FIELDS, view(ctx, output, reveal))
    if not rows:
        from kunnan.domain.masking import mask_numbers

        note(_("no household matches '{text}'", text=mask_numbers(text, today=today())))


@app.command("edit")
def edit(
    ctx: typer.Context,
    household: HouseholdArg,
    org: Annotated[str | None, typer.Option("--org", help="Move to another union.")] = None,
    area: AreaOpt = None,
    address: AddressOpt = None,
    housing: HousingOpt = None,
    housing_area: HousingAreaOpt = None,
    cause: CauseOpt = None,
    secondary: SecondaryOpt = None,
) -> None:
    """Change a household's union, address, housing or causes (people: household member edit).

    Example:

    \b
        kunnan household edit H000001 --address 白银区人民路12号 --secondary education
    """
    from kunnan.schemas.household import HouseholdUpdate
    from kunnan.services.household.register import edit_household
    from kunnan.store.households import resolve_household

    given = {
        "org": org,
        "area_code": area,
        "address": address,
        "housing_type": housing,
        "housing_area_m2": housing_area,
        "main_cause": cause,
        "secondary_causes": secondary or None,
    }
    check_something_given(given)
    data = validated(HouseholdUpdate, given)
    with ledger(ctx, write=True) as session:
        target = resolve_household(session, household)
        changes = edit_household(session, target, data=data)
        code = household_code(target.id)
    _report_changes(code, changes)


def _report_changes(subject: str, changes: dict[str, Any]) -> None:
    if not changes:
        note(_("{subject}: nothing changed", subject=subject))
        return
    note(_("{subject}: changed {fields}", subject=subject, fields=", ".join(sorted(changes))))


@member_app.command("add")
def member_add(
    ctx: typer.Context,
    household: HouseholdArg,
    name: NameOpt,
    id_number: IdOpt,
    relation: RelationOpt = None,
    phone: PhoneOpt = None,
    employer: EmployerOpt = None,
    identity: IdentityOpt = None,
    health: HealthOpt = None,
    schooling: SchoolingOpt = None,
    income: IncomeOpt = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--on",
            help="The day the member joined (a birth, a marriage); without it, a member the "
            "register missed, there since the household was registered.",
        ),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason", help=f"Why the member joined (with --on): {JoinReason.choices()}."
        ),
    ] = None,
) -> None:
    """Add a member to a household: one the register missed, or one who joined on a day.

    Example:

    \b
        kunnan household member add H000001 --name 张小梅 --id-number 620402200309010028 --relation child --schooling undergraduate
        kunnan household member add H000002 --name 王小雨 --id-number 620402201811200024 --relation grandchild --on 2018-11-20 --reason birth
    """
    from kunnan.schemas.household import MemberCreate
    from kunnan.services.household.register import add_member
    from kunnan.store.households import resolve_household

    joined = None
    if on is not None or reason is not None:
        why = parse_choice(JoinReason, reason, "--reason") or JoinReason.OTHER
        joined = (parse_on(on), why)

    data = validated(
        MemberCreate,
        {
            "name": name,
            "id_number": id_number,
            "relation": relation,
            "phone": phone,
            "employer": employer,
            "identity": identity,
            "health": health,
            "schooling": schooling,
            "monthly_income_fen": income,
        },
    )
    with ledger(ctx, write=True) as session:
        target = resolve_household(session, household)
        add_member(session, target, data=data, joined=joined)
        code = household_code(target.id)
    note(_("{code}: added member {name}", code=code, name=data.name))


@member_app.command("edit")
def member_edit(
    ctx: typer.Context,
    household: HouseholdArg,
    member: MemberArg,
    name: Annotated[str | None, typer.Option("--name", help="Corrected name.")] = None,
    id_number: Annotated[
        str | None, typer.Option("--id-number", help="Corrected ID number.")
    ] = None,
    relation: RelationOpt = None,
    phone: PhoneOpt = None,
    employer: EmployerOpt = None,
    identity: IdentityOpt = None,
    health: HealthOpt = None,
    schooling: SchoolingOpt = None,
    income: IncomeOpt = None,
    admitted: Annotated[
        str | None,
        typer.Option(
            "--admitted",
            help=f"Newly admitted to study (金秋助学): {AdmissionLevel.choices()}; none clears it.",
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year", parser=whole_number(), help="The year of admission (with --admitted)."
        ),
    ] = None,
) -> None:
    """Change a member's details (the head worker too: use 'head' as MEMBER).

    Example:

    \b
        kunnan household member edit H000001 head --phone 13893001234 --income 3000
        kunnan household member edit H000001 蔡晓东 --admitted undergraduate --year 2018
    """
    from kunnan.schemas.household import MemberUpdate
    from kunnan.services.household.register import edit_member
    from kunnan.store.households import find_member, resolve_household

    given = {
        "name": name,
        "id_number": id_number,
        "relation": relation,
        "phone": phone,
        "employer": employer,
        "identity": identity,
        "health": health,
        "schooling": schooling,
        "monthly_income_fen": income,
        "admitted": admitted,
        "admitted_year": year,
    }
    check_something_given(given)
    data = validated(MemberUpdate, given)
    with ledger(ctx, write=True) as session:
        target = resolve_household(session, household)
        person = find_member(target, member)
        changes = edit_member(session, target, person, data=data)
        subject = f"{household_code(target.id)} {person.name}"
    _report_changes(subject, changes)


@member_app.command("remove")
def member_remove(ctx: typer.Context, household: HouseholdArg, member: MemberArg) -> None:
    """Remove a member who no longer belongs to the household (never the head worker).

    Example:

    \b
        kunnan household member remove H000001 蔡晓东
    """
    from kunnan.services.household.register import remove_member
    from kunnan.store.households import find_member, resolve_household

    with ledger(ctx, write=True) as session:
        target = resolve_household(session, household)
        person = find_member(target, member)
        name = person.name
        remove_member(session, target, person)
        code = household_code(target.id)
    note(_("{code}: removed member {name}", code=code, name=name))


@member_app.command("leave")
def member_leave(
    ctx: typer.Context,
    household: HouseholdArg,
    member: MemberArg,
    reason: Annotated[
        str, typer.Option("--reason", help=f"Why the member left: {LeaveReason.choices()}.")
    ],
    on: Annotated[
        str | None, typer.Option("--on", help="The day they left, YYYY-MM-DD (default: today).")
    ] = None,
    note_: Annotated[str | None, typer.Option("--note", help="A note kept with it.")] = None,
) -> None:
    """A member leaves the household on a day: kept in its history, no longer counted.

    From that day the member is not counted among its people, in its income calculations, nor
    for aid; what they received stays on the ledger.

    Example:

    \b
        kunnan household member leave H000002 魏晓东 --reason working_elsewhere --on 2018-10-01
    """
    from kunnan.services.household.register import leave_member
    from kunnan.store.households import find_member, resolve_household

    why = parse_choice(LeaveReason, reason, "--reason")
    assert why is not None
    day = parse_on(on)
    text = text_option(note_, "--note") or ""
    with ledger(ctx, write=True) as session:
        target = resolve_household(session, household)
        person = find_member(target, member)
        leave_member(session, target, person, on=day, reason=why, note=text)
        code, name = household_code(target.id), person.name
    note(
        _(
            "{code}: {name} left on {on} ({reason}); kept in the household's history",
            code=code,
            name=name,
            on=day.isoformat(),
            reason=shown(why),
        )
    )


@app.command("head")
def head(
    ctx: typer.Context,
    household: HouseholdArg,
    to: Annotated[str, typer.Option("--to", help="The member who becomes the head worker.")],
    reason: Annotated[
        str, typer.Option("--reason", help=f"Why the head changes: {HeadChangeReason.choices()}.")
    ],
    former_relation: Annotated[
        str | None,
        typer.Option(
            "--former-relation",
            help="The former head's relation to the new head, when they stay in the household.",
        ),
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="The day of the change, YYYY-MM-DD (default: today).")
    ] = None,
    note_: Annotated[str | None, typer.Option("--note", help="A note kept with it.")] = None,
) -> None:
    """户主变更: another member becomes the head worker; the household keeps its archive.

    After a death, a move or a divorce the former head leaves the household that day; for
    another reason they stay, with --former-relation.

    Example:

    \b
        kunnan household head H000002 --to 魏晓东 --reason incapacity --former-relation parent --on 2018-11-01
    """
    from kunnan.services.household.register import change_head
    from kunnan.store.households import find_member, resolve_household

    why = parse_choice(HeadChangeReason, reason, "--reason")
    assert why is not None
    relation = parse_choice(Relation, former_relation, "--former-relation")
    day = parse_on(on)
    text = text_option(note_, "--note") or ""
    with ledger(ctx, write=True) as session:
        target = resolve_household(session, household)
        successor = find_member(target, to)
        former = change_head(
            session, target, successor, on=day, reason=why, former_relation=relation, note=text
        )
        code, new, old = household_code(target.id), successor.name, former.name
        left = former.left_on is not None
    if left:
        message = _(
            "{code}: {new} is the head worker from {on}; {old} left the household",
            code=code, new=new, on=day.isoformat(), old=old,
        )  # fmt: skip
    else:
        message = _(
            "{code}: {new} is the head worker from {on}; {old} stays in the household",
            code=code, new=new, on=day.isoformat(), old=old,
        )  # fmt: skip
    note(message)


DUPLICATE_FIELDS = (
    Column("first", "Household", context="household"),
    Column("first_head", "Head", min_width=6),
    Column("first_org", "Union", min_width=8, context="org", drop=2),
    Column("second", "Other household", context="household"),
    Column("second_head", "Its head", min_width=6),
    Column("second_org", "Its union", min_width=8, drop=1),
    Column("name", "Same person", min_width=6),
    Column("birth_date", "Born", "birth_date"),
    Column("same_address", "Same address"),
)


@app.command("duplicates")
def duplicates(
    ctx: typer.Context,
    org: Annotated[
        str | None, typer.Option("--org", help="Only households of this union and those under it.")
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """List pairs of households that may be one registered twice (一户一档), for a person to
    judge: the same person (name and birth date) in both, those at the same address first.
    Birth dates are masked. Merge a true duplicate with 'household merge'.

    Example:

    \b
        kunnan household duplicates --org baiyin-qu
        kunnan household duplicates --format csv
    """
    from kunnan.services.void import duplicates as find
    from kunnan.ui.output import render_rows

    with ledger(ctx, write=False) as session:
        pairs = find(session, org=org)
    rows = [
        {**dataclasses.asdict(p), "same_address": _("yes") if p.same_address else _("no")}
        for p in pairs
    ]
    render_rows(rows, DUPLICATE_FIELDS, view(ctx, output))
    if not pairs:
        note(_("no households look registered twice"))


@app.command("merge")
def merge(
    ctx: typer.Context,
    duplicate: Annotated[
        str, typer.Argument(help="The duplicate registration (code, archive number or head's ID).")
    ],
    into: Annotated[str, typer.Option("--into", help="The household that stays.")],
    reason: Annotated[
        str, typer.Option("--reason", help="Why the two are one household (kept with it).")
    ],
    on: OnOption = None,
) -> None:
    """Merge a household registered twice into the one that stays (一户一档).

    The duplicate is never deleted: it stays in the ledger voided, marked merged into the
    other, and leaves every list and report, on every day. What was done for it (contacts,
    visits, aid, services) stays its own record and shows in the timeline of the household
    that stays, marked with the duplicate's code; money in the aid ledger is not rewritten.
    Later commands on the duplicate are refused, naming the household to use.

    Example:

    \b
        kunnan household merge H000002 --into H000001 --reason "同一户重复登记"
    """
    from kunnan.services.void import merge as merge_households

    why = text_option(reason, "--reason", required=True)
    assert why is not None
    day = parse_on(on)
    with ledger(ctx, write=True) as session:
        outcome = merge_households(session, duplicate, into, reason=why, on=day)
    note(outcome.message)

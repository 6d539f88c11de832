"""kunnan training: skills classes and the 培训-鉴定-就业 one-stop — enrol, complete, certify,
employ — and the funnel per class, trade and year."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from kunnan.commands.options import (
    FormatOption,
    HouseholdArg,
    OnOption,
    ledger,
    parse_choice,
    parse_on,
    validated,
    view,
    whole_number,
)
from kunnan.domain.codes import class_code, placement_code
from kunnan.domain.enums import HouseholdStatus, PlacementChannel, Trade, TrainingStage
from kunnan.i18n import _, current, translate
from kunnan.ui.columns import HEAD_NAME, HOUSEHOLD, Column
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

app = typer.Typer(
    help="Skills training to employment (培训-鉴定-就业): classes, trainees, stages, the funnel.",
    no_args_is_help=True,
)
class_app = typer.Typer(help="Training classes.", no_args_is_help=True)
app.add_typer(class_app, name="class")

ClassArg = Annotated[str, typer.Argument(help="The class: its code (C001) or its exact name.")]
MemberOpt = Annotated[
    str | None,
    typer.Option("--member", help="The trainee (name, ID number or 'head'; default: the head)."),
]

COUNT_FIELDS = (
    Column("classes", "Classes", "int", context="classes"),
    Column("enrolled", "Enrolled", "int"),
    Column("completed", "Completed", "int"),
    Column("certified", "Certified", "int"),
    Column("employed", "Employed", "int"),
)
CLASS_FIELDS = (
    Column("code", "Class"),
    Column("name", "Name", min_width=8, context="name"),
    Column("trade", "Trade", "enum", Trade, drop=1),
    Column("year", "Year", "int", drop=2),
    Column("org", "Union", in_table=False, context="org"),
    Column("starts_on", "Starts", "date", drop=4),
    Column("ends_on", "Ends", "date", drop=4),
    Column("capacity", "Places", "int", drop=3),
    *COUNT_FIELDS[1:],
)
BY_FIELDS = {
    "trade": (Column("trade", "Trade", "enum", Trade), *COUNT_FIELDS),
    "year": (Column("year", "Year", "int"), *COUNT_FIELDS),
}
TRAINEE_FIELDS = (
    HOUSEHOLD,
    HEAD_NAME,
    Column("member", "Trainee", min_width=6),
    Column("household_status", "Household status", "enum", HouseholdStatus),
    Column("stage", "Stage", "enum", TrainingStage, context="stage"),
    Column("enrolled_on", "Enrolled", "date", context="enrolled_on"),
    Column("completed_on", "Completed", "date", context="completed_on"),
    Column("certified_on", "Certified", "date", context="certified_on"),
    Column("certificate_no", "Certificate"),
    Column("employed_on", "Employed", "date", context="employed_on"),
    Column("employer", "Employer", context="employer"),
    Column("monthly_wage_fen", "Monthly wage", "money"),
)


@class_app.command("add")
def add_class(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="The class's name, e.g. 2018年第一期电焊班.")],
    trade: Annotated[str, typer.Option("--trade", help=f"The trade taught: {Trade.choices()}.")],
    start: Annotated[str, typer.Option("--start", help="First day, YYYY-MM-DD (may be ahead).")],
    end: Annotated[str, typer.Option("--end", help="Last day, YYYY-MM-DD.")],
    capacity: Annotated[
        int | None,
        typer.Option(
            "--capacity",
            parser=whole_number(),
            help="How many trainees it takes (default: no limit).",
        ),
    ] = None,
    org: Annotated[str | None, typer.Option("--org", help="The union that runs it.")] = None,
) -> None:
    """Add a skills class (技能培训班) in a trade, with its dates and places. Prints its code (C001).

    Example:

    \b
        kunnan training class add --name 2018年第一期电焊班 --trade welding --start 2018-03-01 --end 2018-04-30 --capacity 30 --org baiyin
    """
    from kunnan.schemas.service_aid import TrainingClassCreate
    from kunnan.services.training import add_class as add

    data = validated(
        TrainingClassCreate,
        {
            "name": name,
            "trade": trade,
            "starts_on": start,
            "ends_on": end,
            "capacity": capacity,
            "org": org,
        },
    )
    with ledger(ctx, write=True) as session:
        code = class_code(add(session, data=data).id)
    typer.echo(code)
    values = {
        "code": code,
        "name": data.name,
        "trade": data.trade.label(current()),
        "start": data.starts_on.isoformat(),
        "end": data.ends_on.isoformat(),
    }
    if data.capacity:
        note(
            _(
                "class {code}: {name} ({trade}), {start} to {end}, {places} places",
                places=data.capacity,
                **values,
            )
        )
    else:
        note(_("class {code}: {name} ({trade}), {start} to {end}, no limit on places", **values))


@app.command("enroll")
def enroll(
    ctx: typer.Context,
    training_class: ClassArg,
    household: HouseholdArg,
    member: MemberOpt = None,
    not_archived: Annotated[
        bool,
        typer.Option(
            "--not-archived",
            help="Enrol a trainee from a registered household that is not archived (classes are open).",
        ),
    ] = False,
    on: OnOption = None,
) -> None:
    """Enrol a household member in a class (报名), while it has places.

    Example:

    \b
        kunnan training enroll C038 H000001 --member 蔡晓东 --on 2018-09-08
        kunnan training enroll C038 H005089 --not-archived --on 2018-10-08
    """
    from kunnan.schemas.service_aid import EnrolmentCreate
    from kunnan.services.training import enrol

    data = validated(
        EnrolmentCreate,
        {
            "training_class": training_class,
            "household": household,
            "member": member,
            "not_archived": not_archived,
            "on_date": parse_on(on),
        },
    )
    with ledger(ctx, write=True) as session:
        enrolment = enrol(session, data=data)
        status = enrolment.household_status
    note(
        _(
            "enrolled in {training_class} on {day} (household {status})",
            training_class=data.training_class,
            day=data.on_date.isoformat(),
            status=HouseholdStatus(status).label(current()),
        )
    )


@app.command("complete")
def complete(
    ctx: typer.Context,
    training_class: ClassArg,
    household: HouseholdArg,
    member: MemberOpt = None,
    on: OnOption = None,
) -> None:
    """Record that a trainee completed the class (结业).

    Example:

    \b
        kunnan training complete C038 H000664 --member 毛玉珍 --on 2018-10-17
    """
    from kunnan.schemas.service_aid import StageCreate
    from kunnan.services.training import complete as record_completion

    data = validated(
        StageCreate,
        {
            "training_class": training_class,
            "household": household,
            "member": member,
            "on_date": parse_on(on),
        },
    )
    with ledger(ctx, write=True) as session:
        record_completion(session, data=data)
    note(
        _(
            "completed {training_class} on {day}",
            training_class=data.training_class,
            day=data.on_date.isoformat(),
        )
    )


@app.command("certify")
def certify(
    ctx: typer.Context,
    training_class: ClassArg,
    household: HouseholdArg,
    certificate: Annotated[
        str, typer.Option("--certificate", help="The skills certificate's number (鉴定).")
    ],
    member: MemberOpt = None,
    on: OnOption = None,
) -> None:
    """Record that a trainee who completed the class passed the skills appraisal (鉴定取证).

    Example:

    \b
        kunnan training certify C038 H000073 --member 彭振华 --certificate 6204001801234 --on 2018-11-05
    """
    from kunnan.schemas.service_aid import StageCreate
    from kunnan.services.training import certify as record_certificate

    data = validated(
        StageCreate,
        {
            "training_class": training_class,
            "household": household,
            "member": member,
            "certificate_no": certificate,
            "on_date": parse_on(on),
        },
    )
    with ledger(ctx, write=True) as session:
        record_certificate(session, data=data)
    note(
        _(
            "certified ({certificate}) on {day}",
            certificate=data.certificate_no,
            day=data.on_date.isoformat(),
        )
    )


@app.command("employ")
def employ(
    ctx: typer.Context,
    training_class: ClassArg,
    household: HouseholdArg,
    employer: Annotated[str, typer.Option("--employer", help="The employer who took them on.")],
    monthly_wage: Annotated[
        str, typer.Option("--monthly-wage", help="The monthly wage in yuan (their new income).")
    ],
    job: Annotated[
        str | None, typer.Option("--job", help="The job (default: the class's trade).")
    ] = None,
    via: Annotated[
        str | None,
        typer.Option(
            "--via", help=f"How the job was found (default direct): {PlacementChannel.choices()}."
        ),
    ] = None,
    member: MemberOpt = None,
    on: OnOption = None,
) -> None:
    """Record that a certified trainee took a job (就业); it is also a job placement.

    The member's employer, identity and income change, as with aid place. Prints the
    placement's code.

    Example:

    \b
        kunnan training employ C038 H002616 --member 丁巧云 --employer 白银有色集团 --monthly-wage 3200 --on 2018-12-01
    """
    from kunnan.domain.money import format_fen
    from kunnan.schemas.service_aid import EmployCreate
    from kunnan.services.training import employ as record_employment

    data = validated(
        EmployCreate,
        {
            "training_class": training_class,
            "household": household,
            "member": member,
            "employer": employer,
            "job": job,
            "monthly_wage_fen": monthly_wage,
            "channel": via,
            "on_date": parse_on(on),
        },
    )
    with ledger(ctx, write=True) as session:
        placement = record_employment(session, data=data)[1]
        code, before = placement_code(placement.id), placement.previous_income_fen
    typer.echo(code)
    note(
        _(
            "{code}: employed at {employer} on {day}; monthly income {before} → {after} yuan",
            code=code,
            employer=data.employer,
            day=data.on_date.isoformat(),
            before=format_fen(before),
            after=format_fen(data.monthly_wage_fen),
        )
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    training_class: Annotated[
        str | None, typer.Option("--class", help="One class: list its trainees and their stages.")
    ] = None,
    trade: Annotated[str | None, typer.Option("--trade", help="Only this trade.")] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", parser=whole_number(), help="Only classes starting this year."),
    ] = None,
    by: Annotated[
        str, typer.Option("--by", help="One row per class (default), trade or year.")
    ] = "class",
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """The funnel — enrolled, completed, certified, employed — per class, trade or year;
    with --class, that class's trainees and how far each got.

    A class counts toward the year it starts, with everything its trainees go on to reach.

    Example:

    \b
        kunnan training list --year 2018
        kunnan --lang zh training list --by trade
        kunnan training list --class C001 --format csv
    """
    from kunnan.services.training import (
        TrainingFilter,
        funnel,
        resolve_class,
        trainees,
    )
    from kunnan.ui.output import render_rows

    chosen = parse_choice(Trade, trade, "--trade")
    grouping = by.strip().lower()
    shown = view(ctx, output)
    with ledger(ctx, write=False) as session:
        if training_class is not None:
            found = resolve_class(session, training_class)
            title = f"{training_class.strip()}  {found.name}"
            listed = [dataclasses.asdict(t) for t in trainees(session, found)]
        else:
            where = TrainingFilter(trade=chosen, year=year)
            found_rows, overall = funnel(session, by=grouping, where=where)
    if training_class is not None:
        render_rows(listed, TRAINEE_FIELDS, shown, title=title)
        if not listed:
            note(_("nobody is enrolled in this class yet"))
        return
    fields = BY_FIELDS.get(grouping, CLASS_FIELDS)
    first = fields[0].key
    total = {**dataclasses.asdict(overall), first: translate("Total", shown.lang)}
    for key in ("code", "name", "trade", "year"):
        if key != first:
            total.pop(key, None)
    render_rows([dataclasses.asdict(r) for r in found_rows], fields, shown, total=total)
    if not found_rows:
        note(_("no training classes match"))

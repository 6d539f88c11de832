"""kunnan identify: the seven steps of precise identification (一进二看三算四议五评六公示七确认)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kunnan.commands.options import (
    AccidentOpt,
    FormatOption,
    HouseholdArg,
    MedicalOpt,
    OnOption,
    OtherIncomeOpt,
    SchoolingOpt,
    cost_facts,
    ledger,
    parse_choice,
    parse_on,
    state,
    text_option,
    today,
    view,
    whole_number,
    yuan_or_zero,
)
from kunnan.domain.codes import household_code, objection_code
from kunnan.domain.enums import (
    ArchiveLevel,
    Category,
    Cause,
    Decision,
    HouseholdStatus,
    HousingType,
    ObjectionStatus,
    PipelineStage,
    Step,
)
from kunnan.domain.errors import InvalidInput
from kunnan.domain.text import NAME_MAX, NOTE_MAX, SHORT_TEXT_MAX
from kunnan.i18n import _, p_, translate
from kunnan.ui.columns import Column, machine_value
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kunnan.services.identify import StepOutcome

app = typer.Typer(
    help="Identify households in seven steps: visit, inspect, calculate, deliberate, "
    "appraise, publicize, confirm.",
    no_args_is_help=True,
)

NoteOpt = Annotated[str | None, typer.Option("--note", help="A note kept with the step.")]
VisitorOpt = Annotated[
    list[str] | None,
    typer.Option("--visitor", help="A person on the home visit (repeat; at least two)."),
]
HousingOpt = Annotated[
    str | None, typer.Option("--housing", help=f"Housing type found: {HousingType.choices()}.")
]
AreaOpt = Annotated[
    str | None, typer.Option("--area", help="Floor area in square metres, e.g. 38.5.")
]
CarOpt = Annotated[
    str | None, typer.Option("--car-value", help="Value of the household's car in yuan (0: none).")
]
SecondHomeOpt = Annotated[
    bool | None, typer.Option("--second-home/--no-second-home", help="Owns a second home.")
]
BusinessOpt = Annotated[
    bool | None,
    typer.Option("--business/--no-business", help="Runs a business or employs others."),
]
OverrideOpt = Annotated[
    str | None,
    typer.Option(
        "--override", help="Go past an exclusion or the calculated category; the reason is audited."
    ),
]
DecisionOpt = Annotated[
    str | None, typer.Option("--decision", help=f"The committee's decision: {Decision.choices()}.")
]
AttendeesOpt = Annotated[
    int | None,
    typer.Option(
        "--attendees",
        parser=whole_number(least=0, most=100_000),
        help="How many committee members attended.",
    ),
]
MinutesOpt = Annotated[str | None, typer.Option("--minutes", help="The minutes of the meeting.")]
ForOpt = Annotated[
    int | None,
    typer.Option("--for", parser=whole_number(least=0, most=1_000_000), help="Votes for."),
]
AgainstOpt = Annotated[
    int | None,
    typer.Option("--against", parser=whole_number(least=0, most=1_000_000), help="Votes against."),
]
FromOpt = Annotated[
    str | None, typer.Option("--from", help="First day of the public notice (default: today).")
]
DaysOpt = Annotated[
    int | None,
    typer.Option(
        "--days",
        parser=whole_number(least=1, most=366),
        help="Length of the notice in days (default: policy, 7).",
    ),
]
PlaceOpt = Annotated[str | None, typer.Option("--place", help="Where the notice is posted.")]
ByOrgOpt = Annotated[
    str | None, typer.Option("--by", help="The higher-level union that confirms (code or name).")
]
CategoryOpt = Annotated[
    str | None,
    typer.Option("--category", help=f"Category (default: as calculated): {Category.choices()}."),
]
CauseOpt = Annotated[
    str | None, typer.Option("--cause", help=f"Main cause of hardship: {Cause.choices()}.")
]
SecondaryOpt = Annotated[
    list[str] | None, typer.Option("--secondary", help="A secondary cause (repeat, at most 3).")
]
LevelOpt = Annotated[
    str | None,
    typer.Option("--level", help=f"Archive standard (default national): {ArchiveLevel.choices()}."),
]

#: The options each step takes, for ``identify advance``.
STEP_OPTIONS: dict[Step, frozenset[str]] = {
    Step.VISIT: frozenset({"visitor"}),
    Step.INSPECT: frozenset(
        {"housing", "area", "car_value", "second_home", "business", "override"}
    ),
    Step.CALCULATE: frozenset(
        {"other_income", "medical_costs", "schooling_costs", "accident_costs"}
    ),
    Step.DELIBERATE: frozenset({"decision", "attendees", "minutes"}),
    Step.APPRAISE: frozenset({"votes_for", "votes_against"}),
    Step.PUBLICIZE: frozenset({"from_", "days", "place"}),
    Step.CONFIRM: frozenset({"by", "category", "cause", "secondary", "level", "override"}),
}
OPTION_NAMES = {"votes_for": "--for", "votes_against": "--against", "from_": "--from"}


def _required(value: Any, option: str, step: Step) -> Any:
    if value is None:
        raise InvalidInput(
            _(
                "{option} is required for {step} ({step_zh})",
                option=option,
                step=step.value,
                step_zh=step.zh,
            )
        )
    return value


def _report(outcome: StepOutcome) -> None:
    for line in outcome.lines:
        typer.echo(line)
    note(outcome.message)


def _run(ctx: typer.Context, household: str, action: Any) -> None:
    """Resolve the household and run one step in the command's transaction."""
    from kunnan.store.households import resolve_household

    with ledger(ctx, write=True) as session:
        outcome = action(session, resolve_household(session, household))
    _report(outcome)


def _visit(
    session: Session, target: Any, *, on: Any, note_text: str, **options: Any
) -> StepOutcome:
    from kunnan.services.identify import record_visit

    visitors = options.get("visitor") or []
    return record_visit(session, target, on=on, visitors=visitors, note=note_text)


def _inspect(
    session: Session, target: Any, *, on: Any, note_text: str, **options: Any
) -> StepOutcome:
    from kunnan.services.identify import InspectFacts, record_inspect

    housing = parse_choice(HousingType, options.get("housing"), "--housing")
    area = _area(options.get("area"))
    facts = InspectFacts(
        housing_type=housing.value if housing else None,
        housing_area_m2=area,
        car_value_fen=yuan_or_zero(options.get("car_value"), "--car-value"),
        second_home=bool(options.get("second_home")),
        business=bool(options.get("business")),
    )
    return record_inspect(
        session, target, on=on, facts=facts, override=options.get("override"), note=note_text
    )


def _area(value: str | None) -> Any:
    if value is None:
        return None
    from kunnan.domain.register import parse_area_m2

    try:
        return parse_area_m2(value)
    except ValueError as error:
        raise InvalidInput(f"--area: {error}") from None


def _calculate(
    session: Session, target: Any, *, on: Any, note_text: str, **options: Any
) -> StepOutcome:
    from kunnan.services.identify import record_calculate

    costs = cost_facts(
        options.get("other_income"),
        options.get("medical_costs"),
        options.get("schooling_costs"),
        options.get("accident_costs"),
    )
    return record_calculate(session, target, on=on, costs=costs, note=note_text)


def _deliberate(
    session: Session, target: Any, *, on: Any, note_text: str, **options: Any
) -> StepOutcome:
    from kunnan.services.identify import record_deliberate

    decision = parse_choice(
        Decision, _required(options.get("decision"), "--decision", Step.DELIBERATE), "--decision"
    )
    assert decision is not None
    return record_deliberate(
        session,
        target,
        on=on,
        decision=decision,
        attendees=_required(options.get("attendees"), "--attendees", Step.DELIBERATE),
        minutes=_required(options.get("minutes"), "--minutes", Step.DELIBERATE),
        note=note_text,
    )


def _appraise(
    session: Session, target: Any, *, on: Any, note_text: str, **options: Any
) -> StepOutcome:
    from kunnan.services.identify import record_appraise

    return record_appraise(
        session,
        target,
        on=on,
        votes_for=_required(options.get("votes_for"), "--for", Step.APPRAISE),
        votes_against=_required(options.get("votes_against"), "--against", Step.APPRAISE),
        note=note_text,
    )


def _publicize(
    session: Session, target: Any, *, on: Any, note_text: str, **options: Any
) -> StepOutcome:
    from kunnan.services.identify import record_publicize

    start = parse_on(options.get("from_"), option="--from") if options.get("from_") else on
    days = options.get("days")
    if days is not None and days < 1:
        raise InvalidInput(_("--days: a notice runs at least one day"))
    return record_publicize(
        session, target, start=start, days=days, place=options.get("place") or "", note=note_text
    )


def _confirm(
    session: Session, target: Any, *, on: Any, note_text: str, **options: Any
) -> StepOutcome:
    from kunnan.services.identify import ConfirmFacts, record_confirm

    secondary = options.get("secondary")
    causes = tuple(parse_choice(Cause, c, "--secondary") for c in secondary) if secondary else None
    if causes is not None and (len(causes) > 3 or len(set(causes)) != len(causes)):
        raise InvalidInput(_("--secondary: at most three different secondary causes"))
    facts = ConfirmFacts(
        by_org=_required(options.get("by"), "--by", Step.CONFIRM),
        category=parse_choice(Category, options.get("category"), "--category"),
        main_cause=parse_choice(Cause, options.get("cause"), "--cause"),
        secondary_causes=causes,  # type: ignore[arg-type]
        level=parse_choice(ArchiveLevel, options.get("level"), "--level") or ArchiveLevel.NATIONAL,
        override=options.get("override"),
    )
    return record_confirm(session, target, on=on, facts=facts, note=note_text)


STEP_ACTIONS = {
    Step.VISIT: _visit,
    Step.INSPECT: _inspect,
    Step.CALCULATE: _calculate,
    Step.DELIBERATE: _deliberate,
    Step.APPRAISE: _appraise,
    Step.PUBLICIZE: _publicize,
    Step.CONFIRM: _confirm,
}


#: The options of the steps that hold free text, and the longest each may be.
TEXT_OPTIONS = {"minutes": NOTE_MAX, "place": SHORT_TEXT_MAX, "override": NOTE_MAX}


def _cleaned(note_text: str | None, options: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The note and the options' free text through the one rule for text (``clean_text``)."""
    cleaned = dict(options)
    for name, longest in TEXT_OPTIONS.items():
        if cleaned.get(name) is not None:
            cleaned[name] = text_option(cleaned[name], "--" + name, max_length=longest)
    if cleaned.get("visitor"):
        cleaned["visitor"] = [
            text_option(visitor, "--visitor", max_length=NAME_MAX) for visitor in cleaned["visitor"]
        ]
    return text_option(note_text, "--note") or "", cleaned


def _step(
    ctx: typer.Context,
    household: str,
    step: Step,
    on: str | None,
    note_text: str | None,
    **options: Any,
) -> None:
    day = parse_on(on)
    note_clean, cleaned = _cleaned(note_text, options)
    _run(
        ctx,
        household,
        lambda session, target: STEP_ACTIONS[step](
            session, target, on=day, note_text=note_clean, **cleaned
        ),
    )


@app.command("visit")
def visit(
    ctx: typer.Context,
    household: HouseholdArg,
    visitor: VisitorOpt = None,
    on: OnOption = None,
    note_: NoteOpt = None,
) -> None:
    """一进: record the home visit, made by at least two visitors.

    A visit that found nobody at home is a contact attempt instead
    (kunnan household contact).

    Example:

    \b
        kunnan identify visit H005088 --visitor 李发明 --visitor 张清满 --on 2018-12-10
    """
    _step(ctx, household, Step.VISIT, on, note_, visitor=visitor)


@app.command("inspect")
def inspect(
    ctx: typer.Context,
    household: HouseholdArg,
    housing: HousingOpt = None,
    area: AreaOpt = None,
    car_value: CarOpt = None,
    second_home: SecondHomeOpt = None,
    business: BusinessOpt = None,
    override: OverrideOpt = None,
    on: OnOption = None,
    note_: NoteOpt = None,
) -> None:
    """二看: record housing and assets; a second home, a business or a costly car rejects the case.

    Example:

    \b
        kunnan identify inspect H005045 --housing owned --area 44 --car-value 0 --no-second-home --no-business
    """
    _step(
        ctx,
        household,
        Step.INSPECT,
        on,
        note_,
        housing=housing,
        area=area,
        car_value=car_value,
        second_home=second_home,
        business=business,
        override=override,
    )


@app.command("calculate")
def calculate(
    ctx: typer.Context,
    household: HouseholdArg,
    other_income: OtherIncomeOpt = None,
    medical_costs: MedicalOpt = None,
    schooling_costs: SchoolingOpt = None,
    accident_costs: AccidentOpt = None,
    on: OnOption = None,
    note_: NoteOpt = None,
) -> None:
    """三算: compute monthly income per person against the dibao line and propose a category.

    Prints the arithmetic so it can be checked by hand.

    Example:

    \b
        kunnan identify calculate H005041 --medical-costs 600 --on 2018-12-03
    """
    _step(
        ctx,
        household,
        Step.CALCULATE,
        on,
        note_,
        other_income=other_income,
        medical_costs=medical_costs,
        schooling_costs=schooling_costs,
        accident_costs=accident_costs,
    )


@app.command("deliberate")
def deliberate(
    ctx: typer.Context,
    household: HouseholdArg,
    decision: DecisionOpt = None,
    attendees: AttendeesOpt = None,
    minutes: MinutesOpt = None,
    on: OnOption = None,
    note_: NoteOpt = None,
) -> None:
    """四议: record the grassroots union committee's decision and minutes.

    Example:

    \b
        kunnan identify deliberate H005043 --decision approve --attendees 7 --minutes "同意纳入建档"
    """
    _step(
        ctx,
        household,
        Step.DELIBERATE,
        on,
        note_,
        decision=decision,
        attendees=attendees,
        minutes=minutes,
    )


@app.command("appraise")
def appraise(
    ctx: typer.Context,
    household: HouseholdArg,
    votes_for: ForOpt = None,
    votes_against: AgainstOpt = None,
    on: OnOption = None,
    note_: NoteOpt = None,
) -> None:
    """五评: record the workers' representatives' vote; it passes on a majority of votes cast.

    Example:

    \b
        kunnan identify appraise H005040 --for 21 --against 2
    """
    _step(
        ctx, household, Step.APPRAISE, on, note_, votes_for=votes_for, votes_against=votes_against
    )


@app.command("publicize")
def publicize(
    ctx: typer.Context,
    household: HouseholdArg,
    from_: FromOpt = None,
    days: DaysOpt = None,
    place: PlaceOpt = None,
    note_: NoteOpt = None,
) -> None:
    """六公示: post the public notice; confirmation waits until it has run its days.

    Example:

    \b
        kunnan identify publicize H005044 --from 2018-12-03 --days 7 --place 厂区公示栏
    """
    _step(ctx, household, Step.PUBLICIZE, from_, note_, from_=from_, days=days, place=place)


@app.command("confirm")
def confirm(
    ctx: typer.Context,
    household: HouseholdArg,
    by: ByOrgOpt = None,
    category: CategoryOpt = None,
    cause: CauseOpt = None,
    secondary: SecondaryOpt = None,
    level: LevelOpt = None,
    override: OverrideOpt = None,
    on: OnOption = None,
    note_: NoteOpt = None,
) -> None:
    """七确认: the higher-level union approves; the household is archived with its archive number.

    Example:

    \b
        kunnan identify confirm H005060 --by baiyin --cause illness --on 2018-12-10
    """
    _step(
        ctx,
        household,
        Step.CONFIRM,
        on,
        note_,
        by=by,
        category=category,
        cause=cause,
        secondary=secondary,
        level=level,
        override=override,
    )


@app.command("advance")
def advance(
    ctx: typer.Context,
    household: HouseholdArg,
    visitor: VisitorOpt = None,
    housing: HousingOpt = None,
    area: AreaOpt = None,
    car_value: CarOpt = None,
    second_home: SecondHomeOpt = None,
    business: BusinessOpt = None,
    override: OverrideOpt = None,
    other_income: OtherIncomeOpt = None,
    medical_costs: MedicalOpt = None,
    schooling_costs: SchoolingOpt = None,
    accident_costs: AccidentOpt = None,
    decision: DecisionOpt = None,
    attendees: AttendeesOpt = None,
    minutes: MinutesOpt = None,
    votes_for: ForOpt = None,
    votes_against: AgainstOpt = None,
    from_: FromOpt = None,
    days: DaysOpt = None,
    place: PlaceOpt = None,
    by: ByOrgOpt = None,
    category: CategoryOpt = None,
    cause: CauseOpt = None,
    secondary: SecondaryOpt = None,
    level: LevelOpt = None,
    on: OnOption = None,
    note_: NoteOpt = None,
) -> None:
    """Record whichever step is due next, with that step's options.

    Example:

    \b
        kunnan identify advance H005088 --visitor 李发明 --visitor 张清满
        kunnan identify advance H005088 --housing owned --car-value 0
    """
    from kunnan.services.identify import due_step
    from kunnan.store.households import resolve_household

    given = {
        name: value
        for name, value in dict(  # noqa: C408 (the option names, as keywords)
            visitor=visitor,
            housing=housing,
            area=area,
            car_value=car_value,
            second_home=second_home,
            business=business,
            override=override,
            other_income=other_income,
            medical_costs=medical_costs,
            schooling_costs=schooling_costs,
            accident_costs=accident_costs,
            decision=decision,
            attendees=attendees,
            minutes=minutes,
            votes_for=votes_for,
            votes_against=votes_against,
            from_=from_,
            days=days,
            place=place,
            by=by,
            category=category,
            cause=cause,
            secondary=secondary,
            level=level,
        ).items()
        if value is not None
    }
    day = parse_on(from_ if from_ and on is None else on)
    note_clean, given = _cleaned(note_, given)

    def action(session: Session, target: Any) -> StepOutcome:
        from kunnan.services.identify import status_refusal_of

        step = due_step(session, target)
        if step is None:
            raise status_refusal_of(target)
        foreign = sorted(set(given) - STEP_OPTIONS[step])
        if foreign:
            names = ", ".join(OPTION_NAMES.get(n, "--" + n.replace("_", "-")) for n in foreign)
            raise InvalidInput(
                _(
                    "the next step is {step} ({step_zh}); it does not take {names}",
                    step=step.value,
                    step_zh=step.zh,
                    names=names,
                )
            )
        return STEP_ACTIONS[step](session, target, on=day, note_text=note_clean, **given)

    with ledger(ctx, write=True) as session:
        outcome = action(session, resolve_household(session, household))
    _report(outcome)


@app.command("object")
def object_(
    ctx: typer.Context,
    household: HouseholdArg,
    by: Annotated[str, typer.Option("--by", help="Who objects (name, or 匿名).")],
    text: Annotated[str, typer.Option("--text", help="What the objection says.")],
    on: OnOption = None,
) -> None:
    """File an objection (异议) against a household during its public notice.

    Prints the objection's number.

    Example:

    \b
        kunnan identify object H005060 --by 匿名 --text "其子女有经营性收入" --on 2018-11-01
    """
    from kunnan.domain.text import TextError, clean_required_text
    from kunnan.services.identify import file_objection
    from kunnan.store.households import resolve_household

    day = parse_on(on)
    try:
        who = clean_required_text(by, field="--by", max_length=NAME_MAX)
        what = clean_required_text(text, field="--text", max_length=NOTE_MAX)
    except TextError as error:
        raise InvalidInput(str(error)) from None
    with ledger(ctx, write=True) as session:
        objection = file_objection(
            session, resolve_household(session, household), on=day, by=who, text=what
        )
        code = objection_code(objection.id)
    typer.echo(code)
    note(_("objection {code} filed; it must be settled before confirmation", code=code))


@app.command("settle")
def settle(
    ctx: typer.Context,
    objection: Annotated[
        str, typer.Argument(help="The objection's number (as printed by object).")
    ],
    upheld: Annotated[
        bool | None,
        typer.Option("--upheld/--dismissed", help="Upheld (rejects the case) or dismissed."),
    ] = None,
    note_: Annotated[str | None, typer.Option("--note", help="How it was looked into.")] = None,
    on: OnOption = None,
) -> None:
    """Settle an objection: upheld rejects the case, dismissed lets it go on.

    Example:

    \b
        kunnan identify settle 1 --dismissed --note "经核实无经营性收入"
    """
    from kunnan.services.identify import find_objection, settle_objection

    if upheld is None:
        raise InvalidInput(_("say --upheld or --dismissed"))
    day = parse_on(on)
    how = text_option(note_, "--note") or ""
    with ledger(ctx, write=True) as session:
        found = find_objection(session, objection)
        outcome = settle_objection(session, found, upheld=upheld, on=day, note=how)
        number = found.id
    if outcome is not None:
        note(outcome.message)
    else:
        note(_("objection #{number} dismissed", number=number))


@app.command("reject")
def reject(
    ctx: typer.Context,
    household: HouseholdArg,
    reason: Annotated[str, typer.Option("--reason", help="Why the case is rejected.")],
    on: OnOption = None,
) -> None:
    """Reject the case at whatever step it has reached, with a reason.

    Example:

    \b
        kunnan identify reject H005045 --reason "家庭人均收入高于标准"
    """
    from kunnan.services.identify import reject as reject_case

    day = parse_on(on)
    why = text_option(reason, "--reason", required=True) or ""
    _run(ctx, household, lambda session, target: reject_case(session, target, on=day, reason=why))


@app.command("restart")
def restart(
    ctx: typer.Context,
    household: HouseholdArg,
    reason: Annotated[str, typer.Option("--reason", help="Why the household is looked at again.")],
    on: OnOption = None,
) -> None:
    """Let a rejected household go through the seven steps again; the old steps stay as history.

    Example:

    \b
        kunnan identify restart H005129 --reason "妻子确诊重病，家庭情况变化"
    """
    from kunnan.services.identify import restart as restart_case
    from kunnan.store.households import resolve_household

    day = parse_on(on)
    why = text_option(reason, "--reason", required=True) or ""
    with ledger(ctx, write=True) as session:
        target = resolve_household(session, household)
        restart_case(session, target, on=day, reason=why)
        code = household_code(target.id)
    note(_("{code} is a candidate again; the next step is visit (一进)", code=code))


def describe_step(step: str, details: dict[str, Any], lang: str) -> str:
    """One readable line of a step's facts, for tables (in ``lang``)."""
    from kunnan.domain.money import format_fen

    def yes(flag: Any) -> str:
        return translate("yes", lang) if flag else translate("no", lang)

    def label(enum: Any, value: Any) -> str:
        return enum(value).label(lang) if value else translate("none", lang)

    if step == "visit":
        return "、".join(details.get("visitors", []))
    if step == "inspect":
        parts = [
            label(HousingType, details.get("housing_type")) if details.get("housing_type") else "",
            f"{details['housing_area_m2']} m²" if details.get("housing_area_m2") else "",
            translate("car {value}", lang).format(
                value=format_fen(details.get("car_value_fen", 0))
            ),
            translate("second home {answer}", lang).format(answer=yes(details.get("second_home"))),
            translate("business {answer}", lang).format(answer=yes(details.get("business"))),
        ]
        parts += [str(reason) for reason in details.get("exclusions", [])]
        if details.get("override"):
            parts.append(translate("override: {reason}", lang).format(reason=details["override"]))
        return ", ".join(part for part in parts if part)
    if step == "calculate":
        return translate(
            "{members} members, income {income}, per capita {per_capita}, line {line} → {category}",
            lang,
        ).format(
            members=details["members"],
            income=format_fen(details["income_fen"]),
            per_capita=format_fen(details["per_capita_fen"]),
            line=format_fen(details["dibao_line_fen"]),
            category=label(Category, details.get("proposed_category")),
        )
    if step == "deliberate":
        return translate("{decision}, {attendees} attending: {minutes}", lang).format(
            decision=label(Decision, details["decision"]),
            attendees=details["attendees"],
            minutes=details["minutes"],
        )
    if step == "appraise":
        votes = {"votes_for": details["for"], "votes_against": details["against"]}
        if details["passed"]:
            return translate("{votes_for} for, {votes_against} against: passed", lang).format(
                **votes
            )
        return translate("{votes_for} for, {votes_against} against: failed", lang).format(**votes)
    if step == "publicize":
        span = translate("{start} – {end} ({days} days)", lang).format(
            start=details["from"], end=details["until"], days=details["days"]
        )
        if details.get("place"):
            return translate("{span}, {place}", lang).format(span=span, place=details["place"])
        return span
    if step == "confirm":
        return translate("{by}: {category}, {archive_no} ({level})", lang).format(
            by=details["by"],
            category=label(Category, details.get("category")),
            archive_no=details["archive_no"],
            level=label(ArchiveLevel, details["level"]),
        )
    return ""


STEP_FIELDS = (
    Column("round", "Round", "int"),
    Column("step", "Step", "enum", Step),
    Column("done_on", "Date", "date"),
    Column("operators", "By"),
    Column("details", "Details", "json"),
    Column("note", "Note"),
)
OBJECTION_FIELDS = (
    Column("id", "#", "int", context="id"),
    Column("round", "Round", "int"),
    Column("filed_on", "Filed", "date"),
    Column("filed_by", "By", context="filed_by"),
    Column("text", "Objection"),
    Column("status", "Status", "enum", ObjectionStatus),
    Column("settled_on", "Settled", "date"),
    Column("settlement", "Settlement"),
)


@app.command("status")
def status(
    ctx: typer.Context, household: HouseholdArg, output: FormatOption = OutputFormat.TABLE
) -> None:
    """Show the steps a household has done, their facts, objections, and the step due next.

    Example:

    \b
        kunnan identify status H000001 --lang zh
    """
    from kunnan.services.identify import case_view
    from kunnan.store.households import resolve_household
    from kunnan.ui.output import render_rows, write_json

    with ledger(ctx, write=False) as session:
        case = case_view(session, resolve_household(session, household))
    shown = view(ctx, output)
    steps = [dataclasses.asdict(s) | {"operators": "、".join(s.operators)} for s in case.steps]
    if output is OutputFormat.TABLE:
        for step_row in steps:
            step_row["details"] = describe_step(
                step_row["step"], step_row["details"], state(ctx).lang
            )
    objections = [dataclasses.asdict(o) for o in case.objections]
    if shown.format is OutputFormat.JSON:
        write_json(
            {
                "code": case.code,
                "status": case.status,
                "category": case.category,
                "archive_no": case.archive_no,
                "due": case.due,
                "rounds": [
                    {k: machine_value(Column(k, k), v, reveal=False) for k, v in r.items()}
                    for r in case.rounds
                ],
                "steps": [
                    {f.key: machine_value(f, s[f.key], reveal=False) for f in STEP_FIELDS}
                    | {"operators": s["operators"].split("、")}
                    for s in steps
                ],
                "objections": [
                    {f.key: machine_value(f, o[f.key], reveal=False) for f in OBJECTION_FIELDS}
                    for o in objections
                ],
            }
        )
        return
    if shown.format is OutputFormat.CSV:
        render_rows(steps, STEP_FIELDS, shown)
        return
    due = Step(case.due).label(shown.lang) if case.due else _("none")
    note(
        _(
            "{code}: {status}; next step: {due}",
            code=case.code,
            status=HouseholdStatus(case.status).label(shown.lang),
            due=due,
        )
    )
    render_rows(steps, STEP_FIELDS, shown, title=p_("title", "Steps"))
    if objections:
        render_rows(objections, OBJECTION_FIELDS, shown, title=p_("title", "Objections"))


@app.command("pipeline")
def pipeline(
    ctx: typer.Context,
    org: Annotated[
        str | None, typer.Option("--org", help="Only this union and those under it.")
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Count households waiting at each step and those past it (the identification funnel).

    Example:

    \b
        kunnan identify pipeline --org baiyin-qu --format json
    """
    from kunnan.commands.report import PIPELINE
    from kunnan.services.report import Scope
    from kunnan.services.report import pipeline as funnel
    from kunnan.store.operators import scoped_org
    from kunnan.ui.output import render_rows
    from kunnan.ui.reports import with_total_label

    with ledger(ctx, write=False) as session:
        report = funnel(session, Scope(as_of=today(), org=scoped_org(session, org)))
    shown = view(ctx, output)
    records = report.rows
    if shown.format is OutputFormat.TABLE:
        for record in records:
            record["stage"] = PipelineStage(record["stage"]).label(shown.lang)
    total = with_total_label(report.total, PIPELINE.columns, shown.lang)
    render_rows(records, PIPELINE.columns, shown, total=total)

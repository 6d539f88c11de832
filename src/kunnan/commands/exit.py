"""kunnan exit: households leave the register (退出), are followed up (回访), and may relapse (返困)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

import typer

from kunnan.commands.options import (
    FormatOption,
    HouseholdArg,
    OnOption,
    ledger,
    parse_choice,
    parse_on,
    today,
    view,
    whole_number,
)
from kunnan.domain.codes import household_code
from kunnan.domain.enums import ExitKind, FollowupOutcome, WatchGrade
from kunnan.domain.errors import InvalidInput
from kunnan.i18n import _, current, n_
from kunnan.ui.columns import CATEGORY, HEAD_NAME, HOUSEHOLD_CODE, UNION, Column
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

app = typer.Typer(
    help="Exits from the register, follow-up visits and relapses.", no_args_is_help=True
)

ReasonOpt = Annotated[str | None, typer.Option("--reason", help="Why the household leaves.")]


def _text(value: str | None, option: str, *, required: bool = False) -> str:
    from kunnan.domain.text import NOTE_MAX, TextError, clean_text

    try:
        text = clean_text(value or "", field=option, max_length=NOTE_MAX, allow_newlines=True)
    except TextError as error:
        raise InvalidInput(str(error)) from None
    if required and not text:
        raise InvalidInput(_("{option} is required", option=option))
    return text


def _run(ctx: typer.Context, household: str, action: Any) -> None:
    from kunnan.store.households import resolve_household

    with ledger(ctx, write=True) as session:
        outcome = action(session, resolve_household(session, household))
    note(outcome.message)


@app.command("stable")
def stable(
    ctx: typer.Context,
    household: HouseholdArg,
    recalculate: Annotated[
        bool,
        typer.Option(
            "--recalculate", help="Record a new income calculation on the exit date first."
        ),
    ] = False,
    other_income: Annotated[
        str | None,
        typer.Option("--other-income", help="With --recalculate: other monthly income, yuan."),
    ] = None,
    medical_costs: Annotated[
        str | None,
        typer.Option("--medical-costs", help="With --recalculate: monthly medical costs."),
    ] = None,
    schooling_costs: Annotated[
        str | None,
        typer.Option("--schooling-costs", help="With --recalculate: monthly schooling costs."),
    ] = None,
    accident_costs: Annotated[
        str | None,
        typer.Option("--accident-costs", help="With --recalculate: monthly accident costs."),
    ] = None,
    resolved: Annotated[
        str | None, typer.Option("--resolved", help="For accident households: what was resolved.")
    ] = None,
    on: OnOption = None,
) -> None:
    """稳定脱困: leave the register for good, on a fresh income calculation above the exit line.

    The latest calculation must be recent (policy: 90 days) and show income per
    person at or above the exit line (policy: 1.5 × the dibao line); accident
    households may instead say what was resolved. Follow-ups are scheduled
    (policy: 3, 6 and 12 months).

    Where the policy exit_rule is months, the calculation need not reach the exit
    line: every income figure (calculations, and what follow-ups found) must be at
    or above the dibao line for exit_months (6) months before the exit.

    Example:

    \b
        kunnan exit stable H000026 --recalculate --on 2018-11-20
        kunnan exit stable H002897 --resolved "工伤赔偿到位，医疗费用已结清"
    """
    from kunnan.commands.options import yuan_or_zero
    from kunnan.services.exit import exit_stable
    from kunnan.services.identify import CostFacts

    day = parse_on(on)
    costs = None
    given = (other_income, medical_costs, schooling_costs, accident_costs)
    if recalculate:
        costs = CostFacts(
            other_income_fen=yuan_or_zero(other_income, "--other-income"),
            medical_costs_fen=yuan_or_zero(medical_costs, "--medical-costs"),
            schooling_costs_fen=yuan_or_zero(schooling_costs, "--schooling-costs"),
            accident_costs_fen=yuan_or_zero(accident_costs, "--accident-costs"),
        )
    elif any(value is not None for value in given):
        raise InvalidInput(_("income and cost options go with --recalculate"))
    what = _text(resolved, "--resolved") or None
    _run(
        ctx,
        household,
        lambda session, target: exit_stable(
            session, target, on=day, recalculate=costs, resolved=what
        ),
    )


def _other(
    ctx: typer.Context,
    household: str,
    kind: ExitKind,
    on: str | None,
    reason: str,
    moved_to: str | None = None,
) -> None:
    from kunnan.services.exit import exit_other

    day = parse_on(on)
    _run(
        ctx,
        household,
        lambda session, target: exit_other(
            session, target, kind=kind, on=day, reason=reason, moved_to=moved_to
        ),
    )


@app.command("safety-net")
def safety_net(
    ctx: typer.Context, household: HouseholdArg, reason: ReasonOpt = None, on: OnOption = None
) -> None:
    """转政府兜底: moved to the government's safety net, with the union's ongoing help.

    Example:

    \b
        kunnan exit safety-net H000003 --reason "纳入民政特困供养"
    """
    _other(ctx, household, ExitKind.SAFETY_NET, on, _text(reason, "--reason", required=True))


@app.command("moved")
def moved(
    ctx: typer.Context,
    household: HouseholdArg,
    to: Annotated[str, typer.Option("--to", help="Where the household moved.")],
    reason: ReasonOpt = None,
    on: OnOption = None,
) -> None:
    """迁出: the household moved away.

    Example:

    \b
        kunnan exit moved H000005 --to 兰州市七里河区
    """
    _other(
        ctx,
        household,
        ExitKind.MOVED,
        on,
        _text(reason, "--reason"),
        _text(to, "--to", required=True),
    )


@app.command("deceased")
def deceased(
    ctx: typer.Context, household: HouseholdArg, reason: ReasonOpt = None, on: OnOption = None
) -> None:
    """死亡: the head worker died and the household leaves the register.

    Example:

    \b
        kunnan exit deceased H000004 --on 2018-12-20
    """
    _other(ctx, household, ExitKind.DECEASED, on, _text(reason, "--reason"))


@app.command("ineligible")
def ineligible(
    ctx: typer.Context, household: HouseholdArg, reason: ReasonOpt = None, on: OnOption = None
) -> None:
    """不再符合: found not to qualify, e.g. by the civil-affairs data comparison.

    Example:

    \b
        kunnan exit ineligible H000002 --reason "数据比对发现家庭有经营性收入"
    """
    _other(ctx, household, ExitKind.INELIGIBLE, on, _text(reason, "--reason", required=True))


@app.command("withdrew")
def withdrew(
    ctx: typer.Context, household: HouseholdArg, reason: ReasonOpt = None, on: OnOption = None
) -> None:
    """自愿退出: the household asked to leave the register.

    Example:

    \b
        kunnan exit withdrew H000006 --reason "本人申请退出"
    """
    _other(ctx, household, ExitKind.WITHDREW, on, _text(reason, "--reason"))


@app.command("followup")
def followup(
    ctx: typer.Context,
    household: HouseholdArg,
    by: Annotated[str, typer.Option("--by", help="Who made the follow-up visit.")],
    outcome: Annotated[
        str, typer.Option("--outcome", help=f"What it found: {FollowupOutcome.choices()}.")
    ],
    note_: Annotated[str | None, typer.Option("--note", help="What was seen and said.")] = None,
    income: Annotated[
        str | None,
        typer.Option("--income", help="The household's total monthly income at the visit, yuan."),
    ] = None,
    illness: Annotated[
        bool,
        typer.Option("--illness", help="A member has a new serious illness (大病)."),
    ] = False,
    on: OnOption = None,
) -> None:
    """回访: record a follow-up visit to an exited household (against the earliest one due).

    With --income the visit keeps the household's total monthly income, shared by its
    members and measured by the dibao line of the visit's year; --illness says a member has a
    new serious illness. What the latest visit found grades the household on the watch list
    (kunnan exit watch).

    Example:

    \b
        kunnan exit followup H004071 --by 李发明 --outcome stable --note "工作稳定，月收入3000元"
        kunnan exit followup H004071 --by 李发明 --outcome at_risk --income 900 --illness --on 2018-12-20
    """
    from kunnan.commands.options import yuan_or_zero
    from kunnan.services.exit import record_followup
    from kunnan.store.households import resolve_household

    result = parse_choice(FollowupOutcome, outcome, "--outcome")
    assert result is not None
    day = parse_on(on)
    visitor = _text(by, "--by", required=True)
    text = _text(note_, "--note")
    income_fen = None if income is None else yuan_or_zero(income, "--income")
    with ledger(ctx, write=True) as session:
        target = resolve_household(session, household)
        done = record_followup(
            session, target, on=day, visitor=visitor, outcome=result, note=text,
            income_fen=income_fen, new_illness=illness,
        )  # fmt: skip
        code = household_code(target.id)
        due = done.due_on
    found = result.label(current())
    if due:
        note(
            _(
                "{code}: follow-up on {day} (due {due}): {outcome}",
                code=code,
                day=day.isoformat(),
                due=due.isoformat(),
                outcome=found,
            )
        )
    else:
        note(
            _(
                "{code}: follow-up on {day} (unscheduled): {outcome}",
                code=code,
                day=day.isoformat(),
                outcome=found,
            )
        )
    if result is FollowupOutcome.RELAPSED:
        note(_("to reopen identification: kunnan exit relapse {code} --reason …", code=code))


@app.command("relapse")
def relapse(
    ctx: typer.Context,
    household: HouseholdArg,
    reason: Annotated[str, typer.Option("--reason", help="What happened.")],
    on: OnOption = None,
) -> None:
    """返困: an exited household fell back into hardship; it is identified again, linked to its old archive.

    Example:

    \b
        kunnan exit relapse H004071 --reason "工厂停产，再次失业"
    """
    from kunnan.services.exit import relapse as relapse_household

    day = parse_on(on)
    why = _text(reason, "--reason", required=True)
    _run(
        ctx,
        household,
        lambda session, target: relapse_household(session, target, on=day, reason=why),
    )


EXIT_FIELDS = (
    HOUSEHOLD_CODE,
    HEAD_NAME,
    dataclasses.replace(UNION, drop=4),
    Column("archive_no", "Archive no.", drop=5),
    dataclasses.replace(CATEGORY, drop=3),
    Column("kind", "Exit", "enum", ExitKind),
    Column("exited_on", "Exited", "date"),
    Column("reason", "Reason", context="reason"),
    Column("next_followup_on", "Next follow-up", "date"),
    Column("relapsed_on", "Relapsed", "date", drop=2),
)


@app.command("list")
def list_(
    ctx: typer.Context,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            parser=whole_number(least=1949, most=2200),
            help="Only exits in this calendar year.",
        ),
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help=f"Only this kind: {ExitKind.choices()}.")
    ] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Only this union and those under it.")
    ] = None,
    followup_due: Annotated[
        bool,
        typer.Option(
            "--followup-due", help="Only households with a follow-up due within 30 days or overdue."
        ),
    ] = False,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """List exits, oldest first, with the next follow-up due.

    Example:

    \b
        kunnan exit list --year 2018 --kind stable
        kunnan exit list --followup-due
    """
    import datetime as dt

    from kunnan.services.exit import list_exits
    from kunnan.store.operators import scoped_org
    from kunnan.ui.output import render_rows

    chosen = parse_choice(ExitKind, kind, "--kind")
    with ledger(ctx, write=False) as session:
        rows = list_exits(
            session,
            year=year,
            kind=chosen,
            org=scoped_org(session, org),
            followup_due_by=today() + dt.timedelta(days=30) if followup_due else None,
        )
    render_rows([dataclasses.asdict(r) for r in rows], EXIT_FIELDS, view(ctx, output))
    if not rows:
        note(_("no exits match"))


WATCH_FIELDS = (
    HOUSEHOLD_CODE,
    HEAD_NAME,
    dataclasses.replace(UNION, drop=6),
    Column("exited_on", "Exited", "date", drop=5),
    Column("last_followup_on", "Last follow-up", "date", drop=1),
    Column("per_capita_fen", "Per capita", "money", drop=2),
    Column("next_followup_on", "Next follow-up", "date", drop=4),
    Column("grade", "Grade", "enum", WatchGrade),
    Column("reasons", "Why", min_width=30, context="watch"),
)
WATCH_COUNT_FIELDS = (UNION, Column("households", "Households", "int"))


@app.command("watch")
def watch(
    ctx: typer.Context,
    org: Annotated[
        str | None, typer.Option("--org", help="Only this union and those under it.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Graded as of this date, YYYY-MM-DD (default: today)."),
    ] = None,
    grade: Annotated[
        str | None, typer.Option("--grade", help=f"Only this grade: {WatchGrade.choices()}.")
    ] = None,
    by_union: Annotated[
        bool,
        typer.Option("--by-union", help="Count the households per union instead of listing them."),
    ] = False,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """防返困: households that exited stably, graded red, yellow or green on their follow-ups.

    Red: at the latest follow-up, income per person below the dibao line, a new serious
    illness, or the household found relapsed; or a follow-up overdue by more than the
    policy's days (watch_red_overdue_days, 90). Yellow: income below watch_yellow_multiplier
    (1.5) × the line, found at risk, or a follow-up overdue. Green: none of these. Each
    household's reasons are listed; red first. A household that has fallen back into hardship
    is identified again with kunnan exit relapse.

    Example:

    \b
        kunnan exit watch --as-of 2018-12-24 --grade yellow
        kunnan exit watch --as-of 2018-12-24 --by-union
    """
    from kunnan.services.exit import watch_list
    from kunnan.services.review import by_union as count_by_union
    from kunnan.store.operators import scoped_org
    from kunnan.ui.output import render_rows

    chosen = parse_choice(WatchGrade, grade, "--grade")
    day = parse_on(as_of, option="--as-of", allow_future=True)
    with ledger(ctx, write=False) as session:
        rows = watch_list(session, as_of=day, org=scoped_org(session, org), grade=chosen)
    shown = view(ctx, output)
    if by_union:
        counts = [dataclasses.asdict(c) for c in count_by_union(rows)]
        total = {"org": _("total"), "households": len(rows)}
        render_rows(counts, WATCH_COUNT_FIELDS, shown, total=total)
    else:
        render_rows([dataclasses.asdict(r) for r in rows], WATCH_FIELDS, shown)
    if not rows:
        note(_("no household is watched"))
        return
    red = sum(1 for row in rows if row.grade is WatchGrade.RED)
    if red:
        note(
            n_(
                "{n} household graded red: if it has fallen back into hardship, "
                "kunnan exit relapse HH --reason … identifies it again",
                "{n} households graded red: if one has fallen back into hardship, "
                "kunnan exit relapse HH --reason … identifies it again",
                red,
                n=red,
            )
        )

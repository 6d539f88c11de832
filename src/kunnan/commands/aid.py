"""kunnan aid: cash aid from a fund, reversals, and aid beyond cash — job placements, start-up
loans, housing, legal aid and wage arrears, counselling — with every action on one list."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from kunnan.commands.options import (
    FormatOption,
    HouseholdArg,
    OnOption,
    ledger,
    parse_on,
    say_held,
    validated,
    view,
    whole_number,
)
from kunnan.domain.codes import counseling_code, fund_code, loan_code, placement_code
from kunnan.domain.enums import (
    ActionKind,
    ActionStatus,
    EntryKind,
    HousingKind,
    HousingStatus,
    Labelled,
    LegalKind,
    LegalStatus,
    LoanStatus,
    PlacementChannel,
    Trade,
)
from kunnan.i18n import _, by_name, current, translate
from kunnan.ui.columns import HEAD_NAME, HOUSEHOLD, Column
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

app = typer.Typer(
    help="Aid: cash grants and reversals; job placements, start-up loans, housing, legal aid, "
    "counselling; every action listed.",
    no_args_is_help=True,
)

EntryArg = Annotated[str, typer.Argument(help="The ledger entry number, e.g. 12.")]

#: What ``aid list`` gives programs (JSON, CSV): every action with its kind, status and amount.
AID_FIELDS = (
    Column("seq", "Entry", "int"),
    Column("record", "Record", drop=4),
    Column("on_date", "Date", "date"),
    Column("year", "Year", "int", in_table=False),
    HOUSEHOLD,
    dataclasses.replace(HEAD_NAME, drop=3),
    Column("member", "For", min_width=6),
    Column("kind", "Kind", "enum", ActionKind, context="kind"),
    Column("program", "Programme"),
    Column("program_name", "Programme name", in_table=False),
    Column("status", "Status", "enum", ActionStatus, drop=1),
    Column("subtype", "Type", in_table=False),
    Column("detail", "Detail", in_table=False),
    Column("fund", "Fund", drop=2),
    Column("ref", "Ref", in_table=False),
    Column("reverses_seq", "Reverses", "int", in_table=False),
    Column("reversed_by", "Reversed by", "int", in_table=False),
    Column("override_reason", "Override", in_table=False),
    Column("amount_fen", "Amount", "money"),
    Column("outstanding_fen", "Outstanding", "money", drop=6),
)
#: The table adds one readable column of what each action was about.
ABOUT = Column("about", "About", min_width=8, drop=5)
#: The enum an action's subtype is a member of.
SUBTYPES: dict[str, type[Labelled]] = {
    ActionKind.TRAINING.value: Trade,
    ActionKind.PLACEMENT.value: PlacementChannel,
    ActionKind.HOUSING.value: HousingKind,
}
LOAN_FIELDS = (
    Column("code", "Loan"),
    Column("entry", "Entry", "int", in_table=False),
    HOUSEHOLD,
    dataclasses.replace(HEAD_NAME, drop=4),
    Column("borrower", "Borrower", min_width=6, drop=5),
    Column("fund", "Fund", drop=2),
    Column("issued_on", "Issued", "date", drop=1),
    Column("due_on", "Due", "date"),
    Column("term_months", "Months", "int", in_table=False),
    Column("rate_pct", "Rate %", "decimal", in_table=False),
    Column("purpose", "Purpose", in_table=False),
    Column("status", "Status", "enum", LoanStatus),
    Column("amount_fen", "Lent", "money"),
    Column("repaid_fen", "Repaid", "money", drop=3),
    Column("outstanding_fen", "Outstanding", "money"),
)
DETAIL_FIELDS = (
    Column("seq", "Entry", "int"),
    Column("kind", "Kind", "enum", EntryKind),
    Column("on_date", "Date", "date"),
    Column("year", "Counts toward year", "int"),
    HOUSEHOLD,
    Column("member", "For"),
    Column("program", "Programme"),
    Column("program_name", "Programme name", context="program_name"),
    Column("rule_from", "Judged by the rule of", "date"),
    Column("fund", "Fund"),
    Column("fund_name", "Fund name"),
    Column("amount_fen", "Amount", "money"),
    Column("counterparty", "From"),
    Column("ref", "Ref"),
    Column("reverses_seq", "Reverses entry", "int"),
    Column("reversed_by", "Reversed by entry", "int"),
    Column("reason", "Reason"),
    Column("override_reason", "Override"),
    Column("operator", "Operator"),
    Column("recorded_at", "Recorded", "datetime"),
    Column("prev_hash", "Previous hash"),
    Column("hash", "Hash"),
)


def _in_chinese(fields: tuple[Column, ...], lang: str) -> tuple[Column, ...]:
    """Chinese tables name programmes by their Chinese names (金秋助学), not their codes."""
    if not by_name(lang):
        return fields
    shown = {"program": False, "program_name": True}
    return tuple(
        dataclasses.replace(f, in_table=shown[f.key]) if f.key in shown else f for f in fields
    )


@app.command("grant")
def grant(
    ctx: typer.Context,
    household: HouseholdArg,
    program: Annotated[
        str, typer.Option("--program", help="Programme: golden-autumn, medical-aid … or 金秋助学 …")
    ],
    fund: Annotated[str, typer.Option("--fund", help="The fund it is paid from (F001 or name).")],
    member: Annotated[
        str | None,
        typer.Option("--member", help="The member it is for (name, ID number or 'head')."),
    ] = None,
    amount: Annotated[
        str | None,
        typer.Option("--amount", help="Amount in yuan (default: the programme's standard)."),
    ] = None,
    on: OnOption = None,
    ref: Annotated[str | None, typer.Option("--ref", help="Voucher or document number.")] = None,
    override: Annotated[
        str | None,
        typer.Option(
            "--override",
            help="A supervisor's reason to pass a programme's limit (cap, once a year); audited.",
        ),
    ] = None,
) -> None:
    """Grant cash aid to a household from a fund, judged by the programme's rule on that date.

    Prints the new entry's number on stdout.

    Example:

    \b
        kunnan aid grant H003037 --program golden-autumn --member 卢梓萱 --fund F003 --on 2018-09-01
        kunnan aid grant H000003 --program medical-aid --amount 8000 --fund F002 --ref 医救[2018]7号
    """
    from kunnan.domain.money import format_fen
    from kunnan.schemas.aid import GrantCreate
    from kunnan.services.aid.grant import grant as grant_aid

    data = validated(
        GrantCreate,
        {
            "household": household,
            "program": program,
            "fund": fund,
            "member": member,
            "amount_fen": amount,
            "on_date": parse_on(on),
            "ref": ref,
            "override_reason": override,
        },
    )
    with ledger(ctx, write=True) as session:
        result = grant_aid(session, data=data)
        entry = result.entry
        if entry is not None:
            seq, paid, code = entry.seq, entry.amount_fen, entry.program
    for passed in result.overridden:
        note(_("override: {passed}", passed=passed))
    if result.held is not None:
        say_held(result.held)
        return
    typer.echo(seq)
    if override is not None and not result.overridden:
        note(_("--override was not needed: no limit was passed (not recorded)"))
    note(
        _(
            "entry {seq}: {amount} yuan of {program} to {household}",
            seq=seq,
            amount=format_fen(paid),
            program=code,
            household=data.household,
        )
    )


@app.command("reverse")
def reverse(
    ctx: typer.Context,
    entry: EntryArg,
    reason: Annotated[str, typer.Option("--reason", help="Why the entry was wrong.")],
    on: OnOption = None,
) -> None:
    """Reverse an entry: a new entry with the opposite amount, linked to it (once per entry).

    Entries are never edited or deleted. Prints the reversal's entry number.

    Example:

    \b
        kunnan aid reverse 17 --reason "重复发放，退回资金"
    """
    from kunnan.domain.money import format_fen
    from kunnan.schemas.aid import ReversalCreate
    from kunnan.services.aid.grant import find_entry
    from kunnan.services.aid.grant import reverse as reverse_entry

    data = validated(ReversalCreate, {"reason": reason, "on_date": parse_on(on)})
    from kunnan.store.approvals import Held

    with ledger(ctx, write=True) as session:
        reversal = reverse_entry(session, entry=find_entry(session, entry), data=data)
        if not isinstance(reversal, Held):
            seq, original, amount = reversal.seq, reversal.reverses_seq, reversal.amount_fen
    if isinstance(reversal, Held):
        say_held(reversal)
        return
    typer.echo(seq)
    note(
        _(
            "entry {seq} reverses entry {original} ({amount} yuan)",
            seq=seq,
            original=original,
            amount=format_fen(amount),
        )
    )


def _about(row: dict[str, object], lang: str) -> str:
    """One readable line of what an action was about, for tables."""
    words: list[str] = []
    subtype, kind = row.get("subtype"), str(row["kind"])
    if subtype is not None and kind in SUBTYPES:
        words.append(SUBTYPES[kind](str(subtype)).label(lang))
    if row.get("detail"):
        words.append(str(row["detail"]))
    if row.get("reverses_seq") is not None:
        words.append(translate("reverses #{seq}", lang).format(seq=row["reverses_seq"]))
    if row.get("reversed_by") is not None:
        words.append(translate("reversed by #{seq}", lang).format(seq=row["reversed_by"]))
    return " · ".join(words)


@app.command("list")
def list_(
    ctx: typer.Context,
    household: Annotated[
        str | None, typer.Option("--household", help="Only this household.")
    ] = None,
    program: Annotated[str | None, typer.Option("--program", help="Only this programme.")] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", parser=whole_number(), help="Only aid counting toward this year."),
    ] = None,
    fund: Annotated[str | None, typer.Option("--fund", help="Only aid from this fund.")] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help=f"Only this kind: {ActionKind.choices()}.")
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """List every action on households' records — cash grants and their reversals, loans,
    training, placements, housing, legal cases, counselling — oldest first, with each one's
    kind, status and amount, and the total of cash grants.

    Loans show their status and what is outstanding today.

    Example:

    \b
        kunnan aid list --household H000001
        kunnan aid list --program golden-autumn --year 2018 --format csv
    """
    from kunnan.commands.options import parse_choice, today
    from kunnan.services.aid.actions import ActionFilter, list_actions
    from kunnan.services.fund import resolve_fund
    from kunnan.services.program import find_program
    from kunnan.store.households import resolve_household
    from kunnan.ui.output import render_rows

    chosen = parse_choice(ActionKind, kind, "--kind")
    with ledger(ctx, write=False) as session:
        where = ActionFilter(
            household_id=resolve_household(session, household).id if household else None,
            program=find_program(session, program).code if program else None,
            year=year,
            fund_id=resolve_fund(session, fund).id if fund else None,
            kind=chosen,
        )
        rows, total_fen = list_actions(session, where=where, as_of=today())
    shown = view(ctx, output)
    records = [dataclasses.asdict(r) for r in rows]
    fields: tuple[Column, ...] = AID_FIELDS
    if shown.format in (OutputFormat.TABLE, OutputFormat.MARKDOWN):
        for record in records:
            record["about"] = _about(record, shown.lang)
        at = [f.key for f in fields].index("fund")
        fields = (*fields[:at], ABOUT, *fields[at:])
    grants = any(r.kind == ActionKind.GRANT for r in rows)
    total = (
        {
            "seq": None,
            "household": translate("Total", shown.lang),
            "amount_fen": total_fen,
        }
        if grants
        else None
    )
    render_rows(records, _in_chinese(fields, shown.lang), shown, total=total)
    if not rows:
        note(_("no aid matches"))
    elif grants and len({r.kind for r in rows}) > 1:
        note(_("the total counts cash grants only"))


@app.command("show")
def show(ctx: typer.Context, entry: EntryArg, output: FormatOption = OutputFormat.TABLE) -> None:
    """Show one ledger entry in full, with its hash and the entry it links to.

    Example:

    \b
        kunnan aid show 12 --lang zh
    """
    from kunnan.services.aid.grant import entry_detail, find_entry
    from kunnan.ui.output import render_record

    with ledger(ctx, write=False) as session:
        detail = entry_detail(session, find_entry(session, entry))
    render_record(
        dataclasses.asdict(detail), DETAIL_FIELDS, view(ctx, output), title=f"#{detail.seq}"
    )


# Aid beyond cash -----------------------------------------------------------------

MemberOpt = Annotated[
    str | None,
    typer.Option(
        "--member", help="The member it is for (name, ID number or 'head'; default: head)."
    ),
]
LoanArg = Annotated[str, typer.Argument(help="The loan's code, e.g. L001.")]


@app.command("place")
def place(
    ctx: typer.Context,
    household: HouseholdArg,
    employer: Annotated[str, typer.Option("--employer", help="The employer who took them on.")],
    job: Annotated[str, typer.Option("--job", help="The job, e.g. 保洁员.")],
    monthly_wage: Annotated[
        str, typer.Option("--monthly-wage", help="The monthly wage in yuan (their new income).")
    ],
    via: Annotated[
        str, typer.Option("--via", help=f"How the job was found: {PlacementChannel.choices()}.")
    ],
    member: MemberOpt = None,
    on: OnOption = None,
) -> None:
    """Place a household member in a job (就业援助): the job becomes their work and income.

    The member's employer, identity (employed) and monthly income change as with
    household member edit, so the next income calculation counts the wage. Prints the
    placement's code.

    Example:

    \b
        kunnan aid place H000001 --employer 白银银光化学公司 --job 保洁员 --monthly-wage 1800 --via spring-breeze --on 2018-03-05
    """
    from kunnan.domain.money import format_fen
    from kunnan.schemas.service_aid import PlacementCreate
    from kunnan.services.aid.placement import place as place_member

    data = validated(
        PlacementCreate,
        {
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
        placement = place_member(session, data=data)
        code, before = placement_code(placement.id), placement.previous_income_fen
    typer.echo(code)
    note(
        _(
            "{code}: placed at {employer} as {job} on {day}; "
            "monthly income {before} → {after} yuan",
            code=code,
            employer=data.employer,
            job=data.job,
            day=data.on_date.isoformat(),
            before=format_fen(before),
            after=format_fen(data.monthly_wage_fen),
        )
    )


@app.command("loan")
def loan(
    ctx: typer.Context,
    household: HouseholdArg,
    amount: Annotated[str, typer.Option("--amount", help="The principal lent, in yuan.")],
    fund: Annotated[str, typer.Option("--fund", help="The fund it is lent from (F001 or name).")],
    term_months: Annotated[
        int,
        typer.Option(
            "--term-months", parser=whole_number(), help="Months until it falls due (1 to 360)."
        ),
    ],
    rate: Annotated[
        str | None,
        typer.Option("--rate", help="Yearly interest rate in percent, recorded (default 0)."),
    ] = None,
    member: MemberOpt = None,
    purpose: Annotated[
        str | None, typer.Option("--purpose", help="What it starts, e.g. 早餐店.")
    ] = None,
    on: OnOption = None,
    ref: Annotated[str | None, typer.Option("--ref", help="Loan contract number.")] = None,
) -> None:
    """Lend a start-up guarantee loan (创业担保借款) from a fund to an archived household.

    The money leaves the fund as an entry on the aid ledger's hash chain. Prints the
    loan's code (L001).

    Example:

    \b
        kunnan aid loan H000001 --amount 20000 --fund F002 --term-months 24 --rate 0 --purpose 早餐店 --on 2018-06-01
    """
    from kunnan.domain.money import format_fen
    from kunnan.schemas.service_aid import LoanCreate
    from kunnan.services.aid.loan import issue

    data = validated(
        LoanCreate,
        {
            "household": household,
            "member": member,
            "fund": fund,
            "amount_fen": amount,
            "term_months": term_months,
            "rate_pct": rate,
            "purpose": purpose,
            "ref": ref,
            "on_date": parse_on(on),
        },
    )
    with ledger(ctx, write=True) as session:
        issued = issue(session, data=data)
        code, seq, due, from_fund = (
            loan_code(issued.id),
            issued.entry_seq,
            issued.due_on,
            fund_code(issued.fund_id),
        )
    typer.echo(code)
    note(
        _(
            "loan {code} (entry {seq}): {amount} yuan from {fund} to {household}, due {due}",
            code=code,
            seq=seq,
            amount=format_fen(data.amount_fen),
            fund=from_fund,
            household=data.household,
            due=due.isoformat(),
        )
    )


@app.command("repay")
def repay(
    ctx: typer.Context,
    loan_ref: LoanArg,
    amount: Annotated[str, typer.Argument(help="The amount repaid, in yuan.", show_default=False)],
    on: OnOption = None,
    ref: Annotated[str | None, typer.Option("--ref", help="Receipt number.")] = None,
) -> None:
    """Record a repayment on a loan: the money goes back into the loan's fund.

    Never more than is outstanding. Prints the repayment's ledger entry number.

    Example:

    \b
        kunnan aid repay L011 5000 --on 2019-06-01 --ref 收据0012
    """
    from kunnan.domain.money import format_fen
    from kunnan.schemas.service_aid import RepaymentCreate
    from kunnan.services.aid.loan import find_loan, loan_facts
    from kunnan.services.aid.loan import repay as repay_loan

    data = validated(RepaymentCreate, {"repaid_fen": amount, "on_date": parse_on(on), "ref": ref})
    with ledger(ctx, write=True) as session:
        found = find_loan(session, loan_ref)
        entry = repay_loan(session, loan=found, data=data)
        seq, code, left = entry.seq, loan_code(found.id), loan_facts(session, found).outstanding_fen
    typer.echo(seq)
    note(
        _(
            "entry {seq}: {amount} yuan repaid on loan {code}; {left} yuan outstanding",
            seq=seq,
            amount=format_fen(data.repaid_fen),
            code=code,
            left=format_fen(left),
        )
    )


@app.command("loan-default")
def loan_default(
    ctx: typer.Context,
    loan_ref: LoanArg,
    reason: Annotated[str, typer.Option("--reason", help="Why the union declares it defaulted.")],
    on: OnOption = None,
) -> None:
    """Declare a loan past its due date defaulted (违约); later repayments are still taken.

    Example:

    \b
        kunnan aid loan-default L011 --reason "店铺关闭，多次催收未还" --on 2020-09-01
    """
    from kunnan.domain.money import format_fen
    from kunnan.schemas.service_aid import LoanDefaultCreate
    from kunnan.services.aid.loan import declare_default, find_loan, loan_facts

    data = validated(LoanDefaultCreate, {"reason": reason, "on_date": parse_on(on)})
    with ledger(ctx, write=True) as session:
        found = find_loan(session, loan_ref)
        declare_default(session, loan=found, data=data)
        code, left = loan_code(found.id), loan_facts(session, found).outstanding_fen
    note(
        _(
            "loan {code} declared defaulted on {day}; {left} yuan outstanding",
            code=code,
            day=data.on_date.isoformat(),
            left=format_fen(left),
        )
    )


@app.command("loans")
def loans(
    ctx: typer.Context,
    household: Annotated[
        str | None, typer.Option("--household", help="Only this household's loans.")
    ] = None,
    fund: Annotated[str | None, typer.Option("--fund", help="Only loans from this fund.")] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", parser=whole_number(), help="Only loans issued this year."),
    ] = None,
    status: Annotated[
        str | None, typer.Option("--status", help=f"Only loans now: {LoanStatus.choices()}.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Status and balances at the end of this day.")
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """List start-up loans with what was repaid, what is outstanding and their status.

    A loan is overdue after its due date while something is outstanding, defaulted
    once declared so, repaid when nothing is outstanding.

    Example:

    \b
        kunnan aid loans --status overdue --as-of 2020-12-31
    """
    from kunnan.commands.options import parse_choice
    from kunnan.services.aid.loan import LoanFilter, list_loans
    from kunnan.services.fund import resolve_fund
    from kunnan.store.households import resolve_household
    from kunnan.ui.output import render_rows

    day = parse_on(as_of, option="--as-of")
    chosen = parse_choice(LoanStatus, status, "--status")
    with ledger(ctx, write=False) as session:
        where = LoanFilter(
            household_id=resolve_household(session, household).id if household else None,
            fund_id=resolve_fund(session, fund).id if fund else None,
            year=year,
            status=chosen,
        )
        rows, totals = list_loans(session, where=where, as_of=day)
    shown = view(ctx, output)
    total = {"code": translate("Total", shown.lang), **totals}
    render_rows([dataclasses.asdict(r) for r in rows], LOAN_FIELDS, shown, total=total)
    if not rows:
        note(_("no loans match"))


@app.command("housing")
def housing(
    ctx: typer.Context,
    household: HouseholdArg,
    kind: Annotated[str, typer.Option("--kind", help=f"Housing: {HousingKind.choices()}.")],
    status: Annotated[
        str,
        typer.Option(
            "--status",
            help=f"{HousingStatus.choices()}; applied opens a case, the others end it.",
        ),
    ],
    amount: Annotated[
        str | None, typer.Option("--amount", help="A subsidy or other amount, in yuan.")
    ] = None,
    area_m2: Annotated[
        str | None, typer.Option("--area-m2", help="Floor area allocated, in square metres.")
    ] = None,
    note_text: Annotated[str | None, typer.Option("--note", help="A note.")] = None,
    on: OnOption = None,
) -> None:
    """Record housing help (住房保障): an application, then its allocation or refusal.

    Each status change is kept with its date. Prints the case's code (HC001).

    Example:

    \b
        kunnan aid housing H000001 --kind low-rent --status applied --on 2018-03-01
        kunnan aid housing H000001 --kind low-rent --status allocated --area-m2 45 --on 2018-07-01
    """
    from kunnan.schemas.service_aid import HousingCreate
    from kunnan.services.aid.casework import record_housing

    data = validated(
        HousingCreate,
        {
            "household": household,
            "kind": kind,
            "status": status,
            "amount_fen": amount,
            "area_m2": area_m2,
            "note": note_text,
            "on_date": parse_on(on),
        },
    )
    with ledger(ctx, write=True) as session:
        change = record_housing(session, data=data)
    typer.echo(change.code)
    facts = {
        "code": change.code,
        "kind": data.kind.label(current()),
        "status": data.status.label(current()),
        "day": data.on_date.isoformat(),
    }
    if change.opened:
        note(_("housing case {code} ({kind}) opened: {status} on {day}", **facts))
    else:
        note(_("housing case {code} ({kind}): {status} on {day}", **facts))


@app.command("legal")
def legal(
    ctx: typer.Context,
    household: HouseholdArg,
    kind: Annotated[str, typer.Option("--kind", help=f"The case: {LegalKind.choices()}.")],
    status: Annotated[
        str,
        typer.Option(
            "--status",
            help=f"{LegalStatus.choices()}; opened starts a case, then resolved, closed.",
        ),
    ],
    recovered: Annotated[
        str | None,
        typer.Option(
            "--recovered",
            help="Money recovered for the household (wages, compensation), in yuan; not union money.",
        ),
    ] = None,
    against: Annotated[
        str | None, typer.Option("--against", help="Who the claim is against (opened).")
    ] = None,
    member: Annotated[
        str | None, typer.Option("--member", help="The member the case is for (opened).")
    ] = None,
    case: Annotated[
        str | None, typer.Option("--case", help="Which open case (LC001), when there are several.")
    ] = None,
    note_text: Annotated[str | None, typer.Option("--note", help="A note.")] = None,
    on: OnOption = None,
) -> None:
    """Record legal aid and rights work (维权): legal aid, wage arrears, injury compensation,
    labour disputes — opened, resolved (with what was recovered), closed.

    Prints the case's code (LC001).

    Example:

    \b
        kunnan aid legal H000001 --kind wage-arrears --status opened --against 某建筑公司 --on 2018-03-01
        kunnan aid legal H000001 --kind wage-arrears --status resolved --recovered 12000 --on 2018-05-20
    """
    from kunnan.domain.money import format_fen
    from kunnan.schemas.service_aid import LegalCreate
    from kunnan.services.aid.casework import record_legal

    data = validated(
        LegalCreate,
        {
            "household": household,
            "kind": kind,
            "status": status,
            "recovered_fen": recovered,
            "against": against,
            "member": member,
            "case": case,
            "note": note_text,
            "on_date": parse_on(on),
        },
    )
    with ledger(ctx, write=True) as session:
        change = record_legal(session, data=data)
    typer.echo(change.code)
    facts = {
        "code": change.code,
        "kind": data.kind.label(current()),
        "status": data.status.label(current()),
        "day": data.on_date.isoformat(),
    }
    if data.recovered_fen:
        note(
            _(
                "legal case {code} ({kind}): {status} on {day}; "
                "{recovered} yuan recovered for the household",
                recovered=format_fen(data.recovered_fen),
                **facts,
            )
        )
    else:
        note(_("legal case {code} ({kind}): {status} on {day}", **facts))


@app.command("counsel")
def counsel(
    ctx: typer.Context,
    household: HouseholdArg,
    by: Annotated[str, typer.Option("--by", help="The counsellor.")],
    note_text: Annotated[str, typer.Option("--note", help="What was talked through.")],
    member: MemberOpt = None,
    on: OnOption = None,
) -> None:
    """Record a counselling session (心理疏导) with a household or one member.

    Example:

    \b
        kunnan aid counsel H000001 --by 王心怡 --note "疏导因病致困的焦虑情绪" --on 2018-04-10
    """
    from kunnan.schemas.service_aid import CounselCreate
    from kunnan.services.aid.casework import counsel as record_counsel

    data = validated(
        CounselCreate,
        {
            "household": household,
            "counselor": by,
            "note": note_text,
            "member": member,
            "on_date": parse_on(on),
        },
    )
    with ledger(ctx, write=True) as session:
        code = counseling_code(record_counsel(session, data=data).id)
    typer.echo(code)
    note(
        _(
            "{code}: counselling with {household} on {day} by {counselor}",
            code=code,
            household=data.household,
            day=data.on_date.isoformat(),
            counselor=data.counselor,
        )
    )

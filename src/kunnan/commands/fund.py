"""kunnan fund: money set aside for aid, what comes in, and what each fund holds."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from kunnan.commands.options import (
    FormatOption,
    OnOption,
    ledger,
    parse_choice,
    parse_on,
    validated,
    view,
    whole_number,
)
from kunnan.domain.codes import fund_code
from kunnan.domain.enums import EntryKind, FundSource
from kunnan.i18n import _, translate
from kunnan.ui.columns import HOUSEHOLD, Column, machine_value
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

app = typer.Typer(
    help="Funds: add, contribute, assert a balance, list, show.", no_args_is_help=True
)

FundArg = Annotated[str, typer.Argument(help="Fund: its code (F001) or its exact name.")]

FUND_FIELDS = (
    Column("code", "Code", context="code"),
    Column("name", "Fund", min_width=8, context="name"),
    Column("org", "Union", context="org", drop=5),
    Column("source", "Source", "enum", FundSource, drop=2),
    Column("year", "Year", "int"),
    Column("budget_fen", "Budget", "money", drop=3),
    Column("contributed_fen", "Contributed", "money", drop=1),
    Column("granted_fen", "Granted", "money"),
    Column("lent_fen", "Lent", "money", context="lent_fen", drop=4),
    Column("repaid_fen", "Repaid", "money", context="repaid_fen", drop=4),
    Column("balance_fen", "Balance", "money"),
)
ENTRY_FIELDS = (
    Column("seq", "Entry", "int"),
    Column("on_date", "Date", "date"),
    Column("kind", "Kind", "enum", EntryKind),
    HOUSEHOLD,
    Column("program", "Programme", drop=4),
    Column("counterparty", "From", drop=2),
    Column("ref", "Ref", drop=3),
    Column("reverses_seq", "Reverses", "int", drop=1),
    Column("amount_fen", "Amount", "money"),
    Column("effect_fen", "Fund +/-", "money"),
)
ASSERTION_FIELDS = (
    Column("on_date", "At the end of", "date"),
    Column("balance_fen", "Balance", "money"),
    Column("operator", "Operator"),
    Column("recorded_at", "Recorded", "datetime"),
)


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="The fund's name, e.g. 2018年金秋助学专项.")],
    source: Annotated[
        str, typer.Option("--source", help=f"Where it comes from: {FundSource.choices()}.")
    ],
    year: Annotated[int, typer.Option("--year", parser=whole_number(), help="The budget year.")],
    budget: Annotated[
        str | None, typer.Option("--budget", help="The amount planned, in yuan (optional).")
    ] = None,
    org: Annotated[
        str | None,
        typer.Option(
            "--org", help="The union it belongs to (default: yours; without one, the root union)."
        ),
    ] = None,
) -> None:
    """Add a fund of a union. Prints its code (F001) on stdout.

    Only the operators of that union and of the unions above it see the fund and move money
    in and out of it.

    Example:

    \b
        kunnan fund add --name 2018年金秋助学专项 --source union --year 2018 --budget 200000
        kunnan fund add --name 2018年白银区帮扶资金 --source union --year 2018 --org baiyin-qu
    """
    from kunnan.schemas.aid import FundCreate
    from kunnan.services.fund import add_fund

    data = validated(
        FundCreate, {"name": name, "source": source, "year": year, "budget_fen": budget}
    )
    with ledger(ctx, write=True) as session:
        code = fund_code(add_fund(session, data=data, org=org).id)
    typer.echo(code)
    note(_("added fund {code}: {name}", code=code, name=data.name))


@app.command("contribute")
def contribute(
    ctx: typer.Context,
    fund: FundArg,
    amount: Annotated[str, typer.Argument(help="Amount in yuan.")],
    from_: Annotated[
        str, typer.Option("--from", help="Who the money comes from, e.g. 市财政局 or a company.")
    ],
    on: OnOption = None,
    ref: Annotated[str | None, typer.Option("--ref", help="Voucher or document number.")] = None,
) -> None:
    """Record money coming into a fund (an entry on the aid ledger). Prints its entry number.

    Example:

    \b
        kunnan fund contribute F001 200000 --from 白银市总工会 --on 2018-08-01 --ref 白工发[2018]12号
    """
    from kunnan.domain.money import format_fen
    from kunnan.schemas.aid import ContributionCreate
    from kunnan.services.fund import contribute as record_contribution
    from kunnan.services.fund import resolve_fund

    data = validated(
        ContributionCreate,
        {"amount_fen": amount, "counterparty": from_, "on_date": parse_on(on), "ref": ref},
    )
    with ledger(ctx, write=True) as session:
        target = resolve_fund(session, fund)
        entry = record_contribution(session, fund=target, data=data)
        seq, name = entry.seq, target.name
    typer.echo(seq)
    note(
        _(
            "entry {seq}: {amount} yuan into {fund} from {counterparty}",
            seq=seq,
            amount=format_fen(data.amount_fen),
            fund=name,
            counterparty=data.counterparty,
        )
    )


@app.command("assert")
def assert_(
    ctx: typer.Context,
    fund: FundArg,
    amount: Annotated[
        str, typer.Argument(help="The balance in yuan, e.g. from the bank statement.")
    ],
    on: Annotated[
        str | None,
        typer.Option("--on", help="The balance at the end of this day (default: today)."),
    ] = None,
) -> None:
    """Record that a fund held exactly AMOUNT at the end of a day (exit 1 if it did not).

    Entries dated on or before an assertion are refused afterwards, and
    kunnan ledger verify checks every assertion again.

    Example:

    \b
        kunnan fund assert F001 164500 --on 2018-12-31
    """
    from kunnan.domain.money import format_fen
    from kunnan.schemas.aid import BalanceAssertion
    from kunnan.services.fund import assert_balance, resolve_fund

    data = validated(BalanceAssertion, {"balance_fen": amount, "on_date": parse_on(on)})
    with ledger(ctx, write=True) as session:
        target = resolve_fund(session, fund)
        assert_balance(session, fund=target, data=data)
        name = target.name
    note(
        _(
            "{fund} held {amount} yuan at the end of {day}: recorded",
            fund=name,
            amount=format_fen(data.balance_fen),
            day=data.on_date.isoformat(),
        )
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    year: Annotated[
        int | None, typer.Option("--year", parser=whole_number(), help="Only funds of this year.")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help=f"Only this source: {FundSource.choices()}.")
    ] = None,
    org: Annotated[
        str | None,
        typer.Option("--org", help="Only the funds of that union and those under it."),
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """List funds with what came in, was granted, lent and repaid, and what each holds.

    An operator of a union sees the funds of their union and of the unions under it.

    Example:

    \b
        kunnan fund list --year 2018
        kunnan fund list --org baiyin-qu
    """
    from kunnan.services.fund import FundFilter, list_funds
    from kunnan.store.operators import scoped_org
    from kunnan.ui.output import render_rows

    chosen = parse_choice(FundSource, source, "--source")
    with ledger(ctx, write=False) as session:
        where = FundFilter(year=year, source=chosen, org=scoped_org(session, org))
        rows, totals = list_funds(session, where=where)
    shown = view(ctx, output)
    total = {"code": translate("Total", shown.lang), **totals}
    render_rows([dataclasses.asdict(r) for r in rows], FUND_FIELDS, shown, total=total)
    if not rows:
        note(_("no funds: kunnan fund add --name … --source … --year …"))


@app.command("show")
def show(ctx: typer.Context, fund: FundArg, output: FormatOption = OutputFormat.TABLE) -> None:
    """Show a fund: its contributions, grants and reversals, balance assertions and balance.

    Example:

    \b
        kunnan fund show F001
    """
    from kunnan.services.fund import fund_detail, resolve_fund
    from kunnan.ui.output import render_record, render_rows, write_json

    with ledger(ctx, write=False) as session:
        detail = fund_detail(session, resolve_fund(session, fund))
    shown = view(ctx, output)
    record = dataclasses.asdict(detail.fund)
    entries = [dataclasses.asdict(e) for e in detail.entries]
    assertions = [dataclasses.asdict(a) for a in detail.assertions]
    if shown.format is OutputFormat.JSON:
        data = {f.key: machine_value(f, record[f.key], reveal=False) for f in FUND_FIELDS}
        data["entries"] = [
            {f.key: machine_value(f, e[f.key], reveal=False) for f in ENTRY_FIELDS} for e in entries
        ]
        data["assertions"] = [
            {f.key: machine_value(f, a[f.key], reveal=False) for f in ASSERTION_FIELDS}
            for a in assertions
        ]
        write_json(data)
    elif shown.format is OutputFormat.CSV:
        render_rows(entries, ENTRY_FIELDS, shown)
    else:
        render_record(record, FUND_FIELDS, shown, title=f"{record['code']}  {record['name']}")
        total = {"seq": None, "effect_fen": record["balance_fen"]}
        render_rows(
            entries, ENTRY_FIELDS, shown, title=translate("Entries", shown.lang), total=total
        )
        if assertions:
            render_rows(
                assertions,
                ASSERTION_FIELDS,
                shown,
                title=translate("Balance assertions", shown.lang),
            )

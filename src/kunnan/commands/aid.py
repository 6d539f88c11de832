"""kunnan aid: cash aid from a fund under a programme, reversals, and the aid given."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from kunnan.commands._common import (
    FormatOption,
    HouseholdArg,
    OnOption,
    ledger,
    parse_on,
    validated,
    view,
)
from kunnan.domain.enums import EntryKind
from kunnan.ui.console import note
from kunnan.ui.output import Field, OutputFormat

app = typer.Typer(help="Cash aid: grant, reverse, list, show.", no_args_is_help=True)

EntryArg = Annotated[str, typer.Argument(help="The ledger entry number, e.g. 12.")]

AID_FIELDS = (
    Field("seq", "Entry", "流水号", "int"),
    Field("on_date", "Date", "日期", "date"),
    Field("year", "Year", "年度", "int", in_table=False),
    Field("household", "Household", "家庭"),
    Field("head_name", "Head", "户主", min_width=6),
    Field("member", "For", "受助人", min_width=6),
    Field("program", "Programme", "项目"),
    Field("program_name", "Programme name", "项目", in_table=False),
    Field("fund", "Fund", "资金"),
    Field("ref", "Ref", "凭证号", in_table=False),
    Field("reverses_seq", "Reverses", "冲正", "int"),
    Field("reversed_by", "Reversed by", "被冲正", "int"),
    Field("override_reason", "Override", "特批理由", in_table=False),
    Field("amount_fen", "Amount", "金额", "money"),
)
DETAIL_FIELDS = (
    Field("seq", "Entry", "流水号", "int"),
    Field("kind", "Kind", "类型", "enum", EntryKind),
    Field("on_date", "Date", "日期", "date"),
    Field("year", "Counts toward year", "计入年度", "int"),
    Field("household", "Household", "家庭"),
    Field("member", "For", "受助人"),
    Field("program", "Programme", "项目"),
    Field("program_name", "Programme name", "项目名称"),
    Field("rule_from", "Judged by the rule of", "适用规则", "date"),
    Field("fund", "Fund", "资金"),
    Field("fund_name", "Fund name", "资金名称"),
    Field("amount_fen", "Amount", "金额", "money"),
    Field("counterparty", "From", "来源"),
    Field("ref", "Ref", "凭证号"),
    Field("reverses_seq", "Reverses entry", "冲正流水号", "int"),
    Field("reversed_by", "Reversed by entry", "被冲正流水号", "int"),
    Field("reason", "Reason", "冲正原因"),
    Field("override_reason", "Override", "特批理由"),
    Field("operator", "Operator", "操作人"),
    Field("recorded_at", "Recorded", "记录时间", "datetime"),
    Field("prev_hash", "Previous hash", "前序哈希"),
    Field("hash", "Hash", "哈希"),
)


def _in_chinese(fields: tuple[Field, ...], lang: str) -> tuple[Field, ...]:
    """Chinese tables name programmes by their Chinese names (金秋助学), not their codes."""
    if lang != "zh":
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
        kunnan aid grant H000002 --program golden-autumn --member 张晓雯 --fund F001 --on 2018-09-01
        kunnan aid grant H000003 --program medical-aid --amount 8000 --fund F002 --ref 医救[2018]7号
    """
    from kunnan.domain.money import format_fen
    from kunnan.schemas.aid import GrantCreate
    from kunnan.services.aid import grant as grant_aid

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
        seq, paid, code = entry.seq, entry.amount_fen, entry.program
    typer.echo(seq)
    for passed in result.overridden:
        note(f"override: {passed}")
    if override is not None and not result.overridden:
        note("--override was not needed: no limit was passed (not recorded)")
    note(f"entry {seq}: {format_fen(paid)} yuan of {code} to {data.household}")


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
        kunnan aid reverse 12 --reason "重复发放，退回资金"
    """
    from kunnan.domain.money import format_fen
    from kunnan.schemas.aid import ReversalCreate
    from kunnan.services.aid import find_entry
    from kunnan.services.aid import reverse as reverse_entry

    data = validated(ReversalCreate, {"reason": reason, "on_date": parse_on(on)})
    with ledger(ctx, write=True) as session:
        reversal = reverse_entry(session, entry=find_entry(session, entry), data=data)
        seq, original, amount = reversal.seq, reversal.reverses_seq, reversal.amount_fen
    typer.echo(seq)
    note(f"entry {seq} reverses entry {original} ({format_fen(amount)} yuan)")


@app.command("list")
def list_(
    ctx: typer.Context,
    household: Annotated[
        str | None, typer.Option("--household", help="Only this household.")
    ] = None,
    program: Annotated[str | None, typer.Option("--program", help="Only this programme.")] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Only aid counting toward this year.")
    ] = None,
    fund: Annotated[str | None, typer.Option("--fund", help="Only aid from this fund.")] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """List grants and their reversals, oldest first, with the total.

    Example:

    \b
        kunnan aid list --program golden-autumn --year 2018 --format csv
    """
    from kunnan.services.aid import AidFilter, list_aid
    from kunnan.services.funds import resolve_fund
    from kunnan.services.households import resolve_household
    from kunnan.services.programs import find_program
    from kunnan.ui.output import render_rows

    with ledger(ctx, write=False) as session:
        where = AidFilter(
            household_id=resolve_household(session, household).id if household else None,
            program=find_program(session, program).code if program else None,
            year=year,
            fund_id=resolve_fund(session, fund).id if fund else None,
        )
        rows, total_fen = list_aid(session, where=where)
    shown = view(ctx, output)
    total = {
        "seq": None,
        "household": "合计" if shown.lang == "zh" else "Total",
        "amount_fen": total_fen,
    }
    fields = _in_chinese(AID_FIELDS, shown.lang)
    render_rows([dataclasses.asdict(r) for r in rows], fields, shown, total=total)
    if not rows:
        note("no aid matches")


@app.command("show")
def show(ctx: typer.Context, entry: EntryArg, output: FormatOption = OutputFormat.TABLE) -> None:
    """Show one ledger entry in full, with its hash and the entry it links to.

    Example:

    \b
        kunnan aid show 12 --lang zh
    """
    from kunnan.services.aid import entry_detail, find_entry
    from kunnan.ui.output import render_record

    with ledger(ctx, write=False) as session:
        detail = entry_detail(session, find_entry(session, entry))
    render_record(
        dataclasses.asdict(detail), DETAIL_FIELDS, view(ctx, output), title=f"#{detail.seq}"
    )

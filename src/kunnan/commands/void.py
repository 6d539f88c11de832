"""kunnan void: void a record entered by mistake (作废), keeping it in the ledger marked void."""

from __future__ import annotations

from typing import Annotated

import typer

from kunnan.commands.options import OnOption, ledger, parse_on, text_option
from kunnan.ui.console import note


def void(
    ctx: typer.Context,
    record: Annotated[
        str,
        typer.Argument(
            help="The record's code, as household show prints it: a contact attempt (CA012), "
            "an exit (EX003) or a follow-up (FU007)."
        ),
    ],
    reason: Annotated[
        str, typer.Option("--reason", help="Why the record is voided (kept with it).")
    ],
    on: OnOption = None,
) -> None:
    """Void a record entered by mistake (作废): a contact attempt, an exit or a follow-up.

    The record stays in the ledger, marked void with who voided it, when and why (also in
    the audit log); lists, reports and rules read past it. Voiding an exit puts the household
    back to the status it had before it, on every day, and its follow-ups go with it; voiding
    a follow-up that was due makes that visit due again. Money is never voided: reverse a
    grant with 'kunnan aid reverse'. A duplicate household is merged instead: 'kunnan
    household merge'.

    Example:

    \b
        kunnan void CA001 --reason "录错了户，应记在另一户"
        kunnan void EX001 --reason "退出审批未通过，误录"
    """
    from kunnan.services.void import void_record

    why = text_option(reason, "--reason", required=True)
    assert why is not None
    day = parse_on(on)
    with ledger(ctx, write=True) as session:
        outcome = void_record(session, record, reason=why, on=day)
    typer.echo(outcome.code)
    note(outcome.message)

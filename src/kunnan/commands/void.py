"""kunnan void: void a record entered by mistake (作废), keeping it in the ledger marked void."""

from __future__ import annotations

from typing import Annotated

import typer

from kunnan.commands.options import OnOption, ledger, parse_on, say_held, text_option, validated
from kunnan.ui.console import note


def void(
    ctx: typer.Context,
    record: Annotated[
        str,
        typer.Argument(
            help="The record's code, as household show prints it: a contact attempt (CA012), "
            "an exit (EX003), a follow-up (FU007), an identification step (ST004), an objection "
            "(OB001), a pairing visit (PV002), a training stage (TS003), a placement (P001), a "
            "housing or legal case (HC001, LC001) or one of its status changes (HS002, LS002), "
            "a counselling session (CS001)."
        ),
    ],
    reason: Annotated[
        str, typer.Option("--reason", help="Why the record is voided (kept with it).")
    ],
    on: OnOption = None,
) -> None:
    """Void a record entered by mistake (作废): any record that is not money.

    The record stays in the ledger, marked void with who voided it, when and why (also in
    the audit log); lists, reports and rules read past it. Voiding an exit puts the household
    back to the status it had before it, on every day, and its follow-ups go with it; voiding
    a follow-up that was due makes that visit due again. Voiding an identification step (the
    latest of an open case) makes it due again; voiding a confirmation (七确认), while
    nothing has happened since, reopens the case at confirm and releases its archive number.
    A training stage, a placement or a case's status change is voided while it is the latest
    of its kind (an employed stage and its placement go together, and the member gets back
    the work and income recorded before); a visit, a counselling session or a whole housing or
    legal case at any time. Money is never voided: reverse a grant with 'kunnan aid reverse'.
    A duplicate household is merged instead: 'kunnan household merge'. In a ledger with
    operators a void waits for a second approver's approval (kunnan approve).

    Example:

    \b
        kunnan void CA001 --reason "录错了户，应记在另一户"
        kunnan void EX001 --reason "退出审批未通过，误录"
        kunnan void PV001 --reason "走访记错了户"
    """
    from kunnan.schemas.approval import VoidAction
    from kunnan.services.void import void_record

    why = text_option(reason, "--reason", required=True)
    assert why is not None
    data = validated(VoidAction, {"record": record, "reason": why, "on_date": parse_on(on)})
    with ledger(ctx, write=True) as session:
        outcome = void_record(session, data)
    if outcome.held is not None:
        say_held(outcome.held)
        return
    typer.echo(outcome.code)
    note(outcome.message)

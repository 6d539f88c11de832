"""kunnan approve: a second pair of eyes — the actions waiting for approval, accepted or
declined by a second operator."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from kunnan.commands.options import FormatOption, ledger, text_option, view
from kunnan.domain.enums import PendingKind, PendingStatus, named
from kunnan.i18n import _
from kunnan.ui.columns import Column
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

app = typer.Typer(
    help="A second pair of eyes: actions waiting for approval, accepted or declined.",
    no_args_is_help=True,
)

CodeArg = Annotated[str, typer.Argument(help="The pending action's code (P0001).")]

FIELDS = (
    Column("code", "Code"),
    Column("kind", "Kind", "enum", PendingKind),
    Column("household", "Household"),
    Column("summary", "Summary", min_width=12),
    Column("maker", "Made by"),
    Column("made_at", "Made", "datetime"),
    Column("expires_on", "Expires", "date"),
    Column("status", "Status", "enum", PendingStatus),
    Column("decided_by", "Decided by"),
    Column("reason", "Why declined", drop=1),
)


@app.command("list")
def list_(
    ctx: typer.Context,
    everything: Annotated[
        bool, typer.Option("--all", help="Decided and expired ones too, not only those waiting.")
    ] = False,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """The actions waiting for approval in your union and those under it.

    A grant over a programme's limit (--override) or above the policy's approval_above, a
    reversal and a void wait here in a ledger with operators, until an approver other than
    the one who made it accepts or declines it, or it expires (policy approval_days).

    Example:

    \b
        kunnan approve list
        kunnan approve list --all --format json
    """
    from kunnan.services.approve import list_pending
    from kunnan.ui.output import render_rows

    with ledger(ctx, write=False) as session:
        rows = list_pending(session, everything=everything)
    render_rows([dataclasses.asdict(r) for r in rows], FIELDS, view(ctx, output))
    if not rows:
        note(_("nothing waits for approval"))


@app.command("accept")
def accept(ctx: typer.Context, code: CodeArg) -> None:
    """Accept a pending action: it is judged again on today's facts and takes effect.

    Only a second operator, never its maker, whose role checks it (an approver), of the
    household's union or one above it, accepts it, before it expires. If the action is now
    refused (the facts changed), accepting is refused with that reason and it keeps waiting.

    Example:

    \b
        kunnan --operator 陈国栋 approve accept P0002
    """
    from kunnan.services.approve import accept as accept_pending

    with ledger(ctx, write=True) as session:
        decided = accept_pending(session, code)
    note(
        _(
            "{code} accepted ({maker}'s {kind}): {effect}",
            code=decided.code,
            maker=decided.maker,
            kind=named(decided.kind),
            effect=decided.effect,
        )
    )


@app.command("decline")
def decline(
    ctx: typer.Context,
    code: CodeArg,
    reason: Annotated[str, typer.Option("--reason", help="Why it is declined (kept with it).")],
) -> None:
    """Decline a pending action: it never takes effect.

    Example:

    \b
        kunnan --operator 陈国栋 approve decline P0002 --reason 超出年度预算
    """
    from kunnan.services.approve import decline as decline_pending

    why = text_option(reason, "--reason", required=True) or ""
    with ledger(ctx, write=True) as session:
        decided = decline_pending(session, code, reason=why)
    note(_("{code} declined: it will not take effect", code=decided.code))

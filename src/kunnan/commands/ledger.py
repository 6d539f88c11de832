"""kunnan ledger: tamper evidence for the aid ledger (verify the hash chain, print its head)."""

from __future__ import annotations

import dataclasses
import re
from typing import Annotated

import typer

from kunnan.commands.options import FormatOption, ledger, view
from kunnan.i18n import _
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

app = typer.Typer(help="Tamper evidence for the aid ledger: verify, head.", no_args_is_help=True)


def _head_line(count: int, head_hash: str) -> str:
    return f"{count} {head_hash}"


@app.command("verify")
def verify(
    ctx: typer.Context,
    expect: Annotated[
        str | None,
        typer.Option(
            "--expect", help="A head hash written down earlier; it must still be in the chain."
        ),
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Recompute the hash chain, check balance assertions and fund balances; exit 1 on any problem.

    Prints each problem, then the head (count and hash) on stdout.

    Example:

    \b
        kunnan ledger verify
        kunnan ledger verify --expect "$(cut -d ' ' -f 2 ~/ledger-head.txt)"
    """
    from kunnan.db.errors import stored_values_checked
    from kunnan.domain.errors import CheckFailed, InvalidInput
    from kunnan.services.ledger import verify as verify_chain
    from kunnan.ui.output import write_json

    expected = expect.strip().lower() if expect is not None else None
    if expected is not None and not re.fullmatch(r"[0-9a-f]{64}", expected):
        raise InvalidInput(
            _("--expect: a head hash is 64 hexadecimal characters (kunnan ledger head)")
        )
    with stored_values_checked(), ledger(ctx, write=False) as session:
        result = verify_chain(session, expect=expected)
    if view(ctx, output).format is OutputFormat.JSON:
        write_json(
            {
                "ok": not result.problems,
                "count": result.count,
                "head_hash": result.head_hash,
                "assertions": result.assertions,
                "first_bad_seq": result.first_bad_seq,
                "problems": [dataclasses.asdict(p) for p in result.problems],
            }
        )
    else:
        for problem in result.problems:
            typer.echo(_("problem: {problem}", problem=problem.message))
        typer.echo(_head_line(result.count, result.head_hash))
    if result.problems:
        first = result.first_bad_seq
        raise CheckFailed(
            _("ledger verify found {n} problem(s)", n=len(result.problems))
            if first is None
            else _(
                "ledger verify found {n} problem(s); the first bad sequence number is {first}",
                n=len(result.problems),
                first=first,
            )
        )
    note(
        _(
            "chain of {count} entries intact; {assertions} balance assertion(s) hold; "
            "no fund below zero at the end of any day",
            count=result.count,
            assertions=result.assertions,
        )
    )


@app.command("head")
def head(ctx: typer.Context, output: FormatOption = OutputFormat.TABLE) -> None:
    """Print the number of ledger entries and the last entry's hash, to write down elsewhere.

    Example:

    \b
        kunnan ledger head
    """
    from kunnan.services.ledger import head as chain_head
    from kunnan.ui.output import write_json

    with ledger(ctx, write=False) as session:
        count, head_hash = chain_head(session)
    if view(ctx, output).format is OutputFormat.JSON:
        write_json({"count": count, "head_hash": head_hash})
    else:
        typer.echo(_head_line(count, head_hash))

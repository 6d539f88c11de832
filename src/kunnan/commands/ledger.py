"""kunnan ledger: tamper evidence. The aid ledger's hash chain (verify, head), and the event
log of every change: its checkpoint key, signed checkpoints, and proofs anyone can check."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Annotated, Any

import typer

from kunnan.commands.options import (
    ForceOption,
    FormatOption,
    PassphraseOption,
    ledger,
    new_passphrase,
    output_file,
    view,
    whole_number,
)
from kunnan.i18n import _
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

app = typer.Typer(
    help="Tamper evidence: the aid chain (verify, head) and the event log's signed "
    "checkpoints and proofs.",
    no_args_is_help=True,
)


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


# --- the event log ---------------------------------------------------------------------------

OutOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file instead of the terminal."),
]


def _write(ctx: typer.Context, out: Path, text: str, *, force: bool) -> None:
    from kunnan.files import write_atomically

    with write_atomically(output_file(ctx, out, force=force)) as temporary:
        temporary.write_text(text, encoding="utf-8")


def _check_target(ctx: typer.Context, out: Path | None, *, force: bool) -> None:
    """Refuse a file the command could not write before the ledger is touched."""
    from kunnan.files import check

    if out is not None:
        check(output_file(ctx, out, force=force))


@app.command("key")
def key(
    ctx: typer.Context,
    origin: Annotated[
        str | None,
        typer.Option(
            "--origin",
            help="The ledger's name in its checkpoints, one word (default: the current "
            "key's, else kunnan/ and the root union's name).",
        ),
    ] = None,
    passphrase: PassphraseOption = False,
) -> None:
    """Make the key the ledger signs its checkpoints with, on this machine.

    The current key is retired: the checkpoints it signed still verify. Prints the verifier
    key (name+id+key) to give to the union above and to print on notices.

    Example:

    \b
        kunnan ledger key --origin kunnan/白银市总工会
    """
    from kunnan.services.log import new_ledger_key

    secret = new_passphrase(passphrase)
    with ledger(ctx, write=True) as session:
        made = new_ledger_key(session, origin=origin, passphrase=secret)
    typer.echo(made.verifier_key)
    note(
        _(
            "new checkpoint key {fingerprint} for ledger {origin}",
            fingerprint=made.fingerprint,
            origin=made.origin,
        )
    )


@app.command("checkpoint")
def checkpoint(
    ctx: typer.Context,
    since: Annotated[
        int | None,
        typer.Option(
            "--since",
            parser=whole_number(least=0),
            metavar="SIZE",
            help="Also give the consistency proof from the log's first SIZE events: the "
            "size the union above holds (kunnan witness update takes the file).",
        ),
    ] = None,
    out: OutOption = None,
    force: ForceOption = False,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Sign the event log as it stands: a checkpoint (origin, size, root) in the C2SP note format.

    Prints the signed note; with --since, a bundle of the note and its consistency proof
    for a witness. Nothing new since the latest checkpoint: that one is printed again.

    Example:

    \b
        kunnan ledger checkpoint
        kunnan ledger checkpoint --since 0 -o /tmp/checkpoint.json
    """
    from kunnan.domain.events import b64
    from kunnan.services.log import bundle, make_checkpoint
    from kunnan.ui.output import write_json

    _check_target(ctx, out, force=force)
    with ledger(ctx, write=True) as session:
        made = make_checkpoint(session)
        document = bundle(session, made, since=since) if since is not None else None
    text = made.note if document is None else json.dumps(document, indent=2) + "\n"
    if out is not None:
        _write(ctx, out, text, force=force)
    elif view(ctx, output).format is OutputFormat.JSON:
        write_json(
            {
                "origin": made.origin,
                "size": made.size,
                "root": b64(made.root),
                "note": made.note,
                "verifier_key": made.verifier_key,
                "new": made.new,
                **({"bundle": document} if document is not None else {}),
            }
        )
    else:
        typer.echo(text, nl=False)
    note(
        _(
            "checkpoint of ledger {origin}: {size} events, root {root}",
            origin=made.origin,
            size=made.size,
            root=made.root.hex()[:16],
        )
        if made.new
        else _(
            "nothing was written since the checkpoint of {size} events; it is printed again",
            size=made.size,
        )
    )


@app.command("show")
def show(
    ctx: typer.Context,
    verifier: Annotated[
        bool,
        typer.Option("--verifier-key", help="Print the verifier key only."),
    ] = False,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """The event log: its size and root, the ledger's origin and verifier key, and the
    latest checkpoint.

    Example:

    \b
        kunnan ledger show
        kunnan ledger show --verifier-key > ledger-key.txt
    """
    from kunnan.domain.events import b64
    from kunnan.services.log import no_ledger_key, state
    from kunnan.ui.output import write_json

    with ledger(ctx, write=False) as session:
        found = state(session)
    if verifier:
        if found.verifier_key is None:
            raise no_ledger_key()
        typer.echo(found.verifier_key)
        return
    document: dict[str, Any] = {
        "origin": found.origin,
        "verifier_key": found.verifier_key,
        "size": found.size,
        "root": b64(found.root),
        "checkpoint_size": found.checkpoint_size,
        "checkpoint_at": found.checkpoint_at,
    }
    if view(ctx, output).format is OutputFormat.JSON:
        write_json(document)
        return
    labels = {
        "origin": _("Origin"),
        "verifier_key": _("Verifier key"),
        "size": _("Events"),
        "root": _("Root"),
        "checkpoint_size": _("Latest checkpoint, events"),
        "checkpoint_at": _("Latest checkpoint, made"),
    }
    for name, label in labels.items():
        value = document[name]
        typer.echo(f"{label}: {'-' if value is None else value}")


@app.command("prove")
def prove(
    ctx: typer.Context,
    record: Annotated[
        str,
        typer.Argument(
            metavar="RECORD",
            help="A household (H000001) or fund (F001) code, or a table of the ledger.",
        ),
    ],
    key: Annotated[
        str | None,
        typer.Argument(metavar="[KEY]", help="With a table: the row's key (member 12)."),
    ] = None,
    out: OutOption = None,
    force: ForceOption = False,
) -> None:
    """Prove a record's events are in the latest checkpoint: inclusion proofs (RFC 6962)
    that anyone checks offline with kunnan ledger check-proof.

    The proof carries digests only, never the record's personal data.

    Example:

    \b
        kunnan ledger prove H000001 -o proof.json
        kunnan ledger prove member 12
    """
    from kunnan.services.log import prove as prove_record

    _check_target(ctx, out, force=force)
    with ledger(ctx, write=False) as session:
        document = prove_record(session, record, key)
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if out is not None:
        _write(ctx, out, text, force=force)
    else:
        typer.echo(text, nl=False)
    note(
        _(
            "{n} event(s) of {record} proved against the checkpoint",
            n=len(document["events"]),
            record=document["record"],
        )
    )


@app.command("check-proof")
def check_proof(
    proof: Annotated[
        Path, typer.Argument(metavar="FILE", help="A proof file of kunnan ledger prove.")
    ],
    verifier: Annotated[
        str,
        typer.Option(
            "--key",
            metavar="KEY",
            help="The ledger's verifier key (kunnan ledger show --verifier-key), as the "
            "union published it.",
        ),
    ],
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Check a proof without the ledger: the checkpoint's signature, and each event's path
    to the checkpoint's root. Exit 1 if any does not hold.

    Example:

    \b
        kunnan ledger check-proof proof.json --key "$(< ledger-key.txt)"
    """
    from kunnan.domain.errors import CheckFailed
    from kunnan.domain.events import b64
    from kunnan.services.log import check_proof as check
    from kunnan.services.log import read_file
    from kunnan.ui.output import write_json

    checked = check(read_file(proof), verifier)
    bad = [event for event in checked.events if not event.holds]
    if OutputFormat(output) is OutputFormat.JSON:
        write_json(
            {
                "ok": not bad,
                "origin": checked.origin,
                "size": checked.size,
                "root": b64(checked.root),
                "record": checked.record,
                "events": [dataclasses.asdict(event) for event in checked.events],
            }
        )
    else:
        for event in checked.events:
            typer.echo(
                (_("holds") if event.holds else _("DOES NOT HOLD"))
                + f"  #{event.index}  {event.table} {event.key}  {event.at}  {event.digest[:16]}"
            )
    if bad:
        raise CheckFailed(
            _(
                "{n} of {total} event(s) are not in ledger {origin} at size {size}",
                n=len(bad),
                total=len(checked.events),
                origin=checked.origin,
                size=checked.size,
            )
        )
    note(
        _(
            "all {n} event(s) of {record} are in ledger {origin} at size {size}",
            n=len(checked.events),
            record=checked.record,
            origin=checked.origin,
            size=checked.size,
        )
    )

"""kunnan operator: the people who work in the ledger, each with a union and a role."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from kunnan.commands.options import (
    FormatOption,
    PassphraseOption,
    ledger,
    new_passphrase,
    parse_choice,
    parse_on,
    text_option,
    view,
)
from kunnan.domain.enums import Role, named
from kunnan.domain.text import NAME_MAX
from kunnan.i18n import _
from kunnan.ui.columns import Column
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

app = typer.Typer(
    help="Operators: the people who work in the ledger, each with a union and a role.",
    no_args_is_help=True,
)

NameArg = Annotated[str, typer.Argument(help="The operator's name, as --operator gives it.")]

FIELDS = (
    Column("name", "Name", min_width=6, context="operator"),
    Column("role", "Role", "enum", Role),
    Column("org", "Union", context="org"),
    Column("added_at", "Added", "datetime"),
    Column("added_by", "Added by"),
    Column("disabled_on", "Disabled", "date"),
    Column("disabled_reason", "Why disabled"),
)


@app.command("add")
def add(
    ctx: typer.Context,
    name: NameArg,
    role: Annotated[str, typer.Option("--role", help=f"What they do: {Role.choices()}.")],
    org: Annotated[
        str | None,
        typer.Option("--org", help="The union they work at (default: the whole ledger)."),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option(
            "--public-key",
            help="Their public key (PEM), made on their own machine; without it their key "
            "pair is made here.",
        ),
    ] = None,
    passphrase: PassphraseOption = False,
) -> None:
    """Register an operator and their signing key; from the first one on, only operators
    write to the ledger, and every write is signed.

    The first operator of a ledger is its administrator (--role admin), who adds the others.
    The new operator's key pair is made on this machine, its private key kept in this
    user's configuration folder (KUNNAN_CONFIG_HOME), unless --public-key gives one made
    elsewhere.

    Example:

    \b
        kunnan --operator 王丽 operator add 何静 --role auditor
        kunnan --operator 王丽 operator add 孙志强 --role caseworker --org baiyin-qu
    """
    from kunnan.keys import read_public_key
    from kunnan.services.operator import add_operator

    chosen = parse_choice(Role, role, "--role")
    assert chosen is not None
    who = text_option(name, "NAME", max_length=NAME_MAX, required=True) or ""
    public = read_public_key(public_key) if public_key is not None else None
    secret = new_passphrase(passphrase) if public is None else None
    with ledger(ctx, write=True) as session:
        add_operator(session, name=who, role=chosen, org=org, public_key=public, passphrase=secret)
    note(_("{name} is an operator now: {role}", name=who, role=named(chosen)))


@app.command("key")
def key(ctx: typer.Context, passphrase: PassphraseOption = False) -> None:
    """Make a new signing key for the command's own operator, on this machine.

    Their current key is retired: what it signed still verifies. The private key is kept in
    this user's configuration folder (KUNNAN_CONFIG_HOME), readable by them only.

    Example:

    \b
        kunnan --operator 王丽 operator key
    """
    from kunnan.keys import key_path
    from kunnan.services.operator import new_operator_key

    secret = new_passphrase(passphrase)
    with ledger(ctx, write=True, new_key=True) as session:
        made = new_operator_key(session, passphrase=secret)
        print_ = made.fingerprint
    note(_("new signing key {fingerprint} saved to {path}", fingerprint=print_,
           path=key_path(print_)))  # fmt: skip


KEY_FIELDS = (
    Column("fingerprint", "Key"),
    Column("added_at", "Added", "datetime"),
    Column("retired_at", "Retired", "datetime"),
)
SHOW_FIELDS = (
    *FIELDS,
    Column("key", "Signing key"),
    Column("key_added_at", "Key added", "datetime"),
)


@app.command("show")
def show(ctx: typer.Context, name: NameArg, output: FormatOption = OutputFormat.TABLE) -> None:
    """An operator: their union and role, and their signing key with when it was added
    (and, in a table, the keys they had before).

    Example:

    \b
        kunnan operator show 王丽
    """
    from kunnan.services.operator import show_operator
    from kunnan.ui.output import render_record, render_rows

    with ledger(ctx, write=False) as session:
        detail = show_operator(session, name)
    current = next((k for k in reversed(detail.keys) if k.retired_at is None), None)
    record = {
        **dataclasses.asdict(detail.operator),
        "key": current.fingerprint if current else None,
        "key_added_at": current.added_at if current else None,
    }
    shown = view(ctx, output)
    render_record(record, SHOW_FIELDS, shown)
    if output is OutputFormat.TABLE and len(detail.keys) > 1:
        render_rows([dataclasses.asdict(k) for k in detail.keys], KEY_FIELDS, shown)


@app.command("disable")
def disable(
    ctx: typer.Context,
    name: NameArg,
    reason: Annotated[str, typer.Option("--reason", help="Why (left the union, moved …).")],
    on: Annotated[
        str | None, typer.Option("--on", help="From this day, YYYY-MM-DD (default: today).")
    ] = None,
) -> None:
    """Disable an operator: they can do nothing more; what they recorded stays theirs.

    Example:

    \b
        kunnan --operator 王丽 operator disable 李发明 --reason 调离 --on 2018-12-20
    """
    from kunnan.services.operator import disable_operator

    day = parse_on(on)
    why = text_option(reason, "--reason", required=True) or ""
    with ledger(ctx, write=True) as session:
        operator = disable_operator(session, name, on=day, reason=why)
        who = operator.name
    note(_("{name} is disabled from {on}", name=who, on=day.isoformat()))


@app.command("list")
def list_(ctx: typer.Context, output: FormatOption = OutputFormat.TABLE) -> None:
    """The ledger's operators, with their union and role.

    Example:

    \b
        kunnan operator list
    """
    from kunnan.services.operator import list_operators
    from kunnan.ui.output import render_rows

    with ledger(ctx, write=False) as session:
        rows = list_operators(session)
    render_rows([dataclasses.asdict(r) for r in rows], FIELDS, view(ctx, output))
    if not rows:
        note(_("no operator is registered: anyone who opens this ledger may write to it"))

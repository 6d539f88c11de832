"""kunnan operator: the people who work in the ledger, each with a union and a role."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from kunnan.commands.options import (
    FormatOption,
    ledger,
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
) -> None:
    """Register an operator; from the first one on, only operators write to the ledger.

    The first operator of a ledger is its administrator (--role admin), who adds the others.

    Example:

    \b
        kunnan --operator 王丽 operator add 何静 --role auditor
        kunnan --operator 王丽 operator add 孙志强 --role caseworker --org baiyin-qu
    """
    from kunnan.services.operator import add_operator

    chosen = parse_choice(Role, role, "--role")
    assert chosen is not None
    who = text_option(name, "NAME", max_length=NAME_MAX, required=True) or ""
    with ledger(ctx, write=True) as session:
        add_operator(session, name=who, role=chosen, org=org)
    note(_("{name} is an operator now: {role}", name=who, role=named(chosen)))


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

"""kunnan org: the union tree (city → county/district → grassroots) and responsible units."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from kunnan.commands.options import FormatOption, ledger, validated, view
from kunnan.domain.enums import OrgKind
from kunnan.i18n import _, p_
from kunnan.ui.columns import Column, machine_value
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

app = typer.Typer(help="Unions and responsible units.", no_args_is_help=True)

ORG_FIELDS = (
    Column("code", "Code"),
    Column("name", "Name"),
    Column("kind", "Kind", "enum", OrgKind),
    Column("parent_code", "Parent"),
    Column("area_code", "Area"),
    Column("households", "Households", "int"),
)


@app.command("add")
def add(
    ctx: typer.Context,
    code: Annotated[str, typer.Option("--code", help="Short handle to type, e.g. baiyin-qu.")],
    name: Annotated[str, typer.Option("--name", help="Full name, e.g. 白银区总工会.")],
    kind: Annotated[str, typer.Option("--kind", help=f"Kind: {OrgKind.choices()}.")],
    parent: Annotated[
        str | None, typer.Option("--parent", help="The organisation above (code or name).")
    ] = None,
    area: Annotated[
        str | None, typer.Option("--area", help="Six-digit area code (default: the parent's).")
    ] = None,
) -> None:
    """Add a union or a responsible unit.

    Example:

    \b
        kunnan org add --code gas --name 白银区燃气公司工会 --kind grassroots --parent baiyin-qu
        kunnan org add --code aluminium-unit --name 华鹭铝业公司 --kind unit --parent baiyin-qu
    """
    from kunnan.schemas.org import OrgCreate
    from kunnan.services.org import add_org

    data = validated(
        OrgCreate, {"code": code, "name": name, "kind": kind, "parent": parent, "area_code": area}
    )
    with ledger(ctx, write=True) as session:
        org = add_org(session, data=data)
        label = f"{org.code} ({org.name})"
    kind_label = data.kind.label(view(ctx, OutputFormat.TABLE).lang)
    note(_("added {kind} {org}", kind=kind_label, org=label))


@app.command("list")
def list_(
    ctx: typer.Context,
    under: Annotated[
        str | None, typer.Option("--under", help="Only this organisation and those under it.")
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """List organisations as a tree, with the households registered at each.

    Example:

    \b
        kunnan org list --under baiyin-qu
    """
    from kunnan.services.org import list_orgs
    from kunnan.store.orgs import find_org
    from kunnan.ui.output import render_rows

    with ledger(ctx, write=False) as session:
        rows = list_orgs(session, under=find_org(session, under) if under else None)
    shown = view(ctx, output)
    records = [dataclasses.asdict(row) for row in rows]
    if shown.format is OutputFormat.TABLE:
        for record in records:
            record["name"] = "  " * record["depth"] + record["name"]
    render_rows(records, ORG_FIELDS, shown)
    if not rows:
        note(_("no organisations yet: add the city union with kunnan org add --kind city"))


@app.command("show")
def show(
    ctx: typer.Context,
    org: Annotated[str, typer.Argument(help="Organisation code or name.")],
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Show an organisation, the one above it, those directly under it, and household counts.

    Example:

    \b
        kunnan org show baiyin-qu
    """
    from kunnan.services.org import org_detail
    from kunnan.store.orgs import find_org
    from kunnan.ui.output import render_record, render_rows, write_json

    with ledger(ctx, write=False) as session:
        detail = org_detail(session, find_org(session, org))
    shown = view(ctx, output)
    fields = (
        *ORG_FIELDS,
        Column("parent_name", "Parent name"),
        Column("households_in_subtree", "Households incl. below", "int"),
    )
    record = dataclasses.asdict(detail.org) | {
        "parent_name": detail.parent_name,
        "households_in_subtree": detail.households_in_subtree,
    }
    children = [dataclasses.asdict(child) for child in detail.children]
    if shown.format is OutputFormat.JSON:
        data = {f.key: machine_value(f, record.get(f.key), reveal=False) for f in fields}
        data["children"] = [
            {f.key: machine_value(f, c.get(f.key), reveal=False) for f in ORG_FIELDS}
            for c in children
        ]
        write_json(data)
    elif shown.format is OutputFormat.CSV:
        render_rows([record], fields, shown)
    else:
        render_record(record, fields, shown, title=detail.org.name)
        if children:
            render_rows(children, ORG_FIELDS, shown, title=p_("title", "Under it"))

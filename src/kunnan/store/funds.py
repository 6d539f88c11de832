"""The union a fund belongs to, and whether the command's operator may work with the fund.

A fund belongs to a union (``fund.org_id``); a fund without one is the root union's (the
ledger's first union without a parent), as every fund was before funds had unions. An
operator sees, and moves money in and out of, only the funds of their union and the unions
under it (``domain.operators.fund_scope_refusal``): ``check_funds`` asks it for every fund
money moves through, and ``within_scope`` is its SQL form for lists and reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.orm import Session, aliased

from kunnan.domain.codes import fund_code
from kunnan.domain.errors import PermissionDenied
from kunnan.domain.operators import fund_scope_refusal
from kunnan.i18n import _
from kunnan.models import Fund, Org
from kunnan.store.operators import scope_of

Query = TypeVar("Query", bound=Select[*tuple[Any, ...]])

#: The fund's own union, as ``with_union`` joins it.
FUND_UNION = aliased(Org, name="fund_union")
_ROOT = aliased(Org, name="root_union")


def _root(column: Any) -> Any:
    """The root union's ``column``: the first union without a parent."""
    return (
        select(column).where(_ROOT.parent_id.is_(None)).order_by(_ROOT.id).limit(1)
    ).scalar_subquery()


#: The path and name of the union a fund belongs to (in a query ``with_union`` made).
UNION_PATH = func.coalesce(FUND_UNION.path, _root(_ROOT.path))
UNION_NAME = func.coalesce(FUND_UNION.name, _root(_ROOT.name))


def with_union(query: Query) -> Query:
    """``query`` over funds, joined to each fund's own union (none: the root union's)."""
    return query.outerjoin(FUND_UNION, FUND_UNION.id == Fund.org_id)


def within_scope(org: Org | None) -> ColumnElement[bool]:
    """The funds of ``org`` and the unions under it (None: every fund), in a query
    ``with_union`` made: the SQL form of ``domain.operators.fund_scope_refusal``."""
    if org is None:
        return true()
    return UNION_PATH.startswith(org.path, autoescape=True)


def fund_label(fund_id: int, name: str) -> str:
    """A fund as refusals name it: F001 (2018年帮扶资金)."""
    return _("{code} ({name})", code=fund_code(fund_id), name=name)


def check_funds(session: Session, fund_ids: Iterable[int]) -> None:
    """Refuse the command (exit 9) unless its operator may work with every one of these funds:
    each belongs to their union or one under it. The funds' unions are read in one statement,
    and only when the operator has a union."""
    scope = scope_of(session)
    ids = sorted(set(fund_ids))
    if scope is None or not ids:
        return
    rows = session.execute(
        with_union(select(Fund.id, Fund.name, UNION_PATH, UNION_NAME))
        .where(Fund.id.in_(ids))
        .order_by(Fund.id)
    )
    for fund_id, name, path, union in rows:
        refusal = fund_scope_refusal(
            fund_label(fund_id, name), path or "", union or "",
            operator=scope.operator, scope=scope.path, union=scope.union,
        )  # fmt: skip
        if refusal is not None:
            raise PermissionDenied(refusal)

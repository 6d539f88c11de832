"""Shell completion of the records a command names: households, funds, unions, classes,
programmes, and the choices of every option that takes one.

``kunnan --install-completion`` installs it for the user's shell (bash, zsh, fish, PowerShell);
``--show-completion`` prints the script. Records come from the ledger named by ``--db`` or
``KUNNAN_DB`` and only when it is cheap: one indexed query of at most ``LIMIT`` codes, and
nothing at all when the ledger cannot be opened (completion never prints an error).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kunnan.domain import codes

#: At most this many suggestions are offered.
LIMIT = 50

Completer = Callable[[Any, Any, str], list[str]]


def _ledger_values(ctx: Any, query: Any) -> list[Any]:
    from kunnan.db.engine import make_engine
    from kunnan.db.location import resolve

    try:
        engine = make_engine(resolve(ctx.find_root().params.get("db_")), read_only=True)
        with engine.connect() as connection:
            return list(connection.execute(query.limit(LIMIT)).scalars())
    except Exception:  # completion is a courtesy: a missing or locked ledger offers nothing
        return []


def _codes(make: Callable[[int], str], table: str) -> Completer:
    """Codes such as H000123 (``make`` writes one from its id): the ids whose code begins as
    typed, found by one range query."""
    letter = make(0).rstrip("0")
    width = len(make(0)) - len(letter)

    def complete(ctx: Any, param: Any, incomplete: str) -> list[str]:
        import sqlalchemy as sql

        typed = incomplete.upper().removeprefix(letter)
        if not typed.isdigit() and typed:
            return []
        digits = typed[:width]
        low = int(digits or "0") * 10 ** (width - len(digits))
        high = (int(digits or "0") + 1) * 10 ** (width - len(digits)) - 1 if digits else 10**width
        ids: sql.ColumnClause[int] = sql.column("id")
        query = sql.select(ids).select_from(sql.table(table, ids))
        query = query.where(ids.between(max(low, 1), high)).order_by(ids)
        return [make(int(found)) for found in _ledger_values(ctx, query)]

    return complete


def _named(table: str, column: str) -> Completer:
    def complete(ctx: Any, param: Any, incomplete: str) -> list[str]:
        import sqlalchemy as sql

        named: sql.ColumnClause[str] = sql.column(column)
        query = sql.select(named).select_from(sql.table(table, named))
        query = query.where(named.startswith(incomplete, autoescape=True)).order_by(named)
        return [str(found) for found in _ledger_values(ctx, query)]

    return complete


def _choices(enum_name: str) -> Completer:
    def complete(ctx: Any, param: Any, incomplete: str) -> list[str]:
        from kunnan.domain import enums

        enum = getattr(enums, enum_name)
        return [m.value for m in enum if m.value.startswith(incomplete)]

    return complete


#: The completer of a parameter, by its name, made when first asked for.
BY_NAME: dict[str, Callable[[], Completer]] = {
    "household": lambda: _codes(codes.household_code, "household"),
    "fund": lambda: _codes(codes.fund_code, "fund"),
    "training_class": lambda: _codes(codes.class_code, "training_class"),
    "org": lambda: _named("org", "code"),
    "parent": lambda: _named("org", "code"),
    "under": lambda: _named("org", "code"),
    "unit": lambda: _named("org", "code"),
    "program": lambda: _named("program", "code"),
    "category": lambda: _choices("Category"),
    "cause": lambda: _choices("Cause"),
    "secondary": lambda: _choices("Cause"),
    "identity": lambda: _choices("WorkerIdentity"),
    "relation": lambda: _choices("Relation"),
    "health": lambda: _choices("Health"),
    "trade": lambda: _choices("Trade"),
}


def completer(name: str | None) -> Completer | None:
    """How a parameter of this name is completed (None: by the shell, or not at all)."""
    make = BY_NAME.get(name or "")
    return None if make is None else make()

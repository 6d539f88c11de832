"""Batch services against their one-at-a-time commands: play the same plans both ways, compare rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kunnan.db.location import resolve
from tests.conftest import Build, LedgerMaker
from tests.support import Ledger, open_sealed

IGNORED = {"id", "recorded_at", "updated_at", "created_at", "at", "case_id", "pairing_id"}


def rows(ledger: Ledger, tables: tuple[str, ...]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of ``tables``, without ids and timestamps, to compare two ledgers."""
    from sqlalchemy import MetaData, create_engine, select

    from tests.support import pg_admin_url

    url = ledger.url if "://" in ledger.url else f"sqlite:///{ledger.url}"
    engine = create_engine(pg_admin_url(url))
    try:
        metadata = MetaData()
        metadata.reflect(engine, only=tables)
        found = {}
        with engine.connect() as connection:
            for name in tables:
                table = metadata.tables[name]
                columns = [c for c in table.c if c.name not in IGNORED]
                found[name] = sorted(
                    (tuple(r) for r in connection.execute(select(*columns))), key=repr
                )
        return found
    finally:
        engine.dispose()


@contextmanager
def played_both_ways(
    maker: LedgerMaker,
    backend: str,
    tmp_path: Path,
    chain: Sequence[tuple[str, Build]],
    plays: tuple[Callable[[Any, Any], Any], Callable[[Any, Any], Any]],
    plans: Any,
) -> Iterator[tuple[Ledger, Ledger]]:
    """Two ledgers made alike; the plans played one by one in the first and in bulk in the second."""
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    with (
        maker.fresh(backend, tmp_path / "a", *chain) as singly,
        maker.fresh(backend, tmp_path / "b", *chain) as batched,
    ):
        for ledger, play in zip((singly, batched), plays, strict=True):
            with open_sealed(
                resolve(ledger.url), write=True, operator="李发明", command="kunnan demo"
            ) as session:
                play(session, plans)
        yield singly, batched

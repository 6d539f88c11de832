"""The machinery every import shares: batches, row problems, counts, rejects, the audit row.

An import hands ``run_import`` the rows of a file (the command opens it) and
a ``RowImporter`` for what the rows hold. The importer groups rows (a
household is its head's row and its members' rows; an aid row stands
alone), validates each group with the same input models the commands use,
and writes whole batches of about a thousand rows with SQLAlchemy Core.

All or nothing is the command's choice: it rolls the transaction back when
the report has problems, after printing every bad row (file, row, column,
reason). With ``skip_invalid`` the good groups stay and each bad group is
handed, whole, to the reject sink, so that rows read = rows imported + rows
already in the ledger + rows rejected.

To add an import (``kunnan import aid``): write a class with the
``RowImporter`` methods, a tuple of ``sheets.columns.Column`` for its file,
and a command that opens the table and calls ``run_import``.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar

from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.orm import Session

from kunnan.db.bulk import insert_rows, rows_in
from kunnan.domain.errors import KunnanError
from kunnan.i18n import _
from kunnan.sheets.columns import CellProblem, HeaderMatch, quote, read_cell, tidy
from kunnan.sheets.read import SourceRow
from kunnan.store import audit

#: Rows per batch: large enough that each INSERT carries many rows, small enough to stay flat.
BATCH_ROWS = 1000

Result = Literal["created", "matched", "updated", "rejected"]
G = TypeVar("G")
G_contra = TypeVar("G_contra", contravariant=True)


@dataclass(frozen=True)
class RowProblem:
    """Why one row of a file cannot be imported, naming the column as the file spells it."""

    row: int
    column: str
    reason: str

    def line(self, file: str) -> str:
        return _("{file}: row {row}: {problem}", file=file, row=self.row, problem=self.short)

    @property
    def short(self) -> str:
        # The column as the file spells it is file content: a header cell can be huge.
        if not self.column:
            return self.reason
        return _("{column}: {reason}", column=quote(self.column), reason=self.reason)


@dataclass
class Outcome:
    """What became of one group of rows."""

    rows: Sequence[SourceRow]
    result: Result
    problems: list[RowProblem] = field(default_factory=list)
    #: People (or records) written: a new household's members, or members added by --update.
    added: int = 0


class RowImporter(Protocol[G]):
    """What an import of one kind of record provides to ``run_import``."""

    def groups(self, rows: Iterator[SourceRow]) -> Iterator[G]:
        """Gather the file's rows into the groups that are imported (or rejected) whole."""
        ...

    def size(self, group: G) -> int:
        """How many rows a group holds."""
        ...

    def apply(self, batch: list[G]) -> list[Outcome]:
        """Validate and write a batch of groups; one outcome per group, in order."""
        ...

    def finish(self) -> None:
        """Clean up (temporary tables) before the transaction ends."""
        ...


@dataclass
class ImportReport:
    """The counts of one import; rows = rows_added + rows_matched + rows_rejected."""

    file: str
    rows: int = 0
    rows_added: int = 0
    rows_matched: int = 0
    rows_rejected: int = 0
    created: int = 0
    added: int = 0
    matched: int = 0
    updated: int = 0
    rejected: int = 0
    problem_count: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "rows_added": self.rows_added,
            "rows_matched": self.rows_matched,
            "rows_rejected": self.rows_rejected,
            "created": self.created,
            "added": self.added,
            "matched": self.matched,
            "updated": self.updated,
            "rejected": self.rejected,
        }


@dataclass
class CellRow:
    """One row of a file of one record per row: its cells as their columns read them, and
    the cells that could not be read."""

    source: SourceRow
    values: dict[str, Any]
    problems: list[RowProblem]


class OneRowEach:
    """The part every import of one record per row shares (aid, reviews): reading each row's
    cells by the header, and the outcome of a row refused."""

    def __init__(
        self, session: Session, *, header: HeaderMatch, names: dict[str, str], csv_escaped: bool
    ) -> None:
        self._session = session
        self._header = header
        self._csv_escaped = csv_escaped
        self._names = names

    def _column(self, key: str) -> str:
        return self._names.get(key, key)

    def groups(self, rows: Iterator[SourceRow]) -> Iterator[CellRow]:
        for source in rows:
            values: dict[str, Any] = {}
            found: list[RowProblem] = []
            for key, bound in self._header.bound.items():
                cell = source.cells[bound.index] if bound.index < len(source.cells) else None
                try:
                    value = read_cell(cell, bound, csv_escaped=self._csv_escaped)
                except CellProblem as problem:
                    found.append(RowProblem(source.number, bound.spelled, str(problem)))
                    continue
                if value is not None:
                    values[key] = value
            yield CellRow(source, values, found)

    def size(self, group: CellRow) -> int:
        return 1

    def finish(self) -> None:
        return None

    def _rejected(self, row: CellRow, *problems: RowProblem) -> Outcome:
        return Outcome(rows=[row.source], result="rejected", problems=[*row.problems, *problems])

    def _refused(self, row: CellRow, error: KunnanError) -> Outcome:
        return self._rejected(row, RowProblem(row.source.number, "", tidy(str(error))))


RejectSink = Callable[[Outcome], None]
Progress = Callable[[int], None]


def _batches(importer: RowImporter[G], groups: Iterator[G], batch_rows: int) -> Iterator[list[G]]:
    batch: list[G] = []
    held = 0
    for group in groups:
        batch.append(group)
        held += importer.size(group)
        if held >= batch_rows:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


def run_import(
    *,
    importer: RowImporter[G],
    rows: Iterator[SourceRow],
    report: ImportReport,
    max_problems: int | None,
    reject: RejectSink | None = None,
    progress: Progress | None = None,
    batch_rows: int = BATCH_ROWS,
) -> ImportReport:
    """Run the whole file through ``importer`` in batches, filling ``report``.

    When anything fails, the command's rollback undoes everything, the
    importer's temporary tables included, so ``finish`` runs on success only.
    """
    with _program_out_of_gc():
        for batch in _batches(importer, importer.groups(rows), batch_rows):
            for outcome in importer.apply(batch):
                _count(report, outcome, max_problems)
                if outcome.result == "rejected" and reject is not None:
                    reject(outcome)
            if progress is not None:
                progress(report.rows)
    importer.finish()
    return report


@contextmanager
def _program_out_of_gc() -> Iterator[None]:
    """Keep the objects that exist before the import (the program: modules, the engine, the
    models) out of the cyclic collector's passes while it runs. An import allocates millions
    of short-lived rows, and each full pass would walk the whole program again: a tenth of
    an import's time, measured."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _count(report: ImportReport, outcome: Outcome, max_problems: int | None) -> None:
    size = len(outcome.rows)
    report.rows += size
    if outcome.result == "rejected":
        report.rejected += 1
        report.rows_rejected += size
        report.problem_count += len(outcome.problems)
        room = None if max_problems is None else max(0, max_problems - len(report.problems))
        report.problems.extend(outcome.problems if room is None else outcome.problems[:room])
        return
    if outcome.result == "created":
        report.created += 1
        report.rows_added += size
    else:
        report.matched += 1
        report.rows_matched += size
        if outcome.result == "updated":
            report.updated += 1
    report.added += outcome.added


def record_import(
    session: Session, *, entity: str, report: ImportReport, sha256: str, options: dict[str, Any]
) -> None:
    """The one audit row an import writes: which file (and its hash), with what result."""
    audit.record(
        session,
        action="import",
        entity=entity,
        entity_ref=report.file[:40],
        changes={"file": report.file, "sha256": sha256, **report.counts(), "options": options},
    )


class SeenInFile:
    """Values this import has already read (ID numbers, archive numbers), with their rows.

    Kept in a temporary table in the import's own transaction, so that
    finding a duplicate and the row it repeats costs no memory however large
    the file is.
    """

    def __init__(self, session: Session) -> None:
        self._connection = session.connection()
        self._table = Table(
            "kunnan_import_seen",
            MetaData(),
            Column("kind", String(16), primary_key=True),
            Column("value", String(40), primary_key=True),
            Column("row_no", Integer, nullable=False),
            prefixes=["TEMPORARY"],
            sqlite_with_rowid=False,  # the key is the table: one B-tree to write, not two
        )
        self._table.create(self._connection)

    def rows_of(self, kind: str, values: Sequence[str]) -> dict[str, int]:
        """The row where each of ``values`` was first read, for those already read."""
        rows = rows_in(
            self._connection, self._table, ("value", "row_no"), "value", values, kind=kind
        )
        return {str(value): int(row) for value, row in rows}

    def add(self, kind: str, rows: dict[str, int]) -> None:
        insert_rows(
            self._connection,
            self._table,
            [{"kind": kind, "value": value, "row_no": row} for value, row in rows.items()],
        )

    def drop(self) -> None:
        self._table.drop(self._connection)

"""Turn database driver failures into KunnanErrors a caseworker can act on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from kunnan.domain.errors import CheckFailed, DatabaseUnavailable, KunnanError, LedgerNotReady
from kunnan.i18n import N_, _

#: (what the driver says, what kunnan says), the latter marked and shown translated.
_UNAVAILABLE = (
    (
        "database is locked",
        N_("the ledger is busy: another kunnan kept it locked too long; try again"),
    ),
    ("readonly database", N_("the ledger file is read-only; nothing was written")),
    ("read-only", N_("the ledger is read-only; nothing was written")),
    ("disk is full", N_("the disk is full; nothing was written")),
    ("database or disk is full", N_("the disk is full; nothing was written")),
    ("disk i/o error", N_("the disk reported an I/O error; nothing was written")),
    ("unable to open database", N_("cannot open the ledger file")),
    ("connection refused", N_("cannot reach the database server (connection refused)")),
    ("could not connect", N_("cannot reach the database server")),
    ("connection failed", N_("cannot reach the database server")),
    ("password authentication failed", N_("the database server refused the login")),
    ('database ".*" does not exist', N_("the database does not exist on the server")),
)

_NOT_LEDGER = (
    ("file is not a database", N_("this file is not a kunnan ledger (not an SQLite database)")),
    ("database disk image is malformed", N_("the ledger file is damaged (malformed)")),
    ("could not decode to utf-8", N_("the ledger file is damaged: a stored text cannot be read")),
)

DAMAGED = N_(
    "the ledger file is damaged: a stored value cannot be read back "
    "(a date that is no date, text that is not UTF-8)"
)
#: What to do about a damaged ledger.
RESTORE_HINT = N_("restore a backup (kunnan db restore)")


def translate(error: BaseException) -> KunnanError | None:
    """A KunnanError for a driver or SQLAlchemy error we recognise, else None."""
    module = type(error).__module__
    if not module.startswith(("sqlalchemy", "sqlite3", "psycopg")):
        return None
    text = str(getattr(error, "orig", None) or error).lower()
    for pattern, message in _NOT_LEDGER:
        if re.search(pattern, text):
            return LedgerNotReady(_(message))
    for pattern, message in _UNAVAILABLE:
        if re.search(pattern, text):
            return DatabaseUnavailable(_(message))
    return None


@contextmanager
def stored_values_checked() -> Iterator[None]:
    """For the checks, which read every row: a value the file cannot give back (bytes
    damaged on disk, which SQLite's own integrity check does not see inside a cell) is
    a problem found, reported in one line without the value (it may be personal data)."""
    try:
        yield
    except (ValueError, OverflowError, UnicodeDecodeError):
        raise CheckFailed(_(DAMAGED), hint=_(RESTORE_HINT)) from None
    except Exception as error:
        known = translate(error)
        if isinstance(known, LedgerNotReady):
            raise CheckFailed(known.message, hint=_(RESTORE_HINT)) from None
        raise

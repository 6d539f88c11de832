"""Turn database driver failures into KunnanErrors a caseworker can act on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

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


#: The kinds of object PostgreSQL names when it refuses a permission, in the user's words.
_OBJECT_KINDS = {
    "schema": N_("schema"),
    "table": N_("table"),
    "sequence": N_("sequence"),
    "database": N_("database"),
    "function": N_("function"),
}


def translate(error: BaseException) -> KunnanError | None:
    """A KunnanError for a driver or SQLAlchemy error we recognise, else None."""
    module = type(error).__module__
    if not module.startswith(("sqlalchemy", "sqlite3", "psycopg")):
        return None
    text = str(getattr(error, "orig", None) or error).lower()
    for pattern, message in _NOT_LEDGER:
        if re.search(pattern, text):
            return LedgerNotReady(_(message))
    denied = re.search(r"permission denied for (\w+) \"?([\w.]+)", text)
    if denied:
        return DatabaseUnavailable(
            _(
                "the database server does not let this user use the {kind} {name} "
                "(permission denied); nothing was written",
                kind=_(_OBJECT_KINDS[denied.group(1)])
                if denied.group(1) in _OBJECT_KINDS
                else denied.group(1),
                name=denied.group(2),
            ),
            hint=_("kunnan's user should own the ledger's database, or be granted the right"),
        )
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


#: How long kunnan waits for a PostgreSQL server to answer, unless the URL says
#: (``?connect_timeout=N``): libpq's own default is to wait for ever.
CONNECT_TIMEOUT_S = 10


@dataclass(frozen=True)
class Server:
    """Whom a connection went to, as the URL names it (and libpq's defaults): never the password."""

    host: str
    port: str
    database: str
    user: str
    sslmode: str
    timeout: str

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}" if not self.host.startswith("/") else self.host

    @classmethod
    def of(cls, url: str) -> Server:
        import getpass

        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        query = {key: str(value) for key, value in parsed.query.items()}
        try:
            login = getpass.getuser()
        except (KeyError, OSError):
            login = "?"
        user = parsed.username or query.get("user") or login
        return cls(
            host=parsed.host or query.get("host") or "localhost",
            port=str(parsed.port or query.get("port") or 5432),
            database=parsed.database or query.get("dbname") or user,
            user=user,
            sslmode=query.get("sslmode", "prefer"),
            timeout=query.get("connect_timeout", str(CONNECT_TIMEOUT_S)),
        )


def connection_refusal(error: BaseException, url: str) -> KunnanError | None:
    """Why a PostgreSQL server could not be connected to, as one line that says which of the
    usual causes it is (a wrong password, no such database, no server there, SSL) and names
    the server, the database and the user, never the password; None for another error.

    The driver's text is read in English (libpq's words, and the server's at its default
    ``lc_messages``); a server answering in another language still gets its own words shown.
    """
    text = " ".join(str(getattr(error, "orig", None) or error).split())
    lowered = text.lower()
    server = Server.of(url)
    at = {"server": server.address, "database": server.database, "user": server.user}
    kind = type(getattr(error, "orig", None) or error).__name__
    refusal = _reach_refusal(kind, lowered, server, at) or _login_refusal(text, server, at)
    if refusal is not None:
        return refusal
    if "connection failed" in lowered or "connection to server" in lowered:
        return DatabaseUnavailable(
            _(
                "cannot connect to the database server at {server}: {reason}",
                reason=_server_words(text),
                **at,
            )
        )
    return None


def _reach_refusal(
    kind: str, lowered: str, server: Server, at: dict[str, str]
) -> KunnanError | None:
    """No server answered: none listens there, no way there, no answer in time, no such host."""
    if kind == "ConnectionTimeout" or "timeout expired" in lowered:
        return DatabaseUnavailable(
            _(
                "cannot reach the database server at {server}: no answer within {seconds} s",
                seconds=server.timeout,
                **at,
            ),
            hint=_(
                "check the host and port, and any firewall between; "
                "?connect_timeout=N in the URL waits longer"
            ),
        )
    if "connection refused" in lowered:
        return DatabaseUnavailable(
            _("cannot reach the database server at {server}: the connection was refused", **at),
            hint=_("is PostgreSQL running there, and listening on that address and port?"),
        )
    if "no route to host" in lowered or "network is unreachable" in lowered:
        return DatabaseUnavailable(
            _("cannot reach the database server at {server}: no route to that host", **at),
            hint=_("check the host in the URL, and the network"),
        )
    if (
        "failed to resolve host" in lowered
        or "could not translate host name" in lowered
        or "name or service not known" in lowered
    ):
        return DatabaseUnavailable(
            _(
                "cannot reach the database server: the host name {host} is not known",
                host=server.host,
            ),
            hint=_("check the host in the URL"),
        )
    return None


def _login_refusal(text: str, server: Server, at: dict[str, str]) -> KunnanError | None:
    """The server answered and would not let this user into this database: why."""
    lowered = text.lower()
    if "password authentication failed" in lowered:
        return DatabaseUnavailable(
            _("the database server at {server} refused the password of user {user}", **at),
            hint=_("check the password in --db or KUNNAN_DB, or in ~/.pgpass"),
        )
    if "no password supplied" in lowered:
        return DatabaseUnavailable(
            _("the database server at {server} asks user {user} for a password", **at),
            hint=_("put it in the URL, postgresql://user:PASSWORD@host/database, or in ~/.pgpass"),
        )
    missing = re.search(r'database "(.*?)" does not exist', text)
    if missing:
        at["database"] = missing.group(1)
        return DatabaseUnavailable(
            _("there is no database {database} on the server at {server}", **at),
            hint=_(
                "create it first with CREATE DATABASE {database} OWNER {user}, "
                "or check its name in the URL",
                **at,
            ),
        )
    role = re.search(r'role "(.*?)" does not exist', text)
    if role:
        at["user"] = role.group(1)
        return DatabaseUnavailable(
            _("the database server at {server} has no user (role) {user}", **at),
            hint=_(
                "create it first with CREATE ROLE {user} LOGIN PASSWORD '…', "
                "or check the user in the URL",
                **at,
            ),
        )
    if "server does not support ssl" in lowered:
        return DatabaseUnavailable(
            _(
                "the URL asks for SSL (sslmode={mode}), but the database server at {server} "
                "does not offer it",
                mode=server.sslmode,
                **at,
            ),
            hint=_("turn SSL on at the server, or leave sslmode out of the URL"),
        )
    refused_here = "pg_hba.conf rejects connection" in lowered or "no pg_hba.conf entry" in lowered
    if refused_here and "no encryption" in lowered and server.sslmode in ("disable", "allow"):
        return DatabaseUnavailable(
            _(
                "the database server at {server} accepts only encrypted (SSL) connections "
                "from here",
                **at,
            ),
            hint=_("add ?sslmode=require to the URL"),
        )
    if refused_here:
        return DatabaseUnavailable(
            _(
                "the database server at {server} does not let user {user} connect to "
                "database {database} from this computer",
                **at,
            ),
            hint=_("its pg_hba.conf decides: ask the server's administrator"),
        )
    if "certificate" in lowered and "ssl" in lowered:
        return DatabaseUnavailable(
            _(
                "the SSL certificate of the database server at {server} cannot be verified: "
                "{reason}",
                reason=_server_words(text),
                **at,
            )
        )
    if "permission denied for database" in lowered or "connect privilege" in lowered:
        return DatabaseUnavailable(
            _("user {user} may not connect to database {database} on the server at {server}", **at),
            hint=_("on the server: GRANT CONNECT ON DATABASE {database} TO {user}", **at),
        )
    return None


def _server_words(text: str) -> str:
    """What the server or libpq said, without the "connection to server at … failed:" frame."""
    said = text.rsplit(" failed: ", 1)[-1]
    said = re.sub(r"^(connection failed: )", "", said)
    return re.sub(r"^(FATAL|ERROR):\s*", "", said).strip()

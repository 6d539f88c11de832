"""The traceback ``--debug`` prints for an internal error, with no personal data in it.

Python's own traceback ends with the exception's text, and a database error's
text is the driver's: PostgreSQL adds ``DETAIL: Key (id_number)=(…) already
exists`` or ``Failing row contains (…)``, SQLAlchemy adds the statement's
parameters. So kunnan prints the traceback itself: each frame's file, line,
function and source line (never its locals), each exception's type, and its
text reduced to what carries no values — a database error keeps its driver's
first line; quoted values, text in other scripts than ASCII (names, addresses)
and anything shaped like an ID or phone number are replaced or masked.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import traceback

from kunnan.domain.masking import mask_numbers

#: A quoted value ('张三', "620402…"), as opposed to a quoted SQL name ("uq_member_id_number").
_QUOTED = re.compile(r"""(['"])(.*?)\1""")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
#: Text beyond ASCII: in an exception's message it is data (a name, an address), not code.
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
#: Longest SQL statement quoted in a traceback.
STATEMENT_MAX = 500

_CAUSE = "The above exception was the direct cause of the following exception:"
_CONTEXT = "During handling of the above exception, another exception occurred:"


def write_traceback(error: BaseException) -> None:
    """Print ``error``'s traceback, and those of the exceptions it came from, to stderr."""
    sys.stderr.write(format_traceback(error, today=dt.date.today()))
    sys.stderr.flush()


def format_traceback(error: BaseException, *, today: dt.date) -> str:
    """The traceback as text: frames and exception types, with no values."""
    lines: list[str] = []
    for link, exception in _chain(error):
        if link:
            lines += ["", link, ""]
        lines.append("Traceback (most recent call last; locals and values left out):")
        for frame in traceback.extract_tb(exception.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append("    " + mask_numbers(frame.line.strip(), today=today))
        lines.append(f"{_type_name(exception)}: {describe(exception, today=today)}")
    return "\n".join(lines) + "\n"


def _chain(error: BaseException) -> list[tuple[str, BaseException]]:
    """The exceptions in the order Python prints them, oldest first, each with the line that
    says how it follows the one printed before it."""
    newest_first: list[tuple[str, BaseException]] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if current.__cause__ is not None:
            older, link = current.__cause__, _CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            older, link = current.__context__, _CONTEXT
        else:
            older, link = None, ""
        newest_first.append((link, current))
        current = older
    return newest_first[::-1]


def _type_name(exception: BaseException) -> str:
    kind = type(exception)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def _from_database(exception: BaseException) -> bool:
    return type(exception).__module__.startswith(("sqlalchemy", "sqlite3", "psycopg"))


def describe(exception: BaseException, *, today: dt.date) -> str:
    """An exception's text with the values taken out."""
    if not _from_database(exception):
        return scrub(str(exception), today=today)
    original = getattr(exception, "orig", None)
    driver = original if isinstance(original, BaseException) else exception
    text = scrub(_first_line(str(driver)), today=today)
    parts = [text if driver is exception else f"({_type_name(driver)}) {text}"]
    code = getattr(driver, "sqlstate", None) or getattr(driver, "pgcode", None)
    if code:
        parts.append(f"[SQLSTATE {code}]")
    statement = getattr(exception, "statement", None)
    if isinstance(statement, str) and statement:
        short = " ".join(statement.split())
        if len(short) > STATEMENT_MAX:
            short = short[:STATEMENT_MAX] + "…"
        parts.append(f"[SQL: {scrub(short, today=today)}]")
    return " ".join(parts)


def _first_line(text: str) -> str:
    """A driver message's own line: PostgreSQL's DETAIL, HINT and CONTEXT lines follow it,
    and SQLAlchemy's statement and parameters."""
    return text.strip().split("\n", 1)[0].strip() if text.strip() else ""


def scrub(text: str, *, today: dt.date) -> str:
    """Take the values out of a message: quoted values, non-ASCII text, ID and phone numbers."""

    def quoted(match: re.Match[str]) -> str:
        inner = match[2]
        keep = _IDENTIFIER.fullmatch(inner) is not None
        return match[0] if keep else f"{match[1]}…{match[1]}"

    without_quotes = _QUOTED.sub(quoted, text)
    return mask_numbers(_NON_ASCII.sub("…", without_quotes), today=today)

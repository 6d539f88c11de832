"""The one error hierarchy of kunnan, and the exit code each error maps to.

Every refusal a user can meet is a ``KunnanError``. The command line turns it
into a single line on stderr and the exit code below; nothing else in the
program decides exit codes. The table is documented in the README ("Exit
codes") and a test keeps the two in step.
"""

from __future__ import annotations

from kunnan.i18n import _, translate


class KunnanError(Exception):
    """Raised when kunnan refuses to do what it was asked; the message is for the user."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            # A hint may be a constant marked for translation (``domain.aid.OVERRIDE_HINT``):
            # it is shown in the language of the command, as the message is.
            return _("{message} ({hint})", message=self.message, hint=translate(self.hint))
        return self.message


class CheckFailed(KunnanError):
    """Raised when a check (verify, compare, db check) finds problems."""

    exit_code = 1


class InvalidInput(KunnanError):
    """Raised when a value typed by the user is malformed or out of range."""

    exit_code = 3


class NotFound(KunnanError):
    """Raised when a household, member, organisation or record does not exist."""

    exit_code = 4


class Conflict(KunnanError):
    """Raised when the change would duplicate something that already exists."""

    exit_code = 5


class RuleViolation(KunnanError):
    """Raised when a rule of the union's work forbids the change (order, state, cap)."""

    exit_code = 6


class LedgerNotReady(KunnanError):
    """Raised when the database is missing, not a kunnan ledger, or at another schema revision."""

    exit_code = 7


class DatabaseUnavailable(KunnanError):
    """Raised when the database cannot be used right now: locked, read-only, full, unreachable."""

    exit_code = 8


class PermissionDenied(KunnanError):
    """Raised when the command's operator may not do it: not registered, disabled, or their
    role does not do that work (``domain.operators``)."""

    exit_code = 9


USAGE_EXIT_CODE = 2
INTERNAL_EXIT_CODE = 70
INTERRUPTED_EXIT_CODE = 130

#: Every exit code kunnan uses, for the README and its test.
EXIT_CODES: tuple[tuple[int, str], ...] = (
    (0, "success"),
    (CheckFailed.exit_code, "a check found problems (verify, compare, db check)"),
    (USAGE_EXIT_CODE, "usage error: unknown command or option, missing argument"),
    (InvalidInput.exit_code, "invalid input: a malformed or out-of-range value"),
    (NotFound.exit_code, "not found: no such household, member, organisation or record"),
    (Conflict.exit_code, "conflict: it already exists (duplicate ID number, code, name)"),
    (RuleViolation.exit_code, "refused by a rule of the work (step order, status, caps)"),
    (LedgerNotReady.exit_code, "ledger not ready: missing, not initialised, or needs upgrade"),
    (DatabaseUnavailable.exit_code, "database unavailable: locked, read-only, disk full"),
    (
        PermissionDenied.exit_code,
        "not permitted: the operator is not registered, is disabled, "
        "or their role does not do that work",
    ),
    (INTERNAL_EXIT_CODE, "internal error: a bug in kunnan (rerun with --debug)"),
    (INTERRUPTED_EXIT_CODE, "interrupted (Ctrl-C)"),
)

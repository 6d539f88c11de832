"""stdout for data, stderr for messages.

Messages are written as plain text, never through Rich markup, so that a
name or note containing square brackets is shown exactly as typed.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

#: Width for charts and cards written to a pipe or file, where no terminal says how wide;
#: tables there take the width their cells need (``kunnan.ui.output``).
PIPE_WIDTH = 80


def note(message: str) -> None:
    """A message for the person at the keyboard (stderr)."""
    sys.stderr.write(message.rstrip("\n") + "\n")
    sys.stderr.flush()


def error_line(message: str) -> None:
    """The single line an error gets on stderr, with ID and phone numbers masked: a message
    may quote what was typed, and that may be someone's full number."""
    import datetime as dt

    from kunnan.domain.masking import mask_numbers
    from kunnan.i18n import _

    one_line = mask_numbers(" ".join(message.split()), today=dt.date.today())
    sys.stderr.write(_("error: {message}", message=one_line) + "\n")
    sys.stderr.flush()


def terminal_width() -> int | None:
    """How wide the terminal is (``COLUMNS`` when set), or None when stdout is a pipe or file."""
    from rich.console import Console

    if "COLUMNS" in os.environ or sys.stdout.isatty():
        return Console(file=sys.stdout).width
    return None


def stdout_console(width: int | None = None) -> Console:
    from rich.console import Console

    if width is None:
        width = terminal_width() or PIPE_WIDTH
    return Console(file=sys.stdout, width=width, highlight=False, soft_wrap=False)


def stderr_console() -> Console:
    """For progress bars: stderr, drawn only on a terminal."""
    from rich.console import Console

    return Console(file=sys.stderr, highlight=False)

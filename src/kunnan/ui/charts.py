"""Horizontal bar charts in the terminal, aligned for Chinese labels (two cells a character)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from rich.cells import cell_len

from kunnan.ui.console import stdout_console

EIGHTHS = " ▏▎▍▌▋▊▉"
BAR_MAX = 40


def bar(value: int, largest: int, width: int) -> str:
    """A bar of ``width`` cells for ``largest``, in eighths of a cell."""
    if largest <= 0 or value <= 0:
        return ""
    eighths = round(value * width * 8 / largest)
    full, part = divmod(max(eighths, 1), 8)
    return "█" * full + (EIGHTHS[part] if part else "")


def pad(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal cells (a Chinese character takes two)."""
    return text + " " * max(width - cell_len(text), 0)


def render_bar_chart(title: str, items: Sequence[tuple[str, int, str]]) -> None:
    """Print ``(label, value, value as shown)`` items as labelled bars, largest value full width."""
    console = stdout_console()
    label_width = max((cell_len(label) for label, _, _ in items), default=0)
    shown_width = max((len(shown) for _, _, shown in items), default=0)
    width = max(min(BAR_MAX, console.width - label_width - shown_width - 4), 10)
    largest = max((value for _, value, _ in items), default=0)
    lines = [title] if title else []
    for label, value, shown in items:
        lines.append(
            f"{pad(label, label_width)}  {pad(bar(value, largest, width), width)} {shown.rjust(shown_width)}"
        )
    sys.stdout.write("\n".join(lines) + "\n")

"""Text wrapped by terminal cells, for help pages in Chinese.

Click measures and wraps help text by characters; a Chinese character takes two cells, so
Chinese help came out twice as wide as the terminal and misaligned. Here text is measured in
cells (``rich.cells.cell_len``) and may break between any two Chinese characters, never inside
an English word, option, code or number, and never before closing punctuation (，。、）…).
English text is wrapped exactly as before.
"""

from __future__ import annotations

import re
import textwrap

from rich.cells import cell_len

_WIDE = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u3000-\u303f"
#: One Chinese character (or full-width sign), a run of spaces, or a run of anything else.
_TOKENS = re.compile(rf"[{_WIDE}]|\s+|[^\s{_WIDE}]+")
_HAS_WIDE = re.compile(rf"[{_WIDE}]")
#: Signs that must not begin a line.
_CLOSING = frozenset("，。、；：？！）》」』】〉”’…·%,.;:?!)]}")
#: A line break or space between two Chinese characters, which a joined paragraph leaves.
_GAP = re.compile(rf"(?<=[{_WIDE}])\s+(?=[{_WIDE}])")


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes."""
    return cell_len(text)


def has_wide(text: str) -> bool:
    return _HAS_WIDE.search(text) is not None


def join_wide(text: str) -> str:
    """The text without the spaces a paragraph's line breaks left between Chinese characters."""
    return _GAP.sub("", text)


def wrap_cells(text: str, width: int, initial: str = "", subsequent: str = "") -> list[str]:
    """``text`` as lines of at most ``width`` cells (a word longer than a line keeps its line)."""
    lines: list[str] = []
    line, used = initial, cell_len(initial)
    fresh = True
    for token in _TOKENS.findall(join_wide(text)):
        size = cell_len(token)
        if token.isspace():
            if not fresh:
                line, used = line + token, used + size
            continue
        if not fresh and used + size > width and token not in _CLOSING:
            lines.append(line.rstrip())
            line, used = subsequent, cell_len(subsequent)
        line, used = line + token, used + size
        fresh = False
    if not fresh:
        lines.append(line.rstrip())
    return lines


class CellWrapper(textwrap.TextWrapper):
    """Click's wrapper, measuring Chinese text by cells."""

    def wrap(self, text: str) -> list[str]:
        if not has_wide(text):
            return super().wrap(text)
        return wrap_cells(text, self.width, self.initial_indent, self.subsequent_indent)

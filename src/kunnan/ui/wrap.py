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
_CLOSING = frozenset("，。、；：？！）》」』】〉”’…%,.;:?!)]}")
#: Signs that must not end a line.
_OPENING = frozenset("（《「『【〈“‘([{")
#: A line break or space between two Chinese characters, which a joined paragraph leaves.
_GAP = re.compile(rf"(?<=[{_WIDE}])[ \t]*\n[ \t]*(?=[{_WIDE}])")


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes."""
    return cell_len(text)


def has_wide(text: str) -> bool:
    return _HAS_WIDE.search(text) is not None


def join_wide(text: str) -> str:
    """The text without the line breaks inside a paragraph between two Chinese characters
    (which Click would turn into spaces); spaces typed between them stay."""
    return _GAP.sub("", text)


def wrap_cells(text: str, width: int, initial: str = "", subsequent: str = "") -> list[str]:
    """``text`` as lines of at most ``width`` cells.

    A closing sign that would not fit takes the word before it to the next line with it; only
    a word longer than a whole line is left longer than the line.
    """
    lines: list[str] = []
    words: list[str] = []  # the current line's tokens, after its indent
    indent = initial

    def used() -> int:
        return cell_len(indent) + sum(cell_len(word) for word in words)

    for token in _TOKENS.findall(text):
        if token.isspace():
            if words:
                words.append(token)
            continue
        if words and used() + cell_len(token) > width:
            keep = _carried(words, token)
            if len(keep) < len(words):
                head = words[: len(words) - len(keep)]
                lines.append((indent + "".join(head)).rstrip())
                indent, words = subsequent, [word for word in keep if not word.isspace()]
        words.append(token)
    if words:
        lines.append((indent + "".join(words)).rstrip())
    return lines


def _carried(words: list[str], token: str) -> list[str]:
    """The tokens at the end of a full line that move to the next one with ``token``: the word
    before a closing sign, and an opening sign that would end the line."""
    start = len(words)
    if token in _CLOSING:
        while start > 0 and (words[start - 1] in _CLOSING or words[start - 1].isspace()):
            start -= 1
        start = max(start - 1, 0)
    while start > 0 and words[start - 1] in _OPENING:
        start -= 1
    return words[start:]


class CellWrapper(textwrap.TextWrapper):
    """Click's wrapper, measuring Chinese text by cells."""

    def wrap(self, text: str) -> list[str]:
        if not has_wide(text):
            return super().wrap(text)
        return wrap_cells(text, self.width, self.initial_indent, self.subsequent_indent)

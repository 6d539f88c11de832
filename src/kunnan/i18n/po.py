"""Reading and writing gettext ``.po`` catalogs, and compiling them for ``gettext``.

The repository keeps the ``.po`` source only; a catalog is compiled in memory the first time
its language is spoken (a few milliseconds) into the ``.mo`` form the standard library's
``gettext.GNUTranslations`` reads, so an edited ``.po`` is never out of step with what runs.
"""

from __future__ import annotations

import ast
import gettext
import io
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

#: gettext keeps a context and its message apart with this character (EOT).
CONTEXT_SEPARATOR = "\x04"


@dataclass
class Entry:
    """One message of a catalog."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    #: ``#.`` comments for translators, and ``#:`` where the message is used.
    comments: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        if self.fuzzy:
            return False
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)


def catalog_path(locale: str) -> Path:
    """The ``.po`` file of a locale (``zh_CN``) inside the installed package."""
    return Path(str(resources.files("kunnan") / "locale" / locale / "LC_MESSAGES" / "kunnan.po"))


def _unquote(text: str) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted .po string: {text[:40]}")
    value = ast.literal_eval(text)
    assert isinstance(value, str)
    return value


def read_po(path: Path) -> list[Entry]:
    """The entries of a ``.po`` file, the header (msgid "") included: blocks of lines, each
    ending at a blank line or where the next entry's comment or msgid follows its msgstr."""
    entries: list[Entry] = []
    number = 0
    block: list[tuple[int, str]] = []
    translated = False  # the block has its msgstr: a comment or msgid begins the next one
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if block and (not line or (translated and line.startswith(("#", "msgctxt", "msgid")))):
            entries.append(_entry(path, block))
            block, translated = [], False
        if line:
            block.append((number, line))
            translated = translated or line.startswith("msgstr")
    if block:
        entries.append(_entry(path, block))
    return entries


def _entry(path: Path, block: list[tuple[int, str]]) -> Entry:
    """One entry from its lines: comments, then keywords each followed by continued strings."""
    entry = Entry(msgid="")
    fields: dict[str, str] = {}
    field_name = ""
    for number, line in block:
        try:
            if line.startswith("#"):
                _comment(entry, line)
                continue
            if line.startswith('"'):
                if not field_name:
                    raise ValueError("a string before any keyword")
                fields[field_name] += _unquote(line)
                continue
            field_name, _, rest = line.partition(" ")
            if field_name in fields or not _KEYWORD.fullmatch(field_name):
                raise ValueError(f"unexpected {field_name[:20]}")
            fields[field_name] = _unquote(rest)
        except (ValueError, SyntaxError) as error:
            raise ValueError(f"{path.name} line {number}: {error}") from None
    if "msgid" not in fields:
        raise ValueError(f"{path.name} line {block[0][0]}: an entry without msgid")
    entry.msgid = fields.pop("msgid")
    entry.msgctxt = fields.pop("msgctxt", None)
    entry.msgid_plural = fields.pop("msgid_plural", None)
    entry.msgstr = fields.pop("msgstr", "")
    entry.msgstr_plural = {int(name[7:-1]): text for name, text in fields.items()}
    return entry


_KEYWORD = re.compile(r"msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\]")


def _comment(entry: Entry, line: str) -> None:
    if line.startswith("#."):
        entry.comments.append(line[2:].strip())
    elif line.startswith("#:"):
        entry.references.extend(line[2:].split())
    elif line.startswith("#,") and "fuzzy" in line:
        entry.fuzzy = True


def _quoted(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    )
    lines = escaped.split("\n")
    if len(lines) == 1:
        return f'"{escaped}"'
    parts = [line + "\\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    return '""\n' + "\n".join(f'"{part}"' for part in parts)


def write_po(entries: Iterable[Entry]) -> str:
    """The text of a ``.po`` file holding ``entries``, in their order."""
    out: list[str] = []
    for entry in entries:
        out.extend(f"#. {comment}" for comment in entry.comments)
        if entry.references:
            out.append("#: " + " ".join(entry.references))
        if entry.fuzzy:
            out.append("#, fuzzy")
        if entry.msgctxt is not None:
            out.append("msgctxt " + _quoted(entry.msgctxt))
        out.append("msgid " + _quoted(entry.msgid))
        if entry.msgid_plural is not None:
            out.append("msgid_plural " + _quoted(entry.msgid_plural))
            for index in sorted(entry.msgstr_plural) or [0]:
                out.append(f"msgstr[{index}] " + _quoted(entry.msgstr_plural.get(index, "")))
        else:
            out.append("msgstr " + _quoted(entry.msgstr))
        out.append("")
    return "\n".join(out) + "\n"


def compile_mo(entries: Iterable[Entry]) -> bytes:
    """The ``.mo`` bytes of the translated entries (as GNU ``msgfmt`` writes them)."""
    messages: dict[bytes, bytes] = {}
    for entry in entries:
        if not entry.translated and entry.msgid:
            continue
        key = (
            entry.msgid
            if entry.msgctxt is None
            else entry.msgctxt + CONTEXT_SEPARATOR + entry.msgid
        )
        if entry.msgid_plural is not None:
            key += "\x00" + entry.msgid_plural
            value = "\x00".join(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            value = entry.msgstr
        messages[key.encode("utf-8")] = value.encode("utf-8")
    ordered = sorted(messages)
    ids = b"".join(name + b"\x00" for name in ordered)
    strs = b"".join(messages[name] + b"\x00" for name in ordered)
    count = len(ordered)
    start_ids = 7 * 4 + 16 * count
    start_strs = start_ids + len(ids)
    offsets: list[int] = []
    position = 0
    for name in ordered:
        offsets += [len(name), start_ids + position]
        position += len(name) + 1
    position = 0
    for name in ordered:
        offsets += [len(messages[name]), start_strs + position]
        position += len(messages[name]) + 1
    header = struct.pack("Iiiiiii", 0x950412DE, 0, count, 7 * 4, 7 * 4 + count * 8, 0, 0)
    return header + struct.pack(f"{len(offsets)}i", *offsets) + ids + strs


def load_catalog(locale: str) -> gettext.GNUTranslations:
    """The catalog of ``locale`` compiled from its ``.po`` and read by ``gettext``."""
    return gettext.GNUTranslations(io.BytesIO(compile_mo(read_po(catalog_path(locale)))))

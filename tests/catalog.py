"""Every message kunnan can show, found in the source and the command tree; keeps the catalog.

``python -m tests.catalog`` lists the messages the Chinese catalog lacks;
``--update`` appends them to ``kunnan.po`` with an empty translation for a translator to fill
(``make catalog`` does this; ``--only=src/kunnan/commands/aid.py,kunnan aid`` takes only the
messages used there), ``--unused`` lists entries nothing uses any more (``--drop-unused`` drops them), and ``--normalise``
keeps one entry per message (after a merge of two branches that both added one).
The tests (``tests/i18n``) fail on a missing, untranslated or unused entry.

Messages are found where they are marked: the first literal argument of ``_``, ``n_`` (both
forms), ``p_`` (with its context), ``N_`` and ``translate``; the header of every ``Column``
and the words of every ``Words``; the label of every enum member (in its noun's context);
and every help text, option help and metavar of the command tree, as Typer builds it.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

Key = tuple[str | None, str]


@dataclass
class Found:
    key: Key
    plural: str | None = None
    where: list[str] = field(default_factory=list)


def _literal(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _keyword(call: ast.Call, name: str) -> ast.AST | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def source_root() -> Path:
    return Path(__file__).resolve().parent.parent / "src" / "kunnan"


def in_source(root: Path | None = None) -> Iterator[tuple[Key, str | None, str]]:
    """(key, plural, where) of every message marked in kunnan's source."""
    root = source_root() if root is None else root
    for path in sorted(root.rglob("*.py")):
        where = str(path.relative_to(root.parent.parent))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            args = node.args
            at = f"{where}:{node.lineno}"
            first = _literal(args[0]) if args else None
            if name in ("_", "N_") and first is not None:
                yield (None, first), None, at
            elif name == "n_" and first is not None and len(args) > 1:
                yield (None, first), _literal(args[1]), at
            elif name == "p_" and len(args) > 1 and first is not None:
                message = _literal(args[1])
                if message is not None:
                    yield (first, message), None, at
            elif name == "translate" and first is not None:
                context = (
                    _literal(args[2]) if len(args) > 2 else _literal(_keyword(node, "context"))
                )
                yield (context, first), None, at
            elif name == "Column" and len(args) > 1 and _literal(args[1]) is not None:
                context = _literal(_keyword(node, "context"))
                header = _literal(args[1])
                assert header is not None
                wide = any("\u4e00" <= ch <= "\u9fff" for ch in header)  # a file's own header
                if not wide and (_literal(args[0]) != header or context is not None):
                    yield (context, header), None, at
            elif name == "Words" and first is not None:
                yield (None, first), None, at


def enum_labels() -> Iterator[tuple[Key, str | None, str]]:
    """The label of every enum member, in the context of its enumeration's noun."""
    from kunnan.domain import enums

    for name in dir(enums):
        value = getattr(enums, name)
        if (
            isinstance(value, type)
            and issubclass(value, enums.Labelled)
            and value is not enums.Labelled
        ):
            for member in value:
                yield (member.context, member.value), None, f"kunnan.domain.enums.{name}"


def in_commands() -> Iterator[tuple[Key, str | None, str]]:
    """Every help text, option help and metavar of the command tree."""
    from kunnan.cli import COMMANDS, app, commands_of

    for path, command in commands_of(app):
        for text in (command.help, command.short_help, command.epilog):
            if text:
                yield (None, text), None, path
        for param in command.params:
            for text in (getattr(param, "help", None), param.metavar):
                if text:
                    yield (None, text), None, f"{path} {param.name}"
    for name, entry in COMMANDS.items():
        yield (None, entry.summary), None, f"kunnan {name}"


def messages() -> dict[Key, Found]:
    """Every message kunnan can show, with where it is used."""
    found: dict[Key, Found] = {}
    for source in (in_source(), enum_labels(), in_commands()):
        for key, plural, where in source:
            entry = found.setdefault(key, Found(key, plural))
            entry.plural = entry.plural or plural
            entry.where.append(where)
    return found


def main(argv: list[str]) -> int:
    from kunnan.i18n.po import Entry, catalog_path, read_po, write_po

    path = catalog_path("zh_CN")
    entries = read_po(path)
    known = {entry.key for entry in entries}
    used = messages()
    only = next(
        (arg.split("=", 1)[1].split(",") for arg in argv if arg.startswith("--only=")), None
    )
    missing = [
        found
        for key, found in used.items()
        if key not in known
        and (only is None or any(w.startswith(tuple(only)) for w in found.where))
    ]
    if "--normalise" in argv:  # after a merge: one entry per message, no stale references
        kept: dict[Key, Entry] = {}
        for entry in entries:
            entry.references = []
            first = kept.setdefault(entry.key, entry)
            if not first.translated and entry.translated:
                kept[entry.key] = entry
        path.write_text(write_po(list(kept.values())), encoding="utf-8")
        print(f"{len(entries) - len(kept)} duplicates dropped")
        return 0
    if "--drop-unused" in argv:  # after a merge where both sides reworded one message
        kept_entries = [e for e in entries if not e.msgid or e.key in used]
        path.write_text(write_po(kept_entries), encoding="utf-8")
        print(f"{len(entries) - len(kept_entries)} unused entries dropped")
        return 0
    if "--unused" in argv:
        for entry in entries:
            if entry.msgid and entry.key not in used:
                print(f"unused: {entry.msgctxt or ''}|{entry.msgid[:70]!r}")
        return 0
    untranslated = [entry for entry in entries if entry.msgid and not entry.translated]
    for found in missing:
        print(f"missing: {found.key[0] or ''}|{found.key[1][:70]!r} ({found.where[0]})")
    print(
        f"{len(missing)} missing, {len(untranslated)} untranslated, {len(entries) - 1} in the catalog"
    )
    if "--update" in argv and missing:
        added = [
            Entry(
                msgid=found.key[1],
                msgctxt=found.key[0],
                msgid_plural=found.plural,
                msgstr_plural={0: ""} if found.plural else {},
            )
            for found in missing
        ]
        path.write_text(write_po([*entries, *added]), encoding="utf-8")
        print(f"added {len(added)} to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


# Chinese that is Chinese -------------------------------------------------------------------

#: Words that stay as they are in Chinese text: formats, systems and the words a user types.
KEPT_WORDS = frozenset(
    re.findall(
        r"\S+",
        """
    kunnan csv CSV json JSON xlsx Excel HTML html Markdown markdown PDF SQLite sqlite PostgreSQL
    postgresql psycopg Alembic SQL URL UTF GB GBK Big utf gb gbk big en zh on off none head
    table yes no ID id Chromium pipx pip make venv Python UTC SHA Ed tty stdout stderr stdin
    pg_dump ASCII YYYY MM DD NFKC WAL PRAGMA xls defusedxml baiyin-qu shell bash zsh fish public
    powershell PowerShell sslmode require pg_hba conf
    """,
    )
)
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_SKIPPED = re.compile(
    r"`[^`]*`"  # code
    r"|(?<![\w-])--?[A-Za-z][\w-]*"  # options
    r"|\bkunnan(?: [a-z][\w-]*)+(?: [^\s，。；）]+)*"  # command lines
    r"|[\w.+-]+@[\w.-]+|\w+://\S+"  # addresses
    r"|(?:[\w.-]*/)+[\w.-]*|[\w-]+\.(?:csv|xlsx|json|html|db|po|txt|rejects)\b"  # paths, files
)
#: A run of ASCII letters and digits (a hex key id like 291070ee is one run, a code).
_ASCII_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_'-]*")


@cache
def kept_words() -> frozenset[str]:
    """Words a Chinese text may keep: codes and slugs (every enum value, programme, command
    and option name) and the formats and systems named in ``KEPT_WORDS``."""
    from kunnan.cli import app, commands_of
    from kunnan.domain import enums

    words = set(KEPT_WORDS)
    for name in dir(enums):
        value = getattr(enums, name)
        if isinstance(value, type) and issubclass(value, enums.Labelled):
            for member in value:
                words.add(member.value)
    for path, command in commands_of(app):
        words.update(path.split())
        for param in command.params:
            words.add((param.name or "").replace("_", "-").strip("-"))
    seeded = source_root().parent.parent / "migrations" / "versions"
    for migration in seeded.glob("*.py"):  # the programme catalogue's codes
        for program in re.findall(
            r'\("([a-z]+(?:-[a-z]+)*)", "[^\x00-\x7f]', migration.read_text("utf-8")
        ):
            words.add(program)
    return frozenset(words)


def english_words(text: str) -> list[str]:
    """The English words of a Chinese text that are neither codes, slugs nor option names: a
    Chinese text with any of these was not (wholly) translated."""
    text = _SKIPPED.sub(" ", _PLACEHOLDER.sub(" ", text))
    found = []
    for word in _ASCII_WORD.findall(text):
        bare = word.strip("'-")
        if not any(ch.isalpha() for ch in bare):
            continue
        if len(bare) < 2 or bare in kept_words() or bare.lower() in kept_words():
            continue
        if bare.isupper() or any(ch.isdigit() or ch == "_" for ch in bare):  # codes, keys
            continue
        found.append(bare)
    return found

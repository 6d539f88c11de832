"""The architecture, checked on the source itself: layers import only downwards, no module is
part of an import cycle, services stay apart, no module reaches into another's private names,
no use case has a twin, every refusal is worded once, and the source refers to nothing outside
the repository (docs/architecture.md describes what these tests keep true)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pytest

from tests.architecture.source import (
    SRC,
    cycles,
    graph,
    imports,
    modules,
    refusals,
    template,
    worded,
)

#: What each layer may import besides itself: commands -> services -> store -> models and
#: domain, with ui, sheets, files and db beside them. cli loads the commands by name.
ALLOWED = {
    "kunnan": set(),
    "__main__": {"i18n", "cli"},
    "cli": {"i18n", "kunnan", "commands", "db", "domain", "ui"},
    "commands": {
        "i18n",
        "services",
        "store",
        "schemas",
        "sheets",
        "ui",
        "files",
        "keys",
        "db",
        "domain",
    },
    "services": {"i18n", "store", "schemas", "sheets", "models", "db", "keys", "domain", "sample"},
    "store": {"i18n", "models", "db", "keys", "domain"},
    "schemas": {"i18n", "ui", "domain"},
    "sheets": {"i18n", "ui", "files", "domain"},
    "ui": {"i18n", "domain"},
    "files": {"i18n", "domain"},
    "keys": {"i18n", "files", "domain"},
    "db": {"i18n", "files", "domain"},
    "models": {"i18n", "domain"},
    "sample": {"i18n", "domain"},
    "domain": {"i18n"},
    "i18n": set(),
}


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def test_every_module_belongs_to_a_known_layer() -> None:
    unknown = sorted({layer(name) for name in modules()} - set(ALLOWED))
    assert unknown == [], f"add these layers to ALLOWED (and docs/architecture.md): {unknown}"


def test_each_layer_imports_only_the_layers_below_it() -> None:
    wrong = sorted(
        f"{imp.importer} imports {imp.imported} (line {imp.line})"
        for imp in imports()
        if layer(imp.importer) != layer(imp.imported)
        and layer(imp.imported) not in ALLOWED[layer(imp.importer)]
    )
    assert wrong == []


def test_no_module_is_part_of_an_import_cycle() -> None:
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert cycles(edges) == [["a", "b", "c"]]
    assert cycles({"x": {"y"}, "y": set()}) == []


def test_no_service_module_is_imported_by_more_than_a_third_of_the_others() -> None:
    services = [name for name in modules() if name.startswith("kunnan.services.")]
    users: dict[str, set[str]] = defaultdict(set)
    for imp in imports():
        if imp.importer in services and imp.imported in services and imp.importer != imp.imported:
            users[imp.imported].add(imp.importer)
    shared = {
        name: len(found) for name, found in users.items() if len(found) > (len(services) - 1) / 3
    }
    assert shared == {}, f"move what they share down to kunnan.store: {shared}"
    assert len(services) > 20  # the walk saw the services


def test_no_module_imports_another_modules_private_name() -> None:
    private = sorted(
        f"{imp.importer} takes {name} from {imp.imported}"
        for imp in imports()
        for name in imp.names
        if name.startswith("_") and not name.startswith("__") and name != "_"
    )
    # ``_`` is gettext's name for "translate this" (kunnan.i18n), public by convention.
    assert private == []


def test_no_use_case_has_a_batch_or_fast_twin() -> None:
    twins = sorted(
        name for name in modules() if re.search(r"_(batch|fast)$", name.rsplit(".", 1)[-1])
    )
    assert twins == []


def test_each_command_noun_has_its_service_of_that_name() -> None:
    from kunnan.cli import COMMANDS

    # Nouns whose work is the ledger file itself, or that read other nouns' records.
    elsewhere = {"init", "db", "demo", "review", "report", "import", "export"}
    names = set(modules())
    missing = sorted(
        noun
        for noun in COMMANDS
        if noun not in elsewhere
        and f"kunnan.services.{noun}" not in names
        and f"kunnan.commands.{noun}" not in names
    )
    assert missing == []
    for noun in ("aid", "household", "identify", "exit", "pair", "fund", "training"):
        assert f"kunnan.services.{noun}" in names
        assert f"kunnan.commands.{noun}" in names


def test_every_refusal_text_exists_once_in_the_source() -> None:
    found = refusals()
    counts = Counter(refusal.text for refusal in found)
    twice = {
        text: [refusal.where for refusal in found if refusal.text == text]
        for text, count in counts.items()
        if count > 1
    }
    assert twice == {}, "word each refusal once, in one function both paths call"
    texts = set(counts)
    # The collector sees the refusals of errors, of Typer's parsers and of the domain's rules.
    assert "nothing to change: give at least one option (see --help)" in texts
    assert "{} left the register{}; exited households receive no new aid or services" in texts
    assert "must be at least {}, not {}" in texts
    assert len(texts) > 150


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('f"{code} left the register{when}"', "{} left the register{}"),
        ('"a " + f"{x} b"', "a {} b"),
        ("name", None),
        ('_("{code} left the register{when}", code=c, when=w)', "{} left the register{}"),
        ('n_("{n} row", "{n} rows", n, n=n)', "{} row"),
    ],
)
def test_a_refusals_template_keeps_its_words_and_marks_its_placeholders(
    source: str, expected: str | None
) -> None:
    import ast

    node = ast.parse(source, mode="eval").body
    assert template(node) == expected


def test_only_texts_with_words_of_their_own_count_as_refusals() -> None:
    assert not worded("{}: {}")
    assert not worded("{}: row {}: {}")
    assert worded("{} must not be empty")
    assert worded("户主不能为空")


def test_the_source_refers_to_no_file_outside_the_repository() -> None:
    outside = re.compile(r"DESIGN\.md|STYLE\.md|\.\./shared|/work/")
    found = sorted(
        f"{path.relative_to(SRC.parent)}:{number}"
        for path in SRC.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if outside.search(line)
    )
    assert found == []


#: A text chosen by asking which language is spoken: ``lang == "zh"``, ``"zh" != view.lang``.
_LANGUAGE_BRANCH = re.compile(r"""[!=]=\s*["']zh["']|["']zh["']\s*[!=]=""")


def test_no_code_chooses_a_text_by_asking_which_language_is_spoken() -> None:
    """Texts come from the catalog; what else differs by language is ``i18n.by_name``."""
    branches = [
        f"{path.relative_to(SRC)}:{number}: {line.strip()}"
        for path in sorted(SRC.rglob("*.py"))
        if path.parent.name != "i18n"
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if _LANGUAGE_BRANCH.search(line)
    ]
    assert branches == []

"""Reading kunnan's own source for the architecture tests: its modules, their imports, and the
texts of its refusals."""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import pkgutil
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import kunnan

SRC = Path(kunnan.__file__).parent


@dataclass(frozen=True)
class Module:
    name: str
    path: Path

    @property
    def tree(self) -> ast.Module:
        return _tree(self.path)


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@cache
def modules() -> dict[str, Module]:
    """Every module of the kunnan package, by its dotted name (migrations excluded: Alembic's)."""
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        name = ".".join(parts)
        if name.startswith("kunnan.migrations"):
            continue
        found[name] = Module(name, path)
    return found


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    #: The names taken from the imported module (empty for ``import x``).
    names: tuple[str, ...]
    line: int


def _resolve(importer: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = importer.name.split(".")
    if importer.path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


@cache
def imports() -> tuple[Import, ...]:
    """Every import of a kunnan module by another, at any depth (inside functions too)."""
    known = modules()
    found = []
    for module in known.values():
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in known:
                        found.append(Import(module.name, alias.name, (), node.lineno))
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(module, node)
                if not target.startswith("kunnan"):
                    continue
                names = []
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    if sub in known:  # a module imported from its package
                        found.append(Import(module.name, sub, (), node.lineno))
                    else:
                        names.append(alias.name)
                if names:
                    found.append(Import(module.name, target, tuple(names), node.lineno))
    return tuple(found)


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for imp in imports():
        if imp.imported != imp.importer:
            edges[imp.importer].add(imp.imported)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    nodes = sorted(set(edges) | {w for targets in edges.values() for w in targets})
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


# Refusals --------------------------------------------------------------------------------


@cache
def error_classes() -> frozenset[str]:
    """The names of every exception class kunnan defines, and Typer's BadParameter."""
    names = {"BadParameter", "Refusal"}
    for info in pkgutil.walk_packages(kunnan.__path__, "kunnan."):
        if info.name.startswith("kunnan.migrations") or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__.startswith("kunnan")
            ):
                names.add(name)
    return frozenset(names - set(dir(builtins)))


def template(node: ast.expr) -> str | None:
    """A message's text with each placeholder as ``{}``; None for anything but (f-)strings and
    translated texts (``_("... {code} ...", code=code)``, ``n_``: its singular)."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("_", "n_")
        and node.args
    ):
        inner = template(node.args[0])
        return None if inner is None else _PLACEHOLDER.sub("{}", inner)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) else "{}" for part in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = template(node.left), template(node.right)
        if left is not None and right is not None:
            return left + right
    return None


_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_.]*(?:![rsa])?(?::[^{}]*)?\}")
_WORD = re.compile(r"[A-Za-z]{2,}|[\u4e00-\u9fff]")


def worded(text: str) -> bool:
    """A text that says something of its own: three words or more besides its placeholders
    (``{}: {}`` only glues other messages together)."""
    return len(_WORD.findall(text.replace("{}", " "))) >= 3


@dataclass(frozen=True)
class Refusal:
    text: str
    where: str


def _refusing_function(node: ast.AST) -> bool:
    return isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
        "refus" in node.name or node.name.startswith("_no_") or node.name.startswith("no_")
    )


@cache
def refusals() -> tuple[Refusal, ...]:
    """Every refusal text in the source: the messages given to kunnan's errors (and Typer's
    BadParameter), and those the domain's ``*_refusal`` functions return."""
    errors = error_classes()
    found = []
    for module in modules().values():
        where = str(module.path.relative_to(SRC.parent))
        for node in ast.walk(module.tree):
            texts: list[ast.expr] = []
            if isinstance(node, ast.Call):
                func = node.func
                name = (
                    func.id
                    if isinstance(func, ast.Name)
                    else func.attr
                    if isinstance(func, ast.Attribute)
                    else None
                )
                if name in errors and node.args:
                    texts.append(node.args[0])
            elif _refusing_function(node):
                assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                texts.extend(
                    inner.value
                    for inner in ast.walk(node)
                    if isinstance(inner, ast.Return) and inner.value is not None
                )
            for expr in texts:
                text = template(expr)
                if text is not None and worded(text):
                    found.append(Refusal(text, f"{where}:{expr.lineno}"))
    # A refusing function's message built in a raise is seen twice: once is enough.
    return tuple(dict.fromkeys(found))

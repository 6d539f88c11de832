"""Start-up: kunnan's help and a small list against a bare Typer app of the same shape.

The bare app is generated from kunnan's own command tree: the same sub-apps,
the same command names and root options, help texts, and nothing else
imported — no parameters, no kunnan modules. It is what any Typer program of
kunnan's size costs to start, so ``kunnan --help`` ÷ bare ``--help`` is the
price of kunnan's own code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.common import KUNNAN, PYTHON, Figure, interleaved, kunnan, run, say
from benchmarks.data import id_number

GROUP = "start-up"


def _py(text: str | None) -> str:
    return repr(text or "")


def bare_app_source() -> str:
    """A Typer program with kunnan's command tree and root options, and no other imports."""
    import typer.main

    from kunnan.cli import app

    root: Any = typer.main.get_command(app)
    lines = [
        '"""A bare Typer app with the shape of kunnan\'s command tree (generated)."""',
        "import typer",
        "",
        "app = typer.Typer(name='kunnan', help=" + _py(root.help) + ", no_args_is_help=True,",
        "    pretty_exceptions_enable=False, add_completion=False, rich_markup_mode=None,",
        "    context_settings={'help_option_names': ['-h', '--help']})",
        "",
        "@app.callback()",
        "def root(",
    ]
    for param in root.params:
        if param.name == "help":
            continue
        flag = param.opts[0]
        default = "False" if param.is_flag else "None"
        kind = "bool" if param.is_flag else "str | None"
        lines.append(
            f"    {param.name}: {kind} = typer.Option({default}, {flag!r}, help={_py(param.help)}),"
        )
    lines += [") -> None:", "    " + repr(root.help), ""]
    counter = [0]

    def emit(command: Any, parent: str) -> None:
        counter[0] += 1
        number = counter[0]
        subcommands = getattr(command, "commands", None)
        if subcommands is not None:
            name = f"group_{number}"
            lines.append(f"{name} = typer.Typer(help={_py(command.help)}, no_args_is_help=True)")
            for sub in subcommands.values():
                emit(sub, name)
            lines.append(f"{parent}.add_typer({name}, name={command.name!r})")
        else:
            lines.extend(
                [
                    f"@{parent}.command({command.name!r})",
                    f"def command_{number}() -> None:",
                    f"    {_py(command.help)}",
                    "",
                ]
            )

    for command in root.commands.values():
        emit(command, "app")
    lines += ["", "if __name__ == '__main__':", "    app()", ""]
    return "\n".join(lines)


def small_ledger(work: Path) -> Path:
    db = work / "small.sqlite"
    if db.exists():
        db.unlink()
    kunnan("init", db=db)
    kunnan("org", "add", "--code", "baiyin", "--name", "白银市总工会", "--kind", "city",
           "--area", "620400", db=db)  # fmt: skip
    kunnan("org", "add", "--code", "baiyin-qu", "--name", "白银区总工会", "--kind", "county",
           "--parent", "baiyin", "--area", "620402", db=db)  # fmt: skip
    for number in range(1, 6):
        kunnan("household", "add", "--name", f"张建{'国民华平安'[number - 1]}",
               "--id-number", id_number(number), "--org", "baiyin-qu", "--income", "1200",
               "--identity", "laid_off", "--cause", "illness", db=db)  # fmt: skip
    return db


def bench(work: Path, *, repeat: int) -> list[Figure]:
    """The start-up figures."""
    say("start-up: generating the bare Typer app and a small ledger")
    bare = work / "bare_app.py"
    bare.write_text(bare_app_source(), encoding="utf-8")
    db = small_ledger(work)

    def timed(*argv: str) -> Any:
        return lambda: run(list(argv)).seconds

    cases = {
        "python -c pass": timed(PYTHON, "-c", "pass"),
        "bare --help": timed(PYTHON, str(bare), "--help"),
        "kunnan --help": timed(KUNNAN, "--help"),
        "bare household --help": timed(PYTHON, str(bare), "household", "--help"),
        "kunnan household --help": timed(KUNNAN, "household", "--help"),
        "bare household list": timed(PYTHON, str(bare), "household", "list"),
        "kunnan household list": timed(KUNNAN, "--db", str(db), "household", "list"),
    }
    say(f"start-up: {len(cases)} commands, {repeat} rounds")
    median = interleaved(cases, repeat)
    python = median["python -c pass"]
    figures = [
        Figure(GROUP, "python -c pass", python, "s", note="the interpreter alone"),
        Figure(GROUP, "kunnan --help", median["kunnan --help"], "s",
               "bare Typer app --help", median["bare --help"], limit=1.3),
        Figure(GROUP, "kunnan household --help", median["kunnan household --help"], "s",
               "bare household --help", median["bare household --help"]),
        Figure(GROUP, "kunnan household list (5 households)", median["kunnan household list"], "s",
               "bare household list", median["bare household list"],
               note="opens the ledger, checks its revision, queries, prints a table"),
    ]  # fmt: skip
    for figure in figures[1:]:
        figure.extra["over_python_s"] = figure.value - python
    return figures

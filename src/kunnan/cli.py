"""The root of the command line: global options, the sub-apps, and the one place
where errors become exit codes.

Every ``KunnanError`` becomes one line on stderr and its exit code; usage
errors become one line and exit 2; anything unexpected becomes one line and
exit 70 (a traceback only with ``--debug``, with no personal data in it).

Start-up stays fast: nothing here imports SQLAlchemy, Alembic, the models or
even the command modules. Typer builds a command's parameters from its
annotations, and doing that for all ~170 commands cost more than everything
else ``kunnan --help`` does; so each sub-app (and ``init``, ``demo``) is
imported and built only when it is run, or when its own help is shown. The
root's help lists them from ``COMMANDS`` below; a test keeps those summaries
equal to the sub-apps' own.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from kunnan import __version__, i18n
from kunnan.domain.errors import (
    INTERNAL_EXIT_CODE,
    INTERRUPTED_EXIT_CODE,
    USAGE_EXIT_CODE,
    InvalidInput,
    KunnanError,
)
from kunnan.i18n import N_, _, p_
from kunnan.ui.console import error_line


@dataclass(frozen=True)
class Entry:
    """A command of the root: the module that defines it, the object there, its one-line help.

    ``attribute`` is ``app`` for a sub-app, or the function of a single command.
    """

    module: str
    attribute: str
    summary: str


#: The root's commands, in the order ``kunnan --help`` lists them.
COMMANDS: dict[str, Entry] = {
    "init": Entry("kunnan.commands.db", "init",
                  "Create the ledger (mode 0600) or upgrade it to this kunnan's schema."),
    "demo": Entry("kunnan.commands.demo", "demo",
                  "Build the Baiyin sample ledger (December 2018) and show its dashboard."),
    "db": Entry("kunnan.commands.db", "app",
                "The ledger: upgrade, current revision, check, verify, back up, restore, copy."),
    "org": Entry("kunnan.commands.org", "app", "Unions and responsible units."),
    "operator": Entry("kunnan.commands.operator", "app",
                      "Operators: the people who work in the ledger, each with a union and a "
                      "role."),
    "approve": Entry("kunnan.commands.approve", "app",
                     "A second pair of eyes: actions waiting for approval, accepted or "
                     "declined."),
    "policy": Entry("kunnan.commands.policy", "app", "Dibao lines and policy settings."),
    "household": Entry("kunnan.commands.household", "app",
                       "Register households and find them again."),
    "identify": Entry("kunnan.commands.identify", "app",
                      "Identify households in seven steps: visit, inspect, calculate, "
                      "deliberate, appraise, publicize, confirm."),
    "exit": Entry("kunnan.commands.exit", "app",
                  "Exits from the register, follow-up visits and relapses."),
    "void": Entry("kunnan.commands.void", "void",
                  "Void a record entered by mistake (作废): any record that is not money."),
    "review": Entry("kunnan.commands.review", "app",
                    "The yearly review (年审): record one, and the lists of who is overdue, "
                    "unpaired, stale, or due a follow-up."),
    "report": Entry("kunnan.commands.report", "app",
                    "Reports: categories, causes, pipeline, coverage, targets, programs, funds, "
                    "exits, training, areas, dashboard, html."),
    "pair": Entry("kunnan.commands.pair", "app",
                  "Pair archived households with a responsible unit and a contact person (结对帮扶)."),
    "agreement": Entry("kunnan.commands.agreement", "app",
                       "Responsibility agreements (目标责任书): yearly targets per union, and results."),
    "fund": Entry("kunnan.commands.fund", "app",
                  "Funds: add, contribute, assert a balance, list, show."),
    "program": Entry("kunnan.commands.program", "app", "The programme catalogue and its rules."),
    "aid": Entry("kunnan.commands.aid", "app",
                 "Aid: cash grants and reversals; job placements, start-up loans, housing, "
                 "legal aid, counselling; every action listed."),
    "training": Entry("kunnan.commands.training", "app",
                      "Skills training to employment (培训-鉴定-就业): classes, trainees, stages, "
                      "the funnel."),
    "ledger": Entry("kunnan.commands.ledger", "app",
                    "Tamper evidence: the aid chain (verify, head) and the event log's signed "
                    "checkpoints and proofs."),
    "witness": Entry("kunnan.commands.witness", "app",
                     "Witness lower unions' ledgers: hold their checkpoints, refuse a rollback "
                     "or a fork."),
    "audit": Entry("kunnan.commands.audit", "app", "The audit log of every change."),
    "import": Entry("kunnan.commands.imports", "app",
                    "Bring households in from CSV (UTF-8 or GB18030) or Excel .xlsx files."),
    "export": Entry("kunnan.commands.exports", "app",
                    "Write the register to CSV, Excel or JSON files, and the return sent up."),
    "compare": Entry("kunnan.commands.compare", "app",
                     "Compare outside data with the register (数据比对)."),
    "notice": Entry("kunnan.commands.notice", "app",
                    "Public notices (公示): the masked lists posted on the wall."),
}  # fmt: skip


#: Help options, on every command.
HELP_OPTIONS = ["-h", "--help"]


class Argument(typer.core.TyperArgument):
    """An argument shown as Click shows one: ``HOUSEHOLD`` when required, ``[HOUSEHOLD]`` when
    not, and no type after its name (its metavar says what it takes)."""

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def localise(command: Any, path: str = "kunnan") -> None:
    """Show ``command`` (and the commands under it) in the current language: its help, its
    options' help and metavars (``kunnan.ui.metavars``), read from the catalog by their
    English texts, which are kept so that the same tree can speak the other language at the
    next invocation."""
    from kunnan.ui.wrap import join_wide

    language = i18n.current()
    if getattr(command, "kunnan_language", None) == language:
        return
    source = command.__dict__.setdefault(
        "kunnan_source",
        (command.help, command.short_help, command.epilog, command.options_metavar),
    )
    command.help, command.short_help, command.epilog, command.options_metavar = (
        join_wide(_(text)) if text else text for text in source
    )
    if getattr(command, "subcommand_metavar", None):
        command.subcommand_metavar = _("COMMAND [ARGS]...")
    command.get_help_option(typer.Context(command, help_option_names=HELP_OPTIONS))
    for param in [*command.params, getattr(command, "_help_option", None)]:
        if param is not None:
            _localise_param(param, path)
    command.kunnan_language = language
    built = getattr(command, "commands", None)
    if isinstance(built, dict):
        for name, child in built.items():
            localise(child, f"{path} {name}")


def _localise_param(param: Any, path: str) -> None:
    """An option or argument of the command at ``path`` in the current language, with its
    metavar and its completion (``kunnan.db.completion``)."""
    from kunnan.db.completion import completer
    from kunnan.ui.metavars import metavar
    from kunnan.ui.wrap import join_wide

    if type(param) is typer.core.TyperArgument:
        param.__class__ = Argument
    if param.name == "install_completion":
        param.callback = install_completion
    if "kunnan_source" not in param.__dict__:
        if getattr(param, "_custom_shell_complete", True) is None:
            param._custom_shell_complete = completer(param.name)
        shown = param.metavar
        if shown is None and not getattr(param, "is_flag", False):
            described = getattr(param, "type_descriptor", None)
            is_path = bool(getattr(described, "is_path", False))
            shown = metavar(path, param.name, is_path=is_path)
            if shown is None:
                is_int = getattr(described, "annotation", None) is int
                shown = N_("N") if is_int else N_("TEXT")
        param.kunnan_source = (getattr(param, "help", None), shown)
    help_text, shown = param.kunnan_source
    if help_text:
        param.help = join_wide(_(help_text))
    if shown:
        param.metavar = _(shown)


def install_completion(ctx: typer.Context, param: typer.CallbackParam, value: Any) -> Any:
    """``--install-completion``: Typer's installation, saying what it did in the catalog's words
    (Typer's own callback prints in English, and an unknown shell on stdout with exit 1)."""
    if not value or ctx.resilient_parsing:
        return value
    from typer._completion_shared import Shells, _get_shell_name, install

    shell = value if isinstance(value, str) else _get_shell_name()
    known = [member.value for member in Shells if member.value != "pwsh"]
    if shell not in {member.value for member in Shells}:
        raise typer.BadParameter(
            _(
                "kunnan cannot install completion for the shell {shell}; it knows {known}",
                shell=shell or "?",
                known=p_("list separator", ", ").join(known),
            ),
            ctx=ctx,
            param_hint="'--install-completion'",
        )
    shell, path = install(shell=shell)
    typer.secho(_("{shell} completion installed in {path}", shell=shell, path=path), fg="green")
    typer.echo(_("Completion will take effect once you restart the terminal"))
    raise typer.Exit(0)


def commands_of(root: typer.Typer) -> Iterator[tuple[str, Any]]:
    """Every command of the tree, each with its path (``kunnan household add``), all built."""

    def walk(path: str, command: Any) -> Iterator[tuple[str, Any]]:
        yield path, command
        for name in getattr(command, "commands", {}) or {}:
            yield from walk(f"{path} {name}", command.commands[name])

    yield from walk("kunnan", typer.main.get_command(root))


#: Click's and Typer's own words on help pages, translated with the rest (``install_words``).
CLICK_WORDS = (
    N_("Usage: "),
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("Show this message and exit."),
    N_("Missing command."),
    N_("No such command {name!r}."),
    N_("Aborted!"),
    N_("[OPTIONS]"),
    N_("COMMAND [ARGS]..."),
)


def install_words() -> None:
    """Let Click's and Typer's help words (Usage, Options, default…) speak through the catalog
    (Typer asks gettext's default domain, which kunnan does not use, and Click's usage line
    has a fixed prefix), and let help pages measure and wrap Chinese by cells
    (``kunnan.ui.wrap``)."""
    import typer.core
    from typer._click import _textwrap, formatting
    from typer._click.formatting import HelpFormatter

    from kunnan.ui.wrap import CellWrapper, cells, has_wide

    typer.core._ = _  # type: ignore[attr-defined,assignment]
    formatting.term_len = cells  # type: ignore[attr-defined,assignment]
    if not issubclass(_textwrap.TextWrapper, CellWrapper):

        class Wrapper(CellWrapper, _textwrap.TextWrapper):
            """Click's wrapper (its indenting), wrapping Chinese by cells."""

        _textwrap.TextWrapper = Wrapper  # type: ignore[misc]
    if not getattr(HelpFormatter.write_usage, "kunnan", False):
        plain = HelpFormatter.write_usage

        def write_usage(
            self: HelpFormatter, prog: str, args: str = "", prefix: str | None = None
        ) -> None:
            plain(self, prog, args, _("Usage: ") if prefix is None else prefix)

        def write_heading(self: HelpFormatter, heading: str) -> None:
            colon = "：" if has_wide(heading) else ":"
            self.write(f"{'':>{self.current_indent}}{heading}{colon}\n")

        write_usage.kunnan = True  # type: ignore[attr-defined]
        HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]
        HelpFormatter.write_heading = write_heading  # type: ignore[method-assign]


def load(name: str) -> typer.core.TyperCommand | TyperGroup:
    """Import and build one command of the root, with the root's settings."""
    entry = COMMANDS[name]
    target = getattr(importlib.import_module(entry.module), entry.attribute)
    holder = typer.Typer(
        pretty_exceptions_enable=False, add_completion=False, rich_markup_mode=None
    )
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=name)
    else:
        holder.command(name)(target)
    built = typer.main.get_group(holder).commands[name]
    assert isinstance(built, typer.core.TyperCommand | TyperGroup)
    localise(built, f"kunnan {name}")
    return built


class LazyCommands(MutableMapping[str, Any]):
    """The root's commands by name, each built the first time it is looked up."""

    def __init__(self, built: MutableMapping[str, Any]) -> None:
        self._built = dict(built)

    def is_built(self, name: str) -> bool:
        return name in self._built

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            if name not in COMMANDS:
                raise KeyError(name)
            self._built[name] = load(name)
        command = self._built[name]
        localise(command, f"kunnan {name}")
        return command

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __iter__(self) -> Iterator[str]:
        yield from COMMANDS
        yield from (name for name in self._built if name not in COMMANDS)

    def __len__(self) -> int:
        return len(set(COMMANDS) | set(self._built))


class KunnanGroup(TyperGroup):
    """The root group: runs the command tree and maps every failure to one line and an exit code."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands(self.commands)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """List the commands from their summaries, without importing or building any."""
        from typer._click.utils import make_default_short_help

        commands = self.commands
        assert isinstance(commands, LazyCommands)
        width = formatter.width - 6 - max(len(name) for name in commands)
        rows = []
        for name in commands:
            if name in COMMANDS and not commands.is_built(name):
                rows.append((name, make_default_short_help(_(COMMANDS[name].summary), width)))
            elif not commands[name].hidden:
                rows.append((name, commands[name].get_short_help_str(width)))
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        argv = hoist_globals(list(sys.argv[1:] if args is None else args))
        debug = "--debug" in argv
        try:
            speak(argv)
            install_words()
            localise(self)
            code = super().main(
                argv,
                prog_name=prog_name or "kunnan",
                complete_var=complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except KunnanError as error:
            error_line(str(error))
            code = error.exit_code
        except typer.TyperException as error:  # usage errors: unknown option, missing argument
            where = getattr(getattr(error, "ctx", None), "command_path", None) or "kunnan"
            error_line(
                _("{problem} (see {command} --help)", problem=usage_message(error), command=where)
            )
            code = getattr(error, "exit_code", USAGE_EXIT_CODE)
        except typer.Abort:
            error_line("aborted")
            code = 1
        except KeyboardInterrupt:
            error_line("interrupted; nothing was written by the unfinished command")
            code = INTERRUPTED_EXIT_CODE
        except Exception as error:
            code = _unexpected(error, debug=debug)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


def usage_message(error: Any) -> str:
    """A usage error in the current language, worded as Click words it in English."""
    from typer._click import exceptions as click_errors

    param = getattr(error, "param", None)
    hint = getattr(error, "param_hint", None)
    if hint is None and param is not None:
        hint = param.get_error_hint()
    if isinstance(hint, list | tuple):
        hint = " / ".join(f"'{part}'" for part in hint)
    if isinstance(error, click_errors.NoSuchOption):
        text = _("No such option: {option}", option=error.option_name)
        if error.possibilities:
            options = ", ".join(sorted(error.possibilities))
            text = _("{problem} (Possible options: {options})", problem=text, options=options)
        return text
    if isinstance(error, click_errors.MissingParameter):
        kind = error.param_type or (param.param_type_name if param is not None else "")
        if kind == "argument":
            return _("Missing argument {name}.", name=hint)
        if kind == "option":
            return _("Missing option {name}.", name=hint)
        return str(error.format_message())
    if isinstance(error, click_errors.BadParameter):
        problem = _choice_problem(error.message)
        if hint is None:
            return _("Invalid value: {problem}", problem=problem)
        return _("Invalid value for {name}: {problem}", name=hint, problem=problem)
    message = str(error.format_message())
    for english, pattern in _USAGE_PATTERNS:
        matched = pattern.fullmatch(message)
        if matched:
            return _(english, **matched.groupdict())
    return message


#: A choice Typer refused, as its coercion words it.
_NOT_A_CHOICE = re.compile(
    r"""(?:Value error, )?(?P<value>'.*'|".*") is not one of (?P<choices>.*)\."""
)


def _choice_problem(message: str) -> str:
    """A value that is none of an option's choices, in the current language; any other
    problem as it was given."""
    matched = _NOT_A_CHOICE.fullmatch(message)
    if matched is not None:
        return _("{value} is not one of {choices}", **matched.groupdict())
    if message.removeprefix("Value error, ") == "embedded null byte":
        # A path with a NUL in it: the operating system's words, from Python's os functions.
        return _("it holds a NUL character, which no file name may hold")
    return message


#: Click's other usage errors, recognised by their English words.
_USAGE_PATTERNS = tuple(
    (english, re.compile(pattern))
    for english, pattern in (
        (
            N_("Got unexpected extra argument(s) ({args})"),
            r"Got unexpected extra argument\(s\) \((?P<args>.*)\)",
        ),
        (
            N_("Option {option} requires an argument."),
            r"Option (?P<option>'.*') requires an argument\.",
        ),
        (
            N_("Option {option} does not take a value."),
            r"Option (?P<option>'.*') does not take a value\.",
        ),
    )
)


def speak(argv: Sequence[str]) -> None:
    """Choose this command's language before anything is shown, its help included:
    ``--lang`` (hoisted to the front), else ``KUNNAN_LANG``, else the locale."""
    given: str | None = None
    for index, word in enumerate(argv):
        if word == "--":
            break
        if word == "--lang" and index + 1 < len(argv):
            given = argv[index + 1]
        elif word.startswith("--lang="):
            given = word.removeprefix("--lang=")
    i18n.use("en")
    try:
        i18n.use(i18n.choose(given))
    except i18n.UnknownLanguage as error:
        raise InvalidInput(
            _("--lang must be en or zh, not '{given}'", given=error.args[0])
        ) from None


#: Root options that may also follow the command (how its output is shown): those that take
#: a value, and the flags.
HOISTED = ("--lang", "--csv-encoding")
HOISTED_FLAGS = ("--wide",)


def hoist_globals(argv: list[str]) -> list[str]:
    """The arguments with ``--lang``, ``--csv-encoding`` and ``--wide`` moved to the front, so
    that they may be given anywhere on the command line (``kunnan household show H000166
    --lang zh``); ``--`` ends the search."""
    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "--":
            rest.extend(argv[index:])
            break
        if word in HOISTED and index + 1 < len(argv):
            front.extend(argv[index : index + 2])
            index += 2
            continue
        if word.startswith(tuple(f"{option}=" for option in HOISTED)) or word in HOISTED_FLAGS:
            front.append(word)
        else:
            rest.append(word)
        index += 1
    return front + rest


def _unexpected(error: Exception, *, debug: bool) -> int:
    """One line for a failure kunnan did not expect; with ``--debug`` a traceback first, printed
    by kunnan itself so that it carries no locals, no SQL parameters and no row values."""
    if debug:
        from kunnan.ui.debug import write_traceback

        write_traceback(error)
    from kunnan.db.errors import translate

    known = translate(error)
    if known is not None:
        error_line(str(known))
        return known.exit_code
    if isinstance(error, BrokenPipeError):
        return 1
    if debug:
        error_line(
            f"internal error ({type(error).__name__}); nothing was written. "
            "Please report it with the traceback above"
        )
    else:
        error_line(
            f"internal error ({type(error).__name__}); nothing was written. "
            "Rerun with --debug for details and report it"
        )
    return INTERNAL_EXIT_CODE


app = typer.Typer(
    name="kunnan",
    cls=KunnanGroup,
    help="kunnan (困难): the union's ledger of workers' households in hardship.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kunnan {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db_: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="KUNNAN_DB",
            help="Ledger file or database URL (sqlite path, postgresql://…).",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            envvar="KUNNAN_LANG",
            help="Language of headers and labels: en or zh (may also follow the command).",
        ),
    ] = None,
    operator: Annotated[
        str | None,
        typer.Option(
            "--operator",
            envvar="KUNNAN_OPERATOR",
            help="Who is making changes, for the audit log (default: your login name).",
        ),
    ] = None,
    wide: Annotated[
        bool,
        typer.Option(
            "--wide",
            help="Show tables with every column in full, however wide (may also follow the "
            "command).",
        ),
    ] = False,
    csv_encoding: Annotated[
        str | None,
        typer.Option(
            "--csv-encoding",
            envvar="KUNNAN_CSV_ENCODING",
            help="Encoding of CSV printed on stdout: utf-8 (the default, for programs), or "
            "utf-8-sig or gb18030 for a file Excel opens (may also follow the command).",
            show_default=False,
        ),
    ] = None,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help="Show a traceback for internal errors (no locals, values or personal data).",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """kunnan (困难): the union's ledger of workers' households in hardship.

    Find households, identify them in seven steps, pair them with a responsible
    unit, record every piece of aid, and see them leave the register for good.
    """
    from kunnan.commands.options import make_state
    from kunnan.ui.output import LAYOUT, use_csv_encoding
    from kunnan.ui.output import csv_encoding as read_encoding

    del lang  # chosen before the command line was read: kunnan.cli.speak
    LAYOUT.wide = wide
    use_csv_encoding(read_encoding(csv_encoding, option="--csv-encoding") if csv_encoding else None)
    ctx.obj = make_state(db_, operator, debug)


# A new sub-app is registered in COMMANDS above, not with app.add_typer.


def main() -> None:
    """Console-script entry point."""
    app()

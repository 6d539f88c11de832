"""The root of the command line: global options, the sub-apps, and the one place
where errors become exit codes.

Every ``KunnanError`` becomes one line on stderr and its exit code; usage
errors become one line and exit 2; anything unexpected becomes one line and
exit 70 (a traceback only with ``--debug``). Nothing here imports SQLAlchemy,
Alembic or the models, so ``kunnan --help`` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from kunnan import __version__
from kunnan.commands import (
    agreement,
    aid,
    audit,
    compare,
    db,
    demo,
    exits,
    exports,
    fund,
    household,
    identify,
    imports,
    ledger,
    org,
    pair,
    policy,
    program,
    report,
    review,
    training,
)
from kunnan.commands._common import make_state
from kunnan.domain.errors import (
    INTERNAL_EXIT_CODE,
    INTERRUPTED_EXIT_CODE,
    USAGE_EXIT_CODE,
    KunnanError,
)
from kunnan.ui.console import error_line


class KunnanGroup(TyperGroup):
    """The root group: runs the command tree and maps every failure to one line and an exit code."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv
        try:
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
            error_line(f"{error.format_message()} (see {where} --help)")
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


def _unexpected(error: Exception, *, debug: bool) -> int:
    if debug:
        raise error
    from kunnan.db.errors import translate

    known = translate(error)
    if known is not None:
        error_line(str(known))
        return known.exit_code
    if isinstance(error, BrokenPipeError):
        return 1
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
    add_completion=False,
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
            "--lang", envvar="KUNNAN_LANG", help="Language of headers and labels: en or zh."
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
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback for internal errors.")
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
    ctx.obj = make_state(db_, lang, operator, debug)


app.command("init")(db.init)
app.command("demo")(demo.demo)
app.add_typer(db.app, name="db")
app.add_typer(org.app, name="org")
app.add_typer(policy.app, name="policy")
app.add_typer(household.app, name="household")
app.add_typer(identify.app, name="identify")
app.add_typer(exits.app, name="exit")
app.add_typer(review.app, name="review")
app.add_typer(report.app, name="report")
app.add_typer(pair.app, name="pair")
app.add_typer(agreement.app, name="agreement")
app.add_typer(fund.app, name="fund")
app.add_typer(program.app, name="program")
app.add_typer(aid.app, name="aid")
app.add_typer(training.app, name="training")
app.add_typer(ledger.app, name="ledger")
app.add_typer(audit.app, name="audit")
app.add_typer(imports.app, name="import")
app.add_typer(exports.app, name="export")
app.add_typer(compare.app, name="compare")


def main() -> None:
    """Console-script entry point."""
    app()

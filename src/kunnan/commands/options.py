"""What every command shares: the app state, the one transaction, options and parsing."""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from kunnan import i18n
from kunnan.domain.dates import DateError, not_in_future, parse_date
from kunnan.domain.enums import Labelled
from kunnan.domain.errors import InvalidInput
from kunnan.domain.numerals import NumberError, parse_whole
from kunnan.domain.text import (
    NOTE_MAX,
    TextError,
    check_not_empty,
    clean_area_code,
    clean_required_text,
    clean_text,
)
from kunnan.i18n import N_, _
from kunnan.ui.output import OutputFormat, View

if TYPE_CHECKING:
    from pathlib import Path

    from pydantic import BaseModel
    from sqlalchemy.orm import Session

    from kunnan.db.location import Location
    from kunnan.files import OutputFile
    from kunnan.services.identify import CostFacts
    from kunnan.store.approvals import Held


@dataclass(frozen=True)
class AppState:
    """The root options, resolved once per invocation."""

    db: str | None
    lang: str
    operator: str
    debug: bool
    #: ``--operator`` or ``KUNNAN_OPERATOR`` named them (not the login name).
    operator_given: bool = False

    @property
    def location(self) -> Location:
        from kunnan.db.location import resolve

        return resolve(self.db)


def make_state(db: str | None, operator: str | None, debug: bool) -> AppState:
    """The root options; the language was chosen before the command line was read
    (``kunnan.cli.speak``), so that help and usage errors speak it too."""
    who = operator if operator else _os_user()
    try:
        who = clean_required_text(who, field="operator", max_length=64)
    except TextError as error:
        raise InvalidInput(
            _("{option}: {message}", option="--operator", message=str(error))
        ) from None
    return AppState(
        db=db, lang=i18n.current(), operator=who, debug=debug, operator_given=bool(operator)
    )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def state(ctx: typer.Context) -> AppState:
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        raise RuntimeError("the root callback did not run")
    return root.obj


@contextmanager
def ledger(ctx: typer.Context, *, write: bool, new_key: bool = False) -> Iterator[Session]:
    """The command's one transaction: committed when the block succeeds, else rolled back.

    A write is signed where its block ends, before it commits (``store.signatures.seal``):
    this is the one place kunnan's commands sign. Its operator's key is found first, so a
    write they could not sign is refused before anything is done (``new_key``: the command
    makes the key it signs with)."""
    from kunnan.db.session import open_session
    from kunnan.store.operators import adopt_database_role, check_reader, check_writer
    from kunnan.store.signatures import check_signer, seal

    app = state(ctx)
    with open_session(
        app.location, write=write, operator=app.operator, command=ctx.command_path
    ) as session:
        adopt_database_role(session, given=app.operator_given)
        # Only a registered operator whose role does the work writes (domain.operators).
        if write:
            check_writer(session, reveals=ctx.params.get("reveal") is True)
            if not new_key:
                check_signer(session)
        else:
            check_reader(session)
        yield session
        if write:
            seal(session)


def new_passphrase(ask: bool) -> str | None:
    """The passphrase a new key is encrypted with: typed twice with ``--passphrase``, else
    ``KUNNAN_PASSPHRASE``, else none (the key file is only protected by being the user's)."""
    from kunnan.keys import env_passphrase

    if ask:
        typed: str = typer.prompt(
            _("passphrase for the new signing key"), hide_input=True, confirmation_prompt=True
        )
        return typed
    return env_passphrase()


PassphraseOption = Annotated[
    bool,
    typer.Option(
        "--passphrase",
        help="Protect the new private key with a passphrase, typed twice (or set "
        "KUNNAN_PASSPHRASE).",
    ),
]


def output_file(
    ctx: typer.Context, path: Path, *, force: bool, reading: Path | None = None
) -> OutputFile:
    """A file the command will write: replaced only with ``--force``, and never the open
    ledger (nor its -wal, -shm or -journal) or the file the command is reading."""
    from kunnan.files import OutputFile, Protected, ledger_files

    ledger_path = state(ctx).location.path
    protected = ledger_files(ledger_path) if ledger_path is not None else ()
    if reading is not None:
        protected += (Protected(reading, N_("the file being read")),)
    return OutputFile(path=path, force=force, protected=protected)


def view(ctx: typer.Context, output: OutputFormat, reveal: bool = False) -> View:
    return View(format=output, lang=state(ctx).lang, reveal=reveal)


#: Where the two halves of a reveal wait for each other while a command line is parsed.
_REVEAL_KEY = "kunnan.reveal"
_WHY_KEY = "kunnan.why"
WHY_MAX = 200


def reveal_reason(reveal: bool, why: str | None) -> str | None:
    """The audited reason for showing full ID and phone numbers, or None without --reveal.

    The shared options have checked it already as the command line was read (a clean,
    non-empty reason, and only with --reveal): see ``_pair_reveal``."""
    return why if reveal else None


def _reveal_given(ctx: typer.Context, param: Any, value: bool) -> bool:
    """``--reveal``'s callback: it waits for ``--why`` and refuses to go without it."""
    if value and not any("--why" in getattr(p, "opts", ()) for p in ctx.command.params):
        raise RuntimeError(f"{ctx.command_path} has --reveal without --why")
    ctx.meta[_REVEAL_KEY] = value
    _pair_reveal(ctx)
    return value


def _why_given(ctx: typer.Context, param: Any, value: str | None) -> str | None:
    """``--why``'s callback: a reason is short clean text, and goes with ``--reveal``."""
    if value is not None:
        try:
            value = clean_required_text(value, field="--why", max_length=WHY_MAX)
        except TextError as error:
            raise InvalidInput(str(error)) from None
    ctx.meta[_WHY_KEY] = value
    _pair_reveal(ctx)
    return value


def _pair_reveal(ctx: typer.Context) -> None:
    """Once both options are read (given ones first, in command-line order, then the rest),
    refuse one without the other, before the command opens the ledger."""
    if _REVEAL_KEY not in ctx.meta or _WHY_KEY not in ctx.meta:
        return
    reveal, why = ctx.meta.pop(_REVEAL_KEY), ctx.meta.pop(_WHY_KEY)
    if reveal and why is None:
        raise InvalidInput(_('--reveal needs --why "reason" (kept in the audit log)'))
    if why is not None and not reveal:
        raise InvalidInput(_("--why gives the reason for --reveal; give both, or neither"))


def text_option(
    value: str | None, option: str, *, max_length: int = NOTE_MAX, required: bool = False
) -> str | None:
    """Free text typed for an option, through the register's one rule for text
    (``clean_text``: no control or invisible characters, bounded); None when not given."""
    if value is None:
        return None
    try:
        text = clean_text(value, field=option, max_length=max_length, allow_newlines=True)
        if required:
            check_not_empty(text, field=option)
    except TextError as error:
        raise InvalidInput(str(error)) from None
    return text


def check_something_given(given: Mapping[str, Any]) -> None:
    """InvalidInput for an edit given no option at all: it would change nothing."""
    if all(value is None for value in given.values()):
        raise InvalidInput(_("nothing to change: give at least one option (see --help)"))


def whole_number(*, least: int | None = None, most: int | None = None) -> Callable[[Any], int]:
    """The parser every integer option takes (``typer.Option(parser=whole_number(...))``).

    Click's own reading is ``int()``, which takes ٣ and ३ as readily as 3, and Typer's
    refuses the full-width ３ Chinese input methods type: this one takes ASCII and
    full-width digits only (``kunnan.domain.numerals``), within the bounds given.
    """

    def parse(value: Any) -> int:
        # BadParameter, not ValueError: Typer runs parsers inside Pydantic, which would
        # prefix a ValueError's message with "Value error, ".
        try:
            number = value if isinstance(value, int) else parse_whole(str(value))
        except NumberError as error:
            raise typer.BadParameter(str(error)) from None
        if least is not None and number < least:
            raise typer.BadParameter(
                _("must be at least {least}, not {number}", least=least, number=number)
            )
        if most is not None and number > most:
            raise typer.BadParameter(
                _("must be at most {most}, not {number}", most=most, number=number)
            )
        return number

    return parse


def yuan_or_zero(value: str | None, option: str) -> int:
    """An amount option in yuan as fen (none given: 0), refused in one line naming the option."""
    from kunnan.domain.money import MoneyError, parse_yuan

    if value is None:
        return 0
    try:
        return parse_yuan(value)
    except MoneyError as error:
        raise InvalidInput(_("{option}: {message}", option=option, message=str(error))) from None


OtherIncomeOpt = Annotated[
    str | None, typer.Option("--other-income", help="Other monthly household income, yuan.")
]
MedicalOpt = Annotated[
    str | None, typer.Option("--medical-costs", help="Monthly medical costs, yuan.")
]
SchoolingOpt = Annotated[
    str | None, typer.Option("--schooling-costs", help="Monthly schooling costs, yuan.")
]
AccidentOpt = Annotated[
    str | None, typer.Option("--accident-costs", help="Monthly costs caused by the accident, yuan.")
]


def cost_facts(
    other_income: str | None,
    medical_costs: str | None,
    schooling_costs: str | None,
    accident_costs: str | None,
) -> CostFacts:
    """The income test's other income and costs (三算), as the four options give them."""
    from kunnan.services.identify import CostFacts

    return CostFacts(
        other_income_fen=yuan_or_zero(other_income, "--other-income"),
        medical_costs_fen=yuan_or_zero(medical_costs, "--medical-costs"),
        schooling_costs_fen=yuan_or_zero(schooling_costs, "--schooling-costs"),
        accident_costs_fen=yuan_or_zero(accident_costs, "--accident-costs"),
    )


def today() -> dt.date:
    return dt.date.today()


def parse_on(value: str | None, *, option: str = "--on", allow_future: bool = False) -> dt.date:
    """The date of a record: ``--on`` or today; paper records come late, never early."""
    if value is None:
        return today()
    try:
        day = parse_date(value)
        return day if allow_future else not_in_future(day, today=today())
    except DateError as error:
        raise InvalidInput(_("{option}: {message}", option=option, message=str(error))) from None


def parse_optional_date(value: str | None, *, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except DateError as error:
        raise InvalidInput(_("{option}: {message}", option=option, message=str(error))) from None


E = TypeVar("E", bound=Labelled)
M = TypeVar("M", bound="BaseModel")

#: The option a caseworker typed for each input-model field, where the two differ (a
#: household's and a person's fields say theirs in ``kunnan.schemas.household.FIELDS``).
OPTION_FOR_FIELD = {
    "area_code": "--area",
    "dibao_line_fen": "--amount",
    "amount_fen": "--amount",
    "budget_fen": "--budget",
    "balance_fen": "AMOUNT",
    "counterparty": "--from",
    "on_date": "--on",
    "override_reason": "--override",
    "standard_fen": "--standard",
    "yearly_cap_fen": "--cap",
    "training_class": "CLASS",
    "starts_on": "--start",
    "ends_on": "--end",
    "certificate_no": "--certificate",
    "monthly_wage_fen": "--monthly-wage",
    "channel": "--via",
    "rate_pct": "--rate",
    "recovered_fen": "--recovered",
    "counselor": "--by",
    "repaid_fen": "AMOUNT",
}


def validated(model: type[M], data: Mapping[str, Any]) -> M:
    """Validate command-line input into an input model; errors name the options typed."""
    from kunnan.schemas import validate
    from kunnan.schemas.household import OPTIONS

    return validate(model, data, today=today(), names={**OPTION_FOR_FIELD, **OPTIONS})


def parse_choice(enum: type[E], value: str | None, option: str) -> E | None:
    """An optional option naming an enum member by slug or Chinese label."""
    if value is None:
        return None
    try:
        return enum.parse(value)
    except ValueError as error:
        raise InvalidInput(_("{option}: {message}", option=option, message=str(error))) from None


def parse_area(value: str | None, *, option: str = "--area") -> str | None:
    """An optional area-code filter, read as every area code is: a bad one is refused with the
    usual words, never matched against nothing."""
    if value is None:
        return None
    try:
        return clean_area_code(value)
    except TextError as error:
        raise InvalidInput(_("{option}: {message}", option=option, message=str(error))) from None


FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format", "-f", help="table for people; json or csv for programs and spreadsheets."
    ),
]
#: ``--reveal`` and ``--why`` are one pair: every command that shows or writes full numbers
#: takes both, and the callbacks refuse either without the other (a test walks every command).
RevealOption = Annotated[
    bool,
    typer.Option(
        "--reveal",
        callback=_reveal_given,
        help="Show full ID numbers, phone numbers and birth dates; needs --why, and both go to "
        "the audit log.",
    ),
]
WhyOption = Annotated[
    str | None,
    typer.Option(
        "--why",
        callback=_why_given,
        help="Why the full numbers are needed (kept in the audit log).",
    ),
]
ForceOption = Annotated[
    bool,
    typer.Option(
        "--force", help="Replace the file if it already exists (never the ledger itself)."
    ),
]
OnOption = Annotated[
    str | None, typer.Option("--on", help="Date of the record, YYYY-MM-DD (default: today).")
]
HouseholdArg = Annotated[
    str, typer.Argument(help="Household code (H000123), archive number or head's ID number.")
]


def say_held(held: Held) -> None:
    """The one line an action held for approval prints (its code goes to stdout)."""
    from kunnan.domain.enums import named
    from kunnan.ui.console import note

    typer.echo(held.code)
    note(
        _(
            "{code} waits for approval by a second operator, an {role} of the household's "
            "union or above: kunnan approve accept {code} (by {on})",
            code=held.code,
            role=named(held.checker),
            on=held.expires_on.isoformat(),
        )
    )

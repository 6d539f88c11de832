"""Rules of the register's records: a household's standing, its registration after its
head's birth, its secondary causes, its floor area, and a member's admission to study.

The fields' rules (``kunnan.schemas.household.FIELDS``) and the input models' rules across
fields call these, and so does the cheap path of ``import households`` for plain rows
(``kunnan.services.imports.households``), which reads them without building the models: one
rule, every caller, the same answer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from kunnan.domain.enums import AdmissionLevel, Cause, HouseholdStatus, named
from kunnan.domain.numerals import foreign_digit
from kunnan.i18n import _

MAX_SECONDARY_CAUSES = 3
#: The years a member can have been admitted to study in (金秋助学).
ADMITTED_YEAR_MIN = 1949
ADMITTED_YEAR_MAX = 2200
#: The standings a household can be imported with. Households in identification,
#: rejected or exited carry history (steps, decisions, exits) that a register
#: spreadsheet does not hold, so they are entered through their own commands.
IMPORTABLE_STATUSES = (HouseholdStatus.CANDIDATE, HouseholdStatus.ARCHIVED)
#: The largest floor area a household can have, in square metres.
AREA_MAX_M2 = 10_000

#: A broken rule: the field to blame and why.
Problem = tuple[str, str]


def distinct_causes(values: list[Cause]) -> list[Cause]:
    """At most three secondary causes, none given twice; ValueError otherwise."""
    if len(values) > MAX_SECONDARY_CAUSES:
        raise ValueError(
            _(
                "at most {most} secondary causes, {given} given",
                most=MAX_SECONDARY_CAUSES,
                given=len(values),
            )
        )
    if len(set(values)) != len(values):
        raise ValueError(_("a secondary cause is given twice"))
    return values


def parse_area_m2(text: str) -> Decimal:
    """A floor area in square metres ('45.5', '45.5㎡'); ValueError when it is none."""
    number = text.strip().removesuffix("m2").removesuffix("㎡").strip()
    char = foreign_digit(number)
    if char is not None:  # Decimal() reads every script's digits
        raise ValueError(
            _(
                "area '{text}' is written with '{char}' (U+{code:04X}); "
                "write it with the digits 0-9",
                text=text,
                char=char,
                code=ord(char),
            )
        )
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise ValueError(_("'{text}' is not an area in square metres", text=text)) from None
    return check_area_m2(value)


def check_area_m2(value: Decimal) -> Decimal:
    if not value.is_finite() or value <= 0 or value > AREA_MAX_M2:
        raise ValueError(_("area must be more than 0 and at most {most} m²", most=AREA_MAX_M2))
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(_("area takes at most two decimals"))
    return value


class Standing(NamedTuple):
    """What a household brought in from an old register says of its standing."""

    status: HouseholdStatus
    archive_no: str | None
    category: object | None
    main_cause: object | None
    archived_on: dt.date | None
    registered_on: dt.date | None


def standing_problem(standing: Standing) -> Problem | None:
    """What is wrong with the standing a household is imported with, if anything.

    Only candidates and archived households are imported; an archived one brings its
    archive number, category and main cause, archived no earlier than registered; a
    candidate has none of an archive's marks yet.
    """
    status, archive_no, category, main_cause, archived_on, registered_on = standing
    if status not in IMPORTABLE_STATUSES:
        return (
            "status",
            _(
                "a household cannot be imported with status {status}; "
                "import it as candidate or archived",
                status=named(status),
            ),
        )
    if status is HouseholdStatus.ARCHIVED:
        if archived_on and registered_on and archived_on < registered_on:
            return ("archived_on", _("the archive date is before the registration date"))
        if archive_no is None:
            return ("archive_no", _("an archived household needs its archive number"))
        if category is None:
            return ("category", _("an archived household needs its category"))
        if main_cause is None:
            return ("main_cause", _("an archived household needs its main cause"))
        return None
    if archive_no is not None:
        return (
            "archive_no",
            _("a candidate has no archive number yet (only archived households do)"),
        )
    if category is not None:
        return ("category", _("a candidate has no category yet (only archived households do)"))
    if archived_on is not None:
        return (
            "archived_on",
            _("a candidate has no archive date yet (only archived households do)"),
        )
    return None


def registration_problem(
    registered_on: dt.date | None, archived_on: dt.date | None, *, head_born: dt.date
) -> Problem | None:
    """A household is registered no earlier than its head worker was born (the birth date in
    the head's ID number). It is registered on the day given, else on its archive date (an
    archive brought in from an old register), else today, which no validated ID number's
    birth date is after. The message names the date given, never the birth date."""
    field, registered = (
        ("registered_on", registered_on)
        if registered_on is not None
        else ("archived_on", archived_on)
    )
    if registered is None or registered >= head_born:
        return None
    if field == "registered_on":
        message = _(
            "a household cannot be registered on {day}, before its head worker was born "
            "(by the ID number)",
            day=registered.isoformat(),
        )
    else:
        message = _(
            "a household cannot be archived (and so registered) on {day}, before its head "
            "worker was born (by the ID number)",
            day=registered.isoformat(),
        )
    return (field, message)


def check_admitted_year(year: int) -> int:
    """A year a member can have been admitted to study in."""
    if year < ADMITTED_YEAR_MIN:
        raise ValueError(_("must be at least {bound}", bound=ADMITTED_YEAR_MIN))
    if year > ADMITTED_YEAR_MAX:
        raise ValueError(_("must be at most {bound}", bound=ADMITTED_YEAR_MAX))
    return year


def household_problem(standing: Standing, *, head_born: dt.date) -> Problem | None:
    """The first rule across a household's fields it breaks, if any: registered no earlier
    than its head was born (counting an imported archive's date), then its standing."""
    archived = standing.status is HouseholdStatus.ARCHIVED
    return registration_problem(
        standing.registered_on, standing.archived_on if archived else None, head_born=head_born
    ) or standing_problem(standing)


def missing_area_code(union: str) -> Problem:
    """Why a new household has no area code: it gives none, and its union has none to
    default to."""
    return (
        "area_code",
        _("is required: the union '{union}' has no area code to default to", union=union),
    )


def admission_problem(admitted: AdmissionLevel | None, year: int | None) -> Problem | None:
    """The admission level and its year come together (``none`` is no admission)."""
    level = None if admitted is AdmissionLevel.NONE else admitted
    if (level is None) != (year is None):
        return (
            "admitted_year",
            _(
                "give the admission level and the year of admission together "
                "(level none takes no year)"
            ),
        )
    return None

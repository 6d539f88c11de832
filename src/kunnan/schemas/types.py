"""Annotated field types shared by the input models; each delegates to a pure domain rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BeforeValidator, ValidationInfo

from kunnan.domain import text
from kunnan.domain.dates import not_in_future, parse_date
from kunnan.domain.enums import Labelled
from kunnan.domain.idnumber import parse_id_number
from kunnan.domain.money import parse_yuan
from kunnan.domain.numerals import parse_whole
from kunnan.domain.phone import parse_mobile
from kunnan.domain.register import check_area_m2, parse_area_m2

E = TypeVar("E", bound=Labelled)


def _today(info: ValidationInfo) -> dt.date:
    context = info.context or {}
    today = context.get("today")
    return today if isinstance(today, dt.date) else dt.date.today()


def _id_number(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, str):
        return value
    return parse_id_number(value, today=_today(info)).value


def _money(value: Any) -> Any:
    return parse_yuan(value) if isinstance(value, str) else value


def _not_negative(value: int) -> int:
    if value < 0:
        raise ValueError("amount is negative; amounts are zero or more")
    return value


def _date(value: Any) -> Any:
    return parse_date(value) if isinstance(value, str) else value


def _past_date(value: dt.date, info: ValidationInfo) -> dt.date:
    return not_in_future(value, today=_today(info))


def _area_m2(value: Any) -> Any:
    if isinstance(value, str):
        return parse_area_m2(value)
    if isinstance(value, Decimal):
        return check_area_m2(value)
    return value


def _whole(value: Any) -> Any:
    return parse_whole(value) if isinstance(value, str) else value


#: A whole number given as text (an import cell): ASCII or full-width digits only, where
#: Pydantic's own reading refuses full-width ones and ``int()`` would take ٣ or ३.
Whole = BeforeValidator(_whole)


def labelled(enum: type[E]) -> BeforeValidator:
    """Accept a slug or a Chinese label for ``enum``."""
    return BeforeValidator(lambda value: enum.parse(value) if isinstance(value, str) else value)


def bounded(field: str, max_length: int) -> BeforeValidator:
    return BeforeValidator(
        lambda value: (
            text.clean_text(value, field=field, max_length=max_length)
            if isinstance(value, str)
            else value
        )
    )


def required(field: str, max_length: int) -> BeforeValidator:
    return BeforeValidator(
        lambda value: (
            text.clean_required_text(value, field=field, max_length=max_length)
            if isinstance(value, str)
            else value
        )
    )


Name = Annotated[str, BeforeValidator(lambda v: text.clean_name(v) if isinstance(v, str) else v)]
IdNumberText = Annotated[str, BeforeValidator(_id_number)]
Mobile = Annotated[str, BeforeValidator(lambda v: parse_mobile(v) if isinstance(v, str) else v)]
Fen = Annotated[int, BeforeValidator(_money), AfterValidator(_not_negative)]
PastDate = Annotated[dt.date, BeforeValidator(_date), AfterValidator(_past_date)]
AnyDate = Annotated[dt.date, BeforeValidator(_date)]
AreaCode = Annotated[
    str, BeforeValidator(lambda v: text.clean_area_code(v) if isinstance(v, str) else v)
]
Code = Annotated[str, BeforeValidator(lambda v: text.clean_code(v) if isinstance(v, str) else v)]
AreaM2 = Annotated[Decimal, BeforeValidator(_area_m2)]

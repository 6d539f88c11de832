"""Input models for aid beyond cash: training, placements, loans, housing, legal cases, counselling."""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from kunnan.domain.enums import (
    HousingKind,
    HousingStatus,
    LegalKind,
    LegalStatus,
    PlacementChannel,
    Trade,
)
from kunnan.domain.loans import MAX_RATE_PCT, MAX_TERM_MONTHS
from kunnan.domain.numerals import foreign_digit
from kunnan.domain.text import NOTE_MAX, SHORT_TEXT_MAX
from kunnan.i18n import N_, _
from kunnan.schemas.aid import PositiveFen, Reason, Ref
from kunnan.schemas.types import (
    AnyDate,
    AreaM2,
    Fen,
    Name,
    PastDate,
    Whole,
    bounded,
    labelled,
    required,
)

HouseholdRef = Annotated[str, required(N_("household"), SHORT_TEXT_MAX)]
MemberRef = Annotated[str, required(N_("member"), SHORT_TEXT_MAX)]
Note = Annotated[str, bounded(N_("note"), NOTE_MAX)]


def _rate(value: Any) -> Any:
    if isinstance(value, str):
        char = foreign_digit(value)
        if char is not None:  # Decimal() reads every script's digits
            raise ValueError(
                _(
                    "rate '{value}' is written with '{char}' (U+{code:04X}); "
                    "write it with the digits 0-9",
                    value=value,
                    char=char,
                    code=ord(char),
                )
            )
        text = unicodedata.normalize("NFKC", value).strip().removesuffix("%").strip()
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(
                _("'{value}' is not a yearly rate in percent, like 4.35", value=value)
            ) from None
    if isinstance(value, Decimal):
        if not value.is_finite() or value < 0 or value > MAX_RATE_PCT:
            raise ValueError(_("a yearly rate is from 0 to {most} percent", most=MAX_RATE_PCT))
        if value.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValueError(_("a rate takes at most two decimals (4.35)"))
    return value


RatePct = Annotated[Decimal, BeforeValidator(_rate)]


class TrainingClassCreate(BaseModel):
    """A skills class: its trade, dates (it may be planned ahead), places and union."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, required(N_("name"), SHORT_TEXT_MAX)]
    trade: Annotated[Trade, labelled(Trade)]
    starts_on: AnyDate
    ends_on: AnyDate
    capacity: Annotated[int, Whole, Field(ge=1, le=100_000)] | None = None
    org: Annotated[str, required(N_("org"), SHORT_TEXT_MAX)] | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> TrainingClassCreate:
        if self.ends_on < self.starts_on:
            raise PydanticCustomError(
                "ends_before_start",
                _("the class ends ({end}) before it starts ({start})"),
                {"field": "ends_on", "end": str(self.ends_on), "start": str(self.starts_on)},
            )
        return self


class TraineeRef(BaseModel):
    """Which trainee: a class, a household, and the member (default: the head worker)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    training_class: Annotated[str, required(N_("class"), SHORT_TEXT_MAX)]
    household: HouseholdRef
    member: MemberRef | None = None


class EnrolmentCreate(TraineeRef):
    on_date: PastDate
    #: Classes are open: a household that is not archived is enrolled only when this says so.
    not_archived: bool = False


class StageCreate(TraineeRef):
    """A trainee completing the class or being certified."""

    on_date: PastDate
    certificate_no: Annotated[str, required(N_("certificate"), SHORT_TEXT_MAX)] | None = None


class JobCreate(BaseModel):
    """The job a member takes: employer, job, monthly wage, and how it was found."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    employer: Annotated[str, required(N_("employer"), SHORT_TEXT_MAX)]
    job: Annotated[str, required(N_("job"), SHORT_TEXT_MAX)]
    monthly_wage_fen: Fen
    channel: Annotated[PlacementChannel, labelled(PlacementChannel)]
    on_date: PastDate


class EmployCreate(TraineeRef):
    """A certified trainee taking a job (培训-鉴定-就业): the job is also a placement."""

    employer: Annotated[str, required(N_("employer"), SHORT_TEXT_MAX)]
    #: Default: the class's trade.
    job: Annotated[str, required(N_("job"), SHORT_TEXT_MAX)] | None = None
    monthly_wage_fen: Fen
    channel: Annotated[PlacementChannel, labelled(PlacementChannel)] = PlacementChannel.DIRECT
    on_date: PastDate


class PlacementCreate(JobCreate):
    household: HouseholdRef
    member: MemberRef | None = None


class LoanCreate(BaseModel):
    """A start-up guarantee loan from a fund to an archived household."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    household: HouseholdRef
    fund: Annotated[str, required(N_("fund"), SHORT_TEXT_MAX)]
    amount_fen: PositiveFen
    term_months: Annotated[int, Whole, Field(ge=1, le=MAX_TERM_MONTHS)]
    rate_pct: RatePct = Decimal(0)
    on_date: PastDate
    member: MemberRef | None = None
    purpose: Annotated[str, required(N_("purpose"), 200)] | None = None
    ref: Ref | None = None


class RepaymentCreate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    repaid_fen: PositiveFen
    on_date: PastDate
    ref: Ref | None = None


class LoanDefaultCreate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    reason: Reason
    on_date: PastDate


def _no_amount_when_refused(status: HousingStatus, *given: object) -> None:
    if status is HousingStatus.REFUSED and any(value is not None for value in given):
        raise PydanticCustomError(
            "refused_with_amount",
            _("a refused case grants nothing: --amount and --area-m2 go with applied or allocated"),
            {"field": "amount_fen"},
        )


class HousingCreate(BaseModel):
    """A housing case's new status; ``applied`` opens a case, the others change the open one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    household: HouseholdRef
    kind: Annotated[HousingKind, labelled(HousingKind)]
    status: Annotated[HousingStatus, labelled(HousingStatus)]
    on_date: PastDate
    amount_fen: Fen | None = None
    area_m2: AreaM2 | None = None
    note: Note | None = None

    @model_validator(mode="after")
    def _refused_grants_nothing(self) -> HousingCreate:
        _no_amount_when_refused(self.status, self.amount_fen, self.area_m2)
        return self


class LegalCreate(BaseModel):
    """A legal case's new status; ``opened`` opens a case, the others change an open one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    household: HouseholdRef
    kind: Annotated[LegalKind, labelled(LegalKind)]
    status: Annotated[LegalStatus, labelled(LegalStatus)]
    on_date: PastDate
    case: Annotated[str, required(N_("case"), SHORT_TEXT_MAX)] | None = None
    member: MemberRef | None = None
    against: Annotated[str, required(N_("against"), SHORT_TEXT_MAX)] | None = None
    recovered_fen: Fen | None = None
    note: Note | None = None

    @model_validator(mode="after")
    def _facts_fit_the_status(self) -> LegalCreate:
        opening = self.status is LegalStatus.OPENED
        if opening and self.recovered_fen is not None:
            raise PydanticCustomError(
                "recovered_when_opened",
                _("money is recovered when a case is resolved or closed, not when it is opened"),
                {"field": "recovered_fen"},
            )
        if opening and self.case is not None:
            raise PydanticCustomError(
                "case_when_opened",
                _("opened starts a new case; --case names an open one to change"),
                {"field": "case"},
            )
        if not opening and (self.member is not None or self.against is not None):
            raise PydanticCustomError(
                "facts_after_opening",
                _("--member and --against are given when the case is opened"),
                {"field": "member" if self.member is not None else "against"},
            )
        return self


class CounselCreate(BaseModel):
    """A counselling session (心理疏导) for a household or one member."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    household: HouseholdRef
    counselor: Name
    note: Annotated[str, required(N_("note"), NOTE_MAX)]
    on_date: PastDate
    member: MemberRef | None = None

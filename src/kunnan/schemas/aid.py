"""Input models for funds, programme rules and the aid ledger."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from kunnan.domain.aid import program_slug
from kunnan.domain.enums import AdmissionLevel, FundSource, OncePer
from kunnan.domain.text import SHORT_TEXT_MAX
from kunnan.i18n import N_, _
from kunnan.schemas.types import Fen, PastDate, Whole, bounded, labelled, required

REASON_MAX = 400
#: Words that clear a rule's value: ``--cap none``.
NONE_WORDS = frozenset({"none", "no", "无", "不限"})

Year = Annotated[int, Whole, Field(ge=1949, le=2200)]
Ref = Annotated[str, bounded(N_("ref"), SHORT_TEXT_MAX)]


def _positive(value: int | None) -> int | None:
    if value is not None and value <= 0:
        raise ValueError(_("must be more than {bound}", bound=0))
    return value


def _none_word(value: Any) -> Any:
    if (
        isinstance(value, str)
        and unicodedata.normalize("NFKC", value).strip().lower() in NONE_WORDS
    ):
        return None
    return value


def _switch(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    word = value.strip().lower()
    if word in ("on", "yes", "true", "1", "开", "是"):
        return True
    if word in ("off", "no", "false", "0", "关", "否"):
        return False
    raise ValueError(_("is a switch: on or off, not '{value}'", value=value))


def _once_per(value: Any) -> Any:
    value = _none_word(value)
    return OncePer.parse(value) if isinstance(value, str) else value


def _programs(value: Any) -> Any:
    value = _none_word(value)
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(sorted({program_slug(part) for part in value.split(",") if part.strip()}))
    return value


PositiveFen = Annotated[Fen, AfterValidator(_positive)]
#: An amount, or ``none`` to clear it.
ClearableFen = Annotated[Fen | None, BeforeValidator(_none_word), AfterValidator(_positive)]
Switch = Annotated[bool, BeforeValidator(_switch)]
Reason = Annotated[str, required(N_("reason"), REASON_MAX)]


class FundCreate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, required(N_("name"), SHORT_TEXT_MAX)]
    source: Annotated[FundSource, labelled(FundSource)]
    year: Year
    budget_fen: Fen | None = None


class ContributionCreate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    amount_fen: PositiveFen
    counterparty: Annotated[str, required(N_("from"), SHORT_TEXT_MAX)]
    on_date: PastDate
    ref: Ref | None = None


class BalanceAssertion(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    balance_fen: Fen
    on_date: PastDate


class GrantCreate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    household: Annotated[str, required(N_("household"), SHORT_TEXT_MAX)]
    program: Annotated[str, required(N_("program"), SHORT_TEXT_MAX)]
    fund: Annotated[str, required(N_("fund"), SHORT_TEXT_MAX)]
    on_date: PastDate
    member: Annotated[str, required(N_("member"), SHORT_TEXT_MAX)] | None = None
    amount_fen: PositiveFen | None = None
    ref: Ref | None = None
    override_reason: Reason | None = None


class ReversalCreate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    reason: Reason
    on_date: PastDate


class RuleChange(BaseModel):
    """A change to a programme's rule; only the fields given change (``None`` given: cleared)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    standard_fen: ClearableFen = None
    level: Annotated[AdmissionLevel, labelled(AdmissionLevel)] | None = None
    yearly_cap_fen: ClearableFen = None
    ceiling: Switch | None = None
    archived_only: Switch | None = None
    admission_required: Switch | None = None
    once_per: Annotated[OncePer | None, BeforeValidator(_once_per)] = None
    excludes: Annotated[tuple[str, ...], BeforeValidator(_programs)] = ()

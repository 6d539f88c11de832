"""Input models for pairings, pair visits and responsibility agreements."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from kunnan.domain.enums import VisitKind
from kunnan.domain.text import NOTE_MAX, SHORT_TEXT_MAX
from kunnan.i18n import N_
from kunnan.schemas.types import Mobile, Name, PastDate, Whole, bounded, labelled, required

OrgRef = Annotated[str, required(N_("unit"), SHORT_TEXT_MAX)]


class PairingCreate(BaseModel):
    """A responsible unit and its named contact person for one household."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    unit: OrgRef
    contact: Name
    phone: Mobile


class VisitCreate(BaseModel):
    """A contact person's visit or call; ``by`` defaults to the pairing's contact person."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    by: Name | None = None
    kind: Annotated[VisitKind, labelled(VisitKind)] = VisitKind.HOME
    note: Annotated[str, required(N_("note"), NOTE_MAX)]
    solved: Annotated[str, bounded(N_("solved"), NOTE_MAX)] | None = None


class AgreementCreate(BaseModel):
    """A union's yearly targets (目标责任书); coverage is a percentage of archived households."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    org: Annotated[str, required(N_("org"), SHORT_TEXT_MAX)]
    year: Annotated[int, Whole, Field(ge=1949, le=2200)]
    target_helped: Annotated[int, Whole, Field(ge=0, le=10_000_000)]
    target_exits: Annotated[int, Whole, Field(ge=0, le=10_000_000)]
    target_coverage: Annotated[int, Whole, Field(ge=0, le=100)] = 100
    signed_on: PastDate | None = None

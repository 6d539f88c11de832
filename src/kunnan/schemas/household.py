"""Input models for households and their members."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from kunnan.domain.enums import (
    AdmissionLevel,
    Category,
    Cause,
    Health,
    HouseholdStatus,
    HousingType,
    Relation,
    Schooling,
    WorkerIdentity,
)
from kunnan.domain.text import ADDRESS_MAX, CODE_MAX, SHORT_TEXT_MAX
from kunnan.schemas.types import (
    AreaCode,
    AreaM2,
    Fen,
    IdNumberText,
    Mobile,
    Name,
    PastDate,
    bounded,
    labelled,
    required,
)

MAX_SECONDARY_CAUSES = 3
OrgRef = Annotated[str, required("org", SHORT_TEXT_MAX)]


class MemberCreate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Name
    id_number: IdNumberText
    relation: Annotated[Relation, labelled(Relation)] = Relation.OTHER
    phone: Mobile | None = None
    employer: Annotated[str, bounded("employer", SHORT_TEXT_MAX)] | None = None
    identity: Annotated[WorkerIdentity, labelled(WorkerIdentity)] | None = None
    health: Annotated[Health, labelled(Health)] = Health.HEALTHY
    schooling: Annotated[Schooling, labelled(Schooling)] = Schooling.NONE
    monthly_income_fen: Fen = 0
    #: Newly admitted to study (金秋助学): the level and the year, both or neither.
    admitted: Annotated[AdmissionLevel, labelled(AdmissionLevel)] | None = None
    admitted_year: Annotated[int, Field(ge=1949, le=2200)] | None = None

    @model_validator(mode="after")
    def _admission(self) -> Self:
        level = None if self.admitted is AdmissionLevel.NONE else self.admitted
        if (level is None) != (self.admitted_year is None):
            raise _standing_error("admitted_year", "give the admission level and its year together")
        return self


class MemberUpdate(BaseModel):
    """Only the fields given change; ``relation`` cannot become or stop being ``head``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Name | None = None
    id_number: IdNumberText | None = None
    relation: Annotated[Relation, labelled(Relation)] | None = None
    phone: Mobile | None = None
    employer: Annotated[str, bounded("employer", SHORT_TEXT_MAX)] | None = None
    identity: Annotated[WorkerIdentity, labelled(WorkerIdentity)] | None = None
    health: Annotated[Health, labelled(Health)] | None = None
    schooling: Annotated[Schooling, labelled(Schooling)] | None = None
    monthly_income_fen: Fen | None = None
    #: Newly admitted to study (金秋助学): the level (``none`` clears it) and the year.
    admitted: Annotated[AdmissionLevel, labelled(AdmissionLevel)] | None = None
    admitted_year: Annotated[int, Field(ge=1949, le=2200)] | None = None


def _distinct_causes(values: list[Cause]) -> list[Cause]:
    if len(values) > MAX_SECONDARY_CAUSES:
        raise ValueError(f"at most {MAX_SECONDARY_CAUSES} secondary causes, {len(values)} given")
    if len(set(values)) != len(values):
        raise ValueError("a secondary cause is given twice")
    return values


class HouseholdCreate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    head: MemberCreate
    org: OrgRef
    area_code: AreaCode | None = None
    address: Annotated[str, bounded("address", ADDRESS_MAX)] = ""
    housing_type: Annotated[HousingType, labelled(HousingType)] | None = None
    housing_area_m2: AreaM2 | None = None
    main_cause: Annotated[Cause, labelled(Cause)] | None = None
    secondary_causes: list[Annotated[Cause, labelled(Cause)]] = Field(default_factory=list)
    registered_on: PastDate | None = None

    @field_validator("secondary_causes")
    @classmethod
    def _secondary(cls, values: list[Cause]) -> list[Cause]:
        return _distinct_causes(values)

    @field_validator("head")
    @classmethod
    def _head_is_head(cls, head: MemberCreate) -> MemberCreate:
        return head.model_copy(update={"relation": Relation.HEAD})


class HouseholdUpdate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    org: OrgRef | None = None
    area_code: AreaCode | None = None
    address: Annotated[str, bounded("address", ADDRESS_MAX)] | None = None
    housing_type: Annotated[HousingType, labelled(HousingType)] | None = None
    housing_area_m2: AreaM2 | None = None
    main_cause: Annotated[Cause, labelled(Cause)] | None = None
    secondary_causes: list[Annotated[Cause, labelled(Cause)]] | None = None

    @field_validator("secondary_causes")
    @classmethod
    def _secondary(cls, values: list[Cause] | None) -> list[Cause] | None:
        return None if values is None else _distinct_causes(values)


#: The standings a household can be imported with. Households in identification,
#: rejected or exited carry history (steps, decisions, exits) that a register
#: spreadsheet does not hold, so they are entered through their own commands.
IMPORTABLE_STATUSES = (HouseholdStatus.CANDIDATE, HouseholdStatus.ARCHIVED)
ArchiveNo = Annotated[str, required("archive number", CODE_MAX)]


def _standing_error(field: str, message: str) -> PydanticCustomError:
    return PydanticCustomError("standing", message, {"field": field})


class HouseholdImport(HouseholdCreate):
    """A household as a spreadsheet brings it: ``HouseholdCreate`` plus its standing.

    A union moving its register into kunnan has households that were archived
    long ago: they keep their archive number (档案号), category and causes.
    """

    status: Annotated[HouseholdStatus, labelled(HouseholdStatus)] = HouseholdStatus.CANDIDATE
    archive_no: ArchiveNo | None = None
    category: Annotated[Category, labelled(Category)] | None = None
    archived_on: PastDate | None = None

    @model_validator(mode="after")
    def _standing(self) -> Self:
        if self.status not in IMPORTABLE_STATUSES:
            raise _standing_error(
                "status",
                f"a household cannot be imported with status {self.status.value} "
                f"({self.status.zh}); import it as candidate or archived",
            )
        if self.status is HouseholdStatus.ARCHIVED:
            if self.archived_on and self.registered_on and self.archived_on < self.registered_on:
                raise _standing_error(
                    "archived_on", "the archive date is before the registration date"
                )
            for field, what in (
                ("archive_no", "archive number"),
                ("category", "category"),
                ("main_cause", "main cause"),
            ):
                if getattr(self, field) is None:
                    raise _standing_error(field, f"an archived household needs its {what}")
        else:
            for field, what in (
                ("archive_no", "archive number"),
                ("category", "category"),
                ("archived_on", "archive date"),
            ):
                if getattr(self, field) is not None:
                    raise _standing_error(
                        field, f"a candidate has no {what} yet (only archived households do)"
                    )
        return self

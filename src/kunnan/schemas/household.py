"""Input models for households and their members."""

from __future__ import annotations

import datetime as dt
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
from kunnan.domain.idnumber import facts
from kunnan.domain.register import (
    ADMITTED_YEAR_MAX,
    ADMITTED_YEAR_MIN,
    admission_problem,
    distinct_causes,
    registration_problem,
    standing_problem,
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
    Whole,
    bounded,
    labelled,
    required,
)

OrgRef = Annotated[str, required("org", SHORT_TEXT_MAX)]
AdmittedYear = Annotated[int, Whole, Field(ge=ADMITTED_YEAR_MIN, le=ADMITTED_YEAR_MAX)]


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
    admitted_year: AdmittedYear | None = None

    @model_validator(mode="after")
    def _admission(self) -> Self:
        problem = admission_problem(self.admitted, self.admitted_year)
        if problem is not None:
            raise _standing_error(*problem)
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
    admitted_year: AdmittedYear | None = None


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
        return distinct_causes(values)

    @field_validator("head")
    @classmethod
    def _head_is_head(cls, head: MemberCreate) -> MemberCreate:
        return head.model_copy(update={"relation": Relation.HEAD})

    def archive_date(self) -> dt.date | None:
        """The date an archive brought in was archived on (none for a new household)."""
        return None

    @model_validator(mode="after")
    def _registered_after_birth(self) -> Self:
        problem = registration_problem(
            self.registered_on, self.archive_date(), head_born=facts(self.head.id_number).birth_date
        )
        if problem is not None:
            raise _standing_error(*problem)
        return self


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
        return None if values is None else distinct_causes(values)


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

    def archive_date(self) -> dt.date | None:
        return self.archived_on if self.status is HouseholdStatus.ARCHIVED else None

    @model_validator(mode="after")
    def _standing(self) -> Self:
        problem = standing_problem(
            self.status,
            archive_no=self.archive_no,
            category=self.category,
            main_cause=self.main_cause,
            archived_on=self.archived_on,
            registered_on=self.registered_on,
        )
        if problem is not None:
            raise _standing_error(*problem)
        return self

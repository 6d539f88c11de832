"""Households and their members as input gives them: each field's rule once, and the models.

``FIELDS`` is the table: one entry per field of a household or a person, saying what input
calls it (its key, the households file's Chinese header and the other headers union sheets
use, the command-line option) and the rule it is read by (a domain reader with its limits,
and a check). The input models below take their validation from it (``Annotated[Decimal,
FIELDS["housing_area_m2"]]``); ``import households`` reads its columns from it and, for a
plain row, applies the same rules cell by cell without building a model
(``kunnan.services.imports.households``). The rules across fields are ``kunnan.domain.register``'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, Protocol, Self, TypeVar, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    field_validator,
    model_validator,
)
from pydantic_core import CoreSchema, PydanticCustomError

from kunnan.domain.enums import (
    AdmissionLevel,
    Category,
    Cause,
    Health,
    HouseholdStatus,
    HousingType,
    Labelled,
    Relation,
    Schooling,
    WorkerIdentity,
)
from kunnan.domain.idnumber import facts
from kunnan.domain.register import (
    Problem,
    Standing,
    admission_problem,
    check_admitted_year,
    distinct_causes,
    household_problem,
    registration_problem,
)
from kunnan.domain.text import ADDRESS_MAX, CODE_MAX, SHORT_TEXT_MAX
from kunnan.i18n import N_
from kunnan.schemas.types import (
    AREA_CODE,
    AREA_M2,
    FEN,
    ID_NUMBER,
    NAME,
    PAST_DATE,
    PHONE,
    WHOLE,
    Rule,
    bounded,
    choice_of,
    labelled,
    required,
)

if TYPE_CHECKING:
    from kunnan.ui.columns import Kind

#: Which record a field describes: the household (read from its head's row) or a person.
Part = Literal["household", "person"]


@dataclass(frozen=True, eq=False)
class FieldRule:
    """One field of the register's input: its names, and the rule it is read by."""

    key: str
    #: The households file's Chinese header.
    zh: str
    rule: Rule
    part: Part
    #: How a cell of the field is read and written (``kunnan.sheets.columns``).
    kind: Kind = "text"
    enum: type[Labelled] | None = None
    #: Other headers union spreadsheets give the column.
    aliases: tuple[str, ...] = ()
    #: The command-line option, where it is not ``--`` + the key.
    option: str | None = None

    def take(self, raw: Any, today: dt.date) -> Any:
        """The value the input models make of a text (``Rule.take``); ValueError otherwise."""
        return self.rule.take(raw, today)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        if self.enum is not None:
            declared = get_args(source)[0] if self.rule.many else source
            if declared is not self.enum:
                raise TypeError(f"{self.key} is declared {declared}; its rule reads {self.enum}")
        return self.rule.__get_pydantic_core_schema__(source, handler)


def _choice(key: str, zh: str, enum: type[Labelled], part: Part, **names: Any) -> FieldRule:
    return FieldRule(key, zh, labelled(enum), part, kind="enum", enum=enum, **names)


def _distinct(causes: list[Cause], _today: dt.date) -> list[Cause]:
    return distinct_causes(causes)


def _admitted_year(year: int, _today: dt.date) -> int:
    return check_admitted_year(year)


HOUSEHOLD: Part = "household"
PERSON: Part = "person"

#: Every field of a household and of a person, in the households file's column order.
FIELDS: Mapping[str, FieldRule] = {
    field.key: field
    for field in (
        FieldRule("archive_no", "档案号", required(N_("archive number"), CODE_MAX), HOUSEHOLD,
                  aliases=("档案编号",)),
        _choice("status", "状态", HouseholdStatus, HOUSEHOLD, aliases=("家庭状态",)),
        _choice("category", "困难类别", Category, HOUSEHOLD, aliases=("类别", "困难类型")),
        _choice("main_cause", "主要致困原因", Cause, HOUSEHOLD, aliases=("致困原因", "cause"),
                option="--cause"),
        FieldRule("secondary_causes", "次要致困原因",
                  Rule(choice_of(Cause), check=_distinct, many=True), HOUSEHOLD,
                  kind="enum_list", enum=Cause, aliases=("secondary",), option="--secondary"),
        FieldRule("org", "所属工会", required(N_("org"), SHORT_TEXT_MAX), HOUSEHOLD,
                  aliases=("工会", "union")),
        FieldRule("area_code", "地区", AREA_CODE, HOUSEHOLD,
                  aliases=("地区代码", "行政区划代码", "area"), option="--area"),
        FieldRule("address", "住址", bounded(N_("address"), ADDRESS_MAX), HOUSEHOLD,
                  aliases=("家庭住址", "地址")),
        _choice("housing_type", "住房类型", HousingType, HOUSEHOLD,
                aliases=("住房情况", "housing"), option="--housing"),
        FieldRule("housing_area_m2", "住房面积(m²)", AREA_M2, HOUSEHOLD, kind="decimal",
                  aliases=("住房面积", "住房面积(平方米)", "housing_area"), option="--housing-area"),
        FieldRule("registered_on", "登记日期", PAST_DATE, HOUSEHOLD, kind="date", option="--on"),
        FieldRule("archived_on", "建档日期", PAST_DATE, HOUSEHOLD, kind="date",
                  aliases=("建档时间",)),
        _choice("relation", "与户主关系", Relation, PERSON, aliases=("关系",)),
        FieldRule("name", "姓名", NAME, PERSON),
        FieldRule("id_number", "身份证号", ID_NUMBER, PERSON, kind="id_number",
                  aliases=("身份证号码", "公民身份号码", "身份证")),
        FieldRule("phone", "电话", PHONE, PERSON, kind="phone",
                  aliases=("联系电话", "手机", "手机号码", "手机号", "电话号码", "联系方式")),
        FieldRule("employer", "工作单位", bounded(N_("employer"), SHORT_TEXT_MAX), PERSON,
                  aliases=("单位",)),
        _choice("identity", "身份", WorkerIdentity, PERSON, aliases=("职工身份",)),
        _choice("health", "健康状况", Health, PERSON, aliases=("健康",)),
        _choice("schooling", "在读", Schooling, PERSON, aliases=("在读情况", "就学情况")),
        FieldRule("monthly_income_fen", "月收入(元)", FEN, PERSON, kind="money",
                  aliases=("月收入", "monthly_income"), option="--income"),
        _choice("admitted", "录取层次", AdmissionLevel, PERSON, aliases=("录取", "admitted_level")),
        FieldRule("admitted_year", "录取年份", Rule(WHOLE.read, check=_admitted_year), PERSON,
                  aliases=("录取年度",), option="--year"),
    )
}  # fmt: skip
#: The option a caseworker types for each field, where it is not ``--`` + the field's key.
OPTIONS: Mapping[str, str] = {
    key: field.option for key, field in FIELDS.items() if field.option is not None
}
F = FIELDS


def _across_fields_error(field: str, message: str) -> PydanticCustomError:
    """A rule across fields broken, blaming ``field`` (``kunnan.schemas.problems`` reads it)."""
    return PydanticCustomError("standing", message, {"field": field})


class _Admitted(Protocol):
    @property
    def admitted(self) -> AdmissionLevel | None: ...
    @property
    def admitted_year(self) -> int | None: ...


A = TypeVar("A", bound=_Admitted)


def _admitted_together(person: A) -> A:
    """A person's admission level and year come together (``domain.register``)."""
    problem = admission_problem(person.admitted, person.admitted_year)
    if problem is not None:
        raise _across_fields_error(*problem)
    return person


class MemberCreate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, F["name"]]
    id_number: Annotated[str, F["id_number"]]
    relation: Annotated[Relation, F["relation"]] = Relation.OTHER
    phone: Annotated[str, F["phone"]] | None = None
    employer: Annotated[str, F["employer"]] | None = None
    identity: Annotated[WorkerIdentity, F["identity"]] | None = None
    health: Annotated[Health, F["health"]] = Health.HEALTHY
    schooling: Annotated[Schooling, F["schooling"]] = Schooling.NONE
    monthly_income_fen: Annotated[int, F["monthly_income_fen"]] = 0
    #: Newly admitted to study (金秋助学): the level and the year, both or neither.
    admitted: Annotated[AdmissionLevel, F["admitted"]] | None = None
    admitted_year: Annotated[int, F["admitted_year"]] | None = None

    @model_validator(mode="after")
    def _admission(self) -> Self:
        return _admitted_together(self)


class MemberUpdate(BaseModel):
    """Only the fields given change; ``relation`` cannot become or stop being ``head``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, F["name"]] | None = None
    id_number: Annotated[str, F["id_number"]] | None = None
    relation: Annotated[Relation, F["relation"]] | None = None
    phone: Annotated[str, F["phone"]] | None = None
    employer: Annotated[str, F["employer"]] | None = None
    identity: Annotated[WorkerIdentity, F["identity"]] | None = None
    health: Annotated[Health, F["health"]] | None = None
    schooling: Annotated[Schooling, F["schooling"]] | None = None
    monthly_income_fen: Annotated[int, F["monthly_income_fen"]] | None = None
    #: Newly admitted to study (金秋助学): the level (``none`` clears it) and the year.
    admitted: Annotated[AdmissionLevel, F["admitted"]] | None = None
    admitted_year: Annotated[int, F["admitted_year"]] | None = None

    @model_validator(mode="after")
    def _admission(self) -> Self:
        return _admitted_together(self)


class HouseholdCreate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    head: MemberCreate
    org: Annotated[str, F["org"]]
    area_code: Annotated[str, F["area_code"]] | None = None
    address: Annotated[str, F["address"]] = ""
    housing_type: Annotated[HousingType, F["housing_type"]] | None = None
    housing_area_m2: Annotated[Decimal, F["housing_area_m2"]] | None = None
    main_cause: Annotated[Cause, F["main_cause"]] | None = None
    secondary_causes: Annotated[list[Cause], F["secondary_causes"]] = Field(default_factory=list)
    registered_on: Annotated[dt.date, F["registered_on"]] | None = None

    @field_validator("head")
    @classmethod
    def _head_is_head(cls, head: MemberCreate) -> MemberCreate:
        return head.model_copy(update={"relation": Relation.HEAD})

    @model_validator(mode="after")
    def _across_fields(self) -> Self:
        head_born = facts(self.head.id_number).birth_date
        problem = registration_problem(self.registered_on, None, head_born=head_born)
        if problem is not None:
            raise _across_fields_error(*problem)
        return self


class HouseholdUpdate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    org: Annotated[str, F["org"]] | None = None
    area_code: Annotated[str, F["area_code"]] | None = None
    address: Annotated[str, F["address"]] | None = None
    housing_type: Annotated[HousingType, F["housing_type"]] | None = None
    housing_area_m2: Annotated[Decimal, F["housing_area_m2"]] | None = None
    main_cause: Annotated[Cause, F["main_cause"]] | None = None
    secondary_causes: Annotated[list[Cause], F["secondary_causes"]] | None = None


class HouseholdImport(HouseholdCreate):
    """A household as a spreadsheet brings it: ``HouseholdCreate`` plus its standing.

    A union moving its register into kunnan has households that were archived
    long ago: they keep their archive number (档案号), category and causes.
    """

    status: Annotated[HouseholdStatus, F["status"]] = HouseholdStatus.CANDIDATE
    archive_no: Annotated[str, F["archive_no"]] | None = None
    category: Annotated[Category, F["category"]] | None = None
    archived_on: Annotated[dt.date, F["archived_on"]] | None = None

    @model_validator(mode="after")
    def _across_fields(self) -> Self:
        problem = imported_household_problem(
            dict(self), head_born=facts(self.head.id_number).birth_date
        )
        if problem is not None:
            raise _across_fields_error(*problem)
        return self


def imported_household_problem(
    household: Mapping[str, Any], *, head_born: dt.date
) -> Problem | None:
    """The first rule across an imported household's fields it breaks
    (``domain.register.household_problem``), from the value of each ``HouseholdImport``
    field: a model's, or a plain import row's read by the fields' rules."""
    standing = Standing(*(household[key] for key in Standing._fields))
    return household_problem(standing, head_born=head_born)


def _rules_of(annotation: Any) -> list[FieldRule]:
    """The field rules in a type (inside ``X | None`` too)."""
    found = [
        item for item in getattr(annotation, "__metadata__", ()) if isinstance(item, FieldRule)
    ]
    for inner in get_args(annotation):
        found += _rules_of(inner)
    return found


def _check_rules(*models: type[BaseModel]) -> None:
    """Each field of the models is read by the rule of its own name (a typo fails at import)."""
    for model in models:
        for name, info in model.model_fields.items():
            rules = [item for item in info.metadata if isinstance(item, FieldRule)]
            rules += _rules_of(info.annotation)
            if name != "head" and [rule.key for rule in rules] != [name]:
                raise TypeError(f"{model.__name__}.{name} is not read by FIELDS[{name!r}]")


_check_rules(MemberCreate, MemberUpdate, HouseholdCreate, HouseholdUpdate, HouseholdImport)

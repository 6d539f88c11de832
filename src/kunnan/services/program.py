"""The programme catalogue and its dated rules.

A rule row holds a programme's whole rule from ``effective_from`` on; the
rule in force on day D is the row with the latest ``effective_from`` ≤ D.
Changing a rule writes a new row (a copy of the rule in force on that date
with the changes), so grants already made keep the rule they were judged by.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from kunnan.domain.aid import Rule, program_slug
from kunnan.domain.enums import AdmissionLevel, OncePer
from kunnan.domain.errors import InvalidInput, NotFound, RuleViolation
from kunnan.i18n import _
from kunnan.models import Program, ProgramRule
from kunnan.schemas.aid import RuleChange
from kunnan.store import audit

#: Where each admission level's standard is kept.
LEVEL_COLUMNS: dict[AdmissionLevel, str] = {
    AdmissionLevel.UNDERGRADUATE: "undergraduate_fen",
    AdmissionLevel.JUNIOR_COLLEGE: "junior_college_fen",
    AdmissionLevel.HIGH_SCHOOL: "high_school_fen",
}
RULE_COLUMNS = (
    "standard_fen",
    *LEVEL_COLUMNS.values(),
    "ceiling",
    "yearly_cap_fen",
    "archived_only",
    "admission_required",
    "once_per",
    "excludes",
)


def find_program(session: Session, ref: str) -> Program:
    """A programme by its code (golden-autumn) or its Chinese name (金秋助学)."""
    text = ref.strip()
    program = (
        session.get(Program, program_slug(text))
        or session.scalars(select(Program).where(Program.name == text)).first()
    )
    if program is None:
        codes = session.scalars(select(Program.code).order_by(Program.position)).all()
        raise NotFound(
            _("no programme '{text}': choose one of {codes}", text=text, codes=", ".join(codes))
        )
    return program


def to_rule(row: ProgramRule) -> Rule:
    return Rule(
        program=row.program,
        effective_from=row.effective_from,
        standard_fen=row.standard_fen,
        level_standards={
            level: amount
            for level, column in LEVEL_COLUMNS.items()
            if (amount := getattr(row, column)) is not None
        },
        ceiling=row.ceiling,
        yearly_cap_fen=row.yearly_cap_fen,
        archived_only=row.archived_only,
        admission_required=row.admission_required,
        once_per=OncePer(row.once_per) if row.once_per else None,
        excludes=tuple(code for code in row.excludes.split(",") if code),
    )


def _row_in_force(session: Session, code: str, on: dt.date) -> ProgramRule | None:
    return session.scalars(_rule_query(), {"program": code, "on": on}).first()


@cache
def _rule_query() -> Select[ProgramRule]:
    """The rule of a programme in force on a day; built once (``program show``, ``set`` and
    the list ask it for every programme)."""
    return (
        select(ProgramRule)
        .where(
            ProgramRule.program == bindparam("program"),
            ProgramRule.effective_from <= bindparam("on"),
        )
        .order_by(ProgramRule.effective_from.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class ProgramRow:
    """A programme with the rule in force on the date asked (or one rule of its history)."""

    code: str
    name: str
    guarantee: str
    kind: str
    effective_from: dt.date | None
    standard_fen: int | None
    undergraduate_fen: int | None
    junior_college_fen: int | None
    high_school_fen: int | None
    ceiling: bool | None
    yearly_cap_fen: int | None
    archived_only: bool | None
    admission_required: bool | None
    once_per: str | None
    excludes: str | None


def _to_row(program: Program, rule: ProgramRule | None) -> ProgramRow:
    values: dict[str, Any] = {column: getattr(rule, column, None) for column in RULE_COLUMNS}
    excludes = values["excludes"]
    values["excludes"] = excludes.replace(",", ", ") if excludes else None
    return ProgramRow(
        code=program.code,
        name=program.name,
        guarantee=program.guarantee,
        kind=program.kind,
        effective_from=rule.effective_from if rule else None,
        **values,
    )


def list_programs(session: Session, *, on: dt.date) -> list[ProgramRow]:
    """The catalogue with the rule of each in force on ``on``."""
    latest = (
        select(func.max(ProgramRule.effective_from))
        .where(ProgramRule.program == Program.code, ProgramRule.effective_from <= on)
        .correlate(Program)
        .scalar_subquery()
    )
    query = (
        select(Program, ProgramRule)
        .outerjoin(
            ProgramRule,
            (ProgramRule.program == Program.code) & (ProgramRule.effective_from == latest),
        )
        .order_by(Program.position)
    )
    return [_to_row(program, rule) for program, rule in session.execute(query)]


def rule_history(session: Session, program: Program) -> list[ProgramRow]:
    """Every rule the programme has had, oldest first."""
    rules = session.scalars(
        select(ProgramRule)
        .where(ProgramRule.program == program.code)
        .order_by(ProgramRule.effective_from)
    )
    return [_to_row(program, rule) for rule in rules]


def program_in_force(session: Session, program: Program, *, on: dt.date) -> ProgramRow:
    return _to_row(program, _row_in_force(session, program.code, on))


def _values(row: ProgramRule) -> dict[str, Any]:
    return {column: getattr(row, column) for column in RULE_COLUMNS}


def set_rule(
    session: Session, *, program: Program, change: RuleChange, effective_from: dt.date
) -> dict[str, tuple[Any, Any]]:
    """Change a programme's rule from a date on; return what changed (empty: nothing did)."""
    base = (
        _row_in_force(session, program.code, effective_from)
        or session.scalars(
            select(ProgramRule)
            .where(ProgramRule.program == program.code)
            .order_by(ProgramRule.effective_from)
            .limit(1)
        ).first()
    )
    if base is None:
        raise RuleViolation(_("{code} has no rule to change", code=program.code))
    before = _values(base)
    after = dict(before)
    given = change.model_fields_set
    if "level" in given and "standard_fen" not in given:
        raise InvalidInput(_("--level goes with --standard: the standard for that level"))
    if "standard_fen" in given:
        level = change.level
        if level is AdmissionLevel.NONE:
            raise InvalidInput(
                _(
                    "--level: choose one of {levels}",
                    levels=", ".join(level.value for level in LEVEL_COLUMNS),
                )
            )
        after[LEVEL_COLUMNS[level] if level else "standard_fen"] = change.standard_fen
    for column in ("yearly_cap_fen", "ceiling", "archived_only", "admission_required"):
        if column in given:
            after[column] = getattr(change, column)
    if "once_per" in given:
        after["once_per"] = change.once_per.value if change.once_per else None
    if "excludes" in given:
        after["excludes"] = ",".join(_excluded(session, program, change.excludes))
    changes = audit.diff(before, after)
    if not changes:
        return {}
    row = session.get(ProgramRule, (program.code, effective_from))
    if row is None:
        session.add(ProgramRule(program=program.code, effective_from=effective_from, **after))
    else:
        for column, value in after.items():
            setattr(row, column, value)
    session.flush()
    audit.record(
        session,
        action="update",
        entity="program_rule",
        entity_ref=program.code,
        changes={**changes, "effective_from": effective_from},
    )
    return changes


def _excluded(session: Session, program: Program, codes: tuple[str, ...]) -> list[str]:
    for code in codes:
        if code == program.code:
            raise InvalidInput(_("--excludes: {code} cannot exclude itself", code=program.code))
        find_program(session, code)
    return sorted(codes)

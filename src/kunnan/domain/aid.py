"""The aid ledger's pure rules: the hash chain, how entries move a fund, how a rule judges a grant.

Nothing here touches the database. Services gather the figures (when a
household was registered and what it was on a day, what it already received
this year, whether a student was admitted, which earlier grants count) and
hand them in; the functions here say what the rules make of them, each
refusal in its one wording: ``receipt_refusal`` (registered, not exited: every
grant, loan and service), ``cash_refusal``, ``rule_in_force``, ``grant_member``
and ``judge`` (the programme's rule). The fund's own rules (its asserted past,
its balance on every day) are in ``domain.balances``.

The hash chain: each entry stores SHA-256 over the previous entry's hash and
the entry's canonical fields (``CHAIN_FIELDS``, in that order, as a compact
JSON array: integers for money and ids, ISO dates, UTC timestamps). The form
is named by ``CHAIN_VERSION`` so that it can only ever change openly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from kunnan.domain.enums import (
    AdmissionLevel,
    EntryKind,
    HouseholdStatus,
    OncePer,
    Relation,
    shown,
)
from kunnan.domain.errors import InvalidInput, RuleViolation
from kunnan.domain.exits import exited_when
from kunnan.domain.money import format_fen
from kunnan.i18n import N_, _

#: What the first entry links to.
GENESIS_HASH = "0" * 64
CHAIN_VERSION = "kunnan-aid-1"

#: The fields an entry's hash covers, in the order they are serialised.
CHAIN_FIELDS = (
    "seq",
    "kind",
    "on_date",
    "year",
    "fund_id",
    "household_id",
    "member_id",
    "program",
    "rule_from",
    "amount_fen",
    "reverses_seq",
    "counterparty",
    "ref",
    "reason",
    "override_reason",
    "operator",
    "recorded_at",
)

ChainValue = int | str | dt.date | dt.datetime | None

#: Programmes paid in money from a fund (service programmes have their own commands).
CASH = "cash"
#: What a grant refused by a limit (not by eligibility) may still do.
OVERRIDE_HINT = N_('a supervisor may pass it with --override "reason"')

#: How an entry of each kind moves its fund's balance: +1 money in, -1 money out.
#: A reversal keeps the kind of the entry it reverses and has the opposite amount.
#: A start-up loan takes money out of its fund and each repayment brings it back.
FUND_DIRECTION: dict[EntryKind, int] = {
    EntryKind.CONTRIBUTION: 1,
    EntryKind.GRANT: -1,
    EntryKind.LOAN: -1,
    EntryKind.REPAYMENT: 1,
}


def _canonical_value(value: ChainValue) -> int | str | None:
    if value is None or isinstance(value, int | str):
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("chain timestamps must be timezone-aware")
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value.isoformat()


def canonical(fields: Mapping[str, ChainValue]) -> bytes:
    """The bytes an entry's hash is taken over (without the previous hash)."""
    missing = [name for name in CHAIN_FIELDS if name not in fields]
    if missing:
        raise ValueError(f"chain fields missing: {', '.join(missing)}")
    values = [CHAIN_VERSION, *(_canonical_value(fields[name]) for name in CHAIN_FIELDS)]
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_hash(prev_hash: str, fields: Mapping[str, ChainValue]) -> str:
    """SHA-256 (hex) over the previous entry's hash, a newline, and the canonical fields."""
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(fields))
    return digest.hexdigest()


def fund_effect(kind: EntryKind, amount_fen: int) -> int:
    """How much an entry adds to (or, negative, takes from) its fund."""
    return FUND_DIRECTION[kind] * amount_fen


def reversal_refusal(
    seq: int,
    on_date: dt.date,
    on: dt.date,
    *,
    reverses_seq: int | None,
    reversed_by: int | None,
) -> str | None:
    """Why entry ``seq`` (dated ``on_date``; itself the reversal of ``reverses_seq``, already
    reversed by ``reversed_by``) cannot be reversed by an entry dated ``on``, or None. An
    entry is reversed once, never a reversal, and never before its own date."""
    if reverses_seq is not None:
        return _(
            "entry {seq} is itself the reversal of entry {reverses}; record the aid again instead",
            seq=seq,
            reverses=reverses_seq,
        )
    if reversed_by is not None:
        return _("entry {seq} was already reversed by entry {by}", seq=seq, by=reversed_by)
    if on < on_date:
        return _(
            "a reversal cannot be dated before the entry it reverses ({day})",
            day=on_date.isoformat(),
        )
    return None


def program_slug(text: str) -> str:
    """A programme code as typed: 'Golden_Autumn' → 'golden-autumn'."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    return cleaned.lower().replace("_", "-").replace(" ", "-")


def receipt_refusal(
    household: str,
    on: dt.date,
    *,
    what: str,
    registered_on: dt.date,
    status: HouseholdStatus | None,
    left: tuple[dt.date, str] | None = None,
) -> str | None:
    """Why ``what`` (``a grant``, ``a loan``, ``an enrolment`` …, in the language shown) dated
    ``on`` cannot go to the household, or None. Aid is never dated before the household was registered, nor given
    while it is off the register: ``status`` is its status that day, ``left`` the day and kind
    of its latest exit (needed only when it is ``exited``)."""
    if on < registered_on:
        return _(
            "{household} was registered on {registered}; {what} dated {on} is before it",
            household=household,
            registered=registered_on.isoformat(),
            what=what,
            on=on.isoformat(),
        )
    if status is HouseholdStatus.EXITED:
        when = exited_when(left[0], left[1]) if left else ""
        return _(
            "{household} left the register{when}; exited households receive no new aid or services",
            household=household,
            when=when,
        )
    return None


def cash_refusal(program: str, kind: str) -> str | None:
    """Why a programme of ``kind`` cannot be granted from a fund, or None for a cash one."""
    if kind == CASH:
        return None
    return _("{program} is not paid in cash from a fund", program=program)


@dataclass(frozen=True)
class Rule:
    """A programme's rule from a date on; the one in force on a grant's date judges it."""

    program: str
    effective_from: dt.date
    #: The amount a grant pays when none is given (None: the caseworker must give one).
    standard_fen: int | None = None
    #: Standards by admission level, for programmes that pay by level (金秋助学).
    level_standards: Mapping[AdmissionLevel, int] = field(default_factory=dict)
    #: The standard is also the most one grant may pay.
    ceiling: bool = False
    #: The most a household may receive from the programme in a year.
    yearly_cap_fen: int | None = None
    #: Only archived (建档) households qualify; otherwise any registered household.
    archived_only: bool = True
    #: A member newly admitted to study in the grant's year is needed (and paid by level).
    admission_required: bool = False
    #: Once a year per household, or per member (student).
    once_per: OncePer | None = None
    #: Programmes this one is not combined with for the same household in the same year.
    excludes: tuple[str, ...] = ()


def rule_in_force(rules: Sequence[Rule], program: str, on: dt.date) -> Rule:
    """The rule of ``rules`` (one programme's, oldest first) in force on ``on``: the latest
    from that day or before; refused when the programme had none yet."""
    found = None
    for rule in rules:
        if rule.effective_from > on:
            break
        found = rule
    if found is None:
        raise RuleViolation(
            _("{program} has no rule in force on {on}", program=program, on=on.isoformat())
        )
    return found


class Person(Protocol):
    """What choosing a grant's member reads of a member."""

    @property
    def name(self) -> str: ...
    @property
    def relation(self) -> str: ...
    @property
    def admitted_level(self) -> str | None: ...
    @property
    def admitted_year(self) -> int | None: ...


P = TypeVar("P", bound=Person)


def admitted_in(member: Person, year: int) -> bool:
    """The member was newly admitted to study in ``year``."""
    return member.admitted_level not in (None, AdmissionLevel.NONE) and member.admitted_year == year


def grant_member(members: Sequence[P], rule: Rule, household: str, year: int) -> P | None:
    """The member a grant is for when none is named: the one admitted in ``year`` when the
    rule needs one (refused when several were), the head when it counts members, or nobody."""
    if rule.admission_required:
        admitted = [m for m in members if admitted_in(m, year)]
        if len(admitted) > 1:
            names = ", ".join(m.name for m in admitted)
            raise InvalidInput(
                _(
                    "give --member: {n} members of {household} were admitted in {year} ({names})",
                    n=len(admitted),
                    household=household,
                    year=year,
                    names=names,
                )
            )
        return admitted[0] if admitted else None
    if rule.once_per is OncePer.MEMBER:
        return next((m for m in members if m.relation == Relation.HEAD.value), None)
    return None


@dataclass(frozen=True)
class Earlier:
    """An earlier grant (not reversed) that a rule counts."""

    program: str
    seq: int
    on_date: dt.date


@dataclass(frozen=True)
class GrantCase:
    """The figures a grant is judged on, gathered by the service."""

    household: str
    status: HouseholdStatus
    year: int
    member: str | None = None
    admitted: AdmissionLevel | None = None
    admitted_year: int | None = None
    asked_fen: int | None = None
    #: What the household has had from this programme in ``year`` (reversals netted).
    received_this_year_fen: int = 0
    #: An earlier grant this year that the once-a-year rule counts.
    once_earlier: Earlier | None = None
    #: Grants this year under the programmes the rule excludes.
    combined: tuple[Earlier, ...] = ()


@dataclass(frozen=True)
class Refusal:
    """One rule a grant breaks; ``overridable`` ones a supervisor may pass with --override."""

    rule: str
    message: str
    overridable: bool


@dataclass(frozen=True)
class Judgement:
    amount_fen: int | None
    refusals: tuple[Refusal, ...]

    @property
    def hard(self) -> tuple[Refusal, ...]:
        return tuple(r for r in self.refusals if not r.overridable)

    @property
    def limits(self) -> tuple[Refusal, ...]:
        return tuple(r for r in self.refusals if r.overridable)


def refused(refusals: Sequence[Refusal], rule: Rule) -> str:
    """The refusals of a grant as one sentence, naming the rule that made them."""
    return _(
        "{refusals}, under the {program} rule in force since {since}",
        refusals=_("; ").join(r.message for r in refusals),
        program=rule.program,
        since=rule.effective_from.isoformat(),
    )


def _yuan(fen: int) -> str:
    return _("{amount} yuan", amount=format_fen(fen))


def judge(rule: Rule, case: GrantCase) -> Judgement:
    """The amount a grant pays and every rule it breaks (eligibility first, then limits)."""
    program = rule.program
    hard: list[Refusal] = []
    if rule.archived_only and case.status is not HouseholdStatus.ARCHIVED:
        hard.append(
            Refusal(
                "archived_only",
                _(
                    "{program} is for archived households only; {household} is {status}",
                    program=program,
                    household=case.household,
                    status=shown(case.status),
                ),
                overridable=False,
            )
        )
    standard = rule.standard_fen
    if rule.admission_required:
        if case.admitted is None or case.admitted_year != case.year:
            who = (
                _(
                    "{member} is not recorded as admitted in {year}",
                    member=case.member,
                    year=case.year,
                )
                if case.member
                else _(
                    "no member of {household} is recorded as admitted in {year}",
                    household=case.household,
                    year=case.year,
                )
            )
            hard.append(
                Refusal(
                    "admission",
                    _(
                        "{program} needs a member newly admitted to study in {year}; {who} "
                        "(household member edit {household} NAME --admitted LEVEL --year {year})",
                        program=program,
                        year=case.year,
                        who=who,
                        household=case.household,
                    ),
                    overridable=False,
                )
            )
        else:
            standard = rule.level_standards.get(case.admitted, standard)
    if hard:
        return Judgement(amount_fen=None, refusals=tuple(hard))
    amount = case.asked_fen if case.asked_fen is not None else standard
    if amount is None:
        raise InvalidInput(_("{program} has no standard amount: give --amount", program=program))
    if amount <= 0:
        raise InvalidInput(_("--amount: a grant pays more than 0"))
    return Judgement(amount_fen=amount, refusals=tuple(_limits(rule, case, amount, standard)))


def _limits(rule: Rule, case: GrantCase, amount: int, standard: int | None) -> list[Refusal]:
    program = rule.program
    found: list[Refusal] = []
    if rule.ceiling and standard is not None and amount > standard:
        level = (
            _(" for {level}", level=shown(case.admitted))
            if rule.admission_required and case.admitted
            else ""
        )
        found.append(
            Refusal(
                "ceiling",
                _(
                    "{program} pays at most {standard}{level}; {amount} asked",
                    program=program,
                    standard=_yuan(standard),
                    level=level,
                    amount=_yuan(amount),
                ),
                overridable=True,
            )
        )
    if rule.once_per is not None and case.once_earlier is not None:
        earlier = case.once_earlier
        whom = case.household if rule.once_per is OncePer.HOUSEHOLD else (case.member or "")
        if rule.once_per is OncePer.HOUSEHOLD:
            once = N_(
                "{program} is once per household a year; {whom} already received it in "
                "{year} (entry {seq} on {day})"
            )
        elif rule.admission_required:
            once = N_(
                "{program} is once per student a year; {whom} already received it in "
                "{year} (entry {seq} on {day})"
            )
        else:
            once = N_(
                "{program} is once per member a year; {whom} already received it in "
                "{year} (entry {seq} on {day})"
            )
        found.append(
            Refusal(
                "once_per_year",
                _(
                    once,
                    program=program,
                    whom=whom,
                    year=case.year,
                    seq=earlier.seq,
                    day=earlier.on_date.isoformat(),
                ),
                overridable=True,
            )
        )
    if (
        rule.yearly_cap_fen is not None
        and case.received_this_year_fen + amount > rule.yearly_cap_fen
    ):
        left = max(rule.yearly_cap_fen - case.received_this_year_fen, 0)
        found.append(
            Refusal(
                "yearly_cap",
                _(
                    "{program} is capped at {cap} per household a year; {household} has "
                    "received {received} in {year}, so at most {left} more ({amount} asked)",
                    program=program,
                    cap=_yuan(rule.yearly_cap_fen),
                    household=case.household,
                    received=_yuan(case.received_this_year_fen),
                    year=case.year,
                    left=_yuan(left),
                    amount=_yuan(amount),
                ),
                overridable=True,
            )
        )
    for earlier in case.combined:
        found.append(
            Refusal(
                "no_double_funding",
                _(
                    "{program} is not combined with {other} in the same year; {household} "
                    "received {other} in {year} (entry {seq} on {day})",
                    program=program,
                    other=earlier.program,
                    household=case.household,
                    year=case.year,
                    seq=earlier.seq,
                    day=earlier.on_date.isoformat(),
                ),
                overridable=True,
            )
        )
    return found

"""Every enumeration of the union's work: a stable English slug and a Chinese label.

Slugs are what the command line, JSON and the database use; labels are what
``--lang zh`` shows. Input accepts either form, so a caseworker may type
``--category dibao`` or ``--category 低保户``. Each member is written with its
label in the catalog (``kunnan/locale``) and each enumeration with the noun its
messages use (``class Category(Labelled, noun="category")``), so a new member
cannot be added without one.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import Any, Self

from kunnan.i18n import translate


class Labelled(StrEnum):
    """A StrEnum whose members have a Chinese label and whose class names a noun for messages.

    A member is ``SLUG = "slug"``; its label is the translation of the slug in the catalog,
    in the context of the enumeration's noun (``kunnan.i18n``: ``msgctxt "category"``,
    ``msgid "dibao"``, ``msgstr "低保户"``), and a test fails on a member without one. A member
    that is another enumeration's member (``ENROLLED = TrainingStage.ENROLLED``) takes that
    member's slug and label.
    """

    _value_: str
    _context: str | None
    _noun: str

    def __new__(cls, value: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = str(value)
        member._context = value.context if isinstance(value, Labelled) else None
        return member

    def __init_subclass__(cls, *, noun: str, **kwargs: Any) -> None:
        cls._noun = noun
        super().__init_subclass__(**kwargs)

    @classmethod
    def noun(cls) -> str:
        return cls._noun

    @property
    def context(self) -> str:
        """The catalog context of the member's label: its enumeration's noun."""
        return self._context or self._noun

    @property
    def zh(self) -> str:
        """The Chinese label, whatever the language shown (input is read by it)."""
        return translate(self.value, "zh", self.context)

    def label(self, lang: str) -> str:
        return translate(self.value, lang, self.context)

    @classmethod
    def choices(cls) -> str:
        """The accepted values, for help texts and error messages."""
        return ", ".join(f"{m.value} ({m.zh})" for m in cls)

    @classmethod
    def parse(cls, text: str) -> Self:
        """Return the member named by a slug or a Chinese label; ValueError otherwise."""
        known = _PARSED.get((cls, text))
        if known is not None:
            return known  # type: ignore[return-value]
        cleaned = unicodedata.normalize("NFKC", text).strip()
        slug = cleaned.lower().replace("-", "_").replace(" ", "_")
        by_slug, by_label = _names(cls)
        found = by_slug.get(slug) or by_label.get(cleaned)
        if found is None:
            raise ValueError(f"unknown {cls.noun()} '{text}': choose one of {cls.choices()}")
        member = cls(found)
        if len(_PARSED) < _PARSED_MAX:
            _PARSED[cls, text] = member
        return member


_NAMES: dict[type[Labelled], tuple[dict[str, Labelled], dict[str, Labelled]]] = {}
#: Texts already parsed, as typed: an import reads the same few spellings a million times.
_PARSED: dict[tuple[type[Labelled], str], Labelled] = {}
_PARSED_MAX = 10_000


def _names(enum: type[Labelled]) -> tuple[dict[str, Labelled], dict[str, Labelled]]:
    """Each member by slug and by Chinese label (built once per enum: imports parse a lot)."""
    found = _NAMES.get(enum)
    if found is None:
        found = ({m.value: m for m in enum}, {m.zh: m for m in enum})
        _NAMES[enum] = found
    return found


class HouseholdStatus(Labelled, noun="status"):
    CANDIDATE = "candidate"
    IDENTIFYING = "identifying"
    ARCHIVED = "archived"
    EXITED = "exited"
    REJECTED = "rejected"


class Category(Labelled, noun="category"):
    DIBAO = "dibao"
    MARGINAL = "marginal"
    ACCIDENT = "accident"


class WorkerIdentity(Labelled, noun="worker identity"):
    EMPLOYED = "employed"
    LAID_OFF = "laid_off"
    UNEMPLOYED = "unemployed"
    RETIRED = "retired"
    SICK_LEAVE = "sick_leave"
    MIGRANT = "migrant"


class Cause(Labelled, noun="cause"):
    ILLNESS = "illness"
    EDUCATION = "education"
    LOW_INCOME = "low_income"
    DISABILITY = "disability"
    ACCIDENT = "accident"
    DISASTER = "disaster"
    UNEMPLOYMENT = "unemployment"
    OTHER = "other"


class Step(Labelled, noun="identification step"):
    VISIT = "visit"
    INSPECT = "inspect"
    CALCULATE = "calculate"
    DELIBERATE = "deliberate"
    APPRAISE = "appraise"
    PUBLICIZE = "publicize"
    CONFIRM = "confirm"


class PipelineStage(Labelled, noun="pipeline stage"):
    """Where a household stands in the identification funnel: at a step, or past them all."""

    VISIT = Step.VISIT
    INSPECT = Step.INSPECT
    CALCULATE = Step.CALCULATE
    DELIBERATE = Step.DELIBERATE
    APPRAISE = Step.APPRAISE
    PUBLICIZE = Step.PUBLICIZE
    CONFIRM = Step.CONFIRM
    ARCHIVED = "archived"
    REJECTED = "rejected"


class Guarantee(Labelled, noun="guarantee"):
    EMPLOYMENT = "employment"
    MEDICAL = "medical"
    EDUCATION = "education"
    HOUSING = "housing"
    LIVING = "living"
    RIGHTS = "rights"


class ExitKind(Labelled, noun="exit kind"):
    STABLE = "stable"
    SAFETY_NET = "safety_net"
    MOVED = "moved"
    DECEASED = "deceased"
    INELIGIBLE = "ineligible"
    WITHDREW = "withdrew"


class FundSource(Labelled, noun="fund source"):
    UNION = "union"
    GOVERNMENT = "government"
    DONATION = "donation"
    CHARITY = "charity"
    MUTUAL_AID = "mutual_aid"


class OrgKind(Labelled, noun="organisation kind"):
    """Unions form a tree (province → city → county/district → grassroots); units hang under any union."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    GRASSROOTS = "grassroots"
    UNIT = "unit"


class Relation(Labelled, noun="relation"):
    """A member's relation to the head worker of the household."""

    HEAD = "head"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    GRANDCHILD = "grandchild"
    SIBLING = "sibling"
    OTHER = "other"


class Health(Labelled, noun="health"):
    HEALTHY = "healthy"
    CHRONIC = "chronic"
    SERIOUS = "serious"
    DISABLED = "disabled"
    INCAPACITATED = "incapacitated"


class Schooling(Labelled, noun="schooling"):
    """What a member is studying now; ``none`` for anyone not in school."""

    NONE = "none"
    PRESCHOOL = "preschool"
    PRIMARY = "primary"
    JUNIOR_HIGH = "junior_high"
    SENIOR_HIGH = "senior_high"
    VOCATIONAL = "vocational"
    JUNIOR_COLLEGE = "junior_college"
    UNDERGRADUATE = "undergraduate"
    POSTGRADUATE = "postgraduate"


class HousingType(Labelled, noun="housing type"):
    OWNED = "owned"
    PUBLIC_RENTAL = "public_rental"
    PRIVATE_RENTAL = "private_rental"
    LOW_RENT = "low_rent"
    SHANTY = "shanty"
    WITH_RELATIVES = "with_relatives"
    OTHER = "other"


class ContactMethod(Labelled, noun="contact method"):
    PHONE = "phone"
    VISIT = "visit"
    DOOR = "door"


class ContactOutcome(Labelled, noun="contact outcome"):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    MOVED = "moved"
    REFUSED = "refused"
    NOT_FOUND = "not_found"


class CaseStatus(Labelled, noun="case status"):
    """An identification case: one pass through the seven steps."""

    OPEN = "open"
    ARCHIVED = "archived"
    REJECTED = "rejected"


class Decision(Labelled, noun="decision"):
    APPROVE = "approve"
    REJECT = "reject"


class ObjectionStatus(Labelled, noun="objection status"):
    OPEN = "open"
    UPHELD = "upheld"
    DISMISSED = "dismissed"
    CLOSED = "closed"


class FollowupOutcome(Labelled, noun="follow-up outcome"):
    STABLE = "stable"
    AT_RISK = "at_risk"
    RELAPSED = "relapsed"


class ArchiveLevel(Labelled, noun="archive level"):
    """The standard a household was archived under (建档标准)."""

    NATIONAL = "national"
    PROVINCIAL = "provincial"
    CITY = "city"
    COUNTY = "county"
    GRASSROOTS = "grassroots"


class Sex(Labelled, noun="sex"):
    MALE = "male"
    FEMALE = "female"


class VisitKind(Labelled, noun="visit kind"):
    """How a paired household's contact person kept in touch (结对走访)."""

    HOME = "home"
    PHONE = "phone"


class PairingStatus(Labelled, noun="pairing status"):
    ACTIVE = "active"
    ENDED = "ended"


class TargetResult(Labelled, noun="target result"):
    """Whether a responsibility agreement's target (目标责任书) was reached."""

    MET = "met"
    NOT_MET = "not_met"


class TargetMeasure(Labelled, noun="target"):
    """What a responsibility agreement sets a target for."""

    HELPED = "helped"
    EXITS = "exits"
    COVERAGE = "coverage"


class CivilStatus(Labelled, noun="dibao list status"):
    """A person's standing on the civil-affairs bureau's dibao list (民政低保名单)."""

    ACTIVE = "active"
    STOPPED = "stopped"
    DECEASED = "deceased"


class CivilFinding(Labelled, noun="comparison finding"):
    """A difference the civil-affairs data comparison (数据比对) reports."""

    DIBAO_NOT_ON_LIST = "dibao_not_on_list"
    ON_LIST_MARGINAL = "on_list_marginal"
    ON_LIST_UNREGISTERED = "on_list_unregistered"
    DECEASED_MEMBER = "deceased_member"
    NAME_MISMATCH = "name_mismatch"
    UNREADABLE_ROW = "unreadable_row"


class EntryKind(Labelled, noun="ledger entry kind"):
    """What an entry of the aid ledger records; a reversal keeps the kind of what it reverses."""

    CONTRIBUTION = "contribution"
    GRANT = "grant"
    LOAN = "loan"
    REPAYMENT = "repayment"


class AdmissionLevel(Labelled, noun="admission level"):
    """The school a member was newly admitted to (金秋助学 pays by level); ``none`` clears it."""

    UNDERGRADUATE = "undergraduate"
    JUNIOR_COLLEGE = "junior_college"
    HIGH_SCHOOL = "high_school"
    NONE = "none"


class OncePer(Labelled, noun="once-a-year rule"):
    """Whom a once-a-year programme counts: each household, or each member (student)."""

    HOUSEHOLD = "household"
    MEMBER = "member"


class Trade(Labelled, noun="trade"):
    """The skill a training class teaches (技能培训工种)."""

    WELDING = "welding"
    COMPUTER_OPERATION = "computer_operation"
    HEALTH_MASSAGE = "health_massage"
    COOKING = "cooking"
    HOUSEKEEPING = "housekeeping"
    ELECTRICIAN = "electrician"
    HAIRDRESSING = "hairdressing"
    OTHER = "other"


class TrainingStage(Labelled, noun="training stage"):
    """The 培训-鉴定-就业 one-stop, in order: each stage only after the one before."""

    ENROLLED = "enrolled"
    COMPLETED = "completed"
    CERTIFIED = "certified"
    EMPLOYED = "employed"


class PlacementChannel(Labelled, noun="placement channel"):
    """How a job was found: the union's job fairs (春风行动 …) or a direct recommendation."""

    SPRING_BREEZE = "spring_breeze"
    ASSISTANCE_MONTH = "assistance_month"
    PRIVATE_RECRUITMENT_WEEK = "private_recruitment_week"
    DIRECT = "direct"


class LoanStatus(Labelled, noun="loan status"):
    """A start-up loan's standing on a day (see services.loans for how each is decided)."""

    CURRENT = "current"
    OVERDUE = "overdue"
    REPAID = "repaid"
    DEFAULTED = "defaulted"
    CANCELLED = "cancelled"


class HousingKind(Labelled, noun="housing kind"):
    LOW_RENT = "low_rent"
    SHANTY_RENOVATION = "shanty_renovation"
    RENT_SUBSIDY = "rent_subsidy"
    OTHER = "other"


class HousingStatus(Labelled, noun="housing status"):
    """A housing case: applied, then allocated or refused."""

    APPLIED = "applied"
    ALLOCATED = "allocated"
    REFUSED = "refused"


class LegalKind(Labelled, noun="legal case kind"):
    """Rights work (维权); each kind is also a programme of the catalogue."""

    LEGAL_AID = "legal_aid"
    WAGE_ARREARS = "wage_arrears"
    INJURY_COMPENSATION = "injury_compensation"
    LABOUR_DISPUTE = "labour_dispute"


class LegalStatus(Labelled, noun="legal case status"):
    """A legal case: opened, then resolved and closed (or closed without resolution)."""

    OPENED = "opened"
    RESOLVED = "resolved"
    CLOSED = "closed"


class ActionKind(Labelled, noun="kind of aid"):
    """What kind of help an action on a household's record is (kunnan aid list)."""

    GRANT = "grant"
    LOAN = "loan"
    TRAINING = "training"
    PLACEMENT = "placement"
    HOUSING = "housing"
    LEGAL = "legal"
    COUNSELING = "counseling"


class ActionStatus(Labelled, noun="aid status"):
    """Where an action stands: every status of every kind of action, for lists."""

    PAID = "paid"
    REVERSED = "reversed"
    REVERSAL = "reversal"
    ENROLLED = TrainingStage.ENROLLED
    COMPLETED = TrainingStage.COMPLETED
    CERTIFIED = TrainingStage.CERTIFIED
    EMPLOYED = TrainingStage.EMPLOYED
    PLACED = "placed"
    CURRENT = LoanStatus.CURRENT
    OVERDUE = LoanStatus.OVERDUE
    REPAID = LoanStatus.REPAID
    DEFAULTED = LoanStatus.DEFAULTED
    CANCELLED = LoanStatus.CANCELLED
    APPLIED = HousingStatus.APPLIED
    ALLOCATED = HousingStatus.ALLOCATED
    REFUSED = HousingStatus.REFUSED
    OPENED = LegalStatus.OPENED
    RESOLVED = LegalStatus.RESOLVED
    CLOSED = LegalStatus.CLOSED
    HELD = "held"


class TimelineEvent(Labelled, noun="timeline event"):
    """One thing done for a household, as its timeline (household show) lists it."""

    REGISTERED = "registered"
    CONTACT = "contact"
    VISIT = "visit"
    INSPECT = "inspect"
    CALCULATE = "calculate"
    DELIBERATE = "deliberate"
    APPRAISE = "appraise"
    PUBLICIZE = "publicize"
    CONFIRM = "confirm"
    OBJECTION = "objection"
    OBJECTION_SETTLED = "objection_settled"
    REJECTED = "rejected"
    INCOME_CHECK = "income_check"
    PAIRED = "paired"
    PAIRING_ENDED = "pairing_ended"
    PAIR_VISIT = "pair_visit"
    GRANT = "grant"
    REVERSAL = "reversal"
    LOAN = "loan"
    REPAYMENT = "repayment"
    LOAN_DEFAULT = "loan_default"
    ENROLLED = "enrolled"
    COMPLETED = "completed"
    CERTIFIED = "certified"
    EMPLOYED = "employed"
    PLACED = "placed"
    HOUSING = "housing"
    LEGAL = "legal"
    COUNSELING = "counseling"
    EXITED = "exited"
    FOLLOWUP = "followup"
    RELAPSED = "relapsed"


#: Every labelled enumeration, for tests that check each has complete labels.
ALL_ENUMS: tuple[type[Labelled], ...] = (
    HouseholdStatus,
    Category,
    WorkerIdentity,
    Cause,
    Step,
    PipelineStage,
    Guarantee,
    ExitKind,
    FundSource,
    OrgKind,
    Relation,
    Health,
    Schooling,
    HousingType,
    Sex,
    ContactMethod,
    ContactOutcome,
    CaseStatus,
    Decision,
    ObjectionStatus,
    ArchiveLevel,
    FollowupOutcome,
    VisitKind,
    PairingStatus,
    TargetResult,
    TargetMeasure,
    CivilStatus,
    CivilFinding,
    EntryKind,
    AdmissionLevel,
    OncePer,
    Trade,
    TrainingStage,
    PlacementChannel,
    LoanStatus,
    HousingKind,
    HousingStatus,
    LegalKind,
    LegalStatus,
    ActionKind,
    ActionStatus,
    TimelineEvent,
)

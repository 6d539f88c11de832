"""年审: the yearly review of an archived household, and what it may decide.

A review records a fresh income calculation (三算) with the members present that day and
an outcome: keep the household as it is, change its category, change its causes, or
propose that it exit (the exit itself is ``kunnan exit …``, judged by the exit rules). The
household stays archived throughout; a change of category or main cause is a dated change
in its status history, so every report ``--as-of`` a day reads what was in force that day.

``services.review`` gathers the facts for a whole batch (a spreadsheet of thousands, or one
``kunnan review record``) and asks here; every refusal is worded once, below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kunnan.domain.enums import Category, Cause, HouseholdStatus, ReviewOutcome, named, shown
from kunnan.domain.errors import InvalidInput, RuleViolation
from kunnan.i18n import _

#: A household is due its yearly review when its latest income calculation is older than this.
REVIEW_EVERY = dt.timedelta(days=365)


@dataclass(frozen=True)
class ReviewFacts:
    """A household as the review finds it."""

    code: str
    #: Its status on the review's day.
    status: HouseholdStatus
    category: Category | None
    main_cause: Cause | None
    secondary: tuple[Cause, ...]
    #: Its latest status change (history moves forward) and its latest review.
    latest_change: dt.date | None
    latest_review: dt.date | None


@dataclass(frozen=True)
class ReviewAsked:
    """What the reviewer decided, as typed or as a file's row gives it."""

    on: dt.date
    outcome: ReviewOutcome
    category: Category | None = None
    main_cause: Cause | None = None
    secondary: tuple[Cause, ...] | None = None
    reason: str = ""


@dataclass(frozen=True)
class ReviewDecision:
    """What the review records: the category and causes from its day on."""

    outcome: ReviewOutcome
    category: Category | None
    main_cause: Cause | None
    secondary: tuple[Cause, ...]
    #: The category or main cause changes: a dated change in the status history.
    changes_status: bool


def judge_review(
    facts: ReviewFacts, asked: ReviewAsked, *, proposed: Category | None
) -> ReviewDecision:
    """Judge a review of ``facts`` decided as ``asked``, the calculation proposing ``proposed``."""
    _check_when(facts, asked.on)
    category, cause, secondary = _decide(facts, asked, proposed)
    changes = category != facts.category or cause != facts.main_cause
    if changes and facts.latest_change is not None and asked.on < facts.latest_change:
        raise RuleViolation(
            _(
                "{code} changed on {latest}; a review that changes it must be dated then or later",
                code=facts.code,
                latest=facts.latest_change.isoformat(),
            )
        )
    return ReviewDecision(asked.outcome, category, cause, secondary, changes)


def _check_when(facts: ReviewFacts, on: dt.date) -> None:
    """A household archived on the review's day, reviewed after its last review."""
    code = facts.code
    if facts.status is not HouseholdStatus.ARCHIVED:
        raise RuleViolation(
            _(
                "{code} is {status} on {on}: only an archived household has a yearly review",
                code=code,
                status=shown(facts.status),
                on=on.isoformat(),
            )
        )
    if facts.latest_review is not None and on <= facts.latest_review:
        raise RuleViolation(
            _(
                "{code} was last reviewed on {last}; a review dated {on} must come after it",
                code=code,
                last=facts.latest_review.isoformat(),
                on=on.isoformat(),
            )
        )


def _decide(
    facts: ReviewFacts, asked: ReviewAsked, proposed: Category | None
) -> tuple[Category | None, Cause | None, tuple[Cause, ...]]:
    """The category and causes the outcome leaves the household with."""
    code, outcome, reason = facts.code, asked.outcome, asked.reason.strip()
    if outcome is ReviewOutcome.CATEGORY:
        category = asked.category or proposed
        if category is None:
            raise InvalidInput(
                _(
                    "{code}: the calculation proposes no category; give --category, or record "
                    "--outcome exit",
                    code=code,
                )
            )
        if category == facts.category:
            raise InvalidInput(
                _("{code} is already {category}", code=code, category=named(category))
            )
        _check_reason(code, reason, outcome)
        return category, facts.main_cause, facts.secondary
    if outcome is ReviewOutcome.CAUSES:
        if asked.main_cause is None and asked.secondary is None:
            raise InvalidInput(
                _("{code}: a change of causes needs --cause or --secondary", code=code)
            )
        cause = asked.main_cause or facts.main_cause
        secondary = asked.secondary if asked.secondary is not None else facts.secondary
        if cause == facts.main_cause and secondary == facts.secondary:
            raise InvalidInput(_("{code}: these are the causes it already has", code=code))
        if cause is not None and cause in secondary:
            raise InvalidInput(
                _("{cause} is the main cause; it cannot be a secondary one too", cause=named(cause))
            )
        _check_reason(code, reason, outcome)
        return facts.category, cause, tuple(secondary)
    _check_no_change(asked)
    if outcome is ReviewOutcome.KEEP and proposed != facts.category and not reason:
        raise RuleViolation(
            _(
                "{code}: the calculation proposes {proposed}, not {category}; to keep it "
                "give a reason (--reason; 理由 in a file), or record the outcome category or exit",
                code=code,
                proposed=named(proposed) if proposed else _("none (not eligible)"),
                category=named(facts.category) if facts.category else _("none"),
            )
        )
    if outcome is ReviewOutcome.EXIT and proposed is not None and not reason:
        raise RuleViolation(
            _(
                "{code}: the calculation still proposes {proposed}; to propose an exit "
                "give a reason (--reason; 理由 in a file)",
                code=code,
                proposed=named(proposed),
            )
        )
    return facts.category, facts.main_cause, facts.secondary


def _check_no_change(asked: ReviewAsked) -> None:
    if asked.category is not None or asked.main_cause is not None or asked.secondary is not None:
        raise InvalidInput(
            _(
                "--outcome {outcome} changes neither category nor causes: "
                "use --outcome category or causes",
                outcome=asked.outcome.value,
            )
        )


def _check_reason(code: str, reason: str, outcome: ReviewOutcome) -> None:
    if not reason:
        raise InvalidInput(
            _(
                "{code}: {outcome} needs a reason (--reason; 理由 in a file)",
                code=code,
                outcome=named(outcome),
            )
        )


def causes_edit_refusal(code: str, status: HouseholdStatus) -> str | None:
    """Why the main cause of a household cannot be edited in place: once archived, it is dated
    history (each report as of a day reads the one in force), changed at a yearly review."""
    if status in (HouseholdStatus.ARCHIVED, HouseholdStatus.EXITED):
        return _(
            "{code} is {status}: its causes change at a yearly review "
            "(kunnan review record {code} --outcome causes …)",
            code=code,
            status=shown(status),
        )
    return None

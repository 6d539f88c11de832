"""A second pair of eyes (maker-checker): who may confirm an archive, and which actions wait
for a second operator's approval.

Both apply only to a ledger with operators registered (``store.operators.register_in_use``);
a ledger without them is one person's, as before.

- 七确认: the confirmation is recorded by an approver of a union above the union of the
  operator who recorded the case's home visit (一进) — at the top of the tree, where nobody is
  above, by an approver of that union — and never by a person who recorded any step of the
  case (``confirm_refusal``).
- Pending actions: a grant that passes a programme's limit with ``--override``, a grant above
  the policy's ``approval_above``, a reversal and a void (作废) are judged as always and then,
  instead of taking effect, wait (``grant_kind``, ``PendingKind``) until a second operator
  whose role checks that kind (``CHECKERS``), of the household's union or one above it,
  accepts it, before it expires (``approval_days`` after it was made; ``check_decidable``).
  Accepting runs the action again through the same service, judged by the facts of that day.

Nothing here reads the database: the services gather the facts and ask here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from kunnan.domain.enums import Duty, PendingKind, PendingStatus, Role, named
from kunnan.domain.errors import Conflict, PermissionDenied, RuleViolation
from kunnan.domain.identification import UnionPlace
from kunnan.domain.operators import ROLE_DUTIES
from kunnan.i18n import _


@dataclass(frozen=True)
class Recorder:
    """An operator as the maker-checker rules read one: their name and their union (None: the
    whole ledger, above every union)."""

    name: str
    union: UnionPlace | None
    #: Their role (None: not a registered operator).
    role: Role | None = None


def _union_name(union: UnionPlace | None) -> str:
    return union.name if union is not None else _("the whole ledger")


def is_above(checker: UnionPlace | None, maker: UnionPlace | None) -> bool:
    """A union above the maker's (the whole ledger is above every union); at the top of the
    tree, where nobody is above, the maker's own union."""
    if checker is None:
        return True
    if maker is None:
        return False
    if maker.path != checker.path and maker.path.startswith(checker.path):
        return True
    return maker.parent_id is None and maker.id == checker.id


def confirm_refusal(
    code: str, *, confirmer: Recorder, visit: Recorder, recorders: Collection[str]
) -> str | None:
    """Why ``confirmer`` may not confirm (七确认) household ``code``'s case, whose home visit
    ``visit`` recorded (its union: the household's when the visit's recorder is unknown) and
    whose steps ``recorders`` recorded (None: they may)."""
    if confirmer.role is not None and Duty.APPROVE not in ROLE_DUTIES[confirmer.role]:
        # ``identify advance`` records whichever step is due, the confirmation included.
        return _(
            "{name} is {role}: the confirmation of {code} is an approver's work",
            name=confirmer.name,
            role=named(confirmer.role),
            code=code,
        )
    if confirmer.name in recorders:
        return _(
            "{name} recorded a step of {code}'s identification and may not also confirm it; "
            "a second person, an approver of a union above, confirms",
            name=confirmer.name,
            code=code,
        )
    if not is_above(confirmer.union, visit.union):
        return _(
            "{name} is an approver of {union}, which is not above {visit_union}, the union "
            "of the home visit of {code}; an approver of a union above it confirms",
            name=confirmer.name,
            union=_union_name(confirmer.union),
            visit_union=_union_name(visit.union),
            code=code,
        )
    return None


#: Who checks each kind of pending action: an approver (审批), for every kind.
CHECKERS: dict[PendingKind, Role] = dict.fromkeys(PendingKind, Role.APPROVER)


def grant_kind(*, overridden: bool, amount_fen: int, above_fen: int | None) -> PendingKind | None:
    """Whether a grant, judged and allowed, waits for approval, and as what: one that passed a
    programme's limit with ``--override``, or one of more than ``above_fen`` (None: no
    limit). Asked only in a ledger with operators."""
    if overridden:
        return PendingKind.OVERRIDE
    if above_fen is not None and amount_fen > above_fen:
        return PendingKind.LARGE_GRANT
    return None


def expires_on(made_on: dt.date, days: int) -> dt.date:
    """The last day a pending action made on ``made_on`` may be accepted."""
    return made_on + dt.timedelta(days=days)


def status_on(status: PendingStatus, expires: dt.date, today: dt.date) -> PendingStatus:
    """Where a pending action stands today: one still waiting after its last day has expired."""
    if status is PendingStatus.PENDING and today > expires:
        return PendingStatus.EXPIRED
    return status


@dataclass(frozen=True)
class PendingFacts:
    """A pending action as its decision reads it."""

    code: str
    kind: PendingKind
    status: PendingStatus
    maker: str
    expires_on: dt.date


def check_decidable(
    pending: PendingFacts, *, checker: str, role: Role | None, today: dt.date, accepting: bool
) -> None:
    """Whether ``checker`` (of ``role``; None: no operator is registered) may accept or
    decline ``pending`` today: still waiting, not expired (to accept it), never by its maker,
    and by the role that checks its kind."""
    standing = status_on(pending.status, pending.expires_on, today)
    if standing is PendingStatus.EXPIRED and accepting:
        raise RuleViolation(
            _(
                "{code} expired on {on} without approval and can no longer be accepted; "
                "make it again if it is still needed",
                code=pending.code,
                on=(pending.expires_on + dt.timedelta(days=1)).isoformat(),
            )
        )
    if standing in (PendingStatus.ACCEPTED, PendingStatus.DECLINED):
        raise Conflict(_("{code} was {status} already", code=pending.code, status=named(standing)))
    if checker == pending.maker:
        raise PermissionDenied(
            _(
                "{name} made {code} and may not also approve it; a second operator does",
                name=checker,
                code=pending.code,
            )
        )
    wanted = CHECKERS[pending.kind]
    if role is not wanted:
        raise PermissionDenied(
            _(
                "{code} ({kind}) is checked by an {role}, which {name} is not",
                code=pending.code,
                kind=named(pending.kind),
                role=named(wanted),
                name=checker,
            )
        )

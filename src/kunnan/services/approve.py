"""A second pair of eyes (maker-checker): the actions waiting for approval, listed, accepted
or declined (``kunnan approve``).

An action that waits (``store.approvals.hold``: a grant over a limit or above the policy's
amount, a reversal, a void) is accepted by a second operator of the role that checks its
kind, of the household's union or one above it, before it expires. Accepting runs the
action's stored input back through the same service function that held it (``grant``,
``reverse``, ``void_record``), with the approval (``Checked``): its rules are judged again on
the facts of that day, and if it is now refused, the acceptance is refused in the same words
and the action keeps waiting. The audit row of the acceptance names the maker and the checker.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kunnan.db.session import locked
from kunnan.domain.approvals import PendingFacts, check_decidable, status_on
from kunnan.domain.codes import code_number, household_code, pending_code
from kunnan.domain.enums import PendingKind, PendingStatus, Role
from kunnan.domain.errors import NotFound
from kunnan.domain.money import format_fen
from kunnan.i18n import _
from kunnan.models import AidEntry, Household, Operator, Org, Pending
from kunnan.schemas.aid import GrantCreate
from kunnan.schemas.approval import ReversalAction, VoidAction
from kunnan.store import audit
from kunnan.store.approvals import Checked, today
from kunnan.store.households import resolve_household
from kunnan.store.operators import scope_of


@dataclass(frozen=True)
class PendingRow:
    code: str
    kind: str
    household: str | None
    summary: str
    maker: str
    made_at: dt.datetime
    expires_on: dt.date
    status: str
    decided_by: str | None
    reason: str | None


@dataclass(frozen=True)
class Decided:
    code: str
    kind: PendingKind
    maker: str
    #: What the accepted action did, in the words its own command prints.
    effect: str


def find_pending(session: Session, ref: str, *, lock: bool = False) -> Pending:
    number = code_number("P", ref.strip())
    found = session.get(Pending, number, **locked(lock)) if number is not None else None
    if found is None:
        raise NotFound(
            _("no pending action {ref}", ref=ref.strip()),
            hint=_("kunnan approve list --all shows them"),
        )
    return found


def list_pending(session: Session, *, everything: bool = False) -> list[PendingRow]:
    """The actions waiting for approval in the operator's scope (``everything``: decided and
    expired ones too), oldest first."""
    query = (
        select(Pending)
        .outerjoin(Household, Household.id == Pending.household_id)
        .outerjoin(Org, Org.id == Household.org_id)
        .order_by(Pending.id)
    )
    scope = scope_of(session)
    if scope is not None:
        query = query.where(
            Pending.household_id.is_(None) | Org.path.startswith(scope.path, autoescape=True)
        )
    day = today(session)
    rows = []
    for pending in session.scalars(query):
        standing = status_on(PendingStatus(pending.status), pending.expires_on, day)
        if not everything and standing is not PendingStatus.PENDING:
            continue
        rows.append(
            PendingRow(
                code=pending_code(pending.id),
                kind=pending.kind,
                household=household_code(pending.household_id) if pending.household_id else None,
                summary=summary_of(PendingKind(pending.kind), json.loads(pending.payload)),
                maker=pending.maker,
                made_at=pending.made_at,
                expires_on=pending.expires_on,
                status=standing.value,
                decided_by=pending.decided_by,
                reason=pending.reason,
            )
        )
    return rows


def summary_of(kind: PendingKind, payload: dict[str, Any]) -> str:
    """One line of what a pending action does, from its input."""
    if kind is PendingKind.VOID:
        return _("void {record}: {reason}", record=payload["record"], reason=payload["reason"])
    if kind is PendingKind.REVERSAL:
        change = payload["change"]
        return _("reverse entry {seq}: {reason}", seq=payload["entry"], reason=change["reason"])
    amount = payload.get("amount_fen")
    return _(
        "{program} from {fund} on {on}, {amount}",
        program=payload["program"],
        fund=payload["fund"],
        on=payload["on_date"],
        amount=format_fen(amount) if amount is not None else _("the standard amount"),
    )


def _decidable(session: Session, ref: str, *, accepting: bool) -> Pending:
    """The pending action, held, if the command's operator may decide it now."""
    pending = find_pending(session, ref, lock=True)
    if pending.household_id is not None:  # the household's union or one above it decides
        resolve_household(session, household_code(pending.household_id), lock=True)
    context = audit.context(session)
    role = session.scalar(select(Operator.role).where(Operator.name == context.operator))
    check_decidable(
        PendingFacts(
            code=pending_code(pending.id),
            kind=PendingKind(pending.kind),
            status=PendingStatus(pending.status),
            maker=pending.maker,
            expires_on=pending.expires_on,
        ),
        checker=context.operator,
        role=Role(role) if role is not None else None,
        today=today(session),
        accepting=accepting,
    )
    return pending


def accept(session: Session, ref: str) -> Decided:
    """Accept a pending action: it runs again through its own service and takes effect."""
    pending = _decidable(session, ref, accepting=True)
    code, kind = pending_code(pending.id), PendingKind(pending.kind)
    checked = Checked(code=code, maker=pending.maker)
    effect = _run(session, kind, pending.payload, checked)
    _decide(session, pending, PendingStatus.ACCEPTED, effect=effect)
    return Decided(code, kind, pending.maker, effect)


def decline(session: Session, ref: str, *, reason: str) -> Decided:
    """Decline a pending action: it never takes effect."""
    pending = _decidable(session, ref, accepting=False)
    code, kind = pending_code(pending.id), PendingKind(pending.kind)
    _decide(session, pending, PendingStatus.DECLINED, reason=reason)
    return Decided(code, kind, pending.maker, "")


def _decide(session: Session, pending: Pending, status: PendingStatus, **outcome: str) -> None:
    """Record who decided ``pending`` and when, and its audit row (``accept`` or ``decline``,
    with the effect or the reason given in ``outcome``)."""
    context = audit.context(session)
    pending.status = status.value
    pending.decided_by, pending.decided_at = context.operator, context.at
    if "reason" in outcome:
        pending.reason = outcome["reason"]
    session.flush()
    audit.record(
        session,
        action="accept" if status is PendingStatus.ACCEPTED else "decline",
        entity="pending",
        entity_ref=pending_code(pending.id),
        household_id=pending.household_id,
        changes={"kind": pending.kind, "maker": pending.maker, "checker": context.operator,
                 **outcome},
    )  # fmt: skip


def _run(session: Session, kind: PendingKind, payload: str, checked: Checked) -> str:
    """The pending action through the same service function that held it; what it did."""
    if kind is PendingKind.VOID:
        from kunnan.services.void import void_record

        outcome = void_record(session, VoidAction.model_validate_json(payload), checked=checked)
        return outcome.message
    from kunnan.services.aid.grant import find_entry, grant, reverse

    if kind is PendingKind.REVERSAL:
        action = ReversalAction.model_validate_json(payload)
        reversal = reverse(
            session, entry=find_entry(session, str(action.entry)), data=action.change,
            checked=checked,
        )  # fmt: skip
        assert isinstance(reversal, AidEntry)
        return _(
            "entry {seq} reverses entry {original} ({amount} yuan)",
            seq=reversal.seq,
            original=action.entry,
            amount=format_fen(reversal.amount_fen),
        )
    result = grant(session, data=GrantCreate.model_validate_json(payload), checked=checked)
    assert result.entry is not None
    return _(
        "entry {seq}: {amount} yuan of {program} to {household}",
        seq=result.entry.seq,
        amount=format_fen(result.entry.amount_fen),
        program=result.entry.program,
        household=household_code(result.entry.household_id or 0),
    )

"""A second pair of eyes (maker-checker): who may confirm an archive, and which actions wait
for a second operator's approval.

Both apply only to a ledger with operators registered (``store.operators.register_in_use``);
a ledger without them is one person's, as before.

- 七确认: the confirmation is recorded by an approver of a union above the union of the
  operator who recorded the case's home visit (一进) — at the top of the tree, where nobody is
  above, by an approver of that union — and never by a person who recorded any step of the
  case (``confirm_refusal``).

Nothing here reads the database: the services gather the facts and ask here.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from kunnan.domain.enums import Duty, Role, named
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

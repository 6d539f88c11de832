"""Operators (经办人员): who may write to the ledger, and what each role may do.

A ledger with no operator registered is one person's, as before: anyone who opens it may
write. Once its first operator is registered (``kunnan init --admin NAME`` or ``kunnan
operator add``, an administrator), every command that writes names a registered, enabled
operator (``--operator``, ``KUNNAN_OPERATOR`` or the login name) whose role includes the
command's duty (``DUTIES``): casework for the grassroots caseworker, review for the county or
district reviewer, approval (confirmation, exits, corrections) for the approver at the level
above, money for finance, administration (operators, unions, policy, programmes) for the
administrator; the auditor reads everything and changes nothing. A reading command writes
only to record that it revealed personal data (``Duty.REVEAL``). An operator registered at a
union sees and changes only the households of that union and those under it
(``scope_refusal``, asked wherever a household is found by what was typed), and only the
funds of those unions (``fund_scope_refusal``, asked wherever money moves in or out of a
fund).

Nothing here reads the database: ``store.operators`` finds the operator and asks here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kunnan.domain.enums import Duty, Role, named
from kunnan.domain.errors import Conflict, RuleViolation
from kunnan.i18n import _

#: What each role may do.
ROLE_DUTIES: dict[Role, frozenset[Duty]] = {
    Role.CASEWORKER: frozenset({Duty.READ, Duty.CASEWORK, Duty.REVEAL}),
    Role.REVIEWER: frozenset({Duty.READ, Duty.REVIEW}),
    Role.APPROVER: frozenset({Duty.READ, Duty.APPROVE, Duty.REVEAL}),
    Role.FINANCE: frozenset({Duty.READ, Duty.MONEY}),
    Role.AUDITOR: frozenset({Duty.READ, Duty.REVEAL}),
    Role.ADMIN: frozenset({Duty.READ, Duty.ADMINISTER, Duty.REVEAL}),
}

_CASEWORK = (
    "household add", "household contact", "household edit", "household head",
    "household member add", "household member edit", "household member remove",
    "household member leave", "identify visit", "identify inspect", "identify calculate",
    "identify advance", "identify restart", "exit followup", "pair assign", "pair reassign",
    "pair end", "pair visit", "aid place", "aid housing", "aid legal", "aid counsel",
    "training enroll", "training complete", "training certify", "training employ",
    "import households",
)  # fmt: skip
_REVIEW = (
    "identify deliberate", "identify appraise", "identify publicize", "identify object",
    "identify settle", "review record", "import reviews",
)  # fmt: skip
_APPROVE = (
    "identify confirm", "identify reject", "exit stable", "exit safety-net", "exit moved",
    "exit deceased", "exit ineligible", "exit withdrew", "exit relapse", "void",
    "household merge", "approve accept", "approve decline",
)  # fmt: skip
_MONEY = (
    "fund add", "fund contribute", "fund assert", "aid grant", "aid reverse", "aid loan",
    "aid repay", "aid loan-default", "import aid",
)  # fmt: skip
_ADMINISTER = (
    "init", "demo", "db upgrade", "db backup", "db restore", "db copy", "org add",
    "policy set-line", "policy set", "program set", "agreement add", "training class add",
    "operator add", "operator disable", "db roles sync", "ledger key", "ledger checkpoint",
    "witness add", "witness update",
)  # fmt: skip
#: Every operator makes their own signing key, whatever their role (it signs that write).
_OWN = ("operator key",)
_READ = (
    "db current", "db check", "db verify", "org list", "org show", "policy lines",
    "policy show", "household show", "household list", "household find",
    "household duplicates", "identify status", "identify pipeline", "exit list", "exit watch",
    "review due", "review never-aided", "review stale", "review followups", "review unpaired",
    "review summary", "report categories", "report causes", "report pipeline", "report exits",
    "report areas", "report programs", "report training", "report funds", "report coverage",
    "report targets", "report dashboard", "report html", "pair list", "pair show",
    "pair coverage", "agreement list", "fund list", "fund show", "program list",
    "program show", "aid list", "aid show", "aid loans", "training list", "ledger verify",
    "ledger head", "ledger show", "ledger prove", "ledger check-proof", "witness show",
    "audit list", "export households", "export members", "export aid",
    "export exits", "export upstream", "compare civil", "notice export", "operator list",
    "approve list", "operator show", *_OWN,
)  # fmt: skip

#: The duty of every command (its path without ``kunnan``); a test holds it to the tree.
DUTIES: dict[str, Duty] = {
    **dict.fromkeys(_CASEWORK, Duty.CASEWORK),
    **dict.fromkeys(_REVIEW, Duty.REVIEW),
    **dict.fromkeys(_APPROVE, Duty.APPROVE),
    **dict.fromkeys(_MONEY, Duty.MONEY),
    **dict.fromkeys(_ADMINISTER, Duty.ADMINISTER),
    **dict.fromkeys(_READ, Duty.READ),
}


@dataclass(frozen=True)
class OperatorFacts:
    """A registered operator as the rules read one."""

    name: str
    role: Role
    disabled_on: dt.date | None


def duty_of(command: str) -> Duty:
    """The duty of a command path (``kunnan aid grant`` or ``aid grant``); an unknown command
    (none should be) takes the administrator's."""
    return DUTIES.get(command.removeprefix("kunnan").strip(), Duty.ADMINISTER)


def read_refusal(found: OperatorFacts) -> str | None:
    """A disabled operator can do nothing in the ledger, not even read it."""
    if found.disabled_on is not None:
        return _disabled(found)
    return None


def _disabled(found: OperatorFacts) -> str:
    assert found.disabled_on is not None
    return _(
        "{name} was disabled on {on} and can do nothing in this ledger",
        name=found.name,
        on=found.disabled_on.isoformat(),
    )


def write_refusal(
    name: str, found: OperatorFacts | None, command: str, *, reveals: bool = False
) -> str | None:
    """Why ``name`` may not write to the ledger with ``command`` (None: they may).

    ``reveals``: a reading command writes only the record that it showed personal data in
    full. Only called once the ledger has an operator registered."""
    if found is None:
        return _(
            "'{name}' is not a registered operator of this ledger "
            "(an administrator adds one: kunnan operator add)",
            name=name,
        )
    if found.disabled_on is not None:
        return _disabled(found)
    duty = duty_of(command)
    if duty is Duty.READ and reveals:
        duty = Duty.REVEAL
    if duty not in ROLE_DUTIES[found.role]:
        return _(
            "{name} is {role}: {command} is {duty} work, which that role does not do",
            name=found.name,
            role=named(found.role),
            command=command if command.startswith("kunnan") else f"kunnan {command}",
            duty=named(duty),
        )
    return None


def check_first_operator(role: Role) -> None:
    """The first operator of a ledger is its administrator, who registers the others."""
    if role is not Role.ADMIN:
        raise RuleViolation(
            _(
                "the first operator of a ledger is its administrator (--role admin), who "
                "then adds the others"
            )
        )


def check_new_name(name: str, taken: bool) -> None:
    if taken:
        raise Conflict(_("an operator named '{name}' is registered already", name=name))


def scope_refusal(
    code: str, household_path: str, household_union: str, *, operator: str, scope: str, union: str
) -> str | None:
    """Why ``operator``, of the union whose path is ``scope``, may not see or change household
    ``code`` (of a union at ``household_path``): it is not of their union nor one under it."""
    if household_path.startswith(scope):
        return None
    return _(
        "{code} belongs to {household_union}, outside {operator}'s union ({union}) and those "
        "under it",
        code=code,
        household_union=household_union,
        operator=operator,
        union=union,
    )


def union_scope_refusal(
    union_path: str, union_name: str, *, operator: str, scope: str, union: str
) -> str | None:
    """Why ``operator`` may not work on union ``union_name`` (at ``union_path``): it is
    neither their union (``union`` at ``scope``) nor one under it."""
    if union_path.startswith(scope):
        return None
    return _(
        "{target} is outside {operator}'s union ({union}) and those under it",
        target=union_name,
        operator=operator,
        union=union,
    )


def fund_scope_refusal(
    fund: str, union_path: str, union_name: str, *, operator: str, scope: str, union: str
) -> str | None:
    """Why ``operator`` (of the union at ``scope``) may not see a fund, nor put money into it,
    take money out of it or assert its balance: the fund belongs to ``union_name`` (at
    ``union_path``), neither their union nor one under it."""
    if union_path.startswith(scope):
        return None
    return _(
        "fund {fund} belongs to {fund_union}, outside {operator}'s union ({union}) and those "
        "under it",
        fund=fund,
        fund_union=union_name,
        operator=operator,
        union=union,
    )


def database_roles_refusal(dialect: str) -> str | None:
    """Database roles are PostgreSQL's: a SQLite file has none (its file mode guards it)."""
    if dialect == "postgresql":
        return None
    return _("only a PostgreSQL ledger has database roles; this ledger is a SQLite file")


def login_refusal(given: str | None, operator: str, db_role: str) -> str | None:
    """Connected as an operator's own database role, the command is that operator's: an
    ``--operator`` naming someone else is refused."""
    if given is None or given == operator:
        return None
    return _(
        "connected as database role {role}, which is {operator}'s: --operator {given} names "
        "someone else",
        role=db_role,
        operator=operator,
        given=given,
    )

"""SQLAlchemy 2.0 models of the ledger, one module per aggregate.

Importing this package registers every table on ``Base.metadata``, which the
Alembic environment compares with the migrations.
"""

from kunnan.models.agreement import Agreement
from kunnan.models.aid import AidEntry, Fund, FundAssertion, LedgerHead, Program, ProgramRule
from kunnan.models.audit import AuditEntry
from kunnan.models.base import Base
from kunnan.models.exits import Followup, HouseholdExit
from kunnan.models.household import Household, HouseholdCause, Member
from kunnan.models.identification import (
    ContactAttempt,
    IdentificationCase,
    IdentificationStep,
    IncomeCalculation,
    Objection,
    StatusChange,
)
from kunnan.models.org import Org
from kunnan.models.pairing import Pairing, PairVisit
from kunnan.models.policy import PolicyLine, PolicySetting

__all__ = [
    "Agreement",
    "AidEntry",
    "AuditEntry",
    "Base",
    "ContactAttempt",
    "Followup",
    "Fund",
    "FundAssertion",
    "Household",
    "HouseholdCause",
    "HouseholdExit",
    "IdentificationCase",
    "IdentificationStep",
    "IncomeCalculation",
    "LedgerHead",
    "Member",
    "Objection",
    "Org",
    "PairVisit",
    "Pairing",
    "PolicyLine",
    "PolicySetting",
    "Program",
    "ProgramRule",
    "StatusChange",
]

"""SQLAlchemy 2.0 models of the ledger, one module per aggregate.

Importing this package registers every table on ``Base.metadata``, which the
Alembic environment compares with the migrations.
"""

from kunnan.models.aid import AidEntry, Fund, FundAssertion, LedgerHead, Program, ProgramRule
from kunnan.models.audit import AuditEntry
from kunnan.models.base import Base
from kunnan.models.household import Household, HouseholdCause, Member
from kunnan.models.org import Org
from kunnan.models.policy import PolicyLine, PolicySetting

__all__ = [
    "AidEntry",
    "AuditEntry",
    "Base",
    "Fund",
    "FundAssertion",
    "Household",
    "HouseholdCause",
    "LedgerHead",
    "Member",
    "Org",
    "PolicyLine",
    "PolicySetting",
    "Program",
    "ProgramRule",
]

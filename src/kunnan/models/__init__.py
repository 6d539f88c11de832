"""SQLAlchemy 2.0 models of the ledger, one module per aggregate.

Importing this package registers every table on ``Base.metadata``, which the
Alembic environment compares with the migrations.
"""

from kunnan.models.agreement import Agreement
from kunnan.models.aid import AidEntry, Fund, FundAssertion, LedgerHead, Program, ProgramRule
from kunnan.models.approval import Pending
from kunnan.models.audit import AuditEntry
from kunnan.models.base import Base
from kunnan.models.exits import Followup, HouseholdExit
from kunnan.models.household import (
    EndedCause,
    HeadChange,
    Household,
    HouseholdCause,
    Member,
    Review,
)
from kunnan.models.identification import (
    ContactAttempt,
    IdentificationCase,
    IdentificationStep,
    IncomeCalculation,
    Objection,
    StatusChange,
)
from kunnan.models.log import (
    Checkpoint,
    LedgerKey,
    LedgerSecret,
    LogEntry,
    WitnessedLog,
    WitnessEvidence,
)
from kunnan.models.operator import Operator
from kunnan.models.org import Org
from kunnan.models.pairing import Pairing, PairVisit
from kunnan.models.policy import PolicyLine, PolicySetting
from kunnan.models.service_aid import (
    CounselingSession,
    HousingCase,
    HousingStatusChange,
    JobPlacement,
    LegalCase,
    LegalStatusChange,
    Loan,
    LoanDefault,
    LoanRepayment,
    TrainingClass,
    TrainingEnrolment,
    TrainingProgress,
)
from kunnan.models.signing import OperatorKey, RowChange, Signature, SignedRow
from kunnan.models.void import Void

__all__ = [
    "Agreement",
    "AidEntry",
    "AuditEntry",
    "Base",
    "Checkpoint",
    "ContactAttempt",
    "CounselingSession",
    "EndedCause",
    "Followup",
    "Fund",
    "FundAssertion",
    "HeadChange",
    "Household",
    "HouseholdCause",
    "HouseholdExit",
    "HousingCase",
    "HousingStatusChange",
    "IdentificationCase",
    "IdentificationStep",
    "IncomeCalculation",
    "JobPlacement",
    "LedgerHead",
    "LedgerKey",
    "LedgerSecret",
    "LegalCase",
    "LegalStatusChange",
    "Loan",
    "LoanDefault",
    "LoanRepayment",
    "LogEntry",
    "Member",
    "Objection",
    "Operator",
    "OperatorKey",
    "Org",
    "PairVisit",
    "Pairing",
    "Pending",
    "PolicyLine",
    "PolicySetting",
    "Program",
    "ProgramRule",
    "Review",
    "RowChange",
    "Signature",
    "SignedRow",
    "StatusChange",
    "TrainingClass",
    "TrainingEnrolment",
    "TrainingProgress",
    "Void",
    "WitnessEvidence",
    "WitnessedLog",
]

"""The short codes caseworkers type and read for records: H000123, F001, L001, C001 …

A code is a record's letters and its id, zero-padded; the id never changes, so
neither does the code. Read back, the letters may be in either case and the
digits ASCII or full-width (a Chinese input method types ０１２), never other
scripts' digits. Archive numbers (档案号) are a household's other name:
``kunnan.domain.identification.archive_number`` makes them.
"""

from __future__ import annotations

import re
from functools import cache


def household_code(household_id: int) -> str:
    """A household: H000123."""
    return f"H{household_id:06d}"


def fund_code(fund_id: int) -> str:
    """A fund: F001."""
    return f"F{fund_id:03d}"


def loan_code(loan_id: int) -> str:
    """A start-up loan: L001."""
    return f"L{loan_id:03d}"


def class_code(class_id: int) -> str:
    """A training class: C001."""
    return f"C{class_id:03d}"


def placement_code(placement_id: int) -> str:
    """A job placement: P001."""
    return f"P{placement_id:03d}"


def housing_code(case_id: int) -> str:
    """A housing case: HC001."""
    return f"HC{case_id:03d}"


def legal_code(case_id: int) -> str:
    """A legal case: LC001."""
    return f"LC{case_id:03d}"


def counseling_code(session_id: int) -> str:
    """A counselling session: CS001."""
    return f"CS{session_id:03d}"


def contact_code(attempt_id: int) -> str:
    """A contact attempt (找寻): CA001."""
    return f"CA{attempt_id:03d}"


def exit_code(exit_id: int) -> str:
    """An exit from the register: EX001."""
    return f"EX{exit_id:03d}"


def followup_code(followup_id: int) -> str:
    """A follow-up visit after an exit (回访): FU001."""
    return f"FU{followup_id:03d}"


def step_code(step_id: int) -> str:
    """An identification step done (精准识别): ST001."""
    return f"ST{step_id:03d}"


def objection_code(objection_id: int) -> str:
    """An objection filed during a public notice (异议): OB001."""
    return f"OB{objection_id:03d}"


def pair_visit_code(visit_id: int) -> str:
    """A contact person's visit to a paired household (结对走访): PV001."""
    return f"PV{visit_id:03d}"


def stage_code(progress_id: int) -> str:
    """A training stage a trainee reached (completed, certified, employed): TS001."""
    return f"TS{progress_id:03d}"


def housing_change_code(change_id: int) -> str:
    """A housing case's status change: HS001."""
    return f"HS{change_id:03d}"


def legal_change_code(change_id: int) -> str:
    """A legal case's status change: LS001."""
    return f"LS{change_id:03d}"


def pending_code(pending_id: int) -> str:
    """An action waiting for a second operator's approval: P0001."""
    return f"P{pending_id:04d}"


def code_number(letters: str, text: str) -> int | None:
    """The id a typed code names (``p7``, ``P007``, ``Ｐ００７`` for ``P``), or None if the
    text is not such a code."""
    match = _pattern(letters).fullmatch(text)
    return int(match[1]) if match else None


@cache
def _pattern(letters: str) -> re.Pattern[str]:
    # Each letter spelled out in both cases: re.IGNORECASE would also take look-alikes
    # such as ſ (long s) for s.
    either_case = "".join(f"[{letter.upper()}{letter.lower()}]" for letter in letters)
    return re.compile(rf"{either_case}([0-9０-９]{{1,12}})")

"""精准识别: the seven steps in their order and the rules between them.

一进二看三算四议五评六公示七确认 — visit, inspect, calculate, deliberate,
appraise, publicize, confirm. No household is archived without all seven,
in order, with the public notice run to its end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from kunnan.domain.enums import Step

ORDER: tuple[Step, ...] = (
    Step.VISIT,
    Step.INSPECT,
    Step.CALCULATE,
    Step.DELIBERATE,
    Step.APPRAISE,
    Step.PUBLICIZE,
    Step.CONFIRM,
)

MIN_VISITORS = 2


def next_step(done: Sequence[Step]) -> Step | None:
    """The step due after ``done`` (which must be a prefix of ORDER), or None when all are done."""
    if tuple(done) != ORDER[: len(done)]:
        raise ValueError(f"steps out of order: {[s.value for s in done]}")
    return ORDER[len(done)] if len(done) < len(ORDER) else None


def step_label(step: Step) -> str:
    return f"{step.value} ({step.zh})"


def notice_end(start: dt.date, days: int) -> dt.date:
    """The last day of a notice that runs ``days`` days from ``start`` inclusive."""
    return start + dt.timedelta(days=days - 1)


def appraisal_passes(votes_for: int, votes_against: int, share: Decimal) -> bool:
    """Passes when the votes for are more than ``share`` of the votes cast (0.5: simple majority)."""
    cast = votes_for + votes_against
    return cast > 0 and votes_for > share * cast


@dataclass(frozen=True)
class Inspection:
    """二看: what the inspection found that can exclude a household."""

    car_value_fen: int
    second_home: bool
    business: bool


def exclusions(inspection: Inspection, *, car_value_limit_fen: int) -> list[str]:
    """The reasons this household is excluded, empty if none."""
    reasons = []
    if inspection.second_home:
        reasons.append("owns a second home (二套房)")
    if inspection.business:
        reasons.append("runs a business or employs others (经商办企业)")
    if inspection.car_value_fen > car_value_limit_fen:
        reasons.append(
            f"owns a car worth {inspection.car_value_fen // 100:,} yuan, above the "
            f"{car_value_limit_fen // 100:,}-yuan limit (车辆超标)"
        )
    return reasons


def archive_number(area_code: str, year: int, serial: int) -> str:
    """档案号: area code, year and a serial, e.g. 620402-2018-00017."""
    return f"{area_code}-{year}-{serial:05d}"

"""Policy settings: the local rules a union may change, each with its default.

The dibao line itself is per area and year (a policy line in the ledger);
the settings here are the multipliers and limits identification uses. Values are
exact (Decimal or integer fen), never floats, and each change takes effect
from a date so that earlier decisions are judged by the rule of their day.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from kunnan.domain.enums import ExitRule, Labelled
from kunnan.domain.exits import parse_months
from kunnan.domain.money import format_fen, parse_yuan
from kunnan.i18n import N_, _


class SettingKind(StrEnum):
    MULTIPLIER = "multiplier"
    SHARE = "share"
    DAYS = "days"
    MONEY = "money"
    SWITCH = "switch"
    MONTHS = "months"
    #: A number of months (1 to 120), where ``MONTHS`` is a list of them.
    MONTH_COUNT = "month_count"
    #: A member of the setting's ``choices``, by its slug or Chinese label.
    CHOICE = "choice"
    #: An amount in yuan (stored in fen), or ``none``: no limit.
    LIMIT = "limit"


@dataclass(frozen=True)
class Setting:
    key: str
    kind: SettingKind
    default: str
    #: What the setting means, in English (marked for the catalog: shown with ``_``).
    description: str
    zh: str
    #: A ``CHOICE`` setting's values.
    choices: type[Labelled] | None = None


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting(
            "marginal_multiplier",
            SettingKind.MULTIPLIER,
            "1.5",
            N_("marginal (低保边缘) households earn at most this many times the dibao line"),
            "低保边缘倍数",
        ),
        Setting(
            "accident_multiplier",
            SettingKind.MULTIPLIER,
            "3",
            N_("accident (意外致困) households earn at most this many times the dibao line"),
            "意外致困倍数",
        ),
        Setting(
            "marginal_rigid_test",
            SettingKind.SWITCH,
            "off",
            N_(
                "marginal also needs (income − rigid expenditure) ÷ members ≤ the line (2017 standard)"
            ),
            "低保边缘刚性支出测试",
        ),
        Setting(
            "exit_multiplier",
            SettingKind.MULTIPLIER,
            "1.5",
            N_("a stable exit needs per-capita income of at least this many times the dibao line"),
            "稳定脱困倍数",
        ),
        Setting(
            "exit_calculation_days",
            SettingKind.DAYS,
            "90",
            N_("a stable exit needs an income calculation made at most this many days before it"),
            "退出核算有效天数",
        ),
        Setting(
            "exit_rule",
            SettingKind.CHOICE,
            ExitRule.MULTIPLE.value,
            N_(
                "how a stable exit is judged: multiple (a recent calculation at or above "
                "exit_multiplier × the line) or months (every income figure at or above the "
                "line for exit_months months)"
            ),
            "稳定脱困认定方式",
            choices=ExitRule,
        ),
        Setting(
            "exit_months",
            SettingKind.MONTH_COUNT,
            "6",
            N_("with exit_rule months: how many months income must stay at or above the line"),
            "稳定脱困连续月数",
        ),
        Setting(
            "followup_months",
            SettingKind.MONTHS,
            "3,6,12",
            N_("follow-up visits after a stable exit, in months after the exit (回访)"),
            "回访月份",
        ),
        Setting(
            "watch_yellow_multiplier",
            SettingKind.MULTIPLIER,
            "1.5",
            N_(
                "an exited household whose income per person at a follow-up is below this "
                "many times the dibao line is on yellow watch (防返困)"
            ),
            "防返困黄色预警倍数",
        ),
        Setting(
            "watch_red_overdue_days",
            SettingKind.DAYS,
            "90",
            N_("a follow-up overdue by more than this many days puts the household on red watch"),
            "防返困红色预警逾期天数",
        ),
        Setting(
            "notice_days",
            SettingKind.DAYS,
            "7",
            N_("the shortest public notice (公示) period in days"),
            "公示天数",
        ),
        Setting(
            "appraisal_pass_share",
            SettingKind.SHARE,
            "0.5",
            N_("an appraisal (五评) passes when more than this share of the votes cast are for"),
            "民主评议通过比例",
        ),
        Setting(
            "car_value_limit",
            SettingKind.MONEY,
            "100000",
            N_("a household car worth more than this (yuan) excludes the household"),
            "车辆价值上限",
        ),
        Setting(
            "approval_above",
            SettingKind.LIMIT,
            "none",
            N_(
                "in a ledger with operators, a grant of more than this (yuan) waits for an "
                "approver's approval (none: no limit)"
            ),
            "发放审批限额",
        ),
        Setting(
            "approval_days",
            SettingKind.DAYS,
            "30",
            N_("an action waiting for approval expires this many days after it was made"),
            "待审批有效天数",
        ),
        Setting(
            "pair_visit_days",
            SettingKind.DAYS,
            "90",
            N_(
                "a paired household not visited for more than this many days is overdue for a visit"
            ),
            "结对走访周期(天)",
        ),
    )
}


class PolicyError(ValueError):
    """Raised for an unknown setting or a value of the wrong kind."""


def find_setting(key: str) -> Setting:
    slug = key.strip().lower().replace("-", "_")
    for setting in SETTINGS.values():
        if slug == setting.key or key.strip() == setting.zh:
            return setting
    raise PolicyError(
        _(
            "unknown policy setting '{key}': choose one of {choices}",
            key=key,
            choices=", ".join(SETTINGS),
        )
    )


def canonical_value(setting: Setting, text: str) -> str:
    """Check a value for a setting and return the form the ledger stores."""
    try:
        return _CANONICAL[setting.kind](setting, text.strip())
    except PolicyError:
        raise
    except ValueError as error:
        raise PolicyError(_("{setting}: {error}", setting=setting.key, error=error)) from None


def _number(setting: Setting, raw: str) -> str:
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise PolicyError(
            _("{setting} must be a number like 1.5, not '{raw}'", setting=setting.key, raw=raw)
        ) from None
    if not number.is_finite() or number <= 0 or number > 100:
        raise PolicyError(
            _("{setting} must be greater than 0 and at most 100", setting=setting.key)
        )
    if setting.kind is SettingKind.SHARE and number >= 1:
        raise PolicyError(
            _("{setting} is a share of the votes: more than 0, less than 1", setting=setting.key)
        )
    if number.as_tuple().exponent < -3:  # type: ignore[operator]
        raise PolicyError(_("{setting} takes at most three decimals", setting=setting.key))
    return format(number.normalize(), "f")


def _days(setting: Setting, raw: str) -> str:
    if not raw.isdigit() or not 0 < int(raw) <= 3660:
        raise PolicyError(
            _("{setting} must be a whole number of days from 1 to 3660", setting=setting.key)
        )
    return str(int(raw))


def _money(setting: Setting, raw: str) -> str:
    return str(parse_yuan(raw))


#: What a ``LIMIT`` setting stores for no limit (and the words that give it).
NO_LIMIT = "none"
_NO_LIMIT_WORDS = frozenset({"none", "no", "无", "不限"})


def _limit(setting: Setting, raw: str) -> str:
    if raw.lower() in _NO_LIMIT_WORDS:
        return NO_LIMIT
    return _money(setting, raw)


def limit_fen(stored: str) -> int | None:
    """A ``LIMIT`` setting's amount in fen, as stored (None: no limit)."""
    return None if stored == NO_LIMIT else int(stored)


def _months(setting: Setting, raw: str) -> str:
    return ",".join(str(m) for m in parse_months(raw))


def _month_count(setting: Setting, raw: str) -> str:
    if not raw.isdigit() or not 0 < int(raw) <= 120:
        raise PolicyError(
            _("{setting} must be a whole number of months from 1 to 120", setting=setting.key)
        )
    return str(int(raw))


def _choice(setting: Setting, raw: str) -> str:
    assert setting.choices is not None
    return setting.choices.parse(raw).value


def _switch(setting: Setting, raw: str) -> str:
    lowered = raw.lower()
    if lowered in ("on", "true", "yes", "1", "开"):
        return "on"
    if lowered in ("off", "false", "no", "0", "关"):
        return "off"
    raise PolicyError(
        _("{setting} is a switch: on or off, not '{raw}'", setting=setting.key, raw=raw)
    )


_CANONICAL = {
    SettingKind.MULTIPLIER: _number,
    SettingKind.SHARE: _number,
    SettingKind.DAYS: _days,
    SettingKind.MONEY: _money,
    SettingKind.MONTHS: _months,
    SettingKind.SWITCH: _switch,
    SettingKind.MONTH_COUNT: _month_count,
    SettingKind.CHOICE: _choice,
    SettingKind.LIMIT: _limit,
}


def display_value(setting: Setting, stored: str) -> str:
    if setting.kind is SettingKind.MONEY or (
        setting.kind is SettingKind.LIMIT and stored != NO_LIMIT
    ):
        return format_fen(int(stored))
    return stored


def default_stored(setting: Setting) -> str:
    return canonical_value(setting, setting.default)

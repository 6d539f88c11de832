"""Pydantic input models: what a command (or an import row) hands to a service.

``validate`` turns a Pydantic ValidationError into one InvalidInput line that
names the command-line option, e.g. ``--id-number: ... expected X, got 1``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from kunnan.domain.errors import InvalidInput
from kunnan.i18n import N_, _

ModelT = TypeVar("ModelT", bound=BaseModel)


def validate(
    model: type[ModelT],
    data: Mapping[str, Any],
    *,
    today: dt.date,
    names: Mapping[str, str] | None = None,
) -> ModelT:
    """Validate ``data`` (None values mean "not given") into ``model``, or raise InvalidInput.

    ``names`` says what to call a field in the message (an option, a column);
    by default a field ``id_number`` is called ``--id-number``.
    """
    given = _given(data)
    try:
        return model.model_validate(given, context={"today": today})
    except ValidationError as error:
        raise InvalidInput(describe(error, names or {})) from None


def _given(data: Mapping[str, Any]) -> dict[str, Any]:
    """Drop options that were not given (None), in nested records too."""
    return {
        key: _given(value) if isinstance(value, Mapping) else value
        for key, value in data.items()
        if value is not None
    }


def describe(error: ValidationError, names: Mapping[str, str]) -> str:
    """All problems on one line: '--field: reason; --other: reason'."""
    parts = []
    for field, message in problems(error):
        label = names.get(field) or ("--" + field.replace("_", "-") if field else _("input"))
        parts.append(_("{label}: {message}", label=label, message=message))
    return _("; ").join(parts)


def problems(error: ValidationError) -> list[tuple[str, str]]:
    """Each problem as (field, reason); the field is '' when no single field is at fault.

    A rule across fields names the field to blame in its error context
    (``PydanticCustomError(..., {"field": "main_cause"})``).
    """
    found = []
    for item in error.errors(include_url=False):
        field = next((str(part) for part in reversed(item["loc"]) if isinstance(part, str)), "")
        if not field:
            field = str((item.get("ctx") or {}).get("field", ""))
        message = str(item["msg"]).removeprefix("Value error, ")
        bounds = item.get("ctx") or {}
        if item["type"] == "missing":
            message = _("is required")
        elif item["type"] == "extra_forbidden":
            message = _("is not a field kunnan knows")
        elif item["type"] in _BOUNDS:
            words, key = _BOUNDS[item["type"]]
            message = _(words, bound=bounds.get(key))
        found.append((field, message))
    return found


#: Pydantic's limits on numbers, as kunnan words them ("must be at least 1"), shown with ``_``.
_BOUNDS = {
    "greater_than_equal": (N_("must be at least {bound}"), "ge"),
    "less_than_equal": (N_("must be at most {bound}"), "le"),
    "greater_than": (N_("must be more than {bound}"), "gt"),
    "less_than": (N_("must be less than {bound}"), "lt"),
}

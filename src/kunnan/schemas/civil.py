"""Input model for a row of the civil-affairs bureau's dibao list (民政低保名单)."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict

from kunnan.domain.enums import CivilStatus
from kunnan.schemas.types import AnyDate, Fen, IdNumberText, Name

#: Words civil-affairs lists use for a status, besides the slugs and labels.
CIVIL_STATUS_WORDS = {
    "正常": CivilStatus.ACTIVE,
    "享受": CivilStatus.ACTIVE,
    "在册": CivilStatus.ACTIVE,
    "是": CivilStatus.ACTIVE,
    "退保": CivilStatus.STOPPED,
    "停发": CivilStatus.STOPPED,
    "取消": CivilStatus.STOPPED,
    "注销": CivilStatus.STOPPED,
    "已故": CivilStatus.DECEASED,
    "去世": CivilStatus.DECEASED,
    "死亡注销": CivilStatus.DECEASED,
}


def _civil_status(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    word = unicodedata.normalize("NFKC", value).strip()
    return CIVIL_STATUS_WORDS.get(word) or CivilStatus.parse(value)


class CivilListEntry(BaseModel):
    """One person on the list: who, and whether they draw dibao (blank status: they do)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id_number: IdNumberText
    name: Name
    dibao_status: Annotated[CivilStatus, BeforeValidator(_civil_status)] = CivilStatus.ACTIVE
    monthly_amount_fen: Fen | None = None
    since: AnyDate | None = None

"""Input models for organisations."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict

from kunnan.domain.enums import OrgKind
from kunnan.domain.text import CODE_MAX, SHORT_TEXT_MAX
from kunnan.i18n import N_
from kunnan.schemas.types import AreaCode, Code, labelled, required


class OrgCreate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: Code
    name: Annotated[str, required(N_("name"), SHORT_TEXT_MAX)]
    kind: Annotated[OrgKind, labelled(OrgKind)]
    parent: Annotated[str, required(N_("parent"), max(CODE_MAX, SHORT_TEXT_MAX))] | None = None
    area_code: AreaCode | None = None

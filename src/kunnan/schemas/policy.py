"""Input models for policy lines."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from kunnan.schemas.types import AreaCode, Fen, Whole


class PolicyLineSet(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    area_code: AreaCode
    year: Annotated[int, Whole, Field(ge=1949, le=2200)]
    dibao_line_fen: Annotated[Fen, Field(gt=0)]

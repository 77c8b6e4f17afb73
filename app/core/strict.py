"""The base of every input model: unknown keys refused, values frozen, NaN and infinity refused."""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, field_validator


class StrictInput(BaseModel):
    """Unknown keys are rejected (never ignored); a float must be finite."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _finite(cls, value: object) -> object:
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("must be a finite number (NaN and infinity are not accepted)")
        return value

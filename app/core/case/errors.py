"""Invalid case input: a code, a message naming what is accepted, and the dotted input path."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError


class CaseInputError(ValueError):
    def __init__(self, field: str, message: str, code: str = "invalid_input") -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code


def _is_path_part(part: int | str) -> bool:
    """Union tags (``ProgressionInput``, ``literal['none']``) are not parts of the input path."""
    return isinstance(part, int) or (part.replace("_", "").isalnum() and part == part.lower())


def _accepted_fields(model: type[BaseModel], loc: list[int | str]) -> list[str]:
    """The fields accepted beside an unknown key: walk the model along ``loc``."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return []
        current = _model_in(info.annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def from_validation_error(exc: ValidationError, model: type[BaseModel]) -> CaseInputError:
    """The first error, with a dotted path; an unknown key is named as such with the keys accepted."""
    errors = exc.errors()
    unknown_keys = [e for e in errors if e["type"] == "extra_forbidden"]
    plain = [e for e in errors if not any("literal[" in str(p) for p in e["loc"])]
    err = (unknown_keys or plain or errors)[0]
    loc = [p for p in err["loc"] if _is_path_part(p)]
    field = ".".join(str(p) for p in loc) or "input"
    if err["type"] == "extra_forbidden":
        accepted = _accepted_fields(model, loc)
        hint = f"; accepted keys here: {', '.join(accepted)}" if accepted else ""
        return CaseInputError(
            field,
            f"unknown key {field!r}{hint}. The case has no identifier fields (name, birth date, record number, "
            "free text) and refuses keys it does not know.",
            "unknown_field",
        )
    if err["type"] == "missing":
        return CaseInputError(field, f"{field} is required", "missing_field")
    msg = str(err["msg"]).removeprefix("Value error, ")
    return CaseInputError(field, f"{field}: {msg}")

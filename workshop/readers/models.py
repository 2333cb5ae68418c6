"""Validating a parsed file into a pydantic model, with every problem named by file, line and field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Iterator, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import Problem, ProfileError
from . import read_source
from .source import FieldPath, Source
from .yaml import dotted

ModelT = TypeVar("ModelT", bound=BaseModel)

# Tagged unions whose tag pydantic puts in an error's path; messages speak of the fields as the file spells them.
TAGGED_FIELDS = {"fiscal_calendar": ("monthly", "weekly")}

# Characters XML 1.0 (and so Word) cannot hold; tab, newline and carriage return are fine.
_NOT_IN_DOCUMENTS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def load_model(path: str | Path, model: type[ModelT], *, defaults: dict[str, Any] | None = None,
               what: str = "a profile", ignore: frozenset[str] = frozenset(),
               extra_fields: tuple[str, ...] = ()) -> ModelT:
    """Load one YAML/TOML/JSON file into a pydantic model; raise ProfileError listing every problem in it.

    Top-level keys in `ignore` belong to another model (vendor.yaml's settings) and are left out;
    `extra_fields` are named, with the model's own, when an unknown field is reported.
    """
    path = Path(path).absolute()
    source = read_source(path)
    return validate_source(source, model, defaults=defaults, what=what, ignore=ignore, extra_fields=extra_fields)


def validate_source(source: Source, model: type[ModelT], *, defaults: dict[str, Any] | None = None,
                    what: str = "a profile", ignore: frozenset[str] = frozenset(),
                    extra_fields: tuple[str, ...] = ()) -> ModelT:
    """Validate an already parsed file into `model` (see load_model)."""
    path, problems = source.path, list(source.problems)
    if not isinstance(source.data, dict):
        problems.append(Problem(path, f"{what} must be a mapping of fields", line=1))
        raise ProfileError(problems)
    data = {**(defaults or {}), **{k: v for k, v in source.data.items() if k not in ignore}}
    for at, text in _strings(data):
        if bad := _NOT_IN_DOCUMENTS.search(text):
            problems.append(Problem(path, f"contains the control character U+{ord(bad.group()):04X}, which PDF and "
                                          f"Word text cannot hold; remove it", dotted(at), source.line(at)))
    try:
        loaded = model.model_validate(data)
    except ValidationError as exc:
        for error in _collapse_union_errors(exc.errors(include_url=False)):
            at = tuple(error["loc"])
            problems.append(Problem(path, _describe(error, model, at, data, extra_fields), dotted(at),
                                    source.line(at)))
        raise ProfileError(sorted(problems, key=lambda p: (p.line or 0, p.field))) from None
    if problems:
        raise ProfileError(problems)
    return loaded


def field_lines(path: str | Path) -> Callable[[FieldPath], int | None]:
    """A lookup from a field path (e.g. ("periods", 2, "start")) to its line in the file, for problems
    found after a file has loaded (checks that need more than one field, or other files)."""
    return read_source(Path(path).absolute()).line


def _strings(value: Any, at: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path, text) of every string value in nested mappings and lists."""
    if isinstance(value, str):
        yield at, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, at + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, at + (index,))


def _describe(error: dict[str, Any], model: type[BaseModel], at: FieldPath, data: Any,
              extra_fields: tuple[str, ...]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown field" + _expected_fields(model, at[:-1], data, extra_fields if len(at) == 1 else ())
    if kind == "missing":
        return "required field is missing"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    message = message.replace("Input should be", "expected")
    value = error.get("input")
    if kind not in ("model_type",) and not isinstance(value, (dict, list)):
        message += f" (got {value!r})"
    return message


def _expected_fields(model: type[BaseModel], at: FieldPath, data: Any, extra_fields: tuple[str, ...]) -> str:
    """Name the fields allowed where an unknown one was found, so typos are easy to spot."""
    current: Any = model
    for part in at:
        data = data[part] if isinstance(data, (dict, list)) and _has(data, part) else None
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return ""
        annotation = field.annotation
        models = [c for c in (annotation, *getattr(annotation, "__args__", ()))
                  if isinstance(c, type) and issubclass(c, BaseModel)]
        # In a tagged union (the fiscal calendar) the input's `type` says which member was meant.
        tag = data.get("type", "monthly") if isinstance(data, dict) else None
        tagged = [c for c in models if "type" in c.model_fields and c.model_fields["type"].annotation == Literal[tag]]
        if tagged or models:
            current = (tagged or models)[0]
    names = [*getattr(current, "model_fields", {}), *extra_fields]
    return f"; expected one of: {', '.join(names)}" if names else ""


def _untag(error: dict[str, Any]) -> dict[str, Any]:
    """Speak of a tagged union's fields as the file spells them: pydantic puts the union's tag in the path."""
    loc = tuple(error["loc"])
    for name, tags in TAGGED_FIELDS.items():
        at = loc.index(name) if name in loc else -1
        if at < 0:
            continue
        if error["type"] == "union_tag_invalid" and loc[at + 1:] == ():
            return {**error, "type": "union_tag", "loc": loc + ("type",), "input": error["input"].get("type"),
                    "msg": f"expected one of: {', '.join(tags)}"}
        if loc[at + 1: at + 2] and loc[at + 1] in tags:
            return {**error, "loc": loc[: at + 1] + loc[at + 2:]}
    return error


def _has(data: dict | list, part: str | int) -> bool:
    return part in data if isinstance(data, dict) else isinstance(part, int) and 0 <= part < len(data)


def _collapse_union_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A date-or-MM-DD field reports one error per alternative; keep one readable error instead."""
    kept: dict[tuple, dict[str, Any]] = {}
    for error in map(_untag, errors):
        loc = tuple(error["loc"])
        if loc and loc[-1] in ("date", "function-after[_same_kind_and_ordered(), Blackout]") or (
            loc and isinstance(loc[-1], str) and loc[-1].startswith("constrained-str")
        ):
            base = loc[:-1]
            kept[base] = {
                "type": "date_or_month_day",
                "loc": base,
                "msg": "expected an ISO date (YYYY-MM-DD) or MM-DD",
                "input": error.get("input"),
            }
        elif kept.get(loc) is None:
            kept[loc] = error
    return list(kept.values())

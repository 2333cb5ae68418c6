"""Validating a parsed file into a pydantic model, with every problem named by file, line and field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Iterator, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import Problem, ProfileError
from . import read_source
from .fields import PATTERN_WORDS
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
    if kind == "string_pattern_mismatch":
        # The pattern is for the schema; a person reads what it means.
        message = "expected " + PATTERN_WORDS.get(error.get("ctx", {}).get("pattern"), "text of another form (see `workshop schema`)")
    elif kind in DATE_ERRORS:
        reason = message.partition("datetime, ")[2]
        message = "expected a date that exists, as YYYY-MM-DD" + (f" ({reason})" if reason else "")
    message = message.replace("Input should be", "expected").replace("String should have", "expected")
    value = error.get("input")
    if kind not in ("model_type",) and not isinstance(value, (dict, list)):
        message += f" (got {_shown(value)})"
    return message


DATE_ERRORS = ("date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_type")
SHOWN_CHARACTERS = 60


def _shown(value: Any) -> str:
    """A value as an error message quotes it: a 200 KB name is not printed whole."""
    if isinstance(value, str) and len(value) > SHOWN_CHARACTERS:
        return f"{value[:SHOWN_CHARACTERS]!r}… ({len(value):,} characters)"
    return repr(value)


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
    """A date-or-MM-DD field reports one error per alternative; keep the one for what the value looks
    like (a YYYY-MM-DD that does not exist, an MM-DD that does not), or one readable error instead."""
    kept: dict[tuple, dict[str, Any]] = {}
    for error in map(_untag, errors):
        loc = tuple(error["loc"])
        if loc and _is_union_member(loc[-1]):
            base, value = loc[:-1], error.get("input")
            looks = _looks_like(value)
            if looks and looks == _looks_like_member(loc[-1]):
                kept[base] = {**error, "loc": base}
            elif base in kept and kept[base]["type"] != "date_or_month_day":
                continue  # the member that matches what the value looks like has spoken
            else:
                kept[base] = {"type": "date_or_month_day", "loc": base, "input": value,
                              "msg": "expected an ISO date (YYYY-MM-DD) or MM-DD"}
        elif kept.get(loc) is None:
            kept[loc] = error
    return list(kept.values())


def _is_union_member(part: Any) -> bool:
    """Whether a part of an error's path is pydantic's name for a member of a union, not a field."""
    return isinstance(part, str) and ("[" in part or part.startswith("constrained-str"))


def _looks_like(value: Any) -> str | None:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value.strip()):
        return "date"
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}-\d{1,2}", value.strip()):
        return "month-day"
    return None


def _looks_like_member(part: str) -> str:
    return "month-day" if part.startswith("constrained-str") else "date"

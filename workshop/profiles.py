"""Vendor and partner profiles: pydantic models, safe loading of YAML/TOML/JSON, and error reports
that name the file, the line and the field."""

from __future__ import annotations

import json
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Callable, Iterator, Literal, TypeVar, Union

import holidays
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .errors import Problem, ProfileError, ProfileNotFound

PROFILE_SUFFIXES = (".yaml", ".yml", ".toml", ".json")
VENDOR_STEM = "vendor"
# An agreement (workshop.agreements) sits beside its partner profile as <partner-id>.agreement.yaml:
# the profile stays the input, the agreement is the outcome, so folder scans must tell them apart.
AGREEMENT_SUFFIX = ".agreement"

MonthNumber = Annotated[int, Field(ge=1, le=12)]
MonthDay = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class MonthlyCalendarSpec(_Model):
    """A fiscal year made of twelve calendar months, starting on the 1st of `first_month`."""

    type: Literal["monthly"] = "monthly"
    """Calendar kind: `monthly` (calendar months); a calendar without `type` is monthly."""
    first_month: MonthNumber = 1
    """Month (1-12) on whose 1st day the fiscal year starts; 1 is a calendar-year company."""
    naming: Literal["end", "start"] = "end"
    """Name a fiscal year after the calendar year in which it ends (`end`, the usual) or starts (`start`)."""


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")  # date.weekday() order
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WeekPattern = Literal["4-4-5", "4-5-4", "5-4-4", "13x4"]

# Periods a 52-week year is cut into: twelve from a 4-4-5 style pattern, thirteen from 13x4.
PERIODS_PER_PATTERN = {"4-4-5": 12, "4-5-4": 12, "5-4-4": 12, "13x4": 13}
DEFAULT_QUARTER_PERIODS = {12: (3, 3, 3, 3), 13: (3, 3, 3, 4)}


class WeeklyCalendarSpec(_Model):
    """A 52/53-week fiscal year that always ends on the same weekday (retail and hardware companies)."""

    type: Literal["weekly"]
    """Calendar kind: `weekly` (52/53 whole weeks, also called a 4-4-5 calendar)."""
    year_end_weekday: Weekday
    """Weekday on which every fiscal year ends, e.g. `saturday`."""
    year_end_month: MonthNumber
    """Calendar month (1-12) around whose end the fiscal year ends, e.g. 9 for late September."""
    year_end_rule: Literal["last", "nearest"] = "last"
    """`last`: the last `year_end_weekday` of `year_end_month`; `nearest`: that weekday nearest the month's last day (it may fall early in the next month)."""
    pattern: WeekPattern = "4-4-5"
    """Weeks per fiscal month in each 13-week quarter (`4-4-5`, `4-5-4`, `5-4-4`), or `13x4` for thirteen four-week periods."""
    quarter_periods: tuple[Annotated[int, Field(ge=1)], ...] | None = None
    """Periods in each of the four quarters, summing to 12 (4-4-5 style) or 13 (13x4); default [3, 3, 3, 3], or [3, 3, 3, 4] with 13x4."""
    extra_week_quarter: int = Field(default=4, ge=1, le=4)
    """Quarter (1-4) whose last period gets the 53rd week in a 53-week year."""
    naming: Literal["end", "start"] = "end"
    """Name a fiscal year after the calendar year of its `year_end_month` (`end`, the usual) or of its first month (`start`)."""

    @field_validator("year_end_weekday", mode="before")
    @classmethod
    def _lower_weekday(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("quarter_periods")
    @classmethod
    def _periods_fill_the_year(cls, value: tuple[int, ...] | None, info: ValidationInfo) -> tuple[int, ...] | None:
        pattern = info.data.get("pattern")
        if value is None or pattern is None:
            return value
        total = PERIODS_PER_PATTERN[pattern]
        if len(value) != 4 or sum(value) != total:
            raise ValueError(
                f"expected 4 numbers of periods, one per quarter, adding up to {total} for pattern {pattern}"
                f" (e.g. {list(DEFAULT_QUARTER_PERIODS[total])}); got {list(value)}"
            )
        return value

    @property
    def periods_per_quarter(self) -> tuple[int, ...]:
        """`quarter_periods`, or the usual split for the pattern when it is not given."""
        return self.quarter_periods or DEFAULT_QUARTER_PERIODS[PERIODS_PER_PATTERN[self.pattern]]


# Tagged by `type`; a calendar without `type` is monthly (see Profile._monthly_by_default).
FiscalCalendarSpec = Annotated[Union[MonthlyCalendarSpec, WeeklyCalendarSpec], Field(discriminator="type")]
CALENDAR_TYPES = ("monthly", "weekly")


class Planning(_Model):
    """When this company plans its fiscal year."""

    annual_planning_month: MonthNumber | None = None
    """Calendar month (1-12) in which annual planning for the next fiscal year starts."""
    plan_lock_month: MonthNumber | None = None
    """Calendar month (1-12) by which the annual plan is locked and execution starts."""


class Blackout(_Model):
    """A period in which the company cannot close business or meet (e.g. a shutdown or a holiday season)."""

    name: str = Field(min_length=1)
    """What the blackout is, as it should appear in documents."""
    start: date | MonthDay
    """First day: an ISO date (2027-08-02), or MM-DD for a blackout that recurs every year."""
    end: date | MonthDay
    """Last day, of the same kind as `start`; an MM-DD range may wrap the new year (12-20 to 01-06)."""

    @model_validator(mode="after")
    def _same_kind_and_ordered(self) -> Blackout:
        if isinstance(self.start, date) != isinstance(self.end, date):
            raise ValueError("start and end must both be ISO dates or both be MM-DD")
        if isinstance(self.start, date) and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if isinstance(self.start, str):
            for text in (self.start, self.end):
                month, day = map(int, text.split("-"))
                try:
                    date(2000, month, day)  # a leap year, so 02-29 is allowed
                except ValueError:
                    raise ValueError(f"{text} is not a day of the year") from None
        return self


class Absence(_Model):
    """Dates on which a contact is away."""

    start: date
    """First day away (ISO date)."""
    end: date
    """Last day away (ISO date)."""

    @model_validator(mode="after")
    def _ordered(self) -> Absence:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Contact(_Model):
    """A person who takes part in the planning session or signs the agreement."""

    name: str = Field(min_length=1)
    """Full name."""
    title: str = ""
    """Job title, as printed under a signature line."""
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    """Email address."""
    role: str = ""
    """Role in the partnership, e.g. `sales lead`, `executive sponsor`, `operations`."""
    signatory: bool = False
    """Whether this person signs the agreement memo for their side."""
    away: list[Absence] = []
    """Known absences (holidays, leave) as date ranges."""


class Deal(_Model):
    """An opportunity in the joint pipeline."""

    name: str = Field(min_length=1)
    """Deal or customer name."""
    amount: float = Field(ge=0)
    """Expected value."""
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"
    """ISO 4217 currency code."""
    expected_close: date
    """Date the deal is expected to close (ISO date)."""


Day = date  # a field called `date` would shadow the type inside the class body


class Session(_Model):
    """When and where the joint planning session takes place, as printed on the agenda."""

    date: Day | None = None
    """Day of the session (ISO date)."""
    start: Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")] | None = None
    """Start time, HH:MM (24-hour), in the partner's time zone."""
    place: str | None = None
    """Room, address or video link."""


class Profile(_Model):
    """A company's profile: who they are, their fiscal calendar, people, pipeline and constraints."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")] = ""
    """Short id used on the command line and in output folders; defaults to the file name."""
    name: str = Field(min_length=1)
    """Company name as it should appear in documents."""
    fiscal_calendar: FiscalCalendarSpec
    """How this company's fiscal year is laid out."""
    region: str | None = None
    """Sales region, e.g. `EMEA`, `APJ`, `Americas`."""
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None
    """ISO 3166-1 alpha-2 country code of the main office, e.g. `DE`, `JP`."""
    subdivision: str | None = None
    """ISO 3166-2 subdivision (state, province) for regional public holidays, e.g. `BY`, `NSW`."""
    timezone: str | None = None
    """IANA time zone, e.g. `Europe/Berlin`."""
    language: str | None = None
    """Preferred language for the session, e.g. `en`, `de`, `ja`."""
    tier: str | None = None
    """Partner programme tier, e.g. `Gold`."""
    planning: Planning = Planning()
    """When annual planning happens."""
    urgency_window_weeks: int = Field(default=2, ge=0, le=13)
    """Last weeks of each fiscal quarter in which closing pressure peaks."""
    blackouts: list[Blackout] = []
    """Periods in which business cannot close or people cannot meet."""
    contacts: list[Contact] = []
    """People on this side of the partnership."""
    deals: list[Deal] = []
    """Open deals in the joint pipeline."""
    notes: str = ""
    """Free text for the briefing pack."""
    session: Session = Session()
    """The planning session with this partner (date, time, place), for the agenda."""

    # The file this profile was read from (not a field): rule pack paths are relative to it.
    _source: Path | None = PrivateAttr(default=None)

    @field_validator("fiscal_calendar", mode="before")
    @classmethod
    def _monthly_by_default(cls, value: Any) -> Any:
        # Profiles written before weekly calendars existed leave `type` out.
        if isinstance(value, dict) and "type" not in value:
            return {**value, "type": "monthly"}
        return value

    @field_validator("country", mode="before")
    @classmethod
    def _upper_country(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        # Public holidays come from the `holidays` package, so a country it does not know has none.
        if value is not None and value not in holidays.list_supported_countries():
            raise ValueError(f"{value} is not a country with known public holidays (ISO 3166-1 alpha-2, e.g. DE, JP, US)")
        return value

    @field_validator("subdivision")
    @classmethod
    def _known_subdivision(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        if "country" not in info.data:
            return value  # the country is already reported as wrong
        country = info.data["country"]
        if country is None:
            raise ValueError("a subdivision needs a country; set `country` too")
        known = holidays.list_supported_countries()[country]
        if value not in known:
            listed = ", ".join(known) if known else "none"
            raise ValueError(f"{value} is not a subdivision of {country} (known: {listed})")
        return value


class ScoringWeights(_Model):
    """Relative weights of the MOP scoring factors (any non-negative numbers; they are normalised)."""

    urgency_overlap: float = Field(default=0.4, ge=0)
    """Period ends that fall where both sides push to close."""
    planning_alignment: float = Field(default=0.25, ge=0)
    """Each side's new fiscal year gets a joint kick-off."""
    collisions: float = Field(default=0.2, ge=0)
    """Period ends clear of holidays, blackouts and absences."""
    complexity: float = Field(default=0.15, ge=0)
    """Fewer new dates for both teams to track."""


class VendorProfile(Profile):
    """The vendor's own profile (the user's company): a profile plus document settings."""

    @field_validator("locale", check_fields=False)
    @classmethod
    def _known_locale(cls, value: str) -> str:
        from .formatting import parse_locale

        parse_locale(value)
        return value

    paper: Literal["a4", "letter"] = "a4"
    """Paper size of PDF documents."""
    review_cadence: str = "Monthly pipeline review; joint business review at the end of each MOP period"
    """How often both sides review progress against the agreement, as printed in the memo."""
    locale: str = "en_GB"
    """Locale for dates, months and money in documents, e.g. `en_GB`, `en_US`, `de_DE`, `ja_JP`."""
    logo: str | None = None
    """Logo image (PNG, JPEG or SVG) for the running header, relative to this file."""
    templates: list[str] = []
    """Template folders searched before the built-in theme, relative to this file (like --templates)."""
    session_minutes: int = Field(default=90, ge=30, le=480)
    """Length of the joint planning session; the agenda's sections share it."""
    scoring_weights: ScoringWeights = ScoringWeights()
    """How much each factor counts when MOP options are scored."""
    rules: list[str] = []
    """Extra rule packs (YAML files or folders of them), relative to this file, used besides the built-in ones."""


def profile_schema(kind: Literal["partner", "vendor"] = "partner") -> dict[str, Any]:
    """Return the JSON Schema of a partner or vendor profile."""
    model = VendorProfile if kind == "vendor" else Profile
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"workshop {kind} profile"
    return schema


# --- reading files ------------------------------------------------------------------------------

Path_ = tuple[str | int, ...]
ModelT = TypeVar("ModelT", bound=BaseModel)


# Profiles and rule packs are small; these limits stop hostile files (alias "billion laughs",
# megabytes of data, nesting that exhausts the stack) before they cost time or memory.
MAX_FILE_BYTES = 1_000_000
MAX_NODES = 50_000  # YAML nodes after expanding aliases
MAX_DEPTH = 40


def _read_yaml(path: Path, text: str) -> tuple[Any, dict[Path_, int], list[Problem]]:
    """Parse YAML safely, remembering the line of every key and item."""
    loader = None
    try:
        loader = yaml.SafeLoader(text)  # already reads the text: a NUL byte fails here
        node = loader.get_single_node()
        lines, problems = _node_lines(path, node)  # before constructing: it enforces the size limits
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = exc.problem or exc.context or "cannot parse"
        raise ProfileError([Problem(path, f"malformed YAML: {reason}", line=line)]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as NUL
        line = text.count("\n", 0, exc.position) + 1
        raise ProfileError([Problem(path, f"malformed YAML: character {chr(exc.character)!r} is not allowed",
                                    line=line)]) from None
    except yaml.YAMLError as exc:
        raise ProfileError([Problem(path, f"malformed YAML: {exc}")]) from None
    except RecursionError:
        raise ProfileError([Problem(path, f"YAML nested too deeply (more than {MAX_DEPTH} levels)")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, lines, problems


def _node_lines(path: Path, root: yaml.Node | None) -> tuple[dict[Path_, int], list[Problem]]:
    """The line of every key and item, duplicate keys, and the size limits."""
    lines: dict[Path_, int] = {}
    problems: list[Problem] = []
    count = 0

    def walk(node: yaml.Node, at: Path_) -> None:
        nonlocal count
        count += 1
        if count > MAX_NODES:
            raise ProfileError([Problem(path, f"YAML too large: more than {MAX_NODES} values once aliases are "
                                              f"expanded", line=node.start_mark.line + 1)])
        if len(at) > MAX_DEPTH:
            raise ProfileError([Problem(path, f"YAML nested too deeply (more than {MAX_DEPTH} levels)",
                                        line=node.start_mark.line + 1)])
        lines.setdefault(at, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):  # `{[a]: 1}` is YAML, but no profile key
                    raise ProfileError([Problem(path, "malformed YAML: a key must be plain text, not a list or "
                                                      "mapping", _dotted(at), key_node.start_mark.line + 1)])
                key = key_node.value
                if key in seen:
                    problems.append(Problem(path, "duplicate key", _dotted(at + (key,)), key_node.start_mark.line + 1))
                seen.add(key)
                lines[at + (key,)] = key_node.start_mark.line + 1
                walk(value_node, at + (key,))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, at + (index,))

    if root is not None:
        walk(root, ())
    return lines, problems


def _toml_lines(text: str) -> dict[Path_, int]:
    """Best-effort lines for TOML keys: the first line that assigns each key name."""
    lines: dict[Path_, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"\s*\[*\s*([A-Za-z0-9_.-]+)\s*[\]=]", line)
        if match:
            lines.setdefault((match.group(1).split(".")[-1],), number)
    return lines


def _read_mapping(path: Path) -> tuple[Any, dict[Path_, int], list[Problem]]:
    try:
        return _parse_file(path)
    except RecursionError:
        raise ProfileError([Problem(path, "nested too deeply")]) from None


def _parse_file(path: Path) -> tuple[Any, dict[Path_, int], list[Problem]]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ProfileError([Problem(path, f"file too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})")])
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileNotFound(f"{path}: no such profile file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError([Problem(path, f"cannot read file: {exc}")]) from None
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ProfileError([Problem(path, f"malformed JSON: {exc.msg}", line=exc.lineno)]) from None
        try:  # JSON is YAML, so the YAML reader can tell lines for error messages
            _, lines, _ = _read_yaml(path, text)
        except ProfileError:
            lines = {}
        return data, lines, []
    if suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = getattr(exc, "lineno", None)
            raise ProfileError([Problem(path, f"malformed TOML: {exc}", line=line)]) from None
        return data, {}, []  # TOML lines are looked up by key name below
    return _read_yaml(path, text)


def _dotted(at: Path_) -> str:
    text = ""
    for part in at:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _line_for(at: Path_, lines: dict[Path_, int], toml_lines: dict[Path_, int] | None) -> int | None:
    if toml_lines is not None:
        for part in reversed(at):
            if isinstance(part, str) and (part,) in toml_lines:
                return toml_lines[(part,)]
        return None
    for end in range(len(at), -1, -1):
        if at[:end] in lines:
            return lines[at[:end]]
    return None


def _describe(error: dict[str, Any], model: type[BaseModel], at: Path_, data: Any = None) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown field" + _expected_fields(model, at[:-1], data)
    if kind == "missing":
        return "required field is missing"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    message = message.replace("Input should be", "expected")
    value = error.get("input")
    if kind not in ("model_type",) and not isinstance(value, (dict, list)):
        message += f" (got {value!r})"
    return message


def _expected_fields(model: type[BaseModel], at: Path_, data: Any = None) -> str:
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
    names = getattr(current, "model_fields", {})
    return f"; expected one of: {', '.join(names)}" if names else ""


def _untag(error: dict[str, Any]) -> dict[str, Any]:
    """Speak of a calendar's fields as the file spells them: pydantic puts the union's tag in the path."""
    loc = tuple(error["loc"])
    at = loc.index("fiscal_calendar") if "fiscal_calendar" in loc else -1
    if at < 0:
        return error
    if error["type"] == "union_tag_invalid" and loc[at + 1:] == ():
        return {**error, "type": "calendar_type", "loc": loc + ("type",), "input": error["input"].get("type"),
                "msg": f"expected one of: {', '.join(CALENDAR_TYPES)}"}
    if loc[at + 1: at + 2] and loc[at + 1] in CALENDAR_TYPES:
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


def field_lines(path: str | Path) -> Callable[[Path_], int | None]:
    """A lookup from a field path (e.g. ("periods", 2, "start")) to its line in the file, for problems
    found after a file has loaded (checks that need more than one field, or other files)."""
    path = Path(path).absolute()
    _, lines, _ = _read_mapping(path)
    toml_lines = _toml_lines(path.read_text(encoding="utf-8")) if path.suffix.lower() == ".toml" else None
    return lambda at: _line_for(tuple(at), lines, toml_lines)


def dotted(at: Path_) -> str:
    """A field path as messages print it: `signatories.vendor[0].signed`."""
    return _dotted(tuple(at))


# Characters XML 1.0 (and so Word) cannot hold; tab, newline and carriage return are fine.
_NOT_IN_DOCUMENTS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


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


def load_model(path: str | Path, model: type[ModelT], *, defaults: dict[str, Any] | None = None,
               what: str = "a profile") -> ModelT:
    """Load one YAML/TOML/JSON file into a pydantic model; raise ProfileError listing every problem in it."""
    path = Path(path).absolute()
    data, lines, problems = _read_mapping(path)
    if not isinstance(data, dict):
        problems.append(Problem(path, f"{what} must be a mapping of fields", line=1))
        raise ProfileError(problems)
    data = {**(defaults or {}), **data}
    toml_lines = _toml_lines(path.read_text(encoding="utf-8")) if path.suffix.lower() == ".toml" else None
    for at, text in _strings(data):
        if bad := _NOT_IN_DOCUMENTS.search(text):
            problems.append(Problem(path, f"contains the control character U+{ord(bad.group()):04X}, which PDF and "
                                          f"Word text cannot hold; remove it", _dotted(at),
                                    _line_for(at, lines, toml_lines)))
    try:
        loaded = model.model_validate(data)
    except ValidationError as exc:
        for error in _collapse_union_errors(exc.errors(include_url=False)):
            at = tuple(error["loc"])
            problems.append(Problem(path, _describe(error, model, at, data), _dotted(at),
                                    _line_for(at, lines, toml_lines)))
        raise ProfileError(sorted(problems, key=lambda p: (p.line or 0, p.field))) from None
    if problems:
        raise ProfileError(problems)
    return loaded


def load_profile(path: str | Path, *, vendor: bool = False) -> Profile:
    """Load and validate one profile file; raise ProfileError listing every problem in it."""
    path = Path(path).absolute()
    model: type[Profile] = VendorProfile if vendor else Profile
    profile = load_model(path, model, defaults={"id": path.stem.lower()},
                         what="a profile (name: ..., fiscal_calendar: ...)")
    profile._source = path
    return profile


def load_vendor(path: str | Path) -> VendorProfile:
    """Load and validate the vendor's own profile."""
    profile = load_profile(path, vendor=True)
    assert isinstance(profile, VendorProfile)
    return profile


def profile_files(folder: str | Path) -> list[Path]:
    """Partner profile files in a folder, sorted by name; the vendor profile and agreement files are not among them."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ProfileNotFound(f"{folder}: no such profiles folder")
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in PROFILE_SUFFIXES and p.stem.lower() != VENDOR_STEM
        and not is_agreement_file(p)
    )


def agreement_files(folder: str | Path) -> list[Path]:
    """Agreement files (`<partner-id>.agreement.yaml`) in a profiles folder, sorted by name."""
    return sorted(p for p in Path(folder).glob(f"*{AGREEMENT_SUFFIX}.yaml") if p.is_file())


def is_agreement_file(path: str | Path) -> bool:
    """Whether a file is an agreement record (`<partner-id>.agreement.yaml`) rather than a profile."""
    return Path(path).stem.lower().endswith(AGREEMENT_SUFFIX)


def find_vendor_file(folder: str | Path) -> Path:
    """The vendor profile (vendor.yaml, .yml, .toml or .json) in a profiles folder."""
    folder = Path(folder)
    for suffix in PROFILE_SUFFIXES:
        candidate = folder / f"{VENDOR_STEM}{suffix}"
        if candidate.is_file():
            return candidate
    raise ProfileNotFound(f"{folder}: no vendor profile (vendor.yaml) here; pass --vendor FILE")


def resolve_partner(partner: str, profiles_dir: str | Path) -> Path:
    """Turn a PARTNER argument (an id in the profiles folder, or a path to a file) into a file path."""
    given = Path(partner)
    if given.suffix.lower() in PROFILE_SUFFIXES or given.is_file():
        if not given.is_file():
            raise ProfileNotFound(f"{given}: no such profile file")
        return given
    folder = Path(profiles_dir)
    for suffix in PROFILE_SUFFIXES:
        candidate = folder / f"{partner}{suffix}"
        if candidate.is_file():
            return candidate
    known = ", ".join(p.stem for p in profile_files(folder)) if folder.is_dir() else ""
    hint = f" (known partners: {known})" if known else ""
    raise ProfileNotFound(f"no partner {partner!r} in {folder}{hint}")

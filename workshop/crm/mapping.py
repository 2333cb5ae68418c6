"""Import mappings: which export column fills which profile field, how the export writes dates and
numbers, and which values mean what. The built-in ones (Salesforce, HubSpot) are YAML files in
`sources/`; a user's mapping file has the same form and may start from one of them (`base:`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import Problem, ProfileError
from ..profiles import MonthlyCalendarSpec, WeeklyCalendarSpec
from ..readers import load_model, read_source, validate_source
from ..readers.source import Source
from .values import CellError, as_text, date_pattern, parse_business_model, parse_currency, parse_month, parse_sector

SOURCES_FOLDER = Path(__file__).parent / "sources"
KINDS = ("accounts", "contacts", "deals")

ACCOUNT_FIELDS = ("crm_id", "name", "country", "region", "tier", "sector", "business_model",
                  "fiscal_year_end", "fiscal_year_start", "fiscal_calendar")
CONTACT_FIELDS = ("account", "crm_id", "name", "first_name", "last_name", "title", "email", "role", "signatory")
DEAL_FIELDS = ("account", "crm_id", "name", "amount", "currency", "expected_close", "owner")
FIELDS = {"accounts": ACCOUNT_FIELDS, "contacts": CONTACT_FIELDS, "deals": DEAL_FIELDS}
"""The fields a column may fill, per kind of export."""

REQUIRED = {
    "accounts": (("crm_id",), ("name",)),
    "contacts": (("account",), ("name", "first_name", "last_name")),
    "deals": (("account",), ("name",), ("amount",), ("expected_close",)),
}
"""Per kind, groups of fields of which the export needs a column for at least one each."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class TableMapping(_Model):
    """How one kind of export (accounts, contacts or deals) maps onto profile fields."""

    kind: ClassVar[str]
    columns: dict[str, str] = Field(min_length=1)
    """Export column header → the field it fills. Several headers may fill one field; the first one
    the export has is used."""
    values: dict[str, dict[str, Any]] = {}
    """Per field, export values → what they mean, e.g. `sector: {Government: public-sector}` or
    `fiscal_calendar: {"FY ends March": {type: monthly, first_month: 4}}`; matched ignoring case."""
    skip: dict[str, list[str]] = {}
    """Export column header → values whose rows are left out, e.g. `Stage: [Closed Won, Closed Lost]`."""

    @model_validator(mode="after")
    def _fields_known_and_required_mapped(self) -> TableMapping:
        known = FIELDS[self.kind]
        unknown = sorted({f for f in [*self.columns.values(), *self.values] if f not in known})
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not a field of {self.kind} (expected one of: {', '.join(known)})")
        for group in REQUIRED[self.kind]:
            if not set(group) & set(self.columns.values()):
                raise ValueError(f"no column fills {' or '.join(group)}, which every row of {self.kind} needs")
        for field, meanings in self.values.items():
            for text, meaning in meanings.items():
                try:
                    _check_meaning(field, meaning)
                except (CellError, ValueError) as exc:
                    raise ValueError(f"values.{field}.{text}: {exc}") from None
        return self

    def column_for(self, field: str, headers: list[str]) -> str | None:
        """The header that fills `field` in a table with these headers: the mapping's first that is
        there, compared ignoring case (CRMs change the capitals of their labels between versions)."""
        present = {h.casefold(): h for h in headers}
        return next((present[c.casefold()] for c, f in self.columns.items()
                     if f == field and c.casefold() in present), None)

    def recognises(self, headers: list[str]) -> tuple[bool, int, list[str]]:
        """Whether a table with these headers is this kind of export, how many mapped columns it has,
        and the columns it lacks (one per required field group)."""
        present = {h.casefold() for h in headers}
        filled = {f for c, f in self.columns.items() if c.casefold() in present}
        lacking = [" or ".join(f'"{c}"' for c, f in self.columns.items() if f in group)
                   for group in REQUIRED[self.kind] if not set(group) & filled]
        return not lacking, sum(c.casefold() in present for c in self.columns), lacking

    def meaning(self, field: str, value: Any) -> Any:
        """What a value map says `value` means for `field`, or `value` itself. Values match ignoring
        case and punctuation, so "Hospital & Health Care" and HOSPITAL_HEALTH_CARE are one value."""
        meanings = self.values.get(field)
        if not meanings:
            return value
        wanted = value_key(value)
        return next((m for text, m in meanings.items() if value_key(text) == wanted), value)

    def skips(self, cells: dict[str, Any]) -> bool:
        """Whether a row is left out (a closed deal), by the `skip` values of its columns."""
        present = {h.casefold(): v for h, v in cells.items()}
        return any(value_key(present.get(column.casefold())) in {value_key(v) for v in values}
                   for column, values in self.skip.items() if present.get(column.casefold()) is not None)


class AccountsMapping(TableMapping):
    """How an accounts (companies) export maps onto a profile's company fields."""

    kind: ClassVar[str] = "accounts"


class ContactsMapping(TableMapping):
    """How a contacts export maps onto a profile's contacts."""

    kind: ClassVar[str] = "contacts"


class DealsMapping(TableMapping):
    """How an opportunities (deals) export maps onto a profile's deals."""

    kind: ClassVar[str] = "deals"


class NumberFormat(_Model):
    """How the export writes numbers: 1,250,000.00 (decimal ".", thousands ",") or 1.250.000,00."""

    decimal: Literal[".", ","] = "."
    """The decimal separator."""
    thousands: Literal[",", ".", " ", "'", ""] = ","
    """The thousands separator ("" for none, " " for a space)."""

    @model_validator(mode="after")
    def _different(self) -> NumberFormat:
        if self.decimal == self.thousands:
            raise ValueError("decimal and thousands separators must differ")
        return self


class Mapping(_Model):
    """An import mapping: one CRM's (or spreadsheet's) exports described for `workshop import`."""

    name: str = "export"
    """The source's name, as messages print it, e.g. `Salesforce`."""
    base: str | None = None
    """A built-in mapping (salesforce, hubspot) this one starts from; its settings are overridden key by key."""
    dates: list[str] = Field(default=["YYYY-MM-DD"], min_length=1)
    """Date formats of the export, tried in order, e.g. [DD.MM.YYYY] or [MM/DD/YYYY, YYYY-MM-DD]."""
    numbers: NumberFormat = NumberFormat()
    """How the export writes numbers."""
    currency: str | None = None
    """Currency of amounts when the export has no currency column (a single-currency CRM), e.g. EUR."""
    accounts: AccountsMapping | None = None
    """The accounts (companies) export."""
    contacts: ContactsMapping | None = None
    """The contacts export."""
    deals: DealsMapping | None = None
    """The opportunities (deals) export."""

    @field_validator("dates")
    @classmethod
    def _date_formats(cls, value: list[str]) -> list[str]:
        for pattern in value:
            date_pattern(pattern)
        return value

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        return None if value is None else parse_currency(value)

    @model_validator(mode="after")
    def _some_kind(self) -> Mapping:
        if not self.tables():
            raise ValueError(f"a mapping needs at least one of: {', '.join(KINDS)}")
        return self

    def tables(self) -> dict[str, TableMapping]:
        """The kinds of export this mapping describes."""
        return {kind: table for kind in KINDS if (table := getattr(self, kind)) is not None}


def _check_meaning(field: str, meaning: Any) -> None:
    """Raise if a value map's `meaning` cannot fill `field` (checked when the mapping loads, not per row)."""
    if field == "fiscal_calendar":
        if not isinstance(meaning, dict):
            raise ValueError("expected a calendar, e.g. {type: monthly, first_month: 4}")
        spec = WeeklyCalendarSpec if meaning.get("type") == "weekly" else MonthlyCalendarSpec
        spec.model_validate(meaning)
    elif field in ("fiscal_year_end", "fiscal_year_start"):
        parse_month(meaning)
    elif field == "sector":
        parse_sector(meaning)
    elif field == "business_model":
        parse_business_model(meaning)


def value_key(value: Any) -> str:
    """A value as value maps compare it: case and punctuation ignored."""
    return " ".join(re.sub(r"[^\w]+|_", " ", as_text(value).casefold()).split())


def source_names() -> tuple[str, ...]:
    """The built-in mappings, e.g. ("hubspot", "salesforce")."""
    return tuple(sorted(p.stem for p in SOURCES_FOLDER.glob("*.yaml")))


def builtin_mapping(name: str) -> Mapping:
    """A built-in mapping by name (see source_names)."""
    if name not in source_names():
        raise ProfileError([Problem(Path(name), f"no built-in import mapping {name!r} "
                                                f"(known: {', '.join(source_names())})")])
    return load_model(SOURCES_FOLDER / f"{name}.yaml", Mapping, what="an import mapping")


def load_mapping(path: str | Path) -> Mapping:
    """Load a mapping file (`--map import.yaml`); ProfileError names each problem's file, line and field."""
    source = read_source(Path(path).absolute())
    data = source.data
    if isinstance(data, dict) and isinstance(data.get("base"), str):
        base = data["base"]
        if base not in source_names():
            raise ProfileError([Problem(source.path, f"no built-in mapping {base!r} (known: "
                                                     f"{', '.join(source_names())})", "base", source.line(("base",)))])
        data = _overlay(read_source(SOURCES_FOLDER / f"{base}.yaml").data, data)
    return validate_source(Source(source.path, data, source.lines, source.problems), Mapping,
                           what="an import mapping (accounts: ..., contacts: ..., deals: ...)")


def _overlay(base: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """`own` over `base`, merging mappings key by key (a kind's columns add to the base's)."""
    merged = dict(base)
    for key, value in own.items():
        both = isinstance(value, dict) and isinstance(base.get(key), dict)
        merged[key] = _overlay(base[key], value) if both else value
    return merged

"""Reading the rows of one export table into records of profile values, each value remembering the
column it came from; a bad cell fails its row with a problem naming the row and the column."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from pydantic import BaseModel

from ..errors import Problem, ProfileError
from ..profiles import Contact, Deal, Profile
from ..readers import Table, validate_source
from ..readers.source import Source
from .mapping import FIELDS, REQUIRED, Mapping, TableMapping
from .values import (CellError, as_text, parse_amount, parse_bool, parse_business_model, parse_country,
                     parse_currency, parse_date, parse_month, parse_sector)

SINGULAR = {"accounts": "account", "contacts": "contact", "deals": "deal"}
ACCOUNT_PROFILE_FIELDS = ("crm_id", "name", "fiscal_calendar", "region", "country", "tier", "sector",
                          "business_model")
"""The profile fields an accounts export fills (fiscal_calendar from a fiscal year end or start, too)."""


@dataclass
class Record:
    """One row of an export, read into the values of a profile (accounts), a contact or a deal."""

    kind: str
    table: Table
    row: int
    account: str
    """The CRM id of the account the row belongs to (its own id, for an account)."""
    values: dict[str, Any]
    """Profile field → value, for the cells that were filled (an empty cell leaves a field as it is)."""
    columns: dict[str, str]
    """Profile field → the column its value came from."""

    def problem(self, message: str, field: str = "") -> Problem:
        """A problem with this row, at the column that gave `field`."""
        return self.table.problem(message, self.row, self.columns.get(field, ""))

    @property
    def where(self) -> str:
        """The row, as messages name it."""
        return f"{self.table.label} row {self.row}"


@dataclass
class TableRecords:
    """What one table gave: its records, the problems of the rows that failed, and the rows left out."""

    table: Table
    kind: str
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0
    """Rows left out by the mapping's `skip` values (closed deals)."""
    skipped_ids: set[str] = field(default_factory=set)
    """CRM ids of the rows left out: a deal the export says is closed leaves the profile."""
    skipped_accounts: set[str] = field(default_factory=set)
    """The accounts of the rows left out, whose profiles may hold those deals."""
    failed_ids: set[str] = field(default_factory=set)
    """CRM ids of the rows that failed: what they name is neither updated nor removed."""


def read_records(table: Table, kind: str, mapping: Mapping) -> TableRecords:
    """Every row of `table`, an export of `kind`, read with `mapping`."""
    result = TableRecords(table, kind)
    spec = mapping.tables()[kind]
    used = {f: c for f in FIELDS[kind] if (c := spec.column_for(f, table.columns))}
    parsers = _parsers(mapping)
    for row in table.rows:
        if spec.skips(row.cells):
            result.skipped += 1
            for name, found in (("crm_id", result.skipped_ids), ("account", result.skipped_accounts)):
                if name in used and row.cells.get(used[name]) is not None:
                    found.add(parsers[name](row.cells[used[name]]))
            continue
        values, columns, problems = {}, {}, []
        for name, column in used.items():
            raw = row.cells.get(column)
            if raw is None:
                continue
            try:
                values[name] = parsers[name](spec.meaning(name, raw))
                columns[name] = column
            except CellError as exc:
                problems.append(table.problem(str(exc), row.number, column))
        record = Record(kind, table, row.number, "", values, columns)
        if not problems:
            problems = _complete(record, spec, used, mapping)
        if not problems:
            problems = _validate(record)
        if problems:
            result.problems.extend(problems)
            if values.get("crm_id"):
                result.failed_ids.add(values["crm_id"])
        else:
            result.records.append(record)
    return result


def _parsers(mapping: Mapping) -> dict[str, Callable[[Any], Any]]:
    numbers = mapping.numbers
    return {
        **{name: _line for name in ("crm_id", "name", "first_name", "last_name", "title", "email", "role",
                                    "region", "tier", "owner")},
        "account": lambda v: next((part.strip() for part in as_text(v).split(";") if part.strip()), ""),
        "country": parse_country, "sector": parse_sector, "business_model": parse_business_model,
        "fiscal_year_end": parse_month, "fiscal_year_start": parse_month, "fiscal_calendar": _calendar,
        "signatory": parse_bool, "currency": parse_currency,
        "amount": lambda v: parse_amount(v, numbers.decimal, numbers.thousands),
        "expected_close": lambda v: parse_date(v, mapping.dates),
    }


def _line(value: Any) -> str:
    """Text on one line: a line break typed into a CRM field would split a name in a document."""
    return " ".join(as_text(value).split())


def _calendar(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CellError(f"{as_text(value)!r} is not a calendar the mapping knows; map it under "
                        f"`values: fiscal_calendar:` in the mapping file, e.g. {{type: monthly, first_month: 4}}")
    return dict(value)


def _complete(record: Record, spec: TableMapping, used: dict[str, str], mapping: Mapping) -> list[Problem]:
    """Derive the fields that several cells make (name, calendar, currency); check the required ones."""
    values, columns, problems = record.values, record.columns, []
    if "name" not in values and ("first_name" in values or "last_name" in values):
        values["name"] = " ".join(values[f] for f in ("first_name", "last_name") if f in values)
        columns["name"] = columns.get("first_name") or columns["last_name"]
    for part in ("first_name", "last_name"):
        values.pop(part, None)
    if "fiscal_calendar" not in values:
        if "fiscal_year_start" in values:
            values["fiscal_calendar"] = {"type": "monthly", "first_month": values["fiscal_year_start"]}
            columns["fiscal_calendar"] = columns["fiscal_year_start"]
        elif "fiscal_year_end" in values:
            values["fiscal_calendar"] = {"type": "monthly", "first_month": values["fiscal_year_end"] % 12 + 1}
            columns["fiscal_calendar"] = columns["fiscal_year_end"]
    values.pop("fiscal_year_start", None)
    values.pop("fiscal_year_end", None)
    if "amount" in values:
        values["amount"], written = values["amount"]
        if written and values.setdefault("currency", written) != written:
            problems.append(record.problem(f"the amount is in {written} but the currency column says "
                                           f"{values['currency']}", "amount"))
        if "currency" not in values and mapping.currency:
            values["currency"] = mapping.currency
    record.account = values.pop("account", "") if record.kind != "accounts" else values.get("crm_id", "")
    what = SINGULAR[record.kind]
    present = {**values, "account": record.account}
    for group in REQUIRED[record.kind]:
        if not any(present.get(f) for f in group):
            column = next((used[f] for f in group if f in used), "")
            problems.append(record.table.problem(f"empty; every {what} needs {_describe(group)}", record.row, column))
    return problems


def _describe(group: tuple[str, ...]) -> str:
    names = {"crm_id": "its id in the CRM", "account": "the id of its account", "name": "a name",
             "amount": "an amount", "expected_close": "a close date"}
    return names.get(group[0], " or ".join(group))


MODELS: dict[str, type[BaseModel]] = {"contacts": Contact, "deals": Deal}


def _validate(record: Record) -> list[Problem]:
    """Check the row's values as the profile will hold them (an e-mail address, a known country ...)."""
    if record.kind == "accounts":
        data = {f: record.values[f] for f in ACCOUNT_PROFILE_FIELDS if f in record.values}
        data.setdefault("fiscal_calendar", {"type": "monthly"})
        model: type[BaseModel] = Profile
    else:
        data, model = dict(record.values), MODELS[record.kind]
    try:
        validate_source(Source(record.table.path, data), model, what=f"a {SINGULAR[record.kind]}")
    except ProfileError as exc:
        return [record.problem(_plain(p.message, p.field), p.field.split(".")[0].split("[")[0]) for p in exc.problems]
    return []


def _plain(message: str, field: str) -> str:
    """A pydantic message in the words of the field: an e-mail address, not a regular expression."""
    if field == "email" and message.startswith("String should match pattern"):
        return message[message.rfind("(got ") + 5:-1] + " is not an e-mail address"
    return message

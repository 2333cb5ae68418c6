"""Updating a profile's YAML with what the CRM says and keeping everything else: comments, key order,
quoting, the fields the export does not fill, and contacts and deals added by hand."""

from __future__ import annotations

import calendar
import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.representer import RoundTripRepresenter

from ..profiles import Contact, Deal, MonthlyCalendarSpec, Profile, WeeklyCalendarSpec
from .records import ACCOUNT_PROFILE_FIELDS, Record

SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/partner.schema.json"
ORDER = {"profile": list(Profile.model_fields), "contacts": list(Contact.model_fields),
         "deals": list(Deal.model_fields), "monthly": list(MonthlyCalendarSpec.model_fields),
         "weekly": list(WeeklyCalendarSpec.model_fields)}
"""Where a new key goes: after the keys that come before it in the model, as `workshop init` writes them."""
MATCH_KEYS = {"contacts": ("email", "name"), "deals": ("name",)}
"""How an imported contact or deal finds its item in the profile when either lacks a CRM id."""
ASSUMED_CALENDAR = "assumed: the CRM export has no fiscal year; check it with the partner"


@dataclass(frozen=True)
class Change:
    """One field of one profile that the import sets, changes or removes."""

    field: str
    """The field as messages print it: `tier`, `deals[Stadtwerke Bonn].amount`."""
    old: Any
    new: Any

    def __str__(self) -> str:
        if self.old is None:
            return f"{self.field}: {_show(self.new)}"
        if self.new is None:
            return f"{self.field}: removed ({_show(self.old)})"
        return f"{self.field}: {_show(self.old)} → {_show(self.new)}"


@dataclass
class Update:
    """What updating one profile did: its changes, notes for the user, and which row set each field."""

    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    origins: dict[str, tuple[Record, str]] = field(default_factory=dict)
    """Field path (`contacts[2].email`) → the row and field that set it, to blame a row for a problem."""


class _Representer(RoundTripRepresenter):
    """ruamel.yaml writes YAML 1.2, but profiles are read with PyYAML (YAML 1.1), for which NO (Norway),
    on, 1_000 or 12:30 are not text; such text is quoted."""

    _resolver = pyyaml.resolver.Resolver()

    def represent_text(self, data: str):
        if self._resolver.resolve(pyyaml.ScalarNode, data, (True, False)) != "tag:yaml.org,2002:str":
            return self.represent_scalar("tag:yaml.org,2002:str", data, style="'")
        return self.represent_str(data)


_Representer.add_representer(str, _Representer.represent_text)


class ProfileDocument:
    """A profile's YAML, read for a round trip (or a new, empty one)."""

    def __init__(self, text: str | None = None):
        self.new = text is None
        self.yaml = YAML()  # round-trip mode: comments, key order and quoting survive
        self.yaml.Representer = _Representer
        self.yaml.preserve_quotes = True
        self.yaml.width = 4096  # never re-wrap a long line the user wrote
        offset = _sequence_offset(text or "")
        self.yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
        self.data = self.yaml.load(text) if text else CommentedMap()

    def dump(self) -> bytes:
        """The YAML text, with the schema line editors use for completion first."""
        stream = io.StringIO()
        self.yaml.dump(self.data, stream)
        text = stream.getvalue()
        if not text.startswith(SCHEMA_LINE):
            text = SCHEMA_LINE + "\n" + text
        return text.encode("utf-8")


def _sequence_offset(text: str) -> int:
    """How far the file indents a list's dashes under its key (2 in `workshop`'s examples, 0 in PyYAML's)."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    for key, item in zip(lines, lines[1:]):
        if re.match(r"\s*[^\s-][^:]*:\s*$", key) and item.lstrip().startswith("- "):
            return max(0, (len(item) - len(item.lstrip())) - (len(key) - len(key.lstrip())))
    return 2


def update_profile(document: ProfileDocument, account: Record | None, contacts: list[Record], deals: list[Record],
                   *, listed: set[str], closed: set[str], failed: set[str]) -> Update:
    """Write what the CRM says into `document`; only the fields the export filled are touched.

    `listed` are the kinds of export read: a contact or deal of the profile with a CRM id that such an
    export does not list is named in a note and kept (the export may be filtered). A deal whose CRM
    id is in `closed` (rows the export lists as closed won or lost) leaves the profile. Items whose
    row failed (`failed`) are left as they are without a note: the failure is reported."""
    update, doc = Update(), document.data
    if account is not None:
        for name in ACCOUNT_PROFILE_FIELDS:
            if name in account.values and name != "fiscal_calendar":
                if _set(doc, name, account.values[name], ORDER["profile"], update, name):
                    update.origins[name] = (account, name)
        _update_calendar(document, account, update)
    for kind, records in (("contacts", contacts), ("deals", deals)):
        if records or (kind in listed and doc.get(kind)):
            _update_items(doc, kind, records, update, listed=kind in listed, closed=closed, failed=failed)
    return update


def _update_calendar(document: ProfileDocument, account: Record, update: Update) -> None:
    doc, given = document.data, account.values.get("fiscal_calendar")
    existing = doc.get("fiscal_calendar")
    if given is None:
        if existing is None:
            _set(doc, "fiscal_calendar", _flow({"type": "monthly", "first_month": 1}), ORDER["profile"], update,
                 "fiscal_calendar")
            doc.yaml_add_eol_comment(ASSUMED_CALENDAR, "fiscal_calendar")
            update.notes.append(f"fiscal_calendar: {ASSUMED_CALENDAR} (a calendar year is assumed)")
        return
    if existing is None:
        _set(doc, "fiscal_calendar", _flow(given), ORDER["profile"], update, "fiscal_calendar")
        update.origins["fiscal_calendar"] = (account, "fiscal_calendar")
        return
    kind = existing.get("type", "monthly") if isinstance(existing, dict) else None
    if kind != given["type"]:
        # A 52/53-week calendar is typed by hand from the partner's published calendar; a CRM picklist
        # of months cannot describe it, so the CRM loses and the user decides.
        column = account.columns["fiscal_calendar"]
        update.notes.append(f"fiscal_calendar: kept as it is ({kind or 'not a calendar'}); the CRM says "
                            f"{_describe_calendar(given)} ({account.where}, column \"{column}\")")
        return
    for key, value in given.items():
        if key == "type" and "type" not in existing:
            continue  # a calendar without `type` is monthly; leave the file as terse as it was
        if _set(existing, key, value, ORDER[kind], update, f"fiscal_calendar.{key}"):
            update.origins["fiscal_calendar"] = (account, "fiscal_calendar")


def _describe_calendar(spec: dict[str, Any]) -> str:
    if spec["type"] == "monthly":
        return f"a fiscal year starting in {calendar.month_name[spec.get('first_month', 1)]}"
    return f"a {spec['type']} calendar"


def _update_items(doc: CommentedMap, kind: str, records: list[Record], update: Update, *, listed: bool,
                  closed: set[str], failed: set[str]) -> None:
    items = doc.get(kind)
    if not isinstance(items, list):
        items = CommentedSeq()
        _set(doc, kind, items, ORDER["profile"], update, kind, record=False)
    sources: dict[int, Record] = {}  # id() of an item → the row that filled it
    matched: set[int] = set()
    added = []
    for record in records:
        at = _match(items, record, matched)
        label = f"{kind}[{record.values['name']}]"
        if at is None:
            added.append(record)
            continue
        matched.add(at)
        sources[id(items[at])] = record
        for name, value in record.values.items():
            _set(items[at], name, _yaml_value(value), ORDER[kind], update, f"{label}.{name}")
    for at in sorted(set(range(len(items))) - matched, reverse=True):
        item = items[at]
        crm_id = str(item.get("crm_id") or "") if isinstance(item, dict) else ""
        if not crm_id or crm_id in failed:
            continue
        label = f"{kind}[{item.get('name', crm_id)}]"
        if kind == "deals" and crm_id in closed:
            del items[at]
            update.changes.append(Change(label, "closed in the CRM", None))
        elif listed:
            update.notes.append(f"{label}: crm_id {crm_id} is not in the {kind} export; kept as it is")
    flow = bool(items) and isinstance(items[-1], CommentedMap) and items[-1].fa.flow_style()
    if not items and kind == "deals":
        flow = True  # one line per deal, as the examples write them
    for record in added:
        item = CommentedMap((name, _yaml_value(record.values[name])) for name in ORDER[kind] if name in record.values)
        if flow:
            item.fa.set_flow_style()
        items.append(item)
        sources[id(item)] = record
        update.changes.append(Change(f"{kind}[{record.values['name']}]", None, "added"))
    for at, item in enumerate(items):
        if id(item) in sources:
            for name in sources[id(item)].values:
                update.origins[f"{kind}[{at}].{name}"] = (sources[id(item)], name)
    if not items:
        del doc[kind]


def _match(items: list, record: Record, taken: set[int]) -> int | None:
    """The item `record` updates: same CRM id; else, where either has none, same e-mail or name."""
    crm_id = record.values.get("crm_id")
    for key in ("crm_id", *MATCH_KEYS[record.kind]):
        wanted = record.values.get(key)
        if not wanted:
            continue
        for at, item in enumerate(items):
            if at in taken or not isinstance(item, dict):
                continue
            if key != "crm_id" and crm_id and item.get("crm_id") and str(item["crm_id"]) != crm_id:
                continue  # another record of the CRM that happens to share a name
            have = item.get(key)
            if have is not None and str(have).casefold() == str(wanted).casefold():
                return at
    return None


def _set(mapping: CommentedMap, key: str, value: Any, order: list[str], update: Update, label: str,
         record: bool = True) -> bool:
    """Set `key` if its value differs, a new key after those that precede it in `order`; True if changed."""
    if key in mapping:
        if _same(mapping[key], value):
            return False
        old = mapping[key]
        mapping[key] = value
    else:
        old = None
        earlier = order[: order.index(key)] if key in order else list(mapping)
        position = max((i + 1 for i, k in enumerate(mapping) if k in earlier), default=0)
        mapping.insert(position, key, value)
    if record:
        update.changes.append(Change(label, old, value))
    return True


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, bool) or isinstance(new, bool):
        return old is new or (isinstance(old, bool) and isinstance(new, bool) and old == new)
    if isinstance(old, (int, float)) and isinstance(new, (int, float)):
        return float(old) == float(new)
    if isinstance(old, date) or isinstance(new, date):
        return old == new
    if isinstance(old, dict) and isinstance(new, dict):
        return dict(old) == dict(new)
    return str(old) == str(new) if isinstance(old, str) and isinstance(new, str) else old == new


def _yaml_value(value: Any) -> Any:
    """An amount of 250000.0 is written 250000."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _flow(values: dict[str, Any]) -> CommentedMap:
    item = CommentedMap(values)
    item.fa.set_flow_style()
    return item


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return f"{len(value)} items"
    return str(_yaml_value(value)).replace("\n", "\\n")  # one change, one line

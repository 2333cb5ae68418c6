"""`workshop import`: partner profiles written or updated from CRM and spreadsheet exports.

The stages, in order: read the export files into tables; tell which kind of export each table is
(accounts, contacts, deals); read their rows into records; join them by the CRM's account id; find
each account's profile by its `crm_id` (or name a new file); update the profile's YAML; validate it
as it would be written; write it (unless checking)."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import Problem, ProfileError, UsageError
from ..profiles import Profile
from ..readers import Table, read_source, read_tables, validate_source
from ..readers import yaml as yaml_reader
from ..storage import write_atomic
from ..workspace import PROFILE_WHAT, VENDOR_STEM, file_id, profile_files
from .mapping import Mapping, builtin_mapping, load_mapping, source_names
from .merge import Change, ProfileDocument, update_profile
from .records import SINGULAR, Record, TableRecords, read_records

logger = logging.getLogger(__name__)

MAX_ID_LENGTH = 60
# Letters that Unicode does not decompose into a base letter and an accent.
_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "ł": "l",
                       "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "TH", "ı": "i"})


@dataclass
class TableRead:
    """One table of the import: which export it was taken for, and how many rows it gave."""

    label: str
    kind: str
    rows: int
    skipped: int
    """Rows left out by the mapping (closed deals)."""


@dataclass
class PartnerImport:
    """What the import does to one partner's profile."""

    path: Path
    name: str
    action: Literal["create", "update", "unchanged"]
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Things the user should know or decide, e.g. a hand-written weekly calendar the CRM disagrees with."""


@dataclass
class ImportReport:
    """The outcome of an import: per partner what changed, the rows that failed, partners the export lacks."""

    source: str
    """The mapping's name, e.g. `Salesforce`."""
    check: bool
    """Nothing was written (`--check`)."""
    tables: list[TableRead] = field(default_factory=list)
    partners: list[PartnerImport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    """Every row (and file) that could not be imported, with file, row and column."""
    missing: list[tuple[Path, str]] = field(default_factory=list)
    """Profiles (file, name) whose `crm_id` the accounts export does not list; they are left as they are."""

    @property
    def ok(self) -> bool:
        """Whether every row was imported."""
        return not self.problems

    def summary(self) -> str:
        """One line: partners created, updated and unchanged, missing, and rows failed."""
        count = {action: sum(p.action == action for p in self.partners) for action in ("create", "update", "unchanged")}
        verbs = ("would be created", "would be updated") if self.check else ("created", "updated")
        parts = [f"{count['create']} {verbs[0]}", f"{count['update']} {verbs[1]}", f"{count['unchanged']} unchanged"]
        if self.missing:
            parts.append(f"{len(self.missing)} not in the export (left as they are)")
        parts.append(f"{len(self.problems)} problem{'s' * (len(self.problems) != 1)}")
        return ", ".join(parts) + (" (--check: nothing written)" if self.check else "")


def import_sources() -> tuple[str, ...]:
    """The built-in import mappings (`--source`): salesforce, hubspot."""
    return source_names()


def import_partners(files: list[str | Path], profiles_dir: str | Path, *, mapping: str | Path | None = None,
                    source: str | None = None, check: bool = False) -> ImportReport:
    """Write or update one profile per account in CRM exports (CSV, .xlsx) in `profiles_dir`.

    `mapping` is a mapping file and `source` a built-in mapping (import_sources()); with neither, the
    built-in mapping that recognises the most tables is used. Fields the export fills are updated;
    everything else in a profile (hand-kept fields, comments, key order) is kept. With `check`
    nothing is written. Bad rows are reported in the result's `problems` and the others imported;
    ProfileError for a mapping file with errors, UsageError when no mapping fits the files."""
    if mapping is not None and source is not None:
        raise UsageError("pass a mapping file or a built-in source, not both (a mapping file can start "
                         "from a built-in one with `base:`)")
    spec = load_mapping(mapping) if mapping is not None else builtin_mapping(source) if source else None
    report = ImportReport(source=spec.name if spec else "", check=check)
    tables = _read_files([Path(f) for f in files], report)
    if spec is None:
        if not tables:
            return report  # every file failed to read; its problems say why
        spec = _detect_source(tables)
        report.source = spec.name
    read = _read_rows(tables, spec, report)
    accounts, contacts, deals = (_unique(read, kind, report) for kind in ("accounts", "contacts", "deals"))
    failed = {kind: set().union(*(r.failed_ids for r in read if r.kind == kind)) for kind in SINGULAR}
    closed = set().union(*(r.skipped_ids for r in read if r.kind == "deals"))
    profiles_dir = Path(profiles_dir)
    linked, unlinked = _existing_profiles(profiles_dir, report)
    kinds = {r.kind for r in read}
    taken = {VENDOR_STEM} | ({file_id(p) for p in profiles_dir.iterdir()} if profiles_dir.is_dir() else set())
    writes: list[tuple[Path, bytes]] = []
    with_closed_deals = [a for r in read for a in sorted(r.skipped_accounts)]
    for crm_id in dict.fromkeys([*accounts, *(r.account for r in contacts), *(r.account for r in deals),
                                 *with_closed_deals]):
        account = accounts.get(crm_id)
        own_contacts = [r for r in contacts if r.account == crm_id]
        own_deals = [r for r in deals if r.account == crm_id]
        path = linked.get(crm_id)
        if path is None and account is None:
            if crm_id not in failed["accounts"]:  # a failed account row is reported once, not per contact
                report.problems.extend(r.problem(f"no account {crm_id!r} in the accounts export or in a profile's "
                                                 f"crm_id", "account") for r in own_contacts + own_deals)
            continue
        if path is None:
            twin = unlinked.get(_name_key(account.values["name"]))
            if twin is not None:
                report.problems.append(account.problem(
                    f"{twin} is this partner but has no crm_id; add `crm_id: \"{crm_id}\"` to it to link it, "
                    f"then import again", "name"))
                continue
            path = profiles_dir / f"{_new_id(account.values['name'], crm_id, taken)}.yaml"
            taken.add(path.stem)
        written = _update(path, account, own_contacts, own_deals, kinds, closed, failed["contacts"] | failed["deals"],
                          report)
        if written:
            writes.append(written)
    if "accounts" in kinds:
        report.missing = [(path, _profile_name(path)) for crm_id, path in linked.items()
                          if crm_id not in accounts and crm_id not in failed["accounts"]]
    if not check:
        for path, data in writes:
            write_atomic(path, data)
            logger.info("wrote %s", path)
    return report


def _read_files(files: list[Path], report: ImportReport) -> list[Table]:
    tables = []
    for path in files:
        try:
            found = read_tables(path)
        except ProfileError as exc:
            report.problems.extend(exc.problems)
            continue
        if not found:
            report.problems.append(Problem(path.absolute(), "empty: no header and no rows"))
        tables.extend(found)
    return tables


def _detect_source(tables: list[Table]) -> Mapping:
    """The built-in mapping that recognises the most tables (ties: the first by name)."""
    best, recognised = None, 0
    for name in source_names():
        candidate = builtin_mapping(name)
        count = sum(_kind(table, candidate)[0] is not None for table in tables)
        if count > recognised:
            best, recognised = candidate, count
    if best is None:
        raise UsageError(f"cannot tell which CRM these exports come from; pass --source "
                         f"({', '.join(source_names())}) or --map FILE")
    logger.info("reading the exports as %s exports", best.name)
    return best


def _kind(table: Table, spec: Mapping) -> tuple[str | None, str]:
    """Which kind of export a table is by its columns, or None and why not."""
    scored = []
    closest = None
    for kind, table_spec in spec.tables().items():
        ok, score, lacking = table_spec.recognises(table.columns)
        if ok:
            scored.append((score, kind))
        elif closest is None or score > closest[0]:
            closest = (score, kind, lacking)
    scored.sort(reverse=True)
    if scored and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1], ""
    if scored:
        return None, (f"could be {scored[0][1]} or {scored[1][1]} of {spec.name}: it has as many of the columns "
                      f"of each; remove the other's columns or describe it in a mapping file")
    kinds = ", ".join(spec.tables())
    reason = f"; as {closest[1]} it lacks the column {', '.join(closest[2])}" if closest else ""
    return None, f"not an export the {spec.name} mapping knows ({kinds}){reason}"


def _read_rows(tables: list[Table], spec: Mapping, report: ImportReport) -> list[TableRecords]:
    read = []
    for table in tables:
        kind, why = _kind(table, spec)
        if kind is None:
            report.problems.append(table.problem(why))
            continue
        records = read_records(table, kind, spec)
        report.problems.extend(records.problems)
        report.tables.append(TableRead(table.label, kind, len(table.rows), records.skipped))
        read.append(records)
    return read


def _unique(read: list[TableRecords], kind: str, report: ImportReport) -> dict[str, Record] | list[Record]:
    """The records of `kind`; a repeated one (same account id; same contact or deal) fails with a problem."""
    seen: dict[tuple[str, ...], Record] = {}
    for records in read:
        if records.kind != kind:
            continue
        for record in records.records:
            key = _identity(record)
            if key in seen:
                what = "account id" if kind == "accounts" else SINGULAR[kind]
                field_ = "crm_id" if "crm_id" in record.values else "email" if key[1] == "email" else "name"
                report.problems.append(record.problem(f"duplicate {what} {key[-1]!r}; the first is in "
                                                      f"{seen[key].where}", field_))
                continue
            seen[key] = record
    if kind == "accounts":
        return {record.account: record for record in seen.values()}
    return list(seen.values())


def _identity(record: Record) -> tuple[str, ...]:
    values = record.values
    if values.get("crm_id"):
        return ("crm_id", values["crm_id"])
    if record.kind == "contacts" and values.get("email"):
        return (record.account, "email", values["email"].casefold())
    return (record.account, "name", values["name"].casefold())


def _existing_profiles(folder: Path, report: ImportReport) -> tuple[dict[str, Path], dict[str, Path]]:
    """Profiles by their crm_id, and those without one by their name (to warn before duplicating one)."""
    linked: dict[str, Path] = {}
    unlinked: dict[str, Path] = {}
    clashes: set[str] = set()
    for path in profile_files(folder) if folder.is_dir() else []:
        try:
            data = read_source(path.absolute()).data
        except ProfileError as exc:
            report.problems.extend(Problem(p.file, f"{p.message}; its partner is not matched with the export",
                                           p.field, p.line) for p in exc.problems)
            continue
        if not isinstance(data, dict):
            continue
        crm_id = data.get("crm_id")
        if crm_id in (None, ""):
            if isinstance(data.get("name"), str):
                unlinked.setdefault(_name_key(data["name"]), path)
            continue
        crm_id = str(crm_id)
        if crm_id in linked:
            clashes.add(crm_id)
            report.problems.append(Problem(path, f"the same crm_id as {linked[crm_id].name}; neither is updated "
                                                 f"until one is changed", "crm_id"))
        linked.setdefault(crm_id, path)
    for crm_id in clashes:
        del linked[crm_id]
    return linked, unlinked


def _update(path: Path, account: Record | None, contacts: list[Record], deals: list[Record], kinds: set[str],
            closed: set[str], failed: set[str], report: ImportReport) -> tuple[Path, bytes] | None:
    """Update (or make) one profile in memory and check it; what to write, or None."""
    if path.exists() and path.suffix.lower() not in yaml_reader.SUFFIXES:
        report.problems.append(Problem(path, "only YAML profiles can be updated by an import; convert it to "
                                             "YAML (the same fields) to import into it"))
        return None
    try:
        original = path.read_text(encoding="utf-8") if path.exists() else None
        document = ProfileDocument(original)
    except (OSError, UnicodeDecodeError) as exc:
        report.problems.append(Problem(path, f"cannot read file: {exc}"))
        return None
    except Exception as exc:  # ruamel.yaml's parser errors; the profile's own reader already named them
        report.problems.append(Problem(path, f"cannot update: malformed YAML ({exc.__class__.__name__})"))
        return None
    if not isinstance(document.data, dict):
        report.problems.append(Problem(path, "cannot update: the file is not a mapping of fields"))
        return None
    update = update_profile(document, account, contacts, deals, listed=kinds, closed=closed, failed=failed)
    name = account.values["name"] if account else str(document.data.get("name", path.stem))
    action = "create" if original is None else "update" if update.changes else "unchanged"
    report.partners.append(PartnerImport(path, name, action, update.changes, update.notes))
    if action == "unchanged":
        return None
    data = document.dump()
    problems = _check(path, data, update.origins)
    if problems:
        report.partners.pop()
        report.problems.extend(problems)
        return None
    return path, data


def _check(path: Path, data: bytes, origins: dict[str, tuple[Record, str]]) -> list[Problem]:
    """The problems of the profile as it would be written; one a row caused is blamed on that row."""
    try:
        source = yaml_reader.read(path.absolute(), data.decode("utf-8"))
        validate_source(source, Profile, defaults={"id": file_id(path)}, what=PROFILE_WHAT)
    except ProfileError as exc:
        problems = []
        for problem in exc.problems:
            at = next((origins[f] for f in _prefixes(problem.field) if f in origins), None)
            if at is None:
                problems.append(Problem(problem.file, f"{problem.message} (after the import; not written)",
                                        problem.field, problem.line))
            else:
                record, field_ = at
                problems.append(record.problem(f"{problem.message}, in {path.name} ({problem.field}); "
                                               f"{path.name} not written", field_))
        return problems
    return []


def _prefixes(field_path: str) -> list[str]:
    """`contacts[2].email`, `contacts[2]`, `contacts`: the most precise first."""
    parts = re.split(r"(?=[.\[])", field_path)
    return ["".join(parts[:n]) for n in range(len(parts), 0, -1)]


def _profile_name(path: Path) -> str:
    try:
        data = read_source(path.absolute()).data
        return str(data.get("name", path.stem))
    except ProfileError:
        return path.stem


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _new_id(name: str, crm_id: str, taken: set[str]) -> str:
    """A profile id from an account's name: lower case ASCII, words joined by hyphens, unique in the folder."""
    folded = unicodedata.normalize("NFKD", name.translate(_FOLD)).encode("ascii", "ignore").decode("ascii")
    base = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:MAX_ID_LENGTH].strip("-")
    if not base:  # a name in a script that does not fold to ASCII (Japanese, Arabic ...)
        base = "partner-" + (re.sub(r"[^a-z0-9]+", "-", crm_id.lower()).strip("-") or "new")
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate

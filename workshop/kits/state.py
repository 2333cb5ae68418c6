"""A year folder's state: input fingerprints, one build record per partner folder (which files it
holds, what each was built from), failure records, and the folders no profile owns any more."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any, Iterable

from ..version import __version__
from ..documents import documents
from ..documents.theme import Theme
from ..errors import OutputError
from ..rules import rule_pack_files
from ..settings import Settings
from ..storage import refuse_link, write_atomic
from ..writers import document_formats, plan_writers

log = logging.getLogger(__name__)

RECORD_FILE = ".inputs"
"""Per partner folder: what each file in it was built from; written after the files it describes."""
CLAIM_FILE = ".claim"
"""Per partner folder: the profile it is built from, written before anything else. Only a folder with a
claim (or a build record) is one workshop made, so only such a folder can be stale or pruned."""
FAILURES_FOLDER = ".failures"
"""Per year folder: one record per profile that failed, so an index built later still lists it."""
INDEX_FILES = ("index.html", "index.csv", "manifest.json")


def year_folder(out: Path, fiscal_year: int) -> Path:
    """OUT/FY<year>: the partner folders of one fiscal year and their index."""
    return Path(out) / f"FY{fiscal_year}"


def file_name(partner_id: str, fiscal_year: int, base: str) -> str:
    """A kit file's name: the partner, the year, then what it is, e.g. `sakura-FY2028-memo.pdf`.

    The partner and year come first so that a file keeps its meaning when it lands in an inbox or a
    Downloads folder beside forty others; lower case ids and no spaces keep it safe in e-mail
    gateways, URLs and shells, and a folder listing sorts by partner."""
    return f"{partner_id}-FY{fiscal_year}-{base}"


def document_files(partner_id: str, fiscal_year: int, names: Iterable[str], formats: Iterable[str]) -> list[str]:
    """The file names of some documents in some formats, e.g. sakura-FY2028-memo.pdf."""
    stems = {doc.name: doc.stem for doc in documents()}
    return [file_name(partner_id, fiscal_year, f"{stems[name]}.{fmt}") for name in names for fmt in formats]


def kit_files(partner_id: str, fiscal_year: int, formats: Iterable[str]) -> list[str]:
    """The file names of one partner's whole kit: each document in each format, then the plan files."""
    return (document_files(partner_id, fiscal_year, [doc.name for doc in documents()], formats)
            + [file_name(partner_id, fiscal_year, w.filename) for w in plan_writers()])


def is_kit_file(name: str) -> bool:
    """Whether a file name is one a kit writes (of any partner and year, or of earlier versions)."""
    bases = {f"{doc.stem}.{fmt}" for doc in documents() for fmt in document_formats()} | \
        {w.filename for w in plan_writers()}
    return name in bases or any(name.endswith(f"-{base}") and "-FY" in name for base in bases)


def _feed(digest, *parts: bytes | str) -> None:
    # Length-prefixed, so no two different sequences of parts hash the same.
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)


def shared_fingerprint(settings: Settings, theme: Theme) -> str:
    """The hash of the inputs every partner shares: tool version, the settings that shape documents,
    the vendor profile, template folders, the logo and the settings' rule packs (built-in ones change
    with the version).

    Every file in each template folder counts, not only those a document uses: simpler than
    tracking Jinja2 includes, and a template folder holds little else. Which formats a run writes is
    not part of it: each file records its own fingerprint.
    """
    digest = hashlib.sha256()
    options = settings.model_dump(mode="json", exclude={"formats"})
    shape = {"documents": [[d.name, d.template, d.stem] for d in documents()]}
    _feed(digest, f"workshop {__version__}", json.dumps([options, shape], sort_keys=True))
    if settings.vendor_file is not None:
        _feed(digest, settings.vendor_file.read_bytes())
    for folder in list(theme.search_path) + rule_pack_files(settings.rule_paths):
        files = [folder] if folder.is_file() else sorted(
            p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for path in files:
            _feed(digest, path.name if folder.is_file() else path.relative_to(folder).as_posix(), path.read_bytes())
    if theme.logo is not None:
        _feed(digest, "logo", theme.logo.read_bytes())
    return digest.hexdigest()


def partner_fingerprint(shared: str, partner_file: Path) -> str:
    """The hash of all of one partner's inputs but its agreement: the shared ones and its profile."""
    digest = hashlib.sha256()
    _feed(digest, shared, partner_file.name, partner_file.read_bytes())
    return digest.hexdigest()


def digest_of(path: Path) -> str | None:
    """The sha256 of a file, or None if there is none."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def agreement_inputs(files: Iterable[Path], images: Iterable[Path] = ()) -> dict[str, str | None]:
    """{path: sha256, or None if absent} of the agreement files a build looked for (this year's and
    last year's) and the signature images it used.

    Kept per file in the build record rather than in the fingerprint: which file is the agreement
    depends on the profile's id, and a rerun should not have to load every profile to find out.
    """
    inputs = {str(Path(f).resolve()): digest_of(Path(f)) for f in files}  # the next run may start elsewhere
    inputs.update((str(image), digest_of(image)) for image in images)
    return inputs


def read_record(folder: Path) -> dict[str, Any] | None:
    """A partner folder's build record, or None if it has none (or an unreadable one)."""
    if (folder / RECORD_FILE).is_symlink():  # not one workshop wrote (it writes files, never links)
        return None
    try:
        record = json.loads((folder / RECORD_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        log.warning("%s: unreadable build record; the partner will be rebuilt", folder / RECORD_FILE)
        return None
    if not isinstance(record, dict) or not isinstance(record.get("source"), str) \
            or not isinstance(record.get("files"), dict):
        log.warning("%s: unreadable build record; the partner will be rebuilt", folder / RECORD_FILE)
        return None
    if not all(isinstance(e, dict) and isinstance(e.get("sha256"), str) for e in record["files"].values()):
        log.info("%s: a build record of an older workshop; the partner will be rebuilt", folder / RECORD_FILE)
        return None
    return record


def file_entry(path: Path, data: bytes, fingerprint: str, agreement: dict[str, str | None], *,
               signed: bool = False) -> dict[str, Any]:
    """What a build record says of one file it wrote: its hash, where it came from, and its size and
    modification time, so a file changed by someone else since is noticed."""
    stat = path.stat()
    return {"sha256": hashlib.sha256(data).hexdigest(), "fingerprint": fingerprint, "agreement": agreement,
            "signed": signed, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def write_record(folder: Path, source: Path, files: dict[str, dict[str, Any]], summary: dict[str, Any], *,
                 keep: Iterable[str] = ()) -> None:
    """Record what `folder` holds: `files` just written, plus the entries of `keep` from the previous
    record if it was built from the same profile (files of other documents or formats left in place)."""
    source_text = str(source.resolve())
    previous = read_record(folder)
    entries: dict[str, Any] = {}
    if previous is not None and previous.get("source") == source_text:
        entries = {name: entry for name, entry in previous["files"].items()
                   if name in set(keep) and isinstance(entry, dict) and (folder / name).is_file()}
    entries.update(files)
    record = {"source": source_text, "files": dict(sorted(entries.items())), "summary": summary}
    write_atomic(folder / RECORD_FILE, json_bytes(record))


def is_current(folder: Path, record: dict[str, Any], names: Iterable[str], fingerprint: str) -> bool:
    """Whether every file in `names` is in `folder` as its record says, built from `fingerprint` and
    from the agreement files (and signature images) that are there now."""
    for name in names:
        entry = record["files"].get(name)
        if not isinstance(entry, dict) or entry.get("fingerprint") != fingerprint:
            return False
        try:
            stat = (folder / name).stat()
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns) != (entry.get("size"), entry.get("mtime_ns")):
            return False
        agreement = entry.get("agreement")
        if not isinstance(agreement, dict) or any(digest_of(Path(p)) != d for p, d in agreement.items()):
            return False
    return True


def json_bytes(data) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def write_claim(folder: Path, source: Path) -> None:
    """Mark `folder` as built by workshop from `source`, before the first file of a build is written."""
    write_atomic(folder / CLAIM_FILE, json_bytes({"source": str(source.resolve())}))


def read_claim(folder: Path) -> str | None:
    """The profile a folder was built from, by its claim (or, for output of older versions, its build record)."""
    path = folder / CLAIM_FILE
    if not path.is_symlink():
        try:
            claim = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(claim, dict) and isinstance(claim.get("source"), str):
                return claim["source"]
        except (OSError, ValueError):
            pass
    record = read_record(folder)
    return record["source"] if record is not None else None


def claims(year: Path) -> list[tuple[Path, dict]]:
    """(partner folder, its build record) for every partner folder with a record, symlinks left out."""
    found = []
    if not year.is_dir():
        return found
    for path in sorted(year.glob(f"*/{RECORD_FILE}")):
        if path.parent.is_symlink():
            continue
        record = read_record(path.parent)
        if record is not None:
            found.append((path.parent, record))
    return found


def owned_folders(year: Path) -> dict[Path, str]:
    """{partner folder: the profile it was built from} for every folder workshop made in `year`; folders a
    person made (no claim, no build record) and symbolic links are never among them."""
    if not year.is_dir():
        return {}
    folders = (f for f in sorted(year.iterdir()) if f.is_dir() and not f.is_symlink() and not f.name.startswith("."))
    return {folder: source for folder in folders if (source := read_claim(folder)) is not None}


def read_records(year: Path) -> dict[str, tuple[Path, dict]]:
    """{resolved profile path: (partner folder, its build record)} for every partner folder with a record."""
    return latest(claims(year))


def latest(found: list[tuple[Path, dict]]) -> dict[str, tuple[Path, dict]]:
    """The claims by profile. Should two folders claim one profile (output written before a profile's
    change of id released its old folder), the latest build counts; `stale_partners` names the other."""
    def written(claim: tuple[Path, dict]) -> int:
        try:
            return (claim[0] / RECORD_FILE).stat().st_mtime_ns
        except OSError:
            return 0

    return {record["source"]: (folder, record) for folder, record in sorted(found, key=written)}


def release_claim(folder: Path, source: str) -> None:
    """Delete `folder`'s build record if it still names `source` (another profile may have built there since)."""
    try:
        if json.loads((folder / RECORD_FILE).read_text(encoding="utf-8")).get("source") != source:
            return
    except FileNotFoundError:
        return
    except (ValueError, AttributeError):
        pass  # unreadable: it describes no complete build either
    (folder / RECORD_FILE).unlink(missing_ok=True)


def failure_record(year: Path, source: Path) -> Path:
    return year / FAILURES_FOLDER / f"{source.name}.json"


def note_outcome(year: Path, source: Path, partner_id: str, error: str | None,
                 records: dict[str, tuple[Path, dict]]) -> None:
    """Keep the year folder's state true to the latest run, for the index and the next run.

    A record that cannot be written (the disk filled up) is logged, not raised: the result
    already says what went wrong with the partner, and the index is rebuilt from the folders."""
    failure = failure_record(year, source)
    resolved = str(source.resolve())
    folder, _ = records.get(resolved, (None, {}))
    try:
        refuse_link(failure.parent)
        if error is None:
            failure.unlink(missing_ok=True)
            if folder is not None and folder != year / partner_id:
                # The profile was given another id: its old folder no longer claims it (--prune removes it).
                release_claim(folder, resolved)
            return
        # An older, complete build of this profile no longer describes it: drop it from the index,
        # and rebuild it once the profile is fixed. The failure keeps the id of the folder holding
        # that last good build, so that --prune knows the folder is still this partner's.
        if folder is not None:
            release_claim(folder, resolved)
        partner_id = partner_id or (folder.name if folder is not None else failed_id(failure))
        record = {"source": resolved, "id": partner_id or source.stem, "error": error}
        write_atomic(failure, json_bytes(record))
    except (OSError, OutputError) as exc:
        log.warning("%s: could not record the outcome: %s", getattr(exc, "filename", None) or failure,
                    getattr(exc, "strerror", None) or exc)


def read_failure(path: Path) -> dict | None:
    """A failure record (source, id, error), or None if it cannot be read."""
    try:
        failure = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(failure, dict) or not all(isinstance(failure.get(k), str) for k in ("source", "id", "error")):
        return None
    return failure


def failures(year: Path) -> list[tuple[Path, dict]]:
    """(record path, failure record) for every readable failure record of the year."""
    found = ((path, read_failure(path)) for path in sorted((year / FAILURES_FOLDER).glob("*.json")))
    return [(path, failure) for path, failure in found if failure is not None]


def failed_id(failure: Path) -> str | None:
    """The partner id in an earlier failure record, if there is a readable one."""
    record = read_failure(failure)
    return record["id"] if record is not None else None


def _stale(year: Path, partner_files: Iterable[Path]) -> tuple[list[Path], list[Path], list[str]]:
    """(partner folders, failure records, partner ids to name) in `year` that no profile in `partner_files` owns.

    Only folders workshop made count (`owned_folders`). Such a folder is stale when the profile it
    was built from is not among them, or when another folder holds the latest complete build of that
    profile (it was given another id). A folder whose profile failed, or whose build was cut short
    (interrupted, a full disk), still belongs to its profile. Failure records of profiles that are
    not among them are stale too; they are named unless a current partner has taken over their id."""
    current = {str(Path(f).resolve()) for f in partner_files}
    built = {source: folder for source, (folder, _) in latest(claims(year)).items()}
    owned = owned_folders(year)
    folders = sorted(folder for folder, source in owned.items()
                     if source not in current or built.get(source, folder) != folder)
    gone = [(path, failure["id"]) for path, failure in failures(year) if failure["source"] not in current]
    keeping = {folder.name for folder in owned} - {folder.name for folder in folders}
    named = {folder.name for folder in folders} | {pid for _, pid in gone if pid not in keeping}
    return folders, [path for path, _ in gone], sorted(named)


def stale_partners(out: Path | str, fiscal_year: int, partner_files: Iterable[Path]) -> list[str]:
    """Partners in OUT/FY<year> built (or failed) from a profile that is not among `partner_files`.

    Given every profile of a run over all partners, these are the partners whose profile was
    deleted or given another id since: their folders stay, and the index goes on listing them, until
    pruned. A failed profile whose id a current partner has taken over is not named."""
    return _stale(year_folder(Path(out), fiscal_year), partner_files)[2]


def prune_partners(out: Path | str, fiscal_year: int, partner_files: Iterable[Path]) -> list[str]:
    """Remove what `stale_partners` names (and failure records of profiles that are gone); returns the
    partner ids removed."""
    folders, gone, named = _stale(year_folder(Path(out), fiscal_year), partner_files)
    removed = set(named)
    for path in folders + gone:
        try:
            if path.is_dir():
                _remove_kit_folder(path)
            else:
                path.unlink()
        except OSError as exc:
            log.warning("%s: could not remove it: %s", path, exc.strerror or exc)
            removed.discard(path.name if path.is_dir() else (failed_id(path) or ""))
    return sorted(removed)


def _remove_kit_folder(folder: Path) -> None:
    """Remove what workshop wrote in a partner folder, and the folder once nothing else is in it; a file a
    person put there keeps the folder (OSError naming it)."""
    others = [p.name for p in folder.iterdir()
              if not is_kit_file(p.name) and p.name not in (RECORD_FILE, CLAIM_FILE) and not p.name.endswith(".part")]
    if others:
        raise OSError(f"it holds files workshop did not write ({', '.join(sorted(others)[:5])}); it is kept")
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()

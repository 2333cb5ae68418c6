"""The profiles folder: partner profiles, the vendor profile and agreement files; resolving a PARTNER
argument to its file; loading profiles with errors that name file, line and field."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .errors import Problem, ProfileError, ProfileNotFound, UsageError
from .profiles import ID_PATTERN, ID_WORDS, RESERVED_IDS, SETTINGS_KEYS, Profile, VendorProfile
from .readers import load_model, read_source, suffixes
from .readers.models import validate_source

VENDOR_STEM = "vendor"
# An agreement (workshop.agreements) sits beside its partner profile as <partner-id>.agreement.yaml:
# the profile stays the input, the agreement is the outcome, so folder scans must tell them apart.
AGREEMENT_SUFFIX = ".agreement"
PROFILE_WHAT = "a profile (name: ..., fiscal_calendar: ...)"


def profile_suffixes() -> tuple[str, ...]:
    """The suffixes a profile file may have: one per registered reader (.yaml, .yml, .toml, .json)."""
    return suffixes()


def file_id(path: str | Path) -> str:
    """The partner id a profile's file name gives: `Acme Corp.yaml` and `acme corp.yml` give `acme-corp`,
    `Société Générale.yaml` gives `societe-generale` (lower case, spaces to hyphens, accents folded)."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", Path(path).stem) if not unicodedata.combining(c))
    return re.sub(r"\s+", "-", folded.strip()).lower()


def load_profile(path: str | Path) -> Profile:
    """Load and validate one partner profile; raise ProfileError listing every problem in it.

    Its id is `id:` in the file, else the file name made into one (`file_id`); `vendor` is not a partner's."""
    path = Path(path).absolute()
    source = read_source(path)
    given = isinstance(source.data, dict) and "id" in source.data
    defaults = {}
    if not given:
        derived = file_id(path)
        if re.fullmatch(ID_PATTERN, derived):
            defaults["id"] = derived
        else:
            source.problems.append(Problem(path, _rename_hint(path, derived), "id"))
    profile = validate_source(source, Profile, defaults=defaults, what=PROFILE_WHAT)
    if profile.id in RESERVED_IDS:
        where = "" if given else f" (from the file name {path.name})"
        raise ProfileError([Problem(path, f"{profile.id!r}{where} is reserved for your own company's profile "
                                          f"({VENDOR_STEM}.yaml); give the partner another id", "id",
                                    source.line(("id",)) if given else None)])
    profile._source = path
    return profile


def _rename_hint(path: Path, derived: str) -> str:
    """What to do about a file name that gives no valid id: the name to rename it to, where one can be made."""
    suggestion = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9_-]", "-", derived)).strip("-_")
    rename = f"rename the file to {suggestion}{path.suffix.lower()}" if suggestion and derived.isascii() \
        else "rename the file"
    return f"the file name {path.name!r} makes no partner id ({ID_WORDS}); {rename}, or set `id:` in it"


def load_vendor(path: str | Path) -> VendorProfile:
    """Load and validate the company facts of the vendor's own profile (vendor.yaml).

    The tool's settings in the same file (paper, locale, ...) are read by `workshop.settings`."""
    path = Path(path).absolute()
    keys = frozenset(SETTINGS_KEYS)
    vendor = load_model(path, VendorProfile, defaults={"id": path.stem.lower()}, what=PROFILE_WHAT,
                        ignore=keys, extra_fields=SETTINGS_KEYS)
    vendor._source = path
    return vendor


def is_vendor_file(path: str | Path) -> bool:
    """Whether a file is the vendor's own profile (vendor.yaml, .yml, .toml or .json)."""
    return Path(path).stem.lower() == VENDOR_STEM


def is_agreement_file(path: str | Path) -> bool:
    """Whether a file is an agreement record (`<partner-id>.agreement.yaml`) rather than a profile."""
    return Path(path).stem.lower().endswith(AGREEMENT_SUFFIX)


def profile_files(folder: str | Path) -> list[Path]:
    """Partner profile files in a folder, sorted by name; the vendor profile and agreement files are not among them."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ProfileNotFound(f"{folder}: no such profiles folder")
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in profile_suffixes() and not is_vendor_file(p)
        and not is_agreement_file(p)
    )


def agreement_files(folder: str | Path) -> list[Path]:
    """Agreement files (`<partner-id>.agreement.yaml`) in a profiles folder, sorted by name."""
    return sorted(p for p in Path(folder).glob(f"*{AGREEMENT_SUFFIX}.yaml") if p.is_file())


def vendor_files(folder: str | Path) -> list[Path]:
    """The vendor profile in a folder, as a list of zero or one file."""
    folder = Path(folder)
    return [folder / f"{VENDOR_STEM}{s}" for s in profile_suffixes() if (folder / f"{VENDOR_STEM}{s}").is_file()][:1]


def find_vendor_file(folder: str | Path) -> Path:
    """The vendor profile (vendor.yaml, .yml, .toml or .json) in a profiles folder."""
    found = vendor_files(folder)
    if not found:
        raise ProfileNotFound(f"{folder}: no vendor profile (vendor.yaml) here; pass --vendor FILE")
    return found[0]


def agreement_path(partner_file: str | Path, partner_id: str | None = None, fiscal_year: int | None = None) -> Path:
    """The agreement file of a partner for a vendor fiscal year: `<partner-id>.FY2028.agreement.yaml`
    beside its profile (one per year, so agreeing next year's MOP keeps this year's); without a
    year, the single `<partner-id>.agreement.yaml` that earlier versions wrote.

    The id defaults to the profile's file name, as a profile's own id does."""
    partner_file = Path(partner_file)
    year = f".FY{fiscal_year}" if fiscal_year is not None else ""
    return partner_file.parent / f"{partner_id or file_id(partner_file)}{year}{AGREEMENT_SUFFIX}.yaml"


def resolve_partner(partner: str, profiles_dir: str | Path) -> Path:
    """Turn a PARTNER argument (an id in the profiles folder, or a path to a file) into a file path."""
    given = Path(partner)
    if given.suffix.lower() in profile_suffixes() or given.is_file():
        if not given.is_file():
            raise ProfileNotFound(f"{given}: no such profile file")
        return given
    folder = Path(profiles_dir)
    for suffix in profile_suffixes():
        candidate = folder / f"{partner}{suffix}"
        if candidate.is_file():
            return candidate
    files = profile_files(folder) if folder.is_dir() else []
    for candidate in files:  # `acme-corp` finds `Acme Corp.yaml`
        if file_id(candidate) == partner:
            return candidate
    known = ", ".join(file_id(p) for p in files)
    hint = f" (known partners: {known})" if known else ""
    raise ProfileNotFound(f"no partner {partner!r} in {folder}{hint}")


def partner_files(partners: list[str] | tuple[str, ...], profiles_dir: str | Path) -> list[Path]:
    """Profile files for PARTNER arguments, or every partner in `profiles_dir` when none are given."""
    if partners:
        return [resolve_partner(p, profiles_dir) for p in partners]
    return profile_files(profiles_dir)


def vendor_file_for(files: list[Path], vendor_file: Path | None = None) -> Path:
    """`vendor_file`, else the vendor profile beside the partners, which must then share one folder."""
    if vendor_file is not None:
        return Path(vendor_file)
    if files and any(f.parent.resolve() != files[0].parent.resolve() for f in files):
        raise UsageError("partners come from different folders; pass --vendor FILE")
    return find_vendor_file(files[0].parent if files else Path("."))

"""The profiles folder: partner profiles, the vendor profile and agreement files; resolving a PARTNER
argument to its file; loading profiles with errors that name file, line and field."""

from __future__ import annotations

from pathlib import Path

from .errors import ProfileNotFound, UsageError
from .profiles import SETTINGS_KEYS, Profile, VendorProfile
from .readers import load_model, suffixes

VENDOR_STEM = "vendor"
# An agreement (workshop.agreements) sits beside its partner profile as <partner-id>.agreement.yaml:
# the profile stays the input, the agreement is the outcome, so folder scans must tell them apart.
AGREEMENT_SUFFIX = ".agreement"
PROFILE_WHAT = "a profile (name: ..., fiscal_calendar: ...)"


def profile_suffixes() -> tuple[str, ...]:
    """The suffixes a profile file may have: one per registered reader (.yaml, .yml, .toml, .json)."""
    return suffixes()


def load_profile(path: str | Path) -> Profile:
    """Load and validate one partner profile; raise ProfileError listing every problem in it."""
    path = Path(path).absolute()
    profile = load_model(path, Profile, defaults={"id": path.stem.lower()}, what=PROFILE_WHAT)
    profile._source = path
    return profile


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
    return partner_file.parent / f"{partner_id or partner_file.stem.lower()}{year}{AGREEMENT_SUFFIX}.yaml"


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
    known = ", ".join(p.stem for p in profile_files(folder)) if folder.is_dir() else ""
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

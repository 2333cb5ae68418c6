"""Fuzzing: any file loads as a profile or fails with a ProfileError naming that file, and any pair of
valid profiles plans or fails with a WorkshopError; nothing else escapes the library.

Each property runs WORKSHOP_FUZZ_EXAMPLES examples (default 60, a few seconds); for a long run:
`WORKSHOP_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz.py`.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import date

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workshop
from workshop.profiles import PERIODS_PER_PATTERN, WEEKDAYS, Profile, VendorProfile

EXAMPLES = int(os.environ.get("WORKSHOP_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

RUNS: Counter[str] = Counter()  # cases actually run per property, reported after the module


@pytest.fixture(scope="module", autouse=True)
def report_cases(request):
    """Say how many cases each property ran, so a long run shows it really was long."""
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None and RUNS:
        summary = ", ".join(f"{name}: {count}" for name, count in sorted(RUNS.items()))
        with capture.global_and_fixture_disabled():  # shown even though pytest captures output
            reporter.write_line(f"\nfuzz cases run (WORKSHOP_FUZZ_EXAMPLES={EXAMPLES}): {summary}")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


# --- strategies ---------------------------------------------------------------------------------

# Names in every script, including right-to-left ones and characters YAML must escape; no lone surrogates.
text = st.text(st.characters(codec="utf-8"), max_size=30)
names = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=40).filter(str.strip)
FIELDS = list(Profile.model_fields) + ["type", "first_month", "start", "end", "name", "amount", "expected_close",
                                       "away", "year_end_weekday", "pattern", "quarter_periods"]
keys = st.sampled_from(FIELDS) | text
scalars = (st.none() | st.booleans() | st.integers() | st.floats() | text
           | st.dates(date(1, 1, 1), date(9999, 12, 31)))
structures = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5), max_leaves=25)


def iso(day: date) -> str:
    return day.isoformat()


days = st.dates(date(2000, 1, 1), date(2095, 12, 31))
monthly = st.fixed_dictionaries({"type": st.just("monthly"), "first_month": st.integers(1, 12),
                                 "naming": st.sampled_from(["end", "start"])})


@st.composite
def weekly(draw):
    pattern = draw(st.sampled_from(sorted(PERIODS_PER_PATTERN)))
    spec = {"type": "weekly", "year_end_weekday": draw(st.sampled_from(WEEKDAYS)),
            "year_end_month": draw(st.integers(1, 12)), "year_end_rule": draw(st.sampled_from(["last", "nearest"])),
            "pattern": pattern, "extra_week_quarter": draw(st.integers(1, 4)),
            "naming": draw(st.sampled_from(["end", "start"]))}
    if draw(st.booleans()):  # an explicit split of the periods over the quarters
        total = PERIODS_PER_PATTERN[pattern]
        first = draw(st.lists(st.integers(1, total - 3), min_size=3, max_size=3).filter(lambda q: sum(q) < total))
        spec["quarter_periods"] = [*first, total - sum(first)]
    return spec


@st.composite
def date_range(draw):
    start = draw(days)
    return iso(start), iso(draw(st.dates(start, min(date(2099, 12, 31), date(start.year + 1, 12, 31)))))


# MM-DD days that recur every year; 04-31 is no day of the year, so a few profiles are invalid on purpose.
month_days = (st.builds("{:02d}-{:02d}".format, st.integers(1, 12), st.integers(1, 28))
              | st.sampled_from(["02-29", "12-31", "01-31", "04-31"]))


@st.composite
def blackout(draw):
    start, end = draw(date_range()) if draw(st.booleans()) else (draw(month_days), draw(month_days))
    return {"name": draw(names), "start": start, "end": end}


@st.composite
def contact(draw):
    away = [dict(zip(("start", "end"), draw(date_range()))) for _ in range(draw(st.integers(0, 2)))]
    return {"name": draw(names), "title": draw(text), "role": draw(text), "signatory": draw(st.booleans()),
            "away": away}


deal = st.fixed_dictionaries({
    "name": names, "amount": st.floats(0, 1e12, allow_nan=False), "expected_close": days.map(iso),
    "currency": st.sampled_from(["USD", "EUR", "JPY", "GBP", "KWD"]) | st.from_regex(r"[A-Z]{3}", fullmatch=True),
})


@st.composite
def profile(draw, vendor: bool = False):
    """A profile, valid but for the odd blackout on 04-31."""
    data = {
        "name": draw(names),
        "fiscal_calendar": draw(monthly | weekly()),
        "urgency_window_weeks": draw(st.integers(0, 13)),
        "planning": {"annual_planning_month": draw(st.none() | st.integers(1, 12)),
                     "plan_lock_month": draw(st.none() | st.integers(1, 12))},
        "country": draw(st.sampled_from([None, "US", "DE", "JP", "GB", "IN", "BR", "IL", "SA"])),
        "blackouts": draw(st.lists(blackout(), max_size=3)),
        "contacts": draw(st.lists(contact(), max_size=3)),
        "deals": draw(st.lists(deal, max_size=4)),
        "notes": draw(text),
    }
    if vendor:
        data["locale"] = draw(st.sampled_from(["en_GB", "en_US", "de_DE", "ja_JP", "ar_SA", "he_IL"]))
    return data


def write(folder, suffix: str, data) -> object:
    """Serialise `data` as the suffix says; what cannot be serialised is written as text."""
    path = folder / f"profile{suffix}"
    if suffix == ".json":
        content = json.dumps(data, default=str, ensure_ascii=False)
    elif suffix == ".toml":
        content = to_toml(data)
    else:
        content = yaml.safe_dump(data, allow_unicode=True)
    path.write_text(content, encoding="utf-8", errors="surrogatepass")
    return path


def to_toml(data) -> str:
    """A small TOML writer (the standard library only reads TOML); odd input may give invalid TOML,
    which is fine: the loader must cope with that too."""
    def value(v):
        if isinstance(v, dict):
            return "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)} = {value(x)}"
                                   for k, x in v.items() if x is not None) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v if x is not None) + "]"
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float):
            return "nan" if v != v else ("inf" if v == float("inf") else "-inf" if v == float("-inf") else repr(v))
        if isinstance(v, (int, date)):
            return str(v)
        return json.dumps(str(v), ensure_ascii=False).replace("\x7f", "\\u007f")

    if not isinstance(data, dict):
        return f"value = {value(data)}\n"
    return "".join(f"{json.dumps(str(k), ensure_ascii=False)} = {value(v)}\n" for k, v in data.items() if v is not None)


def load_or_profile_error(path):
    """Load `path`; a failure must be a ProfileError whose every problem names the file."""
    try:
        return workshop.load_profile(path)
    except workshop.ProfileNotFound:
        raise AssertionError(f"{path} exists, yet ProfileNotFound") from None
    except workshop.ProfileError as exc:
        assert exc.problems, "a ProfileError with no problems"
        for problem in exc.problems:
            assert problem.file == path.absolute() and str(problem).startswith(str(path.absolute()))
        return None


# --- properties ---------------------------------------------------------------------------------

SUFFIXES = st.sampled_from([".yaml", ".yml", ".json", ".toml"])


@FUZZ
@given(data=structures | st.dictionaries(keys, structures, max_size=8), suffix=SUFFIXES)
def test_fuzz_any_structure_loads_or_names_the_file(folder, data, suffix):
    RUNS["any structure"] += 1
    load_or_profile_error(write(folder, suffix, data))


@FUZZ
@given(content=st.binary(max_size=200) | text.map(lambda t: t.encode("utf-8", "surrogatepass")), suffix=SUFFIXES)
def test_fuzz_any_bytes_load_or_name_the_file(folder, content, suffix):
    RUNS["any bytes"] += 1
    path = folder / f"profile{suffix}"
    path.write_bytes(content)
    load_or_profile_error(path)


@FUZZ
@given(data=profile(), suffix=SUFFIXES)
def test_fuzz_profile_shaped_files_load_or_name_the_file(folder, data, suffix):
    RUNS["profile-shaped"] += 1
    loaded = load_or_profile_error(write(folder, suffix, data))
    if loaded is not None:
        assert loaded.name == data["name"]


def valid(model, data):
    try:
        return model.model_validate(data)
    except ValueError:  # pydantic's ValidationError: an MM-DD blackout that is no day of the year
        return None


@FUZZ
@given(vendor=profile(vendor=True), partner=profile(), as_of=st.dates(date(1995, 1, 1), date(2095, 12, 31)))
def test_fuzz_plan_partnership_raises_only_workshop_errors(vendor, partner, as_of):
    locale = vendor.pop("locale")  # a setting, not a company fact
    vendor_profile = valid(VendorProfile, {**vendor, "id": "vendor"})
    partner_profile = valid(Profile, {**partner, "id": "partner"})
    if vendor_profile is None or partner_profile is None:
        return
    RUNS["plans"] += 1
    try:
        plan = workshop.plan_partnership(vendor_profile, partner_profile, workshop.Settings(as_of=as_of, locale=locale))
    except workshop.WorkshopError:
        return
    assert plan.options and plan.recommended in {o.strategy for o in plan.options}

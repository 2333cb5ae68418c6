"""workshop: joint planning kits for channel managers — Mutual Operating Periods across two fiscal
calendars, drafted, scored and rendered as PDF and Word.

This package is the public API; the CLI is a thin shell over exactly these names.
"""

# Before the imports: kits fingerprints its inputs with the version, and imports it from here.
__version__ = "0.1.0"

from .agreements import Agreement, agreement_path, agreement_status, load_agreement
from .documents import Theme, render_document, render_html, render_memo, theme_for
from .errors import PlanningError, Problem, ProfileError, ProfileNotFound, RenderError, WorkshopError
from .fiscal import (
    DateRange,
    FiscalCalendar,
    FiscalYear,
    MonthlyCalendar,
    WeeklyCalendar,
    calendar_for,
    public_holidays,
)
from .ical import mop_calendar, mop_events
from .kits import (
    KitOptions,
    PartnerResult,
    build_batch,
    build_documents,
    build_kit,
    build_partner,
    kit_options,
    select_shard,
    write_agreement,
    write_atomic,
    write_index,
)
from .plan import Plan, default_fiscal_year, draft_agreement, plan_partnership, plan_schema
from .profiles import (
    Profile,
    VendorProfile,
    find_vendor_file,
    load_profile,
    load_vendor,
    profile_files,
    profile_schema,
    resolve_partner,
)

__all__ = [
    "Agreement", "agreement_path", "agreement_status", "build_batch", "build_documents", "build_kit",
    "build_partner", "calendar_for", "DateRange", "default_fiscal_year", "draft_agreement",
    "find_vendor_file", "FiscalCalendar", "FiscalYear", "kit_options", "KitOptions", "load_agreement",
    "load_profile", "load_vendor", "MonthlyCalendar", "mop_calendar", "mop_events", "PartnerResult", "Plan",
    "plan_partnership", "plan_schema", "PlanningError", "Problem", "Profile", "profile_files",
    "profile_schema", "ProfileError", "ProfileNotFound", "public_holidays", "render_document", "render_html",
    "render_memo", "RenderError", "resolve_partner", "select_shard", "Theme", "theme_for", "VendorProfile",
    "WeeklyCalendar", "WorkshopError", "write_agreement", "write_atomic", "write_index",
]

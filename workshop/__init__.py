"""workshop: joint planning kits for channel managers — Mutual Operating Periods across two fiscal
calendars, drafted, scored and rendered as PDF and Word.

This package is the public API; the CLI is a thin shell over exactly these names.
"""

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
from .kits import PartnerResult, build_batch, build_documents, write_agreement, write_atomic
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

__version__ = "0.1.0"

__all__ = [
    "Agreement", "agreement_path", "agreement_status", "draft_agreement", "load_agreement", "write_agreement",
    "DateRange", "FiscalCalendar", "FiscalYear", "MonthlyCalendar", "PartnerResult", "Plan", "PlanningError", "Problem", "Profile", "ProfileError",
    "ProfileNotFound", "RenderError", "Theme", "VendorProfile", "WorkshopError", "build_batch",
    "build_documents", "calendar_for", "default_fiscal_year", "find_vendor_file", "load_profile",
    "load_vendor", "plan_partnership", "plan_schema", "profile_files", "profile_schema",
    "render_document", "render_html", "render_memo", "public_holidays", "resolve_partner", "theme_for",
    "WeeklyCalendar", "write_atomic",
]

"""workshop: joint planning kits for channel managers — Mutual Operating Periods across two fiscal
calendars, drafted, scored and rendered as PDF and Word.

This package is the public API; the CLI is a thin shell over exactly these names.

    settings = workshop.load_settings("partner_profiles/vendor.yaml", as_of=date(2026, 11, 26))
    vendor = workshop.load_vendor("partner_profiles/vendor.yaml")
    plan = workshop.plan_partnership(vendor, workshop.load_profile("partner_profiles/sakura.yaml"), settings)
    files = workshop.render_memo(plan, settings)            # {"pdf": b"...", "docx": b"..."}
"""

from typing import Any, Literal

from .agreements import (
    Agreement,
    AgreementExists,
    agreement_for,
    agreement_schema,
    agreement_status,
    apply_agreement,
    draft_agreement,
    load_agreement,
    previous_mop,
    validate,
    write_agreement,
)
from .crm import ImportReport, import_partners, import_sources
from .documents import Document, document, documents, register_document
from .documents.html import render_html
from .documents.theme import Theme, theme_for
from .errors import (
    OutputError,
    PlanningError,
    Problem,
    ProfileError,
    ProfileNotFound,
    RenderError,
    RuleError,
    SigningError,
    UsageError,
    WorkshopError,
)
from .fiscal import DateRange, FiscalCalendar, FiscalYear, MonthlyCalendar, WeeklyCalendar, calendar_for, public_holidays
from .kits import (PartnerResult, Run, build, index_rows, prune_partners, rewrite_index, select_shard, stale_partners,
                   write_index)
from .kits import year_folder
from .mop import Strategy, register as register_strategy, strategy_names
from .i18n import SHIPPED as LANGUAGES
from .i18n import check_document_language
from .plan import Plan, Plans, document_language, plan_languages, plan_partnership, plan_schema, planned_year
from .profiles import Profile, VendorProfile
from .settings import Settings, load_settings, vendor_schema
from .version import __version__
from .signing import MemoSigner, signed_memo, verify_pdf
from .signing import describe as describe_signatures
from .workspace import (
    agreement_path,
    find_vendor_file,
    is_vendor_file,
    load_profile,
    load_vendor,
    partner_files,
    profile_files,
    resolve_partner,
    vendor_file_for,
)
from .writers import (
    DocumentWriter,
    PlanWriter,
    document_formats,
    register_writer,
    render_document,
    render_memo,
)
from .writers.pdf import PDF_VARIANTS
from .writers.text import plan_summary


def schema(kind: Literal["partner", "vendor", "plan", "agreement"] = "partner") -> dict[str, Any]:
    """The JSON Schema of a partner profile, vendor.yaml, a plan or an agreement file."""
    if kind == "plan":
        return plan_schema()
    if kind == "agreement":
        return agreement_schema()
    document_schema = vendor_schema() if kind == "vendor" else Profile.model_json_schema()
    document_schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document_schema["title"] = f"workshop {kind} profile"
    return document_schema


__all__ = [
    "Agreement", "AgreementExists", "DateRange", "Document", "DocumentWriter", "FiscalCalendar", "FiscalYear",
    "LANGUAGES", "Plans", "check_document_language", "document_language", "plan_languages",
    "MemoSigner", "MonthlyCalendar", "OutputError", "PDF_VARIANTS", "PartnerResult", "Plan", "PlanWriter",
    "PlanningError", "Problem", "Profile", "ProfileError", "ProfileNotFound", "RenderError", "RuleError", "Run",
    "Settings", "SigningError", "Strategy", "Theme", "UsageError", "VendorProfile", "WeeklyCalendar",
    "WorkshopError", "agreement_for", "agreement_path", "agreement_schema", "agreement_status",
    "apply_agreement", "build", "calendar_for", "document", "document_formats", "documents", "draft_agreement",
    "find_vendor_file", "ImportReport", "import_partners", "import_sources", "index_rows", "is_vendor_file",
    "load_agreement", "load_profile", "load_settings",
    "load_vendor", "partner_files", "plan_partnership", "previous_mop", "plan_schema", "plan_summary", "planned_year", "profile_files",
    "prune_partners", "rewrite_index", "describe_signatures", "public_holidays", "register_document", "register_strategy", "register_writer",
    "render_document", "render_html", "render_memo", "resolve_partner", "schema", "select_shard", "signed_memo",
    "stale_partners", "strategy_names", "theme_for", "validate", "vendor_file_for", "verify_pdf",
    "write_agreement", "write_index", "year_folder",
]

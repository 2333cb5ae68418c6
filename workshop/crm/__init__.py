"""Importing partners from CRM and spreadsheet exports (Salesforce, HubSpot, any CSV or .xlsx with a
mapping file) into the profiles folder, keeping what was typed by hand."""

from .importer import ImportReport, PartnerImport, TableRead, import_partners, import_sources
from .mapping import Mapping, builtin_mapping, load_mapping
from .merge import Change

__all__ = ["Change", "ImportReport", "Mapping", "PartnerImport", "TableRead", "builtin_mapping", "import_partners",
           "import_sources", "load_mapping"]

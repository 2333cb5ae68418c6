"""`workshop import`: profiles from CRM exports (Salesforce and HubSpot style, German Excel CSV, .xlsx),
safe re-imports that keep what was typed by hand, and bad rows named by file, row and column."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import workshop
from workshop.crm.values import parse_amount

from .conftest import EXAMPLES
from .test_fuzz import FUZZ

SF_ACCOUNTS = [
    ["Account ID", "Account Name", "Billing Country", "Partner Tier", "Industry", "Fiscal Year End", "Type"],
    ["0015g00000NRDLT", "Nordlicht Systems GmbH", "Germany", "Gold", "Government", "Fiscal Year End: March",
     "Channel Partner / Reseller"],
    ["0015g00000MRDN1", "Meridian Data, Inc.", "United States", "Platinum", "Technology", "June", "Channel Partner"],
]
SF_CONTACTS = [
    ["Account ID", "Contact ID", "First Name", "Last Name", "Title", "Email", "Mailing City"],
    ["0015g00000NRDLT", "0035g00000AB1", "Anna", "Berg", "Head of Sales, DACH", "anna.berg@nordlicht.example", "Kiel"],
    ["0015g00000NRDLT", "0035g00000AB2", "Jens", "Hansen", "CFO", "j.hansen@nordlicht.example", "Kiel"],
    ["0015g00000MRDN1", "0035g00000CD1", "Maya", "Lopez", "VP Alliances", "maya@meridian.example", "Austin"],
]
SF_OPPORTUNITIES = [
    ["Account ID", "Opportunity ID", "Opportunity Name", "Amount", "Opportunity Currency", "Close Date", "Stage",
     "Opportunity Owner"],
    ["0015g00000NRDLT", "0065g00000OP1", "Stadt Kiel – Workplace, phase 2", "1,250,000.00", "EUR", "03/31/2027",
     "Negotiation/Review", "Anna Berg"],
    ["0015g00000NRDLT", "0065g00000OP2", "Land SH\nBackup renewal", "80,000.00", "EUR", "06/15/2027", "Proposal",
     "Jens Hansen"],
    ["0015g00000MRDN1", "0065g00000OP3", "Austin ISD refresh", "420,000.00", "USD", "05/28/2027", "Prospecting",
     "Maya Lopez"],
    ["0015g00000MRDN1", "0065g00000OP4", "Last year's win", "99,000.00", "USD", "11/30/2026", "Closed Won",
     "Maya Lopez"],
]
# Salesforce appends this to a "Details Only" CSV export.
SF_FOOTER = [[], ["Partner accounts"], ["Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."],
             ["Confidential Information - Do Not Distribute"]]


def write_csv(path: Path, rows: list[list], *, delimiter: str = ",", encoding: str = "utf-8-sig") -> Path:
    """A CSV as Excel writes it: CRLF line ends, fields quoted only where needed."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    """An empty profiles folder beside the vendor profile, as a team starting from its CRM has."""
    profiles = tmp_path / "partner_profiles"
    profiles.mkdir()
    shutil.copy(EXAMPLES / "vendor.yaml", profiles)
    return profiles


@pytest.fixture
def salesforce(tmp_path) -> list[Path]:
    return [write_csv(tmp_path / "accounts.csv", SF_ACCOUNTS + SF_FOOTER),
            write_csv(tmp_path / "contacts.csv", SF_CONTACTS + SF_FOOTER),
            write_csv(tmp_path / "opportunities.csv", SF_OPPORTUNITIES + SF_FOOTER)]


def partner_files(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.yaml")) if p.name != "vendor.yaml"}


def assert_valid_and_plans(folder: Path, vendor, settings) -> list[workshop.Profile]:
    profiles = [workshop.load_profile(p) for p in workshop.profile_files(folder)]
    for profile in profiles:
        plan = workshop.plan_partnership(vendor, profile, settings)
        assert plan.recommended
    return profiles


def test_import_salesforce_csv_writes_valid_profiles_that_plan(invoke, folder, salesforce, vendor, settings):
    result = invoke("import", *salesforce, "--profiles", folder)
    assert result.exit_code == 0, result.output
    assert sorted(partner_files(folder)) == ["meridian-data-inc.yaml", "nordlicht-systems-gmbh.yaml"]
    nordlicht = workshop.load_profile(folder / "nordlicht-systems-gmbh.yaml")
    assert (nordlicht.crm_id, nordlicht.country, nordlicht.tier, nordlicht.sector) == (
        "0015g00000NRDLT", "DE", "Gold", "public-sector")
    assert nordlicht.fiscal_calendar.first_month == 4  # "Fiscal Year End: March"
    assert [(c.name, c.title, c.crm_id) for c in nordlicht.contacts] == [
        ("Anna Berg", "Head of Sales, DACH", "0035g00000AB1"), ("Jens Hansen", "CFO", "0035g00000AB2")]
    assert [(d.name, d.amount, d.currency, d.expected_close, d.owner) for d in nordlicht.deals] == [
        ("Stadt Kiel – Workplace, phase 2", 1_250_000, "EUR", date(2027, 3, 31), "Anna Berg"),
        ("Land SH Backup renewal", 80_000, "EUR", date(2027, 6, 15), "Jens Hansen")]
    meridian = workshop.load_profile(folder / "meridian-data-inc.yaml")
    assert meridian.fiscal_calendar.first_month == 7
    assert [d.name for d in meridian.deals] == ["Austin ISD refresh"]  # the closed-won deal is left out
    text = (folder / "nordlicht-systems-gmbh.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/partner.schema.json\n")
    assert_valid_and_plans(folder, vendor, settings)
    assert "Salesforce export" in result.output and "(1 closed, left out)" in result.output
    assert "2 created, 0 updated, 0 unchanged, 0 problems" in result.output


def test_import_salesforce_source_is_told_by_the_columns(folder, salesforce):
    report = workshop.import_partners(salesforce, folder)
    assert report.source == "Salesforce" and report.ok
    assert [(t.label, t.kind, t.rows) for t in report.tables] == [
        ("accounts.csv", "accounts", 2), ("contacts.csv", "contacts", 3), ("opportunities.csv", "deals", 4)]


def test_import_reimport_changes_only_the_amount_and_keeps_hand_edits(invoke, folder, salesforce, tmp_path):
    assert invoke("import", *salesforce, "--profiles", folder).exit_code == 0
    path = folder / "nordlicht-systems-gmbh.yaml"
    edited = path.read_text(encoding="utf-8").replace(
        "tier: Gold\n",
        "tier: Gold   # confirmed at the partner summit\n"
        "blackouts:\n  - {name: Kieler Woche, start: \"06-20\", end: \"06-28\"}\n",
    ).replace(
        "    crm_id: 0035g00000AB1\n",
        "    crm_id: 0035g00000AB1\n    signatory: true\n    away: [{start: 2027-03-01, end: 2027-03-12}]\n",
    ) + "notes: Prefers meetings in Kiel.\n"
    path.write_text(edited, encoding="utf-8")
    opportunities = [row[:] for row in SF_OPPORTUNITIES]
    opportunities[1][3] = "1,300,000.00"
    write_csv(tmp_path / "opportunities.csv", opportunities)

    result = invoke("import", *salesforce, "--profiles", folder)
    assert result.exit_code == 0, result.output
    after = path.read_text(encoding="utf-8")
    changed = [(old, new) for old, new in zip(edited.splitlines(), after.splitlines()) if old != new]
    assert len(edited.splitlines()) == len(after.splitlines()) and len(changed) == 1
    assert "amount: 1250000," in changed[0][0] and "amount: 1300000," in changed[0][1]
    assert "# confirmed at the partner summit" in after and "Kieler Woche" in after
    profile = workshop.load_profile(path)
    assert profile.contacts[0].signatory and profile.contacts[0].away and profile.notes
    assert "deals[Stadt Kiel – Workplace, phase 2].amount: 1250000 → 1300000" in result.output
    assert "1 updated, 1 unchanged" in result.output


def test_import_reimport_of_the_same_export_changes_nothing(folder, salesforce):
    workshop.import_partners(salesforce, folder)
    before = partner_files(folder)
    report = workshop.import_partners(salesforce, folder)
    assert [p.action for p in report.partners] == ["unchanged", "unchanged"]
    assert partner_files(folder) == before


def test_import_check_writes_nothing_and_prints_each_field(invoke, folder, salesforce, tmp_path):
    invoke("import", *salesforce, "--profiles", folder)
    before = partner_files(folder)
    accounts = [row[:] for row in SF_ACCOUNTS]
    accounts[1][3] = "Platinum"
    accounts.append(["0015g00000NEW01", "Fjord Consulting AS", "NO", "Silver", "Consulting", "December", ""])
    write_csv(tmp_path / "accounts.csv", accounts)
    result = invoke("import", *salesforce, "--profiles", folder, "--check")
    assert result.exit_code == 0, result.output
    assert partner_files(folder) == before
    assert not list(folder.glob(".*.part"))
    nordlicht = folder / "nordlicht-systems-gmbh.yaml"
    assert f"would update {nordlicht} (Nordlicht Systems GmbH)\n  tier: Gold → Platinum\n" in result.output
    assert f"would create {folder / 'fjord-consulting-as.yaml'} (Fjord Consulting AS)" in result.output
    assert "  sector: professional-services" in result.output
    assert "1 would be created, 1 would be updated, 1 unchanged, 0 problems (--check: nothing written)" in result.output


def test_import_bad_rows_name_file_row_and_column_and_the_rest_is_imported(invoke, folder, tmp_path):
    accounts = SF_ACCOUNTS + [
        ["0015g00000NRDLT", "Nordlicht (again)", "DE", "Gold", "Retail", "March", ""],  # row 4
        ["0015g00000EMPTY", "", "DE", "Gold", "Retail", "March", ""],  # row 5
        ["0015g00000ATLNT", "Atlantis Systems", "Atlantis", "Gold", "Retail", "March", ""],  # row 6
    ]
    opportunities = SF_OPPORTUNITIES + [
        ["0015g00000MRDN1", "0065g00000OP5", "Euro deal", "10,000.00", "EURO", "05/28/2027", "Prospecting", ""],
        ["0015g00000MRDN1", "0065g00000OP6", "Someday", "10,000.00", "USD", "31/05/2027", "Prospecting", ""],
    ]
    files = [write_csv(tmp_path / "accounts.csv", accounts), write_csv(tmp_path / "opportunities.csv", opportunities)]
    result = invoke("import", *files, "--profiles", folder)
    assert result.exit_code == 1
    accounts_csv, opportunities_csv = files
    for message in (
        f'{accounts_csv}: row 4, column "Account ID": duplicate account id \'0015g00000NRDLT\'; '
        f"the first is in accounts.csv row 2",
        f'{accounts_csv}: row 5, column "Account Name": empty; every account needs a name',
        f'{accounts_csv}: row 6, column "Billing Country": \'Atlantis\' is not a country name',
        f'{opportunities_csv}: row 6, column "Opportunity Currency": \'EURO\' is not an ISO 4217 currency code',
        f'{opportunities_csv}: row 7, column "Close Date": \'31/05/2027\' is not a date in the form MM/DD/YYYY',
    ):
        assert f"error: {message}" in result.output
    assert sorted(partner_files(folder)) == ["meridian-data-inc.yaml", "nordlicht-systems-gmbh.yaml"]
    assert [d.name for d in workshop.load_profile(folder / "meridian-data-inc.yaml").deals] == ["Austin ISD refresh"]
    assert "2 created, 0 updated, 0 unchanged, 5 problems" in result.output


GERMAN_ACCOUNTS = [
    ["Kunden-Nr.", "Firma", "Land", "Partnerstatus", "Branche", "Geschäftsjahr endet"],
    ["K-1001", "Bäckerei-Systeme Müller & Söhne GmbH", "Deutschland", "Gold", "Handel", "30.09."],
    ["K-1002", "Österreichische Datenwerke AG", "AT", "Silber", "Öffentliche Verwaltung", "31.12."],
]
GERMAN_DEALS = [
    ["Kunden-Nr.", "Projekt-Nr.", "Projekt", "Volumen", "Währung", "Abschluss", "Phase"],
    ["K-1001", "P-1", "Filialnetz; Kassen\nund Waagen", "1.250.000,00", "EUR", "31.03.2027", "Angebot"],
    ["K-1002", "P-2", "Bundesamt Linz", "85.000,50", "EUR", "30.06.2027", "Verhandlung"],
    ["K-1002", "P-3", "Verloren", "10.000,00", "EUR", "30.06.2027", "Verloren"],
]
GERMAN_MAPPING = """\
# Our CRM's export, as German Excel saves it
name: Kundenliste
dates: [DD.MM.YYYY]
numbers: {decimal: ",", thousands: "."}
accounts:
  columns:
    Kunden-Nr.: crm_id
    Firma: name
    Land: country
    Partnerstatus: tier
    Branche: sector
    Geschäftsjahr endet: fiscal_calendar
  values:
    sector: {Handel: retail, Öffentliche Verwaltung: public-sector}
    fiscal_calendar:
      "30.09.": {type: monthly, first_month: 10}
      "31.12.": {type: monthly, first_month: 1}
deals:
  columns:
    Kunden-Nr.: account
    Projekt-Nr.: crm_id
    Projekt: name
    Volumen: amount
    Währung: currency
    Abschluss: expected_close
  skip:
    Phase: [Gewonnen, Verloren]
"""


def test_import_german_excel_semicolon_csv_with_a_mapping_file(invoke, folder, tmp_path, vendor, settings):
    # German Excel's "CSV (Trennzeichen-getrennt)": Windows-1252, semicolons, decimal commas, DD.MM.YYYY.
    files = [write_csv(tmp_path / "kunden.csv", GERMAN_ACCOUNTS, delimiter=";", encoding="cp1252"),
             write_csv(tmp_path / "projekte.csv", GERMAN_DEALS, delimiter=";", encoding="cp1252")]
    mapping = tmp_path / "import.yaml"
    mapping.write_text(GERMAN_MAPPING, encoding="utf-8")
    result = invoke("import", *files, "--map", mapping, "--profiles", folder)
    assert result.exit_code == 0, result.output
    mueller = workshop.load_profile(folder / "backerei-systeme-muller-sohne-gmbh.yaml")
    assert (mueller.name, mueller.country, mueller.sector, mueller.fiscal_calendar.first_month) == (
        "Bäckerei-Systeme Müller & Söhne GmbH", "DE", "retail", 10)
    assert [(d.name, d.amount, d.expected_close) for d in mueller.deals] == [
        ("Filialnetz; Kassen und Waagen", 1_250_000.0, date(2027, 3, 31))]
    austria = workshop.load_profile(folder / "osterreichische-datenwerke-ag.yaml")
    assert [(d.name, d.amount) for d in austria.deals] == [("Bundesamt Linz", 85_000.5)]
    assert austria.tier == "Silber" and austria.sector == "public-sector"
    assert "Kundenliste export: kunden.csv: 2 accounts; projekte.csv: 3 deals (1 closed, left out)" in result.output
    assert_valid_and_plans(folder, vendor, settings)


def test_import_hubspot_xlsx_with_three_sheets(invoke, folder, tmp_path, vendor, settings):
    workbook = write_xlsx(tmp_path / "hubspot-export.xlsx", {
        "Companies": [
            ["Record ID", "Company name", "Country/Region", "Industry", "Company owner"],
            [9876543210, "Kiwi Cloud Partners Ltd", "New Zealand", "COMPUTER_SOFTWARE", "Sam Lee"],
            [9876543211, "Maple Networks Inc.", "CA", "Hospital & Health Care", "Sam Lee"],
        ],
        "Contacts": [
            ["Record ID", "First Name", "Last Name", "Email", "Job Title", "Associated Company IDs"],
            [501, "Aroha", "Ngata", "aroha@kiwicloud.example", "Managing Director", "9876543210"],
            [502, "Étienne", "Roy", "etienne@maple.example", "Channel Lead", "9876543211;9876543210"],
        ],
        "Deals": [
            ["Record ID", "Deal Name", "Amount", "Currency", "Close Date", "Deal Stage", "Deal owner",
             "Associated Company IDs"],
            [7001, "Auckland Council", 310000, "NZD", "2027-02-26 10:00", "Contract sent", "Aroha Ngata",
             "9876543210"],
            [7002, "Toronto General", 125000.5, "CAD", date(2027, 4, 30), "Appointment scheduled", "Étienne Roy",
             "9876543211"],
            [7003, "Old renewal", 5000, "CAD", "2026-09-30", "Closed won", "Étienne Roy", "9876543211"],
        ],
        "Empty": [],
    })
    result = invoke("import", workbook, "--source", "hubspot", "--profiles", folder)
    assert result.exit_code == 0, result.output
    kiwi = workshop.load_profile(folder / "kiwi-cloud-partners-ltd.yaml")
    assert (kiwi.crm_id, kiwi.country, kiwi.sector) == ("9876543210", "NZ", "technology")
    assert [(c.name, c.crm_id) for c in kiwi.contacts] == [("Aroha Ngata", "501")]
    assert [(d.name, d.amount, d.currency, d.expected_close) for d in kiwi.deals] == [
        ("Auckland Council", 310000, "NZD", date(2027, 2, 26))]
    maple = workshop.load_profile(folder / "maple-networks-inc.yaml")
    assert maple.sector == "healthcare" and [c.name for c in maple.contacts] == ["Étienne Roy"]
    assert [(d.amount, d.expected_close) for d in maple.deals] == [(125000.5, date(2027, 4, 30))]
    assert "hubspot-export.xlsx (sheet \"Deals\"): 3 deals (1 closed, left out)" in result.output
    assert_valid_and_plans(folder, vendor, settings)


def test_import_xlsx_bad_row_names_the_sheet(folder, tmp_path):
    workbook = write_xlsx(tmp_path / "export.xlsx", {
        "Accounts": [SF_ACCOUNTS[0], SF_ACCOUNTS[1]],
        "Opportunities": [SF_OPPORTUNITIES[0], SF_OPPORTUNITIES[1][:5] + ["someday", "Proposal", ""]],
    })
    report = workshop.import_partners([workbook], folder, source="salesforce")
    assert [str(p) for p in report.problems] == [
        f'{workbook} (sheet "Opportunities"): row 2, column "Close Date": \'someday\' is not a date in the form '
        f"MM/DD/YYYY or YYYY-MM-DD"]
    assert [p.action for p in report.partners] == ["create"]


def test_import_weekly_calendar_written_by_hand_is_kept(folder, salesforce):
    (folder / "nordlicht.yaml").write_text(
        "name: Nordlicht Systems GmbH\ncrm_id: 0015g00000NRDLT\n"
        "fiscal_calendar: {type: weekly, year_end_weekday: saturday, year_end_month: 3}  # 4-4-5, from their 10-K\n",
        encoding="utf-8")
    report = workshop.import_partners(salesforce, folder)
    text = (folder / "nordlicht.yaml").read_text(encoding="utf-8")
    assert "{type: weekly, year_end_weekday: saturday, year_end_month: 3}  # 4-4-5, from their 10-K" in text
    [nordlicht] = [p for p in report.partners if p.path.name == "nordlicht.yaml"]
    assert nordlicht.notes == ['fiscal_calendar: kept as it is (weekly); the CRM says a fiscal year starting in '
                               'April (accounts.csv row 2, column "Fiscal Year End")']
    assert workshop.load_profile(folder / "nordlicht.yaml").fiscal_calendar.type == "weekly"
    assert not (folder / "nordlicht-systems-gmbh.yaml").exists()


def test_import_partner_missing_from_the_export_is_named_not_deleted(invoke, folder, salesforce):
    kept = folder / "old-partner.yaml"
    kept.write_text("name: Old Partner Ltd\ncrm_id: 0015g00000GONE1\nfiscal_calendar: {first_month: 4}\n")
    result = invoke("import", *salesforce, "--profiles", folder)
    assert result.exit_code == 0
    assert f"note: {kept} (Old Partner Ltd) is not in the accounts export; left as it is" in result.output
    assert kept.read_text() == "name: Old Partner Ltd\ncrm_id: 0015g00000GONE1\nfiscal_calendar: {first_month: 4}\n"


def test_import_closed_deal_leaves_the_profile_and_a_hand_added_deal_stays(folder, salesforce, tmp_path):
    workshop.import_partners(salesforce, folder)
    path = folder / "nordlicht-systems-gmbh.yaml"
    hand_deal = "  - {name: Hafen Kiel (not in CRM yet), amount: 50000, currency: EUR, expected_close: 2027-09-30}\n"
    path.write_text(path.read_text(encoding="utf-8") + hand_deal, encoding="utf-8")
    opportunities = [row[:] for row in SF_OPPORTUNITIES]
    opportunities[2][6] = "Closed Lost"
    write_csv(tmp_path / "opportunities.csv", opportunities)
    report = workshop.import_partners(salesforce, folder)
    deals = [d.name for d in workshop.load_profile(path).deals]
    assert deals == ["Stadt Kiel – Workplace, phase 2", "Hafen Kiel (not in CRM yet)"]
    [change] = [c for p in report.partners for c in p.changes]
    assert str(change) == "deals[Land SH Backup renewal]: removed (closed in the CRM)"


def test_import_deal_missing_from_a_filtered_export_is_kept_and_named(folder, salesforce, tmp_path):
    workshop.import_partners(salesforce, folder)
    write_csv(tmp_path / "opportunities.csv", [row for row in SF_OPPORTUNITIES if "Backup" not in row[2]])
    report = workshop.import_partners(salesforce, folder)
    path = folder / "nordlicht-systems-gmbh.yaml"
    assert [d.name for d in workshop.load_profile(path).deals] == [
        "Stadt Kiel – Workplace, phase 2", "Land SH Backup renewal"]
    [nordlicht] = [p for p in report.partners if p.path == path]
    assert nordlicht.action == "unchanged"
    assert nordlicht.notes == ["deals[Land SH Backup renewal]: crm_id 0065g00000OP2 is not in the deals export; "
                               "kept as it is"]


def test_import_never_overwrites_a_file_made_for_another_account(folder, salesforce):
    other = "name: Meridian Data (the old one)\ncrm_id: 0015g00000OTHER\nfiscal_calendar: {first_month: 1}\n"
    (folder / "meridian-data-inc.yaml").write_text(other)
    workshop.import_partners(salesforce, folder)
    assert (folder / "meridian-data-inc.yaml").read_text() == other
    assert workshop.load_profile(folder / "meridian-data-inc-2.yaml").crm_id == "0015g00000MRDN1"


def test_import_a_profile_without_crm_id_is_linked_by_hand_not_duplicated(folder, salesforce):
    shutil.copy(EXAMPLES / "rheinwerk.yaml", folder)
    accounts = [SF_ACCOUNTS[0], ["0015g00000RHNWK", "Rheinwerk IT-Systemhaus GmbH", "DE", "Gold", "", "", ""]]
    write_csv(salesforce[0], accounts)
    report = workshop.import_partners(salesforce[:1], folder)
    assert [str(p) for p in report.problems] == [
        f'{salesforce[0]}: row 2, column "Account Name": {folder / "rheinwerk.yaml"} is this partner but has no '
        f'crm_id; add `crm_id: "0015g00000RHNWK"` to it to link it, then import again']
    assert sorted(partner_files(folder)) == ["rheinwerk.yaml"]
    (folder / "rheinwerk.yaml").write_text((EXAMPLES / "rheinwerk.yaml").read_text(encoding="utf-8")
                                           .replace("tier: Gold\n", "tier: Gold\ncrm_id: \"0015g00000RHNWK\"\n"),
                                           encoding="utf-8")
    report = workshop.import_partners(salesforce[:1], folder)
    assert report.ok and [p.action for p in report.partners] == ["unchanged"]


def test_import_new_profile_without_a_fiscal_year_says_it_is_assumed(folder, tmp_path):
    accounts = write_csv(tmp_path / "accounts.csv", [["Account ID", "Account Name"], ["001X", "Sakura Shōji K.K."]])
    report = workshop.import_partners([accounts], folder)
    text = (folder / "sakura-shoji-k-k.yaml").read_text(encoding="utf-8")
    assert "fiscal_calendar: {type: monthly, first_month: 1}  # assumed: the CRM export has no fiscal year" in text
    assert any("assumed" in note for p in report.partners for note in p.notes)


def test_import_mapping_file_errors_name_file_line_and_field(invoke, folder, salesforce, tmp_path):
    mapping = tmp_path / "import.yaml"
    mapping.write_text("base: salesforce\ndates: [DD/MM/YY, 31.12.]\naccounts:\n  columns:\n    Kto: acount\n")
    result = invoke("import", *salesforce, "--map", mapping, "--profiles", folder)
    assert result.exit_code == 1
    assert f"{mapping}:2: dates: '31.12.' is not a date format" in result.output
    assert f"{mapping}:3: accounts: acount: not a field of accounts" in result.output
    assert partner_files(folder) == {}


def test_import_mapping_file_based_on_salesforce_reads_european_dates(folder, tmp_path):
    opportunities = [row[:] for row in SF_OPPORTUNITIES[:2]]
    opportunities[1][3], opportunities[1][5] = "1.250.000,00", "31/03/2027"
    files = [write_csv(tmp_path / "accounts.csv", SF_ACCOUNTS[:2], delimiter=";"),
             write_csv(tmp_path / "opportunities.csv", opportunities, delimiter=";")]
    mapping = tmp_path / "import.yaml"
    mapping.write_text("base: salesforce\ndates: [DD/MM/YYYY]\nnumbers: {decimal: \",\", thousands: \".\"}\n")
    report = workshop.import_partners(files, folder, mapping=mapping)
    assert report.ok, report.problems
    [deal] = workshop.load_profile(folder / "nordlicht-systems-gmbh.yaml").deals
    assert (deal.amount, deal.expected_close) == (1_250_000, date(2027, 3, 31))


def test_import_source_and_map_together_is_a_usage_error(invoke, folder, salesforce, tmp_path):
    mapping = tmp_path / "import.yaml"
    mapping.write_text("base: salesforce\n")
    result = invoke("import", *salesforce, "--source", "salesforce", "--map", mapping, "--profiles", folder)
    assert result.exit_code == 2


def test_import_unknown_export_is_a_usage_error(invoke, folder, tmp_path):
    export = write_csv(tmp_path / "list.csv", [["Partner", "Phone"], ["Acme", "123"]])
    result = invoke("import", export, "--profiles", folder)
    assert result.exit_code == 2
    assert "cannot tell which CRM these exports come from" in result.output


def test_import_unrecognised_table_is_a_problem(folder, salesforce, tmp_path):
    other = write_csv(tmp_path / "list.csv", [["Partner", "Phone"], ["Acme", "123"]])
    report = workshop.import_partners(salesforce + [other], folder, source="salesforce")
    assert [str(p) for p in report.problems] == [
        f'{other}: not an export the Salesforce mapping knows (accounts, contacts, deals); as accounts it lacks the '
        f'column "Account ID", "Account Name"']
    assert len(report.partners) == 2


@pytest.mark.parametrize("text, decimal, thousands, expected", [
    ("1.250.000,00", ",", ".", (1_250_000.0, None)),
    ("EUR 1,250.50", ".", ",", (1250.5, "EUR")),
    ("1 250 000,00 €", ",", " ", (1_250_000.0, None)),
    ("12500", ",", ".", (12500.0, None)),
])
def test_import_amounts_in_export_formats(text, decimal, thousands, expected):
    assert parse_amount(text, decimal, thousands) == expected


def test_import_amount_with_the_other_locales_separators_is_an_error():
    with pytest.raises(ValueError, match="is not a number written like 1.250.000,00"):
        parse_amount("1.25", ",", ".")


def test_import_csv_reader_limits_and_formats(tmp_path, monkeypatch):
    from workshop.readers import read_tables, tables

    tab = tmp_path / "export.tsv"
    tab.write_bytes("Account ID\tAccount Name\r\n1\t\"Tab, Inc.\"\r\n".encode("utf-16"))
    [table] = read_tables(tab)
    assert table.columns == ["Account ID", "Account Name"] and table.rows[0].cells["Account Name"] == "Tab, Inc."
    sep = write_csv(tmp_path / "sep.csv", [["sep=;"], ["a;b", "c"], ["1", "2"]])
    sep.write_bytes(b"sep=;\r\na;b\r\n1;2\r\n")
    [table] = read_tables(sep)
    assert table.columns == ["a", "b"] and table.rows[0].number == 3
    monkeypatch.setattr(tables, "MAX_ROWS", 1)
    with pytest.raises(workshop.ProfileError, match="too many rows"):
        read_tables(write_csv(tmp_path / "big.csv", [["a"], ["1"], ["2"], ["3"]]))
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(workshop.ProfileError, match="save it from Excel as .xlsx or CSV"):
        read_tables(old)


def test_import_xlsx_reads_values_not_formulas(tmp_path, monkeypatch):
    from workshop.readers import read_tables, xlsx

    workbook = openpyxl.Workbook()
    workbook.active.append(["Account ID", "Account Name"])
    workbook.active.append(["001", "=HYPERLINK(\"http://example.invalid\",\"x\")"])
    path = tmp_path / "formula.xlsx"
    workbook.save(path)
    [table] = read_tables(path)
    assert table.rows[0].cells["Account Name"] is None  # no cached value; the formula is never run
    monkeypatch.setattr(xlsx, "MAX_UNPACKED_BYTES", 100)
    with pytest.raises(workshop.ProfileError, match="too large once unpacked"):
        read_tables(path)


def test_import_round_trip_in_git_shows_only_the_changed_line(folder, salesforce, tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    workshop.import_partners(salesforce, folder)
    run = lambda *args: subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True)
    run("init", "-q")
    run("add", "-A")
    run("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "import")
    opportunities = [row[:] for row in SF_OPPORTUNITIES]
    opportunities[3][5] = "06/30/2027"
    write_csv(tmp_path / "opportunities.csv", opportunities)
    workshop.import_partners(salesforce, folder)
    diff = run("diff", "-U0").stdout
    assert [line[0] for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")] == ["-", "+"]
    assert "expected_close: 2027-06-30" in diff


def test_import_readme_mapping_example_is_valid(tmp_path):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme[readme.index("# import.yaml: our CRM"):]
    mapping = tmp_path / "import.yaml"
    mapping.write_text(example[:example.index("```")], encoding="utf-8")
    loaded = workshop.crm.load_mapping(mapping)
    assert loaded.base == "salesforce" and loaded.accounts.columns["Geschäftsjahr"] == "fiscal_calendar"


def test_import_deals_only_export_removes_a_deal_that_closed(folder, salesforce, tmp_path):
    workshop.import_partners(salesforce, folder)
    opportunities = [row[:] for row in SF_OPPORTUNITIES if row[0] != "0015g00000NRDLT"]
    opportunities[1][6] = "Closed Lost"  # Meridian's only open deal
    report = workshop.import_partners([write_csv(tmp_path / "opportunities.csv", opportunities)], folder)
    assert report.ok
    assert workshop.load_profile(folder / "meridian-data-inc.yaml").deals == []
    assert len(workshop.load_profile(folder / "nordlicht-systems-gmbh.yaml").deals) == 2


CELL = st.one_of(
    st.sampled_from(["", "DE", "Germany", "NO", "Gold", "Government", "March", "13", "EUR", "EURO", "USD 1,250.00",
                     "1.250,00", "03/31/2027", "31/03/2027", "Closed Won", "a@b.example", "yes", "on", "12:30"]),
    st.text(alphabet=st.sampled_from('ab Ü,;"\n\r\t\x00é1-:#&\'{}[]'), max_size=12),
)


@FUZZ
@given(accounts=st.lists(st.lists(CELL, min_size=7, max_size=7), max_size=4),
       opportunities=st.lists(st.lists(CELL, min_size=8, max_size=8), max_size=4),
       ids=st.lists(st.sampled_from(["001A", "001B", "0015g00000NRDLT", "", "001A;001B"]), min_size=8, max_size=8))
def test_import_any_cells_give_valid_profiles_or_problems(accounts, opportunities, ids):
    """Whatever the cells hold, import reports problems or writes profiles that load; it never crashes."""
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "profiles"
        for row, crm_id in zip(accounts + opportunities, ids):
            row[0] = crm_id
        files = [write_csv(Path(temporary) / "accounts.csv", [SF_ACCOUNTS[0]] + accounts),
                 write_csv(Path(temporary) / "opportunities.csv", [SF_OPPORTUNITIES[0]] + opportunities,
                           delimiter=";")]
        for _ in range(2):  # a second import reads what the first wrote
            report = workshop.import_partners(files, folder, source="salesforce")
            for path in workshop.profile_files(folder) if folder.is_dir() else []:
                workshop.load_profile(path)
            assert {p.file.name for p in report.problems} <= {"accounts.csv", "opportunities.csv"} | {
                p.name for p in folder.glob("*.yaml")}, report.problems


@FUZZ
@given(data=st.binary(max_size=300))
def test_import_any_bytes_are_a_table_or_a_problem(data):
    from workshop.readers import read_tables

    with tempfile.TemporaryDirectory() as temporary:
        for suffix in (".csv", ".xlsx"):
            path = Path(temporary) / f"export{suffix}"
            path.write_bytes(data)
            try:
                read_tables(path)
            except workshop.ProfileError as exc:
                assert all(p.file == path for p in exc.problems)

"""Reading profiles as a person means them: YAML 1.2 scalars, dates that exist, sane numbers and text,
byte-order marks, duplicate keys, ids from file names; every problem named by file, line and field."""

from __future__ import annotations

import json
import shutil

import pytest

import workshop

from .conftest import AS_OF, EXAMPLES, agreement_yaml
from .test_profiles import MINIMAL as PROFILE, problems_of


def test_reading_yaml_scalars_stay_what_a_person_wrote(write):
    profile = workshop.load_profile(write("contoso.yaml", PROFILE.replace("first_month: 7", "first_month: 010") + """
        country: NO
        session: {start: 10:30}
        crm_id: 0012
        tier: 1
    """.replace("        ", "")))
    assert profile.country == "NO"  # YAML 1.1: false
    assert profile.session.start == "10:30"  # YAML 1.1: 630
    assert profile.fiscal_calendar.first_month == 10  # YAML 1.1: octal 8
    assert profile.crm_id == "0012" and profile.tier == "1"


@pytest.mark.parametrize("day, reason", [("2027-02-30", "day value is outside expected range"),
                                         ("2027-13-01", "month value is outside expected range of 1-12")])
def test_reading_impossible_date_names_file_line_field(write, day, reason):
    path = write("contoso.yaml", PROFILE + f"deals:\n  - {{name: Big, amount: 10, expected_close: {day}}}\n")
    assert problems_of(path) == [f"{path}:4: deals[0].expected_close: expected a date that exists, as YYYY-MM-DD "
                                 f"({reason}) (got '{day}')"]


def test_reading_impossible_date_in_a_blackout_or_agreement(write, tmp_path):
    path = write("contoso.yaml", PROFILE + "blackouts:\n  - {name: Shutdown, start: 2027-02-30, end: 2027-03-02}\n")
    [message] = problems_of(path)
    assert message.startswith(f"{path}:4: blackouts[0].start: expected a date that exists, as YYYY-MM-DD")
    shutil.copy(EXAMPLES / "vendor.yaml", tmp_path)
    agreement = write("contoso.agreement.yaml", agreement_yaml("{name: Dana Whitfield, signed: 2027-02-30}"))
    [problems] = [v for k, v in workshop.validate([agreement]).items()]
    assert [str(p) for p in problems] == [
        f"{agreement}:6: signatories.vendor[0].signed: expected a date that exists, as YYYY-MM-DD "
        f"(day value is outside expected range) (got '2027-02-30')"]


def test_reading_explicit_timestamp_tag_is_an_error_with_its_line(write):
    path = write("contoso.yaml", PROFILE + "session: {date: !!timestamp 2027-02-30}\n")
    assert problems_of(path) == [f"{path}:3: malformed YAML: cannot read the value: day is out of range for month"]


def test_reading_validate_reports_every_file_without_a_traceback(invoke, tmp_path):
    folder = tmp_path / "profiles"
    folder.mkdir()
    shutil.copy(EXAMPLES / "vendor.yaml", folder)
    (folder / "a.yaml").write_text(PROFILE + "session: {date: 2027-02-30}\n")
    (folder / "b.yaml").write_text(PROFILE + "deals: [{name: X, amount: 1, expected_close: 2027-13-01}]\n")
    (folder / "c.yaml").write_text(PROFILE)
    result = invoke("validate", folder)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{folder / 'a.yaml'}:4: session.date: expected a date that exists" in result.output
    assert f"{folder / 'b.yaml'}:4: deals[0].expected_close: expected a date that exists" in result.output
    assert "2 of 4 profiles invalid" in result.output


@pytest.mark.slow
def test_reading_kit_all_with_an_impossible_date_builds_the_others_and_the_index(kit, profiles):
    path = profiles / "sakura.yaml"
    path.write_text(path.read_text().replace("expected_close: 2027-03-26", "expected_close: 2027-02-30"))
    result = kit()
    assert result.exit_code == 1
    assert f"error: {path}:35: deals[0].expected_close: expected a date that exists" in result.output
    assert "unexpected" not in result.output
    assert "2 built, 0 unchanged, 1 failed" in result.output
    assert (kit.year / "index.html").is_file()
    assert "sakura" in (kit.year / "index.csv").read_text()


def test_reading_byte_order_mark_is_accepted_in_every_format(tmp_path):
    data = {"name": "Contoso Ltd", "fiscal_calendar": {"type": "monthly", "first_month": 7}}
    texts = {"yaml": PROFILE, "json": json.dumps(data),
             "toml": 'name = "Contoso Ltd"\n[fiscal_calendar]\ntype = "monthly"\nfirst_month = 7\n'}
    for suffix, text in texts.items():
        path = tmp_path / f"contoso.{suffix}"
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
        assert workshop.load_profile(path).name == "Contoso Ltd", suffix


def test_reading_duplicate_key_is_an_error_in_every_format(write):
    yaml_path = write("a.yaml", PROFILE + "name: Other\n")
    assert problems_of(yaml_path) == [f"{yaml_path}:3: name: duplicate key"]
    json_path = write("b.json", '{\n  "name": "Contoso Ltd",\n  "fiscal_calendar": {"first_month": 7},\n'
                                '  "name": "Other"\n}\n')
    assert problems_of(json_path) == [f"{json_path}:4: name: duplicate key"]
    toml_path = write("c.toml", 'name = "Contoso Ltd"\nname = "Other"\n[fiscal_calendar]\nfirst_month = 7\n')
    [message] = problems_of(toml_path)
    assert message.startswith(f"{toml_path}:2: malformed TOML: duplicate key")


def test_reading_id_from_a_file_name_is_made_valid(invoke, tmp_path):
    folder = tmp_path / "profiles"
    folder.mkdir()
    shutil.copy(EXAMPLES / "vendor.yaml", folder)
    (folder / "Acme Corp.yaml").write_text(PROFILE)
    (folder / "Société Générale.yaml").write_text(PROFILE)
    assert workshop.load_profile(folder / "Acme Corp.yaml").id == "acme-corp"
    assert workshop.load_profile(folder / "Société Générale.yaml").id == "societe-generale"
    assert invoke("validate", folder).exit_code == 0
    result = invoke("plan", "acme-corp", "--profiles", folder, "--date", AS_OF.isoformat())
    assert result.exit_code == 0 and result.output.startswith("Contoso Ltd and Halcyon Cloud Software")


def test_reading_id_from_a_file_name_that_cannot_be_one_says_what_to_rename(write):
    path = write("acme.corp.yaml", PROFILE)
    [message] = problems_of(path)
    assert message.startswith(f"{path}: id: the file name 'acme.corp.yaml' makes no partner id (")
    assert message.endswith("; rename the file to acme-corp.yaml, or set `id:` in it")
    assert workshop.load_profile(write("acme.corp2.yaml", PROFILE + "id: acme\n")).id == "acme"


def test_reading_vendor_is_a_reserved_partner_id(invoke, tmp_path):
    folder = tmp_path / "profiles"
    folder.mkdir()
    shutil.copy(EXAMPLES / "vendor.yaml", folder)
    shutil.copy(EXAMPLES / "sakura.yaml", folder)
    (folder / "sakura.yaml").write_text("id: vendor\n" + (folder / "sakura.yaml").read_text())
    message = f"{folder / 'sakura.yaml'}:1: id: 'vendor' is reserved for your own company's profile (vendor.yaml)"
    result = invoke("validate", folder)
    assert result.exit_code == 1 and message in result.output
    result = invoke("plan", "sakura", "--profiles", folder, "--date", AS_OF.isoformat())
    assert result.exit_code == 1 and f"error: {message}" in result.output


@pytest.mark.parametrize("line, field, message", [
    ("deals: [{name: Big, amount: 10, expected_close: 9999-12-31}]", "deals[0].expected_close",
     "expected a date from 1950 to 2150 (got '9999-12-31')"),
    ("deals: [{name: Big, amount: .inf, expected_close: 2027-03-01}]", "deals[0].amount",
     "expected a finite number (got inf)"),
    ("deals: [{name: Big, amount: 1e400, expected_close: 2027-03-01}]", "deals[0].amount",
     "expected a finite number (got '1e400')"),
    ("deals: [{name: Big, amount: 2e15, expected_close: 2027-03-01}]", "deals[0].amount",
     "expected less than or equal to 1000000000000000 (got '2e15')"),
    ('contacts: [{name: "Ann\\nLee"}]', "contacts[0].name",
     "must be one line of text; remove the line break (got 'Ann\\nLee')"),
    ("blackouts: [{name: \"Shut\\tdown\", start: 12-24, end: 12-26}]", "blackouts[0].name",
     "must be one line of text; remove the tab (got 'Shut\\tdown')"),
])
def test_reading_absurd_values_are_errors_before_any_kit(write, invoke, tmp_path, line, field, message):
    path = write("contoso.yaml", PROFILE + line + "\n")
    shutil.copy(EXAMPLES / "vendor.yaml", tmp_path)
    expected = f"{path}:3: {field}: {message}"
    assert problems_of(path) == [expected]
    result = invoke("plan", path, "--json", "--date", AS_OF.isoformat())
    assert result.exit_code == 1 and f"error: {expected}" in result.output
    assert "Infinity" not in result.output and "unexpected" not in result.output


def test_reading_json_infinity_is_refused(write):
    path = write("contoso.json", '{"name": "Contoso Ltd", "fiscal_calendar": {"first_month": 7},\n'
                                 ' "deals": [{"name": "Big", "amount": Infinity, "expected_close": "2027-03-01"}]}')
    assert problems_of(path) == [f"{path}:2: deals[0].amount: expected a finite number (got inf)"]


def test_reading_long_text_is_refused_and_quoted_short(write):
    path = write("contoso.yaml", PROFILE.replace("Contoso Ltd", "Contoso " * 25_000))
    [message] = problems_of(path)
    assert message.startswith(f"{path}:1: name: expected at most 1000 characters (got 'Contoso Contoso")
    assert message.endswith("… (199,999 characters))") and len(message) < len(str(path)) + 200


def test_reading_timezone_and_language_are_checked(write):
    good = workshop.load_profile(write("a.yaml", PROFILE + "timezone: Europe/Berlin\nlanguage: pt-BR\n"))
    assert (good.timezone, good.language) == ("Europe/Berlin", "pt-BR")
    path = write("b.yaml", PROFILE + "timezone: Europe/Berlinn\nlanguage: klingon\n")
    assert problems_of(path) == [
        f"{path}:3: timezone: expected an IANA time zone such as Europe/Berlin, America/New_York or Asia/Tokyo "
        f"(got 'Europe/Berlinn')",
        f"{path}:4: language: expected a language tag (BCP 47) that Babel knows, such as en, de, ja or pt-BR "
        f"(got 'klingon')"]


def test_reading_messages_say_what_is_expected_in_words(write):
    path = write("contoso.yaml", PROFILE + """
        id: Contoso
        country: Norway
        session: {start: "25:00"}
        contacts: [{name: Ann, email: ann-at-example}]
        deals: [{name: Big, amount: 1, currency: eur, expected_close: 2027-03-01}]
        blackouts: [{name: Shutdown, start: 13-01, end: 12-26}]
    """.replace("        ", ""))
    problems = problems_of(path)
    assert problems == [
        f"{path}:4: id: expected lower-case letters a-z, digits, - and _, starting with a letter or digit, "
        f"e.g. acme-corp (got 'Contoso')",
        f"{path}:5: country: expected a two-letter ISO 3166 country code, e.g. DE, JP, NO (got 'NORWAY')",
        f"{path}:6: session.start: expected a time as HH:MM (24-hour), e.g. 09:30 (got '25:00')",
        f"{path}:7: contacts[0].email: expected an email address such as ann@example.com (got 'ann-at-example')",
        f"{path}:8: deals[0].currency: expected a three-letter ISO 4217 currency code in capitals, e.g. EUR "
        f"(got 'eur')",
        f"{path}:9: blackouts[0].start: expected a day of the year as MM-DD, e.g. 12-24 (got '13-01')",
    ]
    assert not any("pattern" in p or "^" in p for p in problems)

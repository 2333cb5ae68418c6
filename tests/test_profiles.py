"""Profiles: loading YAML, TOML and JSON, and error reports that name file, line and field."""

from __future__ import annotations

import json

import pytest

import workshop
from workshop.errors import ProfileError

from .conftest import EXAMPLES, ROOT

MINIMAL = """
name: Contoso Ltd
fiscal_calendar: {type: monthly, first_month: 7}
"""


def problems_of(path) -> list[str]:
    with pytest.raises(ProfileError) as caught:
        workshop.load_profile(path)
    return [str(p) for p in caught.value.problems]


def test_profile_minimal_defaults(write):
    profile = workshop.load_profile(write("contoso.yaml", MINIMAL))
    assert profile.id == "contoso"
    assert profile.name == "Contoso Ltd"
    assert profile.fiscal_calendar.first_month == 7
    assert profile.fiscal_calendar.naming == "end"
    assert profile.urgency_window_weeks == 2
    assert profile.contacts == [] and profile.deals == []


def test_profile_toml_and_json_equal_yaml(write):
    yaml_profile = workshop.load_profile(write("contoso.yaml", MINIMAL))
    toml_profile = workshop.load_profile(write("contoso.toml", """
        name = "Contoso Ltd"
        [fiscal_calendar]
        type = "monthly"
        first_month = 7
    """))
    json_profile = workshop.load_profile(write("contoso.json", json.dumps(
        {"name": "Contoso Ltd", "fiscal_calendar": {"type": "monthly", "first_month": 7}})))
    assert yaml_profile.model_dump() == toml_profile.model_dump() == json_profile.model_dump()


def test_profile_error_bad_month_names_file_line_field(write):
    path = write("bad.yaml", """
        name: Contoso Ltd
        fiscal_calendar:
          type: monthly
          first_month: 13
    """)
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:4: fiscal_calendar.first_month: ")
    assert "less than or equal to 12" in message and "13" in message


def test_profile_error_bad_type(write):
    path = write("bad.yaml", """
        name: Contoso Ltd
        fiscal_calendar: {type: monthly, first_month: 7}
        urgency_window_weeks: two
    """)
    (message,) = problems_of(path)
    assert f"{path}:3: urgency_window_weeks: expected a valid integer" in message


def test_profile_error_unknown_key_lists_expected_fields(write):
    path = write("bad.yaml", """
        name: Contoso Ltd
        fiscal_calendar: {type: monthly, first_month: 7}
        contacts:
          - name: Ann Lee
            phone: "+1 555 0100"
    """)
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:5: contacts[0].phone: unknown field")
    assert "signatory" in message  # it says what would have been valid


def test_profile_error_malformed_yaml_names_line(write):
    path = write("bad.yaml", """
        name: Contoso Ltd
        fiscal_calendar: {type: monthly, first_month: 7
        region: EMEA
    """)
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:3: malformed YAML")


def test_profile_error_every_problem_reported_at_once(write):
    path = write("bad.yaml", """
        name: ""
        fiscal_calendar: {type: weekly, first_month: 0}
        country: Germany
        blackouts:
          - {name: Summer, start: 2027-08-01, end: 08-30}
        deals:
          - {name: Big one, amount: -5}
    """)
    messages = problems_of(path)
    fields = [m.split(": ")[1] for m in messages]
    assert "name" in fields
    assert "fiscal_calendar.first_month" in fields  # a monthly field in a weekly calendar
    assert "fiscal_calendar.year_end_weekday" in fields and "fiscal_calendar.year_end_month" in fields
    assert "country" in fields
    assert "blackouts[0]" in fields
    assert "deals[0].amount" in fields
    assert "deals[0].expected_close" in fields
    assert all(m.startswith(str(path) + ":") for m in messages)


def test_profile_calendar_type_defaults_to_monthly(write):
    profile = workshop.load_profile(write("contoso.yaml", "name: Contoso Ltd\nfiscal_calendar: {first_month: 7}\n"))
    assert profile.fiscal_calendar == workshop.load_profile(write("contoso2.yaml", MINIMAL)).fiscal_calendar


def test_profile_error_unknown_calendar_type(write):
    path = write("bad.yaml", """
        name: Contoso Ltd
        fiscal_calendar:
          type: fortnightly
    """)
    (message,) = problems_of(path)
    assert message == f"{path}:3: fiscal_calendar.type: expected one of: monthly, weekly (got 'fortnightly')"


def test_profile_weekly_calendar(write):
    profile = workshop.load_profile(write("contoso.yaml", """
        name: Contoso Ltd
        fiscal_calendar: {type: weekly, year_end_weekday: Saturday, year_end_month: 9, pattern: 13x4}
    """))
    spec = profile.fiscal_calendar
    assert (spec.type, spec.year_end_weekday, spec.year_end_rule) == ("weekly", "saturday", "last")
    assert spec.periods_per_quarter == (3, 3, 3, 4) and spec.extra_week_quarter == 4


def test_profile_error_weekly_bad_weekday(write):
    path = write("bad.yaml", """
        name: Contoso Ltd
        fiscal_calendar:
          type: weekly
          year_end_weekday: caturday
          year_end_month: 9
    """)
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:4: fiscal_calendar.year_end_weekday: expected 'monday', ")
    assert "'caturday'" in message


def test_profile_error_weekly_bad_quarter_periods(write):
    path = write("bad.yaml", """
        name: Contoso Ltd
        fiscal_calendar:
          type: weekly
          year_end_weekday: saturday
          year_end_month: 9
          pattern: 13x4
          quarter_periods: [3, 3, 3, 3]
    """)
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:7: fiscal_calendar.quarter_periods: expected 4 numbers of periods")
    assert "adding up to 13 for pattern 13x4" in message and "[3, 3, 3, 3]" in message


def test_profile_error_weekly_unknown_field_lists_weekly_fields(write):
    path = write("bad.yaml", """
        name: Contoso Ltd
        fiscal_calendar: {type: weekly, year_end_weekday: saturday, year_end_month: 9, weeks: 53}
    """)
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:2: fiscal_calendar.weeks: unknown field; expected one of: type, year_end_weekday")


def test_profile_error_unknown_country_and_subdivision(write):
    path = write("bad.yaml", """
        name: Contoso Ltd
        fiscal_calendar: {first_month: 7}
        country: XQ
    """)
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:3: country: XQ is not a country with known public holidays")
    path = write("bad2.yaml", """
        name: Contoso Ltd
        fiscal_calendar: {first_month: 7}
        country: DE
        subdivision: NSW
    """)
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:4: subdivision: NSW is not a subdivision of DE (known: BB, BE, ")


def test_profile_error_missing_required_field(write):
    path = write("bad.yaml", "name: Contoso Ltd\n")
    (message,) = problems_of(path)
    assert "fiscal_calendar: required field is missing" in message


def test_profile_error_duplicate_key(write):
    path = write("bad.yaml", """
        name: Contoso Ltd
        fiscal_calendar: {type: monthly, first_month: 7}
        name: Contoso Limited
    """)
    (message,) = problems_of(path)
    assert message == f"{path}:3: name: duplicate key"


def test_profile_error_not_a_mapping(write):
    path = write("bad.yaml", "- just\n- a list\n")
    (message,) = problems_of(path)
    assert "must be a mapping" in message


def test_profile_error_toml_names_line(write):
    path = write("bad.toml", """
        name = "Contoso Ltd"
        urgency_window_weeks = "two"
        [fiscal_calendar]
        first_month = 7
    """)
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:2: urgency_window_weeks:")


def test_profile_error_json_names_line(write):
    path = write("bad.json", '{\n  "name": "Contoso Ltd",\n  "fiscal_calendar": {"first_month": 99}\n}\n')
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:3: fiscal_calendar.first_month:")


def test_profile_blackout_month_day_must_exist(write):
    path = write("bad.yaml", """
        name: Contoso Ltd
        fiscal_calendar: {type: monthly}
        blackouts: [{name: Nope, start: "02-30", end: "03-02"}]
    """)
    (message,) = problems_of(path)
    assert "02-30 is not a day of the year" in message


def test_examples_are_valid_and_cover_the_brief():
    partners = [workshop.load_profile(p) for p in workshop.profile_files(EXAMPLES)]
    assert len(partners) >= 6
    monthly = [p for p in partners if p.fiscal_calendar.type == "monthly"]
    starts = {p.country: p.fiscal_calendar.first_month for p in monthly}
    assert starts["DE"] == 1 and starts["JP"] == 4 and starts["AU"] == 7
    assert any(p.country == "US" and p.fiscal_calendar.first_month == 10 for p in monthly)
    assert any(p.fiscal_calendar.type == "weekly" for p in partners)
    vendor = workshop.load_vendor(EXAMPLES / "vendor.yaml")
    assert any(p.fiscal_calendar == vendor.fiscal_calendar for p in partners)


def test_schema_files_are_up_to_date():
    for kind in ("partner", "vendor"):
        committed = json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text())
        assert committed == workshop.schema(kind), f"regenerate: workshop schema {kind} > schemas/{kind}.schema.json"


def test_schema_documents_every_field():
    schema = workshop.schema("partner")
    assert schema["additionalProperties"] is False
    for name, field in schema["properties"].items():
        assert field.get("description"), f"{name} has no docstring"


def test_profile_yaml_alias_bomb_rejected_quickly(write):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 9):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    path = write("bomb.yaml", "\n".join(lines + ["name: x", "fiscal_calendar: {first_month: 1}"]) + "\n")
    (message,) = problems_of(path)
    assert "YAML too large" in message and str(path) in message


def test_profile_deep_nesting_rejected(write):
    yaml_path = write("deep.yaml", "name: x\nfiscal_calendar: {first_month: 1}\nnotes: " + "[" * 300 + "]" * 300 + "\n")
    assert "nested too deeply" in problems_of(yaml_path)[0]
    json_path = write("deep.json", '{"name": "x", "notes": ' + "[" * 5000 + "]" * 5000 + "}")
    assert "nested too deeply" in problems_of(json_path)[0]


def test_profile_python_tags_are_not_executed(write, tmp_path):
    marker = tmp_path / "pwned"
    path = write("tag.yaml", f'name: !!python/object/apply:os.system ["touch {marker}"]\nfiscal_calendar: {{}}\n')
    (message,) = problems_of(path)
    assert "malformed YAML: could not determine a constructor" in message
    assert not marker.exists()


def test_profile_huge_file_rejected(write):
    path = write("huge.yaml", "name: x\nfiscal_calendar: {}\nnotes: " + "x" * 1_100_000 + "\n")
    (message,) = problems_of(path)
    assert "file too large" in message

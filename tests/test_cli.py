"""The command line: exit codes, messages instead of tracebacks, files written."""

from __future__ import annotations

import json
import shutil

import pytest

from workshop.cli import cli

from .conftest import EXAMPLES, docx_text, pdf_pages, pdf_text


@pytest.fixture
def profiles(tmp_path):
    """A copy of three example partners and the vendor, to break at will."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    for name in ("vendor", "rheinwerk", "sakura", "bluewater"):
        shutil.copy(EXAMPLES / f"{name}.yaml", folder)
    return folder


def test_cli_validate_examples_ok(invoke):
    result = invoke("validate", EXAMPLES)
    assert result.exit_code == 0
    assert "8 profiles valid" in result.output


def test_cli_validate_reports_every_bad_file(invoke, profiles):
    (profiles / "sakura.yaml").write_text("name: Sakura\nfiscal_calendar: {first_month: 13}\n")
    (profiles / "bluewater.yaml").write_text("name: Bluewater\nfiscal_calendar: {}\ncolour: blue\n")
    result = invoke("validate", profiles)
    assert result.exit_code == 1
    assert f"{profiles / 'sakura.yaml'}:2: fiscal_calendar.first_month:" in result.output
    assert f"{profiles / 'bluewater.yaml'}:3: colour: unknown field" in result.output
    assert "2 of 4 profiles invalid" in result.output


def test_cli_memo_all_writes_pdf_and_docx(invoke, profiles, tmp_path):
    out = tmp_path / "out"
    result = invoke("memo", "--all", "--profiles", profiles, "--date", "2026-11-26", "--out", out)
    assert result.exit_code == 0, result.output
    titles = {"rheinwerk": "Vereinbarung über die gemeinsame Geschäftsperiode (MOP)",  # each in its partner's language
              "sakura": "共同運営期間（MOP）合意書", "bluewater": "Mutual Operating Period Agreement"}
    for partner, title in titles.items():
        pdf = (out / "FY2028" / partner / f"{partner}-FY2028-memo.pdf").read_bytes()
        assert pdf_pages(pdf) == 1
        assert title in docx_text((out / "FY2028" / partner / f"{partner}-FY2028-memo.docx").read_bytes())
    assert "3 built, 0 failed" in result.output
    assert not list(out.rglob("*.part"))


def test_cli_memo_one_bad_partner_does_not_stop_the_others(invoke, profiles, tmp_path):
    (profiles / "sakura.yaml").write_text("name: Sakura\nfiscal_calendar: {first_month: July}\n")
    out = tmp_path / "out"
    result = invoke("memo", "--all", "--profiles", profiles, "--date", "2026-11-26", "--out", out, "--format", "pdf")
    assert result.exit_code == 1
    assert f"{profiles / 'sakura.yaml'}:2: fiscal_calendar.first_month" in result.output
    assert "2 built, 1 failed" in result.output
    assert sorted(p.parent.name for p in out.rglob("*-memo.pdf")) == ["bluewater", "rheinwerk"]
    assert not list(out.rglob("*.docx"))
    assert not (out / "FY2028" / "sakura").exists()


def test_cli_memo_by_path_with_year_and_letter(invoke, profiles, tmp_path):
    out = tmp_path / "out"
    result = invoke("memo", profiles / "rheinwerk.yaml", "--year", "2029", "--paper", "letter",
                    "--out", out, "--format", "pdf", "--date", "2026-11-26", "--language", "en-GB")
    assert result.exit_code == 0, result.output
    text = pdf_text((out / "FY2029" / "rheinwerk" / "rheinwerk-FY2029-memo.pdf").read_bytes())
    # Vendor FY2029 runs 1 February 2028 to 31 January 2029; Rheinwerk's calendar year 2028 overlaps it most,
    # and aligning to it is recommended: the memo's scope is that span.
    assert "FY2029" in text
    assert "agree to run their joint business from 1 January 2028 to 31 December 2028" in text


def test_cli_plan_json(invoke, profiles):
    result = invoke("plan", "rheinwerk", "--profiles", profiles, "--date", "2026-11-26", "--json")
    assert result.exit_code == 0
    plan = json.loads(result.output)
    assert plan["fiscal_year"] == 2028 and plan["partner"]["name"] == "Rheinwerk IT-Systemhaus GmbH"
    assert {o["strategy"] for o in plan["options"]} >= {"align-vendor", "align-partner", "shared-quarter-end"}


def test_cli_plan_summary(invoke, profiles):
    result = invoke("plan", "sakura", "--profiles", profiles, "--date", "2026-11-26")
    assert result.exit_code == 0
    assert "Q1 FY2028  2027-04-30   Q4 FY2027  2027-03-31    -30 days" in result.output
    assert "Recommended: " in result.output


def test_cli_unknown_partner_is_a_message_not_a_traceback(invoke, profiles):
    result = invoke("plan", "nobody", "--profiles", profiles)
    assert result.exit_code == 1
    assert "no partner 'nobody'" in result.output and "rheinwerk" in result.output
    assert "Traceback" not in result.output


def test_cli_missing_vendor(invoke, profiles):
    (profiles / "vendor.yaml").unlink()
    result = invoke("plan", "sakura", "--profiles", profiles)
    assert result.exit_code == 1
    assert "no vendor profile" in result.output and "--vendor" in result.output


def test_cli_invalid_vendor_names_the_file(invoke, profiles):
    (profiles / "vendor.yaml").write_text("name: Halcyon\nfiscal_calendar: {first_month: 2}\npaper: a3\n")
    result = invoke("memo", "--all", "--profiles", profiles)
    assert result.exit_code == 1
    assert f"{profiles / 'vendor.yaml'}:3: paper:" in result.output


def test_cli_debug_shows_traceback(runner, profiles):
    result = runner.invoke(cli, ["--debug", "plan", "nobody", "--profiles", str(profiles)])
    assert result.exit_code == 1
    assert result.exc_info[0].__name__ == "ProfileNotFound"


@pytest.mark.parametrize("args", [
    ["memo"],
    ["memo", "sakura", "--all"],
    ["plan", "sakura", "--date", "26/11/2026"],
    ["memo", "--all", "--format", "odt"],
    ["plan", "sakura", "--year", "1850"],
    ["frobnicate"],
])
def test_cli_usage_errors_exit_2(runner, args, profiles):
    result = runner.invoke(cli, args + ["--profiles", str(profiles)] if args[0] != "frobnicate" else args)
    assert result.exit_code == 2, result.output


def test_cli_schema_prints_json(invoke):
    for kind in ("partner", "vendor", "plan"):
        result = invoke("schema", kind)
        assert result.exit_code == 0
        assert json.loads(result.output)["type"] == "object"


def test_cli_help_on_every_command(invoke):
    for command in ("validate", "schema", "calendar", "plan", "memo", "agree", "verify"):
        result = invoke(command, "--help")
        assert result.exit_code == 0 and "Usage: " in result.output

"""Extension points: a MOP strategy and an output format added from outside the package, one file
each plus one registry call, show up in plans, --format, kits, agreements and the index."""

from __future__ import annotations

import json

import pytest

import workshop
from workshop import mop, writers

from . import toy_format, toy_strategy
from .conftest import AS_OF

DATE = AS_OF.isoformat()


@pytest.fixture
def toy_strategy_registered():
    workshop.register_strategy(toy_strategy.OneYear())
    yield
    mop.unregister("one-year")


@pytest.fixture
def toy_format_registered():
    workshop.register_writer(toy_format.WRITER)
    yield
    writers.unregister_writer("txt")


def test_extension_strategy_in_plan_json_kit_and_agreement(toy_strategy_registered, invoke, profiles, tmp_path):
    result = invoke("plan", "sakura", "--profiles", profiles, "--date", DATE, "--json")
    assert result.exit_code == 0, result.output
    options = {o["strategy"]: o for o in json.loads(result.output)["options"]}
    assert [(p["name"], p["start"], p["end"]) for p in options["one-year"]["periods"]] == [
        ("MOP year", "2027-02-01", "2028-01-31")]
    assert set(options["one-year"]["factors"]) == {"urgency_overlap", "planning_alignment", "collisions", "complexity"}

    out = tmp_path / "out"
    assert invoke("kit", "sakura", "--profiles", profiles, "--date", DATE, "--out", out, "--jobs", "1",
                  "--format", "pdf").exit_code == 0
    plan = json.loads((out / "FY2028" / "sakura" / "sakura-FY2028-plan.json").read_text())
    assert "one-year" in {o["strategy"] for o in plan["options"]}

    result = invoke("agree", "sakura", "--profiles", profiles, "--date", DATE, "--strategy", "one-year")
    assert result.exit_code == 0, result.output
    agreement = workshop.load_agreement(profiles / "sakura.FY2028.agreement.yaml")
    assert agreement.strategy == "one-year" and len(agreement.periods) == 1
    assert "one-year" in workshop.schema("agreement")["properties"]["strategy"]["enum"]


def test_extension_strategy_unregistered_is_gone(invoke, profiles):
    result = invoke("agree", "sakura", "--profiles", profiles, "--date", DATE, "--strategy", "one-year")
    assert result.exit_code == 2 and "'one-year' is not one of align-vendor" in result.output


def test_extension_format_in_format_option_kit_and_index(toy_format_registered, invoke, profiles, tmp_path):
    out = tmp_path / "out"
    result = invoke("kit", "sakura", "--profiles", profiles, "--date", DATE, "--out", out, "--jobs", "1",
                    "--format", "pdf,txt", "--language", "en")
    assert result.exit_code == 0, result.output
    folder = out / "FY2028" / "sakura"
    for doc in workshop.documents():
        text = (folder / f"sakura-FY2028-{doc.stem}.txt").read_text(encoding="utf-8")
        assert doc.title in text and "Sakura Digital Solutions K.K." in text
    manifest = json.loads((out / "FY2028" / "manifest.json").read_text())
    assert "sakura/sakura-FY2028-memo.txt" in manifest["files"]
    index = (out / "FY2028" / "index.html").read_text(encoding="utf-8")
    assert '<a href="sakura/sakura-FY2028-memo.txt">Text</a>' in index
    result = invoke("memo", "sakura", "--profiles", profiles, "--date", DATE, "--out", out, "--format", "txt",
                    "--force")
    assert result.exit_code == 0 and str(folder / "sakura-FY2028-memo.txt") in result.output


def test_extension_format_unknown_without_registration(invoke, profiles, tmp_path):
    result = invoke("kit", "sakura", "--profiles", profiles, "--date", DATE, "--out", tmp_path, "--format", "txt")
    assert result.exit_code == 2 and "'txt': expected a comma-separated list of pdf, docx" in result.output

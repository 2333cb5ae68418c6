"""Kits: every document, plan.json and mop.ics per partner; incremental, sharded, parallel, atomic."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from datetime import date

import pytest

import workshop
from workshop import storage
from workshop.agenda import planning_session_date
from workshop.documents.theme import builtin_theme_dir
from workshop.kits import pipeline, usable_cpus
from workshop.writers.ics import mop_calendar

STEMS = [doc.stem for doc in workshop.documents()]

from .conftest import EXAMPLES, normalise, pdf_pages, pdf_text

DATE = "2026-11-26"
ALL_EXAMPLES = tuple(p.stem for p in workshop.profile_files(EXAMPLES))


def index_csv(year) -> list[dict[str, str]]:
    with open(year / "index.csv", newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def test_kit_builds_every_document_plan_and_calendar(kit):
    result = kit(formats="pdf,docx")
    assert result.exit_code == 0, result.output
    assert "3 built, 0 unchanged, 0 failed" in result.output
    for partner in ("rheinwerk", "sakura", "bluewater"):
        folder = kit.year / partner
        # Each file named for its partner and year, so it keeps its meaning outside the folder.
        expected = {f"{partner}-FY2028-{stem}.{fmt}" for stem in STEMS for fmt in ("pdf", "docx")}
        assert expected | {f"{partner}-FY2028-plan.json", f"{partner}-FY2028-mop.ics", ".inputs", ".claim"} == \
            {p.name for p in folder.iterdir()}
        assert pdf_pages((folder / f"{partner}-FY2028-memo.pdf").read_bytes()) == 1
        assert json.loads((folder / f"{partner}-FY2028-plan.json").read_text())["partner"]["id"] == partner
    manifest = json.loads((kit.year / "manifest.json").read_text())
    assert manifest["partners"] == {"bluewater": "built", "rheinwerk": "built", "sakura": "built"}
    assert len(manifest["files"]) == 3 * (len(expected) + 2) + 2
    import hashlib
    assert manifest["files"]["sakura/sakura-FY2028-memo.pdf"] == hashlib.sha256((kit.year / "sakura/sakura-FY2028-memo.pdf").read_bytes()).hexdigest()


def test_kit_one_broken_profile_the_others_built(kit, profiles):
    (profiles / "sakura.yaml").write_text("name: Sakura\nfiscal_calendar: {first_month: July}\n")
    result = kit()
    assert result.exit_code == 1
    assert f"{profiles / 'sakura.yaml'}:2: fiscal_calendar.first_month" in result.output
    assert "2 built, 0 unchanged, 1 failed" in result.output
    assert sorted(p.parent.name for p in kit.year.rglob("*-memo.pdf")) == ["bluewater", "rheinwerk"]
    rows = {row["id"]: row for row in index_csv(kit.year)}
    assert [rows[p]["status"] for p in ("bluewater", "rheinwerk", "sakura")] == ["built", "built", "failed"]
    assert "sakura.yaml:2" in rows["sakura"]["error"]
    assert rows["rheinwerk"]["recommended"] and rows["rheinwerk"]["files"].split() == sorted(
        [f"rheinwerk/rheinwerk-FY2028-{stem}.pdf" for stem in STEMS]
        + ["rheinwerk/rheinwerk-FY2028-mop.ics", "rheinwerk/rheinwerk-FY2028-plan.json"])


def test_kit_second_run_skips_unchanged_partners(kit):
    assert kit().exit_code == 0
    before = {p: p.stat().st_mtime_ns for p in kit.year.rglob("*") if p.is_file() and p.parent != kit.year}
    result = kit()
    assert result.exit_code == 0
    assert "0 built, 3 unchanged, 0 failed" in result.output
    assert before == {p: p.stat().st_mtime_ns for p in kit.year.rglob("*") if p.is_file() and p.parent != kit.year}
    assert len(index_csv(kit.year)) == 3
    assert "3 built, 0 unchanged" in kit("--force").output


def test_kit_changed_profile_or_options_rebuild(kit, profiles):
    assert kit().exit_code == 0
    with open(profiles / "sakura.yaml", "a", encoding="utf-8") as stream:
        stream.write("\n# a comment changes the bytes, so the partner is rebuilt\n")
    assert "1 built, 2 unchanged" in kit().output
    assert "3 built, 0 unchanged" in kit(formats="pdf,docx").output
    assert "3 built, 0 unchanged" in kit("--paper", "letter", formats="pdf,docx").output


def test_kit_touching_a_template_rebuilds_all(kit, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    shutil.copy(builtin_theme_dir() / "memo.html", templates)
    assert kit("--templates", templates).exit_code == 0
    assert "0 built, 3 unchanged" in kit("--templates", templates).output
    with open(templates / "memo.html", "a", encoding="utf-8") as stream:
        stream.write("\n{# touched #}\n")
    result = kit("--templates", templates)
    assert result.exit_code == 0
    assert "3 built, 0 unchanged, 0 failed" in result.output


def test_kit_a_profile_that_breaks_leaves_the_index(kit, profiles):
    assert kit().exit_code == 0
    (profiles / "sakura.yaml").write_text("name: [unclosed\n")
    result = kit()
    assert result.exit_code == 1 and str(profiles / "sakura.yaml") in result.output
    assert {row["id"]: row["status"] for row in index_csv(kit.year)}["sakura"] == "failed"
    assert not (kit.year / "sakura" / ".inputs").exists()
    shutil.copy(EXAMPLES / "sakura.yaml", profiles)
    assert "1 built, 2 unchanged, 0 failed" in kit().output
    assert {row["status"] for row in index_csv(kit.year)} == {"built"}


def test_kit_shards_cover_every_partner_once(invoke, tmp_path):
    profiles = tmp_path / "profiles"
    shutil.copytree(EXAMPLES, profiles)
    out = tmp_path / "out"
    built = []
    for shard in ("1/3", "2/3", "3/3"):
        result = invoke("kit", "--all", "--profiles", profiles, "--date", DATE, "--out", out,
                        "--format", "docx", "--jobs", "1", "--shard", shard)
        assert result.exit_code == 0, result.output
        built += [line.split(":")[0] for line in result.output.splitlines() if line.endswith(" files in " + line.split(" files in ")[-1]) and ": " in line]
    assert sorted(built) == sorted(ALL_EXAMPLES)
    assert not (out / "FY2028" / "index.csv").exists()
    result = invoke("kit", "--index-only", "--profiles", profiles, "--date", DATE, "--out", out)
    assert result.exit_code == 0, result.output
    rows = index_csv(out / "FY2028")
    assert sorted(row["id"] for row in rows) == sorted(ALL_EXAMPLES)
    assert {row["status"] for row in rows} == {"built"}
    html = (out / "FY2028" / "index.html").read_text()
    assert all(f'href="{p}/{p}-FY2028-memo.docx"' in html for p in ALL_EXAMPLES)


def test_kit_select_shard_is_a_partition():
    files = [EXAMPLES / f"partner-{i:03d}.yaml" for i in range(50)]
    shards = [workshop.select_shard(reversed(files), k, 4) for k in (1, 2, 3, 4)]
    assert sorted(f for shard in shards for f in shard) == sorted(files)
    assert max(map(len, shards)) - min(map(len, shards)) <= 1
    with pytest.raises(ValueError):
        workshop.select_shard(files, 5, 4)


@pytest.mark.parametrize("value", ["0/3", "4/3", "1-3", "x/y"])
def test_kit_bad_shard_is_a_usage_error(runner, profiles, value):
    from workshop.cli import cli

    result = runner.invoke(cli, ["kit", "--all", "--profiles", str(profiles), "--shard", value])
    assert result.exit_code == 2


def test_kit_calendar_holds_mop_period_ends(kit):
    from icalendar import Calendar

    assert kit().exit_code == 0
    data = (kit.year / "sakura" / "sakura-FY2028-mop.ics").read_bytes()
    calendar = Calendar.from_ical(data)
    assert Calendar.from_ical(calendar.to_ical()).to_ical() == calendar.to_ical()  # it round-trips
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    plan = workshop.Plan.model_validate_json((kit.year / "sakura" / "sakura-FY2028-plan.json").read_bytes())
    ends = [p.end for p in plan.memo.periods]
    starts = {e.decoded("dtstart") for uid, e in events.items() if "-mop-end-" in uid}
    assert starts == set(ends) and len(ends) == 4
    assert all(e.decoded("dtstamp").date() == date(2026, 11, 26) for e in events.values())
    assert sum("-urgency-vendor-" in uid for uid in events) == 4
    # Nothing that is over by the plan date: Sakura's Q3 FY2027 window (ended 31 December 2026) is.
    assert all((e.decoded("dtend") if "session" not in uid else e.decoded("dtend").date()) > date(2026, 11, 26)
               for uid, e in events.items())
    # The session as Sakura's profile books it: 10:00 to 11:30 on 10 December 2026 in Tokyo (UTC+9), the
    # partner's time zone, at its place, with everyone who has an e-mail address.
    session = events["fy2028-sakura-session@workshop"]
    begins, ends_at = session.decoded("dtstart"), session.decoded("dtend")
    assert (begins.isoformat(), ends_at.isoformat()) == ("2026-12-10T10:00:00+09:00", "2026-12-10T11:30:00+09:00")
    assert str(begins.tzinfo) == "Asia/Tokyo" and calendar.walk("VTIMEZONE")
    assert "Minato-ku" in str(session["location"]) and "meet.halcyon.example" in str(session["url"])
    attendees = sorted(str(a) for a in session.get("attendee"))
    assert attendees == sorted(["mailto:dana.whitfield@halcyon.example", "mailto:marcus.oyelaran@halcyon.example",
                                "mailto:h.tanaka@sakura-ds.example", "mailto:y.nakamura@sakura-ds.example"])
    # One event per dated commitment of the memo, each with a reminder.
    dated = [(c, d) for c in plan.memo.commitments for d in c.dates if d.day >= date(2026, 11, 26)]
    reminders = [e for uid, e in events.items() if "-commitment-" in uid]
    assert len(reminders) == len(dated) and all(e.walk("VALARM") for e in reminders)
    assert {e.decoded("dtstart") for e in reminders} == {d.day for _, d in dated}


def test_kit_calendar_without_a_session_books_none_and_says_so(kit):
    from icalendar import Calendar

    assert kit().exit_code == 0
    calendar = Calendar.from_ical((kit.year / "bluewater" / "bluewater-FY2028-mop.ics").read_bytes())
    assert not [e for e in calendar.walk("VEVENT") if "session" in str(e["uid"])]
    assert "No joint planning session is booked yet" in str(calendar["x-wr-caldesc"])


def test_kit_calendar_is_byte_identical_run_to_run(vendor):
    partner = workshop.load_profile(EXAMPLES / "rheinwerk.yaml")
    plan = workshop.plan_partnership(vendor, partner, as_of=date(2026, 11, 26))
    assert mop_calendar(plan) == mop_calendar(plan)


def test_kit_planning_session_falls_back_to_six_weeks_before(vendor, write):
    from workshop.facts import Side
    from workshop.fiscal import MonthlyCalendar

    def side(month, timing="nearest"):
        return Side("Vendor", MonthlyCalendar(2), planning_month=month, planning_timing=timing)

    # No planning month: six weeks before the year starts (Monday 21 December 2026).
    assert planning_session_date(side(None), date(2027, 2, 1)) == date(2026, 12, 21)
    # November is nearest to a February start: Monday 2 November 2026.
    assert planning_session_date(side(11), date(2027, 2, 1)) == date(2026, 11, 2)
    # Planning in the first month of one's own year plans that year: Monday 1 February 2027.
    assert planning_session_date(side(2), date(2027, 2, 1)) == date(2027, 2, 1)
    assert planning_session_date(side(2, "before-year"), date(2027, 2, 1)) == date(2026, 2, 2)
    # August 2027 is 181 days after the start, August 2026 184 days before: Monday 2 August 2027.
    assert planning_session_date(side(8), date(2027, 2, 1)) == date(2027, 8, 2)


def test_kit_interrupted_run_leaves_no_part_files_and_is_completed_next_time(kit, monkeypatch):
    real = pipeline.render_outputs

    def interrupt_on_sakura(plan, document, *args, **options):
        if plan.partner.id == "sakura":
            raise KeyboardInterrupt
        return real(plan, document, *args, **options)

    monkeypatch.setattr(pipeline, "render_outputs", interrupt_on_sakura)
    result = kit()
    assert result.exit_code != 0
    assert not list(kit.out.rglob("*.part"))
    assert not (kit.year / "sakura" / ".inputs").exists()
    monkeypatch.setattr(pipeline, "render_outputs", real)
    result = kit()
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.output
    assert (kit.year / "sakura" / ".inputs").exists() and (kit.year / "sakura" / "sakura-FY2028-memo.pdf").exists()
    assert len(index_csv(kit.year)) == 3


def test_kit_interrupted_while_writing_keeps_no_fingerprint(kit, monkeypatch):
    assert kit().exit_code == 0
    real = pipeline.write_atomic

    def fail_on_calendar(path, data):
        if path.name == "rheinwerk-FY2028-mop.ics":
            raise KeyboardInterrupt
        return real(path, data)

    monkeypatch.setattr(pipeline, "write_atomic", fail_on_calendar)
    kit("--force")
    assert not list(kit.out.rglob("*.part"))
    assert not (kit.year / "rheinwerk" / ".inputs").exists()
    monkeypatch.setattr(pipeline, "write_atomic", real)
    assert "1 built, 2 unchanged" in kit().output


def test_kit_jobs_2_and_jobs_1_give_identical_files(invoke, profiles, tmp_path):
    outputs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        result = invoke("kit", "--all", "--profiles", profiles, "--date", DATE, "--out", out,
                        "--format", "pdf", "--jobs", jobs)
        assert result.exit_code == 0, result.output
        outputs[jobs] = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert outputs["1"].keys() == outputs["2"].keys()
    for path in outputs["1"]:
        if path.name != ".inputs":  # records the profile's absolute path, which differs per run folder
            assert outputs["1"][path] == outputs["2"][path], path


WARM_AND_COUNT_THREADS = """
import os, sys, datetime, pathlib, workshop
from workshop.kits.pipeline import kit_job
from workshop.kits.pool import warm_process
examples = pathlib.Path(sys.argv[1])
vendor = workshop.load_vendor(examples / "vendor.yaml")
settings = workshop.load_settings(examples / "vendor.yaml", as_of=datetime.date(2026, 11, 26), fiscal_year=2028)
warm_process(kit_job(vendor, settings, pathlib.Path(sys.argv[2])), workshop.theme_for(settings))
assert "weasyprint" in sys.modules
print(len(os.listdir("/proc/self/task")))
"""


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="counts the process's native threads in /proc")
def test_kit_warming_up_before_forking_workers_starts_no_threads(tmp_path):
    # The parent warms up (WeasyPrint, the theme, the rule packs) and then forks its workers; forking a
    # process that runs other threads can deadlock a child, so the warm-up must start none.
    result = subprocess.run([sys.executable, "-c", WARM_AND_COUNT_THREADS, str(EXAMPLES), str(tmp_path)],
                            capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["1"]


def test_kit_index_escapes_untrusted_names(kit, profiles):
    (profiles / "bluewater.yaml").write_text(
        (profiles / "bluewater.yaml").read_text().replace("name: Bluewater Networks Inc.", "name: <script>x</script>"))
    assert kit().exit_code == 0
    html = (kit.year / "index.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_kit_usage_errors(runner, profiles):
    from workshop.cli import cli

    assert runner.invoke(cli, ["kit", "--profiles", str(profiles)]).exit_code == 2
    assert runner.invoke(cli, ["kit", "sakura", "--all", "--profiles", str(profiles)]).exit_code == 2


def test_kit_help(invoke):
    result = invoke("kit", "--help")
    assert result.exit_code == 0 and "--index-only" in result.output and "--shard K/N" in result.output


def _set_agreement(path, **changes):
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _japanese_draft(text: str) -> bool:
    """A Japanese memo still to sign: blank date lines (日付 ____), nothing marked signed (署名済み)."""
    return "日付____" in text.replace(" ", "") and "署名済み" not in text


def test_kit_carries_the_memo_in_its_agreed_state_and_the_index_says_which(invoke, kit, profiles):
    assert kit().exit_code == 0
    assert {row["id"]: row["agreement"] for row in index_csv(kit.year)} == {
        "bluewater": "none", "rheinwerk": "none", "sakura": "none"}
    assert _japanese_draft(pdf_text((kit.year / "sakura/sakura-FY2028-memo.pdf").read_bytes()))

    assert invoke("agree", "sakura", "--profiles", profiles, "--date", DATE, "--strategy", "align-partner").exit_code == 0
    result = kit()
    assert "1 built, 2 unchanged" in result.output  # the new agreement file rebuilds only its partner
    assert {row["id"]: row["agreement"] for row in index_csv(kit.year)}["sakura"] == "draft"
    plan = json.loads((kit.year / "sakura/sakura-FY2028-plan.json").read_text())
    assert plan["memo"]["strategy"] == "align-partner" and plan["memo"]["status"] == "draft"

    path = profiles / "sakura.FY2028.agreement.yaml"
    import yaml
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for side in ("vendor", "partner"):
        for person in data["signatories"][side]:
            person["signed"] = date(2026, 12, 3)
    _set_agreement(path, signatories=data["signatories"], status="signed")
    result = kit()
    assert "1 built, 2 unchanged" in result.output
    rows = {row["id"]: row for row in index_csv(kit.year)}
    assert rows["sakura"]["agreement"] == "signed"
    memo = pdf_text((kit.year / "sakura/sakura-FY2028-memo.pdf").read_bytes())
    assert not _japanese_draft(memo) and normalise("署名済み · Dana Whitfield, VP, Global Channel Sales · 2026年12月3日") in memo
    assert pdf_pages((kit.year / "sakura/sakura-FY2028-memo.pdf").read_bytes()) == 1
    html = (kit.year / "index.html").read_text(encoding="utf-8")
    assert "memos: 1 signed, 0 agreed in draft, 2 not yet agreed" in html

    path.unlink()  # an agreement withdrawn: the kit goes back to the draft memo
    assert "1 built, 2 unchanged" in kit().output
    assert _japanese_draft(pdf_text((kit.year / "sakura/sakura-FY2028-memo.pdf").read_bytes()))


def test_kit_a_broken_agreement_fails_its_partner_only(invoke, kit, profiles):
    assert invoke("agree", "sakura", "--profiles", profiles, "--date", DATE, "--strategy", "shared-quarter-end").exit_code == 0
    _set_agreement(profiles / "sakura.FY2028.agreement.yaml", status="signed")  # nobody has signed
    result = kit()
    assert result.exit_code == 1
    assert "sakura.FY2028.agreement.yaml" in result.output and "signed" in result.output
    assert "2 built, 0 unchanged, 1 failed" in result.output
    assert {row["id"]: row["status"] for row in index_csv(kit.year)}["sakura"] == "failed"


def test_kit_index_shows_the_top_findings(kit):
    assert kit().exit_code == 0
    rows = {row["id"]: row for row in index_csv(kit.year)}
    plan = json.loads((kit.year / "rheinwerk/rheinwerk-FY2028-plan.json").read_text())
    ranked = [f for f in plan["findings"] if f["severity"] != "info"]
    assert ranked, "the example partner has findings worth showing"
    shown = rows["rheinwerk"]["top_findings"].split(" | ")
    assert shown == [f"{f['severity']}: {f['text']}" for f in ranked[:pipeline.TOP_FINDINGS]]
    html = (kit.year / "index.html").read_text(encoding="utf-8").replace("&#39;", "'")
    assert ranked[0]["text"][:100] in html
    for name in ("memo.pdf", "briefing.pdf", "agenda.pdf", "plan.json", "mop.ics"):
        assert f'href="rheinwerk/rheinwerk-FY2028-{name}"' in html


def test_kit_files_are_readable_like_any_new_file(kit):
    import os

    assert kit().exit_code == 0
    mask = os.umask(0)
    os.umask(mask)
    for path in (kit.year / "sakura/sakura-FY2028-memo.pdf", kit.year / "index.html"):
        assert path.stat().st_mode & 0o777 == 0o666 & ~mask, path


def test_kit_dropping_a_format_removes_its_old_files(kit):
    assert kit(formats="pdf,docx").exit_code == 0
    assert (kit.year / "sakura/sakura-FY2028-memo.docx").exists()
    assert kit(formats="pdf").exit_code == 0
    assert not list(kit.year.glob("*/*.docx"))
    manifest = json.loads((kit.year / "manifest.json").read_text())
    assert not [name for name in manifest["files"] if name.endswith(".docx")]


def test_kit_two_profiles_with_one_id_build_one_and_report_the_other(kit, profiles):
    text = (profiles / "bluewater.yaml").read_text(encoding="utf-8")
    (profiles / "zz-bluewater-copy.yaml").write_text("id: bluewater\n" + text, encoding="utf-8")
    result = kit()
    assert result.exit_code == 1
    assert (f"{profiles / 'zz-bluewater-copy.yaml'}: id: 'bluewater' is already the id of "
            f"{profiles / 'bluewater.yaml'}") in result.output
    assert "3 built, 0 unchanged, 1 failed" in result.output
    rows = {row["id"]: row["status"] for row in index_csv(kit.year)}
    assert rows == {"bluewater": "built", "rheinwerk": "built", "sakura": "built", "zz-bluewater-copy": "failed"}
    assert "0 built, 3 unchanged, 1 failed" in kit().output  # the original stays put on the next run


def test_kit_calendar_follows_the_agreed_periods(invoke, kit, profiles):
    from icalendar import Calendar

    assert invoke("agree", "sakura", "--profiles", profiles, "--date", DATE, "--strategy", "shared-quarter-end").exit_code == 0
    assert kit().exit_code == 0
    agreed = json.loads((kit.year / "sakura/sakura-FY2028-plan.json").read_text())["memo"]["periods"]
    calendar = Calendar.from_ical((kit.year / "sakura/sakura-FY2028-mop.ics").read_bytes())
    ends = sorted(str(e.get("summary")) + " " + e.decoded("dtstart").isoformat()
                  for e in calendar.walk("VEVENT") if str(e.get("summary")).endswith("終了"))  # in Japanese
    assert ends == sorted(f"{p['name']}終了 {p['end']}" for p in agreed)


def test_kit_notices_an_agreement_when_run_from_another_folder(invoke, kit, profiles, tmp_path, monkeypatch):
    monkeypatch.chdir(profiles.parent)
    relative = invoke("kit", "--all", "--profiles", "profiles", "--date", DATE, "--out", kit.out, "--format", "pdf",
                      "--jobs", "1")
    assert relative.exit_code == 0
    assert invoke("agree", "sakura", "--profiles", profiles, "--date", DATE, "--strategy", "shared-quarter-end").exit_code == 0
    monkeypatch.chdir(tmp_path.parent)
    assert "1 built, 2 unchanged" in kit().output  # absolute --profiles now; the new agreement still counts


def test_kit_ignores_an_agreement_for_another_year_even_if_it_would_not_fit_this_one(invoke, kit, profiles):
    assert invoke("agree", "sakura", "--profiles", profiles, "--date", DATE, "--strategy", "shared-quarter-end",
                  "--year", "2030").exit_code == 0
    _set_agreement(profiles / "sakura.FY2030.agreement.yaml", status="signed")  # nobody has signed: wrong, but not ours
    result = kit()
    assert result.exit_code == 0, result.output
    assert {row["id"]: row["agreement"] for row in index_csv(kit.year)}["sakura"] == "none"


def test_kit_a_changed_signature_image_rebuilds_its_partner(invoke, kit, profiles):
    from PIL import Image, ImageDraw

    def draw(colour):
        image = Image.new("RGBA", (240, 60), (255, 255, 255, 0))
        ImageDraw.Draw(image).line([(10, 45), (120, 10), (230, 40)], fill=colour, width=4)
        image.save(profiles / "dana.png")

    assert invoke("agree", "sakura", "--profiles", profiles, "--date", DATE, "--strategy", "shared-quarter-end").exit_code == 0
    path = profiles / "sakura.FY2028.agreement.yaml"
    import yaml
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for side in ("vendor", "partner"):
        for person in data["signatories"][side]:
            person["signed"] = date(2026, 12, 3)
    data["signatories"]["vendor"][0]["signature_image"] = "dana.png"
    draw((20, 20, 90))
    _set_agreement(path, signatories=data["signatories"], status="signed")
    assert kit().exit_code == 0
    assert "0 built, 3 unchanged" in kit().output
    draw((90, 20, 20))
    assert "1 built, 2 unchanged" in kit().output


def test_kit_default_jobs_follow_the_cpus_this_process_may_use(monkeypatch):
    # `taskset -c 0` or a container's cpuset leaves one CPU usable on a many-core host.
    monkeypatch.delattr(storage.os, "process_cpu_count", raising=False)
    monkeypatch.setattr(storage.os, "sched_getaffinity", lambda pid: {3}, raising=False)
    monkeypatch.setattr(storage.os, "cpu_count", lambda: 64)
    assert usable_cpus() == 1


def test_kit_profile_given_a_new_id_moves_its_partner(kit, profiles):
    assert kit().exit_code == 0
    text = (profiles / "rheinwerk.yaml").read_text()
    (profiles / "rheinwerk.yaml").write_text(text + "id: rh-systemhaus\n")
    assert "1 built, 2 unchanged, 0 failed" in kit().output
    assert "0 built, 3 unchanged, 0 failed" in kit().output  # the old folder does not claim the profile
    result = kit()
    assert "0 built, 3 unchanged, 0 failed" in result.output  # the old folder does not claim the profile
    assert sorted(row["id"] for row in index_csv(kit.year)) == ["bluewater", "rh-systemhaus", "sakura"]
    assert f"partner folder(s) in {kit.year} belong to no profile in {profiles}" in result.output
    assert ": rheinwerk; --prune removes them" in result.output
    assert (kit.year / "rheinwerk" / "rheinwerk-FY2028-memo.pdf").exists()  # nothing removed unless asked

    result = kit("--prune")
    assert result.exit_code == 0
    assert f"removed {kit.year / 'rheinwerk'}" in result.output
    assert sorted(p.name for p in kit.year.iterdir() if not p.name.startswith(".") and p.is_dir()) == [
        "bluewater", "rh-systemhaus", "sakura"]
    assert "--prune" not in kit().output


def test_kit_prune_removes_partners_whose_profile_is_gone_and_keeps_broken_ones(kit, profiles):
    assert kit().exit_code == 0
    (profiles / "bluewater.yaml").unlink()
    (profiles / "sakura.yaml").write_text("name: Sakura\nfiscal_calendar: {first_month: July}\n")
    result = kit()
    assert result.exit_code == 1
    assert ": bluewater; --prune removes them" in result.output
    assert {row["id"]: row["status"] for row in index_csv(kit.year)} == {
        "bluewater": "built", "rheinwerk": "built", "sakura": "failed"}

    result = kit("--prune")
    assert f"removed {kit.year / 'bluewater'}" in result.output
    assert not (kit.year / "bluewater").exists()
    assert (kit.year / "sakura" / "sakura-FY2028-memo.pdf").exists()  # a broken profile keeps its last good build
    assert {row["id"]: row["status"] for row in index_csv(kit.year)} == {"rheinwerk": "built", "sakura": "failed"}

    (profiles / "sakura.yaml").unlink()  # a failed partner whose profile is gone leaves the index too
    result = kit("--prune")
    assert result.exit_code == 0
    assert f"removed {kit.year / 'sakura'}" in result.output
    assert not (kit.year / "sakura").exists()
    assert [row["id"] for row in index_csv(kit.year)] == ["rheinwerk"]


@pytest.mark.parametrize("args", [["--prune", "bluewater"], ["--all", "--prune", "--shard", "1/2"],
                                  ["--all", "--prune", "--index-only"]])
def test_kit_prune_only_with_a_run_over_every_profile(invoke, profiles, tmp_path, args):
    result = invoke("kit", "--profiles", profiles, "--out", tmp_path / "out", *args)
    assert result.exit_code == 2
    assert "--prune needs --all" in result.output


def _prune_output(kit) -> str:
    result = kit("--prune")
    assert result.exit_code in (0, 1)
    return result.output


def test_kit_prune_keeps_the_last_good_build_of_a_profile_that_keeps_failing(kit, profiles):
    path = profiles / "rheinwerk.yaml"
    path.write_text(path.read_text() + "id: rh-systemhaus\n")
    assert kit().exit_code == 0
    path.write_text(path.read_text() + "no_such_field: 1\n")
    for _ in range(2):  # the second failure no longer finds a build record: the failure keeps the id
        assert kit().exit_code == 1
    assert "removed" not in _prune_output(kit)
    assert (kit.year / "rh-systemhaus" / "rh-systemhaus-FY2028-memo.pdf").exists()


def test_kit_prune_keeps_a_folder_another_profile_took_over(kit, profiles):
    assert kit().exit_code == 0
    original = (profiles / "rheinwerk.yaml").read_text()
    (profiles / "rheinwerk.yaml").write_text(original + "id: rh-systemhaus\n")
    (profiles / "a-rheinwerk.yaml").write_text(original + "id: rheinwerk\n")  # built first, into rheinwerk/
    output = _prune_output(kit)
    assert "2 built, 2 unchanged, 0 failed" in output and "removed" not in output
    assert sorted(row["id"] for row in index_csv(kit.year)) == ["bluewater", "rh-systemhaus", "rheinwerk", "sakura"]
    assert "0 built, 4 unchanged, 0 failed" in kit().output


def test_kit_prune_ignores_symlinked_folders(kit, profiles):
    assert kit().exit_code == 0
    (kit.year / "zz-link").symlink_to("sakura", target_is_directory=True)
    (profiles / "sakura.yaml").write_text((profiles / "sakura.yaml").read_text() + "region: APJ North\n")
    assert "removed" not in _prune_output(kit)
    assert (kit.year / "sakura" / "sakura-FY2028-memo.pdf").exists()
    assert "sakura" in [row["id"] for row in index_csv(kit.year)]


def test_kit_prune_a_renamed_profile_that_failed_keeps_its_folder(kit, profiles):
    good = (profiles / "sakura.yaml").read_text()
    (profiles / "sakura.yaml").write_text("name: Sakura\nfiscal_calendar: {first_month: July}\n")
    assert kit().exit_code == 1
    (profiles / "sakura.yaml").unlink()
    (profiles / "sakura-kk.yaml").write_text(good + "id: sakura\n")
    result = kit()
    assert result.exit_code == 0 and "--prune" not in result.output
    assert "removed" not in _prune_output(kit)
    assert (kit.year / "sakura" / "sakura-FY2028-memo.pdf").exists()
    assert {row["id"]: row["status"] for row in index_csv(kit.year)}["sakura"] == "built"


def test_kit_two_folders_claiming_one_profile_the_latest_build_counts(kit):
    # Output written before a change of id released the old folder: two folders name one profile.
    import os

    assert kit().exit_code == 0
    shutil.copytree(kit.year / "rheinwerk", kit.year / "aa-old")
    os.utime(kit.year / "aa-old" / ".inputs", ns=(0, 0))
    result = kit()
    assert "0 built, 3 unchanged, 0 failed" in result.output
    assert ": aa-old; --prune removes them" in result.output
    assert sorted(row["id"] for row in index_csv(kit.year)) == ["bluewater", "rheinwerk", "sakura"]
    assert f"removed {kit.year / 'aa-old'}" in _prune_output(kit)
    assert (kit.year / "rheinwerk" / "rheinwerk-FY2028-memo.pdf").exists()

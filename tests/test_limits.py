"""Bounded resources for what partners and themes supply: image sizes before decoding, time, size and
recursion limits for rule packs and templates, and long lists summed up in the documents."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import textwrap
import time
import zlib

import pytest

import workshop

from .conftest import AS_OF, EXAMPLES, agreement_yaml, docx_text


def png_bomb(path, side: int = 25_000) -> None:
    """A genuine decompression bomb: a valid 1-bit PNG of side x side pixels, all black, in about 100 KB."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor, row = zlib.compressobj(9), b"\x00" * (1 + side // 8)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b""))


# --- images ---------------------------------------------------------------------------------

def test_limits_signature_png_bomb_refused_before_decoding(write, tmp_path):
    png_bomb(tmp_path / "dana.png")
    assert (tmp_path / "dana.png").stat().st_size < 1_000_000
    write("vendor.yaml", (EXAMPLES / "vendor.yaml").read_text())
    agreement = write("sakura.agreement.yaml",
                      agreement_yaml("{name: Dana Whitfield, signed: 2026-12-03, signature_image: dana.png}"))
    started = time.monotonic()
    [problems] = workshop.validate([agreement]).values()
    assert time.monotonic() - started < 5
    assert [str(p) for p in problems] == [
        f"{agreement}:6: signatories.vendor[0].signature_image: {tmp_path / 'dana.png'} is not a readable PNG "
        f"image (it is 25000 x 25000 pixels; the limit is 10,000,000 pixels)"]


def test_limits_logo_bomb_and_huge_logo_refused(write, tmp_path, vendor):
    png_bomb(tmp_path / "logo.png")
    (tmp_path / "huge.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 6_000_000)
    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "sakura.yaml"), as_of=AS_OF)
    for logo, message in (("logo.png", "logo refused: it is 25000 x 25000 pixels; the limit is 10,000,000 pixels"),
                          ("huge.png", "huge.png is too large (6,000,008 bytes; the limit is 5,000,000)")):
        vendor_file = write("vendor.yaml", f"name: V\nfiscal_calendar: {{first_month: 2}}\nlogo: {logo}\n")
        with pytest.raises(workshop.RenderError, match=message.replace("(", r"\(").replace(")", r"\)")):
            workshop.render_memo(plan, workshop.load_settings(vendor_file, as_of=AS_OF), formats=["pdf"])


# --- rule packs and templates ---------------------------------------------------------------

HOSTILE = {
    "nested-loops": ("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
                     "more than 2,000,000 loop iterations"),
    "recursion": ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "recursion too deep"),
}
# Before the limits these took hours of CPU or gigabytes in one C call, which nothing interrupts: they
# are run in a process of their own, with a timeout and a memory limit.
EXPLOSIVE = {
    "power": ("{{ 9 ** (9 ** 10) }}", "9 ** 3486784401 is too large a number"),
    "repeat": ("{{ 'x' * 4000000000 }}", "repeating would make 4,000,000,000 characters or items"),
    "width": ("{{ 'x' | center(4000000000) }}", "would make 4,000,000,000 characters or items"),
}


@pytest.fixture(autouse=True)
def no_hang():
    """Fail a test that runs for more than a minute instead of hanging the run."""
    import signal

    def stop(signum, frame):
        raise TimeoutError("still running after 60 seconds")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def rule_pack(folder, rule_id: str, finding: str):
    path = folder / "hostile.yaml"
    path.write_text(textwrap.dedent(f"""
        rules:
          - id: {rule_id}
            when: "true"
            severity: low
            section: opening
            finding: {json.dumps(finding)}
    """))
    return path


@pytest.mark.parametrize("case", HOSTILE)
def test_limits_rule_pack_stops_with_the_rule_named(vendor, settings, tmp_path, case):
    finding, reason = HOSTILE[case]
    pack = rule_pack(tmp_path, case, finding)
    partner = workshop.load_profile(EXAMPLES / "sakura.yaml")
    started = time.monotonic()
    with pytest.raises(workshop.RuleError) as caught:
        workshop.plan_partnership(vendor, partner, settings.replace(rule_paths=(pack,)))
    assert time.monotonic() - started < 10
    assert str(caught.value).startswith(f"{pack}: rule {case}: finding: stopped: ")
    assert reason in str(caught.value)


def test_limits_rule_pack_deadline(vendor, settings, tmp_path, monkeypatch):
    from workshop import sandbox

    monkeypatch.setattr(sandbox, "RULES_SECONDS", 0.5)
    slow = "{% for a in range(100000) %}{% for b in range(15) %}{{ facts.deals | length }}{% endfor %}{% endfor %}"
    pack = rule_pack(tmp_path, "slow", slow)
    partner = workshop.load_profile(EXAMPLES / "sakura.yaml")
    with pytest.raises(workshop.RuleError, match=r"rule slow: finding: stopped: took longer than 0.5 seconds"):
        workshop.plan_partnership(vendor, partner, settings.replace(rule_paths=(pack,)))


@pytest.mark.parametrize("case", HOSTILE)
def test_limits_user_template_stops_with_the_template_named(vendor, settings, tmp_path, case):
    body, reason = HOSTILE[case]
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "memo.html").write_text(f'{{% extends "builtin/memo.html" %}}\n'
                                                  f'{{% block parties %}}{body}{{% endblock %}}\n')
    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "sakura.yaml"), settings)
    with pytest.raises(workshop.RenderError) as caught:
        workshop.render_memo(plan, settings.replace(template_dirs=(tmp_path / "brand",)), formats=["pdf"])
    assert str(caught.value).startswith(f"{tmp_path / 'brand' / 'memo.html'}:2: stopped: ")
    assert reason in str(caught.value)


def test_limits_template_that_includes_itself(vendor, settings, tmp_path):
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "memo.html").write_text('{% include "memo.html" %}\n')
    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "sakura.yaml"), settings)
    with pytest.raises(workshop.RenderError, match=r"memo.html:1: stopped: recursion too deep \(a macro, include"):
        workshop.render_memo(plan, settings.replace(template_dirs=(tmp_path / "brand",)), formats=["pdf"])


def test_limits_template_deadline(vendor, settings, tmp_path, monkeypatch):
    from workshop import sandbox

    monkeypatch.setattr(sandbox, "TEMPLATE_SECONDS", 0.5)
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "memo.html").write_text(
        "{% for a in range(100000) %}{% for b in range(15) %}{{ plan.partner.name }}{% endfor %}{% endfor %}")
    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "sakura.yaml"), settings)
    with pytest.raises(workshop.RenderError, match=r"memo.html:1: stopped: took longer than 0.5 seconds"):
        workshop.render_memo(plan, settings.replace(template_dirs=(tmp_path / "brand",)), formats=["pdf"])


def _limited_memory():
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


@pytest.mark.slow
@pytest.mark.parametrize("where", ["rules", "templates"])
@pytest.mark.parametrize("case", EXPLOSIVE)
def test_limits_explosive_rule_or_template_via_cli_is_a_message(tmp_path, case, where):
    body, reason = EXPLOSIVE[case]
    if where == "rules":
        target, command = rule_pack(tmp_path, case, body), ["plan", "sakura", "--rules"]
        expected = f"error: {target}: rule {case}: finding: stopped: "
    else:
        (tmp_path / "brand").mkdir()
        target, command = tmp_path / "brand", ["memo", "sakura", "--format", "pdf", "--out", str(tmp_path), "--templates"]
        (target / "memo.html").write_text(f"<p>{body}</p>\n")
        expected = f"error: {target / 'memo.html'}:1: stopped: "
    run = subprocess.run([sys.executable, "-m", "workshop", *command, str(target), "--profiles", str(EXAMPLES),
                          "--date", AS_OF.isoformat()], capture_output=True, text=True, timeout=60,
                         preexec_fn=_limited_memory)
    assert run.returncode == 1
    assert expected in run.stderr and reason in run.stderr
    assert "Traceback" not in run.stderr


# --- long lists -----------------------------------------------------------------------------

def test_limits_briefing_lists_the_largest_deals_and_sums_the_rest(vendor, settings, write):
    deals = [{"name": f"Deal {i:04d}", "amount": 1000 + i, "currency": "EUR" if i % 2 else "USD",
              "expected_close": f"2027-{1 + i % 12:02d}-{1 + i % 28:02d}"} for i in range(3000)]
    contacts = [{"name": f"Person {i:02d}", "title": "Rep"} for i in range(40)]
    path = write("big.json", json.dumps({"name": "Bigco", "fiscal_calendar": {"first_month": 7},
                                         "deals": deals, "contacts": contacts}))
    plan = workshop.plan_partnership(vendor, workshop.load_profile(path), settings)
    html = workshop.render_html(plan, "briefing", workshop.theme_for(settings))
    listed = [i for i in range(3000) if f"Deal {i:04d}</td>" in html]
    assert listed == list(range(2975, 3000))  # the 25 largest
    rest_eur = sum(1000 + i for i in range(2975) if i % 2)
    rest_usd = sum(1000 + i for i in range(2975) if not i % 2)
    summary = (f"The 25 largest of 3000 deals are listed; the other 2975 come to €{rest_eur:,}, "
               f"US${rest_usd:,}.")
    assert summary in html
    assert "Person 24</td>" in html and "Person 25</td>" not in html and "and 15 more" in html
    agenda = workshop.render_html(plan, "agenda", workshop.theme_for(settings))
    assert "Person 24" in agenda and "Person 25" not in agenda and "and 15 more" in agenda
    docx = workshop.render_document(plan, "briefing", settings, ["docx"])["docx"]
    assert summary in docx_text(docx)

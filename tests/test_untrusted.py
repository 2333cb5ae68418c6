"""Untrusted input: profile text, custom templates and rule packs can neither inject markup, Word
fields or template code into documents, nor make a document load anything outside the theme."""

from __future__ import annotations

import base64
import http.server
import io
import json
import re
import threading
import urllib.request

import pytest
from pypdf import PdfReader

import workshop
from workshop.documents.html import render_html
from workshop.documents.theme import builtin_theme_dir
from workshop.rules import load_rule_packs

DOCUMENTS = [doc.name for doc in workshop.documents()]

from .conftest import AS_OF, EXAMPLES, docx_part, docx_text, pdf_text

# Markup, styles, template code and Word XML that must come out as the characters typed.
# X{{ 7*7 }}Y would read X49Y if profile text were ever evaluated as a template.
INJECTION = ('<script>alert(1)</script> <img src=x> <b>bold</b> </style><style>body{display:none}</style> '
             'X{{ 7*7 }}Y {% raw %} <w:fldSimple w:instr="PAGE"/> ]]> &amp;')

# Which profile fields each document prints (the memo has only names; the agenda no notes or roles).
SHOWN = {
    "memo": ["NAME", "CNAME", "CTITLE"],
    "agenda": ["NAME", "BLACKOUT", "CNAME", "CTITLE", "DEAL", "PLACE"],
    "briefing": ["NAME", "NOTES", "BLACKOUT", "CNAME", "CTITLE", "CROLE", "DEAL"],
}


def squash(text: str) -> str:
    """Text without whitespace: PDF extraction breaks long unspaced tokens where lines wrap."""
    return re.sub(r"\s+", "", text)


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (the http.server name)
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def server():
    """A local HTTP server that records every request; any request at all is a leak.

    It serves from a daemon thread and stops itself after two minutes even if the test run hangs.
    """
    handler = type("Recorder", (_Recorder,), {"requests": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    deadline = threading.Timer(120, httpd.shutdown)
    deadline.daemon = True
    deadline.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    urllib.request.urlopen(base + "/ping", timeout=5).close()  # the server works: a request is seen
    assert handler.requests == ["/ping"]
    handler.requests.clear()
    yield base, handler.requests
    deadline.cancel()
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def secret(tmp_path_factory):
    """Files outside the theme that no document may read: a PNG and a text file."""
    from PIL import Image

    folder = tmp_path_factory.mktemp("outside")
    Image.new("RGB", (30, 30), (200, 30, 30)).save(folder / "secret.png")
    (folder / "secret.txt").write_text("TOP-SECRET-7731\n")
    return folder


@pytest.fixture(scope="module")
def hostile(server, secret, tmp_path_factory):
    """A partner profile whose every text field carries markup, template code and URLs."""
    base, _ = server
    urls = (f"file:///etc/passwd {(secret / 'secret.png').as_uri()} {base}/x.png ../../secret.png "
            f"url({base}/y.css)")

    def text(tag: str) -> str:
        return f"{tag} {INJECTION} {urls}"

    profile = {
        "name": text("NAME"), "notes": text("NOTES"), "fiscal_calendar": {"first_month": 4},
        # Over the vendor's Q1 close, so the briefing's findings and the agenda's questions name it.
        "blackouts": [{"name": text("BLACKOUT"), "start": "04-20", "end": "05-05"}],
        "contacts": [{"name": text("CNAME"), "title": text("CTITLE"), "role": text("CROLE"), "signatory": True}],
        "deals": [{"name": text("DEAL"), "amount": 1000, "currency": "EUR", "expected_close": "2027-04-28"}],
        "session": {"place": text("PLACE")},
    }
    path = tmp_path_factory.mktemp("profiles") / "hostile.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    return workshop.load_profile(path), text


@pytest.fixture(scope="module")
def fetched(vendor):
    """A theme whose URL fetcher records every URL it is asked for and whether it served it."""
    theme = workshop.Theme()
    return theme, record_fetches(theme)


def record_fetches(theme: workshop.Theme) -> list[tuple[str, bool]]:
    """Make the theme's URL fetcher log (url, served) for every URL it is asked for; return the log."""
    log: list[tuple[str, bool]] = []
    original = theme.url_fetcher.fetch

    def recording(url, headers=None):
        try:
            response = original(url, headers)
        except ValueError:
            log.append((url, False))
            raise
        log.append((url, True))
        return response

    theme.url_fetcher.fetch = recording
    return log


@pytest.fixture(scope="module")
def hostile_documents(vendor, settings, hostile, fetched):
    """{document: (html, {format: bytes})} for the hostile partner."""
    partner, _ = hostile
    theme, _ = fetched
    plan = workshop.plan_partnership(vendor, partner, as_of=AS_OF)
    return {d: (render_html(plan, d, theme), workshop.render_document(plan, d, settings, theme=theme))
            for d in DOCUMENTS}


def served_only_theme_files(log: list[tuple[str, bool]]) -> list[str]:
    """URLs the fetcher served that are neither data: URIs nor files of the built-in theme."""
    theme_uri = builtin_theme_dir().as_uri() + "/"
    return [url for url, served in log if served and not url.startswith(("data:", theme_uri))]


# --- injection --------------------------------------------------------------------------------

@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_untrusted_profile_text_appears_literally(hostile_documents, hostile, document, fmt):
    _, text = hostile
    _, files = hostile_documents[document]
    extracted = squash(pdf_text(files["pdf"]) if fmt == "pdf" else docx_text(files["docx"]))
    for tag in SHOWN[document]:
        assert squash(text(tag)) in extracted, f"{tag} text is not printed literally in the {document} {fmt}"
    assert "X49Y" not in extracted  # no field was ever evaluated as a template


@pytest.mark.parametrize("document", DOCUMENTS)
def test_untrusted_profile_text_is_escaped_in_html(hostile_documents, document):
    html, _ = hostile_documents[document]
    for markup in ("<script", "<img src=x", "<b>bold", "</style><style>", "<w:fldSimple"):
        assert markup not in html, markup
    # url(...) stays text, never CSS: the only style attributes are the template's own column widths.
    assert "<style" not in html and " style=" not in re.sub(r'<col style="width: [\d.]+%">', "", html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "X{{ 7*7 }}Y {% raw %}" in html
    assert "&amp;amp;" in html  # an entity typed in a profile is text, not an entity


@pytest.mark.parametrize("document", DOCUMENTS)
def test_untrusted_profile_text_adds_no_word_fields_or_elements(hostile_documents, document):
    _, files = hostile_documents[document]
    body = docx_part(files["docx"])
    assert "<w:fldSimple" not in body and "<w:instrText" not in body  # typed XML stays text
    assert "&lt;w:fldSimple" in body and "]]&gt;" in body
    footer = docx_part(files["docx"], "word/footer1.xml")
    assert re.findall(r"<w:instrText[^>]*>([^<]*)<", footer) == [" PAGE ", " NUMPAGES "]


# --- leaks: the network and the file system -----------------------------------------------------

def test_untrusted_profile_urls_are_never_fetched(hostile_documents, fetched, server):
    _, log = fetched
    _, requests = server
    assert requests == []
    assert served_only_theme_files(log) == []
    assert not any("passwd" in url or "secret" in url or "127.0.0.1" in url for url, _ in log)


@pytest.fixture
def leaky_templates(tmp_path, server, secret):
    """A --templates folder whose memo and stylesheet try every way of loading outside the theme."""
    base, _ = server
    png, txt = (secret / "secret.png").as_uri(), (secret / "secret.txt").as_uri()
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
           f'<image href="{png}" width="10" height="10"/><image xlink:href="{base}/svg.png" width="10" height="10"/></svg>')
    svg_uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    (tmp_path / "memo.html").write_text(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{{{ document_title }}}}</title>
<link rel="stylesheet" href="{base}/link.css">
<link rel="stylesheet" href="file:///etc/passwd">
<link rel="attachment" href="{txt}">
<link rel="attachment" href="../../../../../../../../..{secret}/secret.txt">
<style>@import url("{base}/import.css"); @import "{txt}";
main {{ background: url({png}); }} p {{ list-style-image: url({base}/bullet.png); }}</style>
</head><body><main>
<p>Brand terms apply to {{{{ plan.partner.name }}}}.</p>
<p style="background-image: url({base}/inline.png)"><img src="{png}" alt="a"><img src="{base}/img.png" alt="b"></p>
<p><img src="../../../../../../../../..{secret}/secret.png" alt="c"><img src="{svg_uri}" alt="d"></p>
<p><object data="{base}/object.pdf"></object><iframe src="{txt}"></iframe><a rel="attachment" href="{txt}">x</a></p>
</main></body></html>
""")
    (tmp_path / "theme.css").write_text(
        f'@import url("{base}/theme-import.css");\n@import url("file:///etc/passwd");\n'
        f'@font-face {{ font-family: Leak; src: url({base}/font.woff2); }}\n'
        f'html {{ font-family: Leak, "DejaVu Sans", sans-serif; background: url("../../secret.png"); }}\n')
    return tmp_path


def test_untrusted_template_loads_nothing_outside_the_theme(vendor, settings, server, leaky_templates):
    _, requests = server
    theme = workshop.Theme([leaky_templates])
    log = record_fetches(theme)
    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "bluewater.yaml"), as_of=AS_OF)
    pdf = workshop.render_memo(plan, settings, formats=["pdf"], theme=theme)["pdf"]

    assert "Brand terms apply to" in pdf_text(pdf)  # the custom template did render
    assert requests == []
    served = [url for url, ok in log if ok and not url.startswith("data:")]
    assert all(url.startswith(leaky_templates.resolve().as_uri() + "/") for url in served), served
    blocked = {url for url, ok in log if not ok}
    assert any("secret.png" in url for url in blocked) and any("passwd" in url for url in blocked)
    reader = PdfReader(io.BytesIO(pdf))
    assert [image for page in reader.pages for image in page.images] == []  # secret.png not embedded
    assert reader.attachments == {}
    assert b"TOP-SECRET" not in pdf


def test_untrusted_template_images_outside_data_uris_fail_in_docx(vendor, settings, leaky_templates):
    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "bluewater.yaml"), as_of=AS_OF)
    with pytest.raises(workshop.RenderError, match="only data:image"):
        workshop.render_memo(plan, settings.replace(template_dirs=(leaky_templates,)), formats=["docx"])


def _outside_urls(secret):
    theme = builtin_theme_dir()
    up = "/.." * len(theme.parts)
    return [
        (secret / "secret.png").as_uri(),
        theme.as_uri() + "/../README.md",  # `..` resolving out of the theme
        theme.as_uri() + "/%2e%2e/README.md",  # the same, percent-encoded
        f"file:///etc/passwd#{up}{theme}/theme.css",  # urllib drops the fragment: reads /etc/passwd
        f"file:///etc/passwd?x={up}{theme}/theme.css",
        f"file://otherhost{theme}/theme.css",
        f"FILE://{secret / 'secret.txt'}",
        "http://127.0.0.1:9/x.png", "https://example.com/x.png", "ftp://example.com/x",
    ]


def test_fetcher_blocks_every_way_out_of_the_theme(secret, theme):
    for url in _outside_urls(secret):
        with pytest.raises(ValueError, match="blocked"):
            theme.url_fetcher.fetch(url)
    assert theme.url_fetcher.fetch((builtin_theme_dir() / "theme.css").as_uri()).read().startswith(b"/*")


def test_fetcher_follows_no_redirects_and_no_symlinks_out(secret, tmp_path):
    (tmp_path / "theme.css").symlink_to(secret / "secret.txt")
    theme = workshop.Theme([tmp_path])
    assert not any(isinstance(h, urllib.request.HTTPRedirectHandler) for h in theme.url_fetcher.handlers)
    with pytest.raises(ValueError, match="blocked"):
        theme.url_fetcher.fetch((tmp_path / "theme.css").as_uri())


# --- the sandbox ------------------------------------------------------------------------------

ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ plan.__class__.__subclasses__() }}",
    "{{ self._TemplateReference__context }}",
]


@pytest.mark.parametrize("expression", ESCAPES)
def test_sandbox_blocks_user_template_and_names_the_file(vendor, write, expression):
    template = write("brand/memo.html", '{% extends "builtin/memo.html" %}\n{% block parties %}\n<p>'
                     + expression + "</p>\n{% endblock %}\n")
    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "bluewater.yaml"), as_of=AS_OF)
    with pytest.raises(workshop.RenderError) as caught:
        render_html(plan, "memo", workshop.Theme([template.parent]))
    assert f"{template.resolve()}:3: blocked by the template sandbox" in str(caught.value)


def test_sandbox_block_via_cli_is_a_message_and_exit_1(invoke, write, tmp_path):
    template = write("brand/memo.html", '{% extends "builtin/memo.html" %}'
                     '{% block parties %}{{ cycler.__init__.__globals__ }}{% endblock %}')
    result = invoke("memo", "bluewater", "--profiles", EXAMPLES, "--templates", template.parent,
                    "--date", "2026-11-26", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert f"{template.resolve()}:1: blocked by the template sandbox" in result.output
    assert "Traceback" not in result.output
    assert not list((tmp_path / "out").rglob("memo.*"))


@pytest.mark.parametrize("part, rule", [
    ("when", "{id: esc, when: 'facts.__class__.__mro__', severity: high, section: mop, finding: y}"),
    ("each", "{id: esc, when: 'true', each: 'cycler.__init__.__globals__', severity: high, section: mop, finding: y}"),
    ("finding", "{id: esc, when: 'true', severity: high, section: mop, finding: '{{ facts.__class__.__subclasses__() }}'}"),
    ("questions[0]", "{id: esc, when: 'true', severity: high, section: mop, finding: y, "
                     "questions: ['{{ self._TemplateReference__context }}']}"),
])
def test_sandbox_blocks_rule_packs_and_names_file_and_rule(vendor, write, part, rule):
    pack = write("packs/escape.yaml", f"rules: [{rule}]\n")
    with pytest.raises(workshop.WorkshopError) as caught:
        workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "bluewater.yaml"), as_of=AS_OF,
                                  rule_packs=load_rule_packs([pack]))
    assert f"{pack}: rule esc: {part}: blocked by the sandbox" in str(caught.value)


def test_sandbox_rule_pack_via_cli_is_a_message_and_exit_1(invoke, write):
    pack = write("packs/escape.yaml", "rules: [{id: esc, when: 'facts.__class__.__mro__', severity: high, "
                                      "section: mop, finding: y}]\n")
    result = invoke("plan", "bluewater", "--profiles", EXAMPLES, "--rules", pack, "--date", "2026-11-26")
    assert result.exit_code == 1
    assert "escape.yaml: rule esc: when: blocked by the sandbox" in result.output
    assert "Traceback" not in result.output


def test_template_that_links_outside_its_folder_is_refused(vendor, secret, tmp_path):
    (tmp_path / "leak.html").symlink_to(secret / "secret.txt")
    (tmp_path / "memo.html").write_text('{% extends "builtin/memo.html" %}{% block parties %}'
                                        '<p>{% include "leak.html" %}</p>{% endblock %}')
    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "bluewater.yaml"), as_of=AS_OF)
    with pytest.raises(workshop.RenderError, match="leak.html: blocked: the template is a link to .*secret.txt"):
        render_html(plan, "memo", workshop.Theme([tmp_path]))

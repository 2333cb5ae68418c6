"""Documents: the Jinja2 theme search path, one template per document, HTML to PDF (WeasyPrint)
and HTML to DOCX (python-docx, via workshop.docxwriter)."""

from __future__ import annotations

import base64
import logging
import urllib.parse
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from pathlib import Path
from typing import Iterable

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import RenderError
from .formatting import jinja_filters
from .plan import Plan
from .profiles import VendorProfile

log = logging.getLogger(__name__)

DOCUMENTS = {
    # name: (template, title, output file stem)
    "briefing": ("briefing.html", "Briefing pack", "briefing"),
    "agenda": ("agenda.html", "Joint planning session agenda", "agenda"),
    "memo": ("memo.html", "Mutual Operating Period Agreement", "memo"),
}
FORMATS = ("pdf", "docx")
PAPER_SIZES = {"a4": ("210mm", "297mm"), "letter": ("8.5in", "11in")}
PDF_VARIANTS = ("pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u", "pdf/ua-1", "pdf/ua-2")


def builtin_theme_dir() -> Path:
    """The built-in theme: inside the package when installed from a wheel, at the top of a checkout otherwise."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "base.html").is_file():
            return candidate
    raise RenderError(f"the built-in templates are missing (looked in {here / 'templates'} and {here.parent / 'templates'})")


def add_minutes(clock: str, minutes: int) -> str:
    """'09:30' plus 45 minutes is '10:15'."""
    hours, mins = map(int, clock.split(":"))
    total = (hours * 60 + mins + minutes) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"


class _FolderLoader(jinja2.FileSystemLoader):
    """Loads templates only from inside its folders: a template that is a symbolic link to a file
    elsewhere (a brand pack unpacked from a tar archive can carry one) is refused, as the URL
    fetcher refuses it, so `{% include %}` cannot print a private file into a document."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        path = Path(filename).resolve()
        if not any(path.is_relative_to(Path(folder).resolve()) for folder in self.searchpath):
            raise RenderError(f"{filename}: blocked: the template is a link to {path}, outside its templates folder")
        return source, filename, uptodate


@dataclass
class Theme:
    """The template search path (user folders first, then the built-in theme) and what it provides.

    Building a Theme is the expensive part of rendering (Jinja2 environment, stylesheets, fonts),
    so a batch builds one per process and reuses it for every document.
    """

    user_dirs: list[Path] = field(default_factory=list)
    logo: Path | None = None
    """The vendor's logo for the running header (an explicitly configured file, outside the theme)."""
    pdf_variant: str | None = None
    """A WeasyPrint PDF variant such as `pdf/a-3b` or `pdf/ua-1` (None: plain PDF)."""

    @cached_property
    def logo_data_uri(self) -> str | None:
        """The logo as a data: URI, so documents embed it without reaching the file system."""
        if self.logo is None:
            return None
        kinds = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}
        kind = kinds.get(self.logo.suffix.lower())
        if kind is None:
            raise RenderError(f"{self.logo}: logo must be a PNG, JPEG or SVG file")
        try:
            data = self.logo.read_bytes()
        except OSError as exc:
            raise RenderError(f"{self.logo}: cannot read logo: {exc.strerror or exc}") from None
        return f"data:{kind};base64," + base64.b64encode(data).decode("ascii")

    @cached_property
    def search_path(self) -> list[Path]:
        for folder in self.user_dirs:
            if not folder.is_dir():
                raise RenderError(f"{folder}: templates folder does not exist")
        return [p.resolve() for p in self.user_dirs] + [builtin_theme_dir()]

    def find(self, name: str) -> Path:
        """The first file called `name` on the search path."""
        for folder in self.search_path:
            if (folder / name).is_file():
                return folder / name
        raise RenderError(f"{name}: not found in any templates folder ({', '.join(map(str, self.search_path))})")

    @cached_property
    def environment(self) -> jinja2.Environment:
        # Sandboxed: user templates are untrusted. StrictUndefined: a missing value is an error, not a blank.
        # "builtin/memo.html" always names the built-in template, so a user's memo.html can extend
        # it and override a single block instead of copying the whole file.
        loader = jinja2.ChoiceLoader([
            _FolderLoader([str(p) for p in self.search_path]),
            jinja2.PrefixLoader({"builtin": _FolderLoader(str(builtin_theme_dir()))}),
        ])
        env = ImmutableSandboxedEnvironment(
            loader=loader,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=False,
            lstrip_blocks=False,
        )
        env.filters.update(jinja_filters())  # dates, months and money in the plan's locale
        env.filters["add_minutes"] = add_minutes
        return env

    @cached_property
    def font_config(self):
        # One per theme, not WeasyPrint's default of one per document: each new configuration
        # loads fontconfig and Pango font maps again and is never wholly freed, so a worker
        # rendering hundreds of documents grew by about 0.2 MB per document. Sharing it changes
        # no output byte (checked by tests/test_kit.py across --jobs values).
        from weasyprint.text.fonts import FontConfiguration

        return FontConfiguration()

    @cached_property
    def stylesheet(self):
        from weasyprint import CSS

        path = self.find("theme.css")
        return CSS(filename=str(path), url_fetcher=self.url_fetcher, font_config=self.font_config)

    @cached_property
    def url_fetcher(self):
        from weasyprint.urls import URLFetcher

        roots = list(self.search_path)

        class ThemeFetcher(URLFetcher):
            """Lets documents load the theme's own files and data: URIs, and nothing else."""

            def fetch(self, url, headers=None):
                scheme = url.split(":", 1)[0].lower()
                if scheme == "data":
                    return super().fetch(url, headers)
                if scheme == "file":
                    path = _file_url_path(url)
                    if path is not None and any(path.is_relative_to(root) for root in roots):
                        # Fetch the file that was checked, not the URL as given: urllib drops a
                        # `#...` fragment that a check on the URL's text would count as path, so
                        # `file:///etc/passwd#/../<theme>/x.css` would pass the check yet read /etc/passwd.
                        return super().fetch(path.as_uri(), headers)
                raise ValueError(f"blocked: documents may only load theme files, not {url}")

        return ThemeFetcher(allowed_protocols=("file", "data"), allow_redirects=False)

    @cached_property
    def reference_docx(self) -> Path:
        return self.find("reference.docx")


def _file_url_path(url: str) -> Path | None:
    """The absolute, symlink-free local path a file: URL names (None for a file: URL on another host)."""
    from urllib.parse import urlsplit
    from urllib.request import url2pathname

    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return None
    return Path(url2pathname(parts.path)).resolve()


def theme_for(vendor: VendorProfile, template_dirs: Iterable[Path] = (), *, pdf_variant: str | None = None) -> Theme:
    """The theme a vendor's documents use: --templates folders, then vendor.yaml's `templates`,
    then the built-in theme; the logo from vendor.yaml. Paths in vendor.yaml are relative to it."""
    base = vendor._source.parent if vendor._source else Path.cwd()
    folders = [Path(p) for p in template_dirs] + [base / p for p in vendor.templates]
    return Theme(folders, logo=(base / vendor.logo) if vendor.logo else None, pdf_variant=pdf_variant)


def render_html(plan: Plan, document: str, theme: Theme) -> str:
    """Render one document of a Plan to HTML with its template."""
    template_name, title, _ = DOCUMENTS[document]
    extra = {}
    if document == "briefing":
        from .chart import year_chart_data_uri

        extra["chart"] = year_chart_data_uri(plan)
    try:
        # Handwritten signatures travel as data: URIs, like the logo: documents never read files.
        extra["signature_images"] = plan.agreement.signature_data_uris() if plan.agreement else {}
    except ValueError as exc:
        raise RenderError(f"signature image: {exc}") from None
    try:
        template = theme.environment.get_template(template_name)
        return template.render(plan=plan, document_title=title, lang=plan.locale.replace("_", "-"),
                               locale=plan.locale, logo=theme.logo_data_uri, **extra)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"{exc.filename or exc.name}:{exc.lineno}: template syntax error: {exc.message}") from None
    except SecurityError as exc:
        # A user template reached for Python internals (__class__, __globals__, ...): say which
        # file did it, so the operator knows whose template to distrust.
        where = _template_frame(exc, template_name)
        raise RenderError(f"{where}: blocked by the template sandbox: {exc}") from None
    except jinja2.TemplateError as exc:
        raise RenderError(f"{_template_frame(exc, template_name)}: {exc}") from None


def _template_frame(exc: BaseException, fallback: str) -> str:
    """`file:line` of the innermost template frame of a rendering error, else `fallback`.

    Jinja2 rewrites a rendering error's traceback so that template code appears as frames of the
    template file itself (marked by `__jinja_exception__` in their globals); with `extends` and
    `include` the innermost one is the file whose code failed, not the document's template.
    """
    where = fallback
    tb = exc.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


@cache
def _page_css(paper: str):
    """The page size as a stylesheet, parsed once per process for each paper size."""
    from weasyprint import CSS

    width, height = PAPER_SIZES[paper]
    return CSS(string=f"@page {{ size: {width} {height}; }}")


def html_to_pdf(html: str, theme: Theme, *, paper: str = "a4") -> bytes:
    """Lay out HTML with the theme's stylesheet and return the PDF bytes."""
    from weasyprint import HTML

    base = str(theme.search_path[-1]) + "/"
    document = HTML(string=html, base_url=base, url_fetcher=theme.url_fetcher)
    options = {"pdf_variant": theme.pdf_variant} if theme.pdf_variant else {}
    return document.write_pdf(stylesheets=[theme.stylesheet, _page_css(paper)], font_config=theme.font_config,
                              **options)


def count_pdf_pages(html: str, theme: Theme, *, paper: str = "a4") -> int:
    """Pages the HTML lays out to, without writing a PDF."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(theme.search_path[-1]) + "/", url_fetcher=theme.url_fetcher)
    return len(document.render(stylesheets=[theme.stylesheet, _page_css(paper)], font_config=theme.font_config).pages)


def render_document(plan: Plan, document: str, theme: Theme, *, formats: Iterable[str] = FORMATS,
                    paper: str = "a4") -> dict[str, bytes]:
    """Render one document of a Plan in each of `formats`; returns {format: bytes}."""
    from .docxwriter import html_to_docx

    html = render_html(plan, document, theme)
    rendered: dict[str, bytes] = {}
    for fmt in formats:
        if fmt == "pdf":
            rendered["pdf"] = html_to_pdf(html, theme, paper=paper)
        elif fmt == "docx":
            rendered["docx"] = html_to_docx(html, theme.reference_docx, paper=paper, created=plan.as_of)
        elif fmt == "html":
            rendered["html"] = html.encode("utf-8")
        else:
            raise RenderError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    # The standard library memoizes the last 128 URLs it splits, and WeasyPrint splits every image
    # URL: our charts and signatures are data: URIs of 20-60 KB, so a batch's workers would carry
    # megabytes of old charts. Forget them once a document is done.
    urllib.parse.clear_cache()
    return rendered


def render_memo(plan: Plan, theme: Theme | None = None, *, formats: Iterable[str] = FORMATS,
                paper: str = "a4") -> dict[str, bytes]:
    """The agreement memo of a Plan as {format: bytes}."""
    return render_document(plan, "memo", theme or Theme(), formats=formats, paper=paper)

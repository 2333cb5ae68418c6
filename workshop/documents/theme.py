"""The theme: the template search path (user folders first, then the built-in theme), its Jinja2
environment, stylesheet, fonts, reference.docx and logo, and the URL fetcher that lets documents
load only the theme's own files and data: URIs."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import jinja2

from ..errors import RenderError
from ..i18n import install_gettext, jinja_filters
from ..readers.images import pixel_problem, read_image_file
from ..sandbox import LimitedSandbox
from ..settings import Settings


def builtin_theme_dir() -> Path:
    """The built-in theme: inside the package when installed from a wheel, at the top of a checkout otherwise."""
    here = Path(__file__).resolve().parent.parent  # the package
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "base.html").is_file():
            return candidate
    raise RenderError(f"the built-in templates are missing (looked in {here / 'templates'} and {here.parent / 'templates'})")


def add_minutes(clock: str, minutes: int) -> str:
    """'09:30' plus 45 minutes is '10:15'."""
    hours, mins = map(int, clock.split(":"))
    total = (hours * 60 + mins + minutes) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"


LIST_LIMIT = 25
"""Rows a document shows of a long list (deals, contacts); the rest are summed up in one line."""


@dataclass(frozen=True)
class Shortlist:
    """A long list cut for a document: the rows `shown` (in their own order) and the `rest`."""

    shown: list
    rest: list


def shortlist(items, limit: int | None = None, attribute: str | None = None) -> Shortlist:
    """The `limit` (default LIST_LIMIT) items with the largest `attribute` (or the first ones), kept in their
    order, and the rest: a briefing with 9,000 deals lists the largest, sums up the others, and stays quick."""
    items, limit = list(items), LIST_LIMIT if limit is None else limit
    if len(items) <= limit:
        return Shortlist(items, [])
    ranked = range(len(items)) if attribute is None else sorted(
        range(len(items)), key=lambda i: getattr(items[i], attribute), reverse=True)
    chosen = set(list(ranked)[:limit])
    return Shortlist([x for i, x in enumerate(items) if i in chosen], [x for i, x in enumerate(items) if i not in chosen])


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


@dataclass(eq=False)
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
            data = read_image_file(self.logo)
        except ValueError as exc:
            raise RenderError(f"logo: {exc}") from None
        # Checked before WeasyPrint and the Word writer decode it in every document (an SVG is not decoded here).
        problem = pixel_problem(data) if kind != "image/svg+xml" else None
        if problem is not None:
            raise RenderError(f"{self.logo}: logo refused: {problem}")
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
        # Sandboxed, with limits: user templates are untrusted. StrictUndefined: a missing value is an error, not a blank.
        # "builtin/memo.html" always names the built-in template, so a user's memo.html can extend
        # it and override a single block instead of copying the whole file.
        loader = jinja2.ChoiceLoader([
            _FolderLoader([str(p) for p in self.search_path]),
            jinja2.PrefixLoader({"builtin": _FolderLoader(str(builtin_theme_dir()))}),
        ])
        env = LimitedSandbox(
            loader=loader,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=False,
            lstrip_blocks=False,
            extensions=["jinja2.ext.i18n", "workshop.i18n.LanguageExtension"],
        )
        install_gettext(env)  # {% trans %} and _() in the language of the plan being rendered
        env.filters.update(jinja_filters())  # dates, months, numbers and money in that language
        env.filters["add_minutes"] = add_minutes
        env.filters["shortlist"] = shortlist
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


def theme_for(settings: Settings) -> Theme:
    """The theme of a run: its template folders (--templates, then vendor.yaml's), then the built-in
    theme; its logo; its PDF variant. One per process for each such combination, as building one is
    the expensive part of rendering."""
    return _theme(settings.template_dirs, settings.logo, settings.pdf_variant)


@lru_cache(maxsize=8)
def _theme(template_dirs: tuple[Path, ...], logo: Path | None, pdf_variant: str | None) -> Theme:
    return Theme(list(template_dirs), logo=logo, pdf_variant=pdf_variant)

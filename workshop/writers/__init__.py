"""Writers: one module per output format, registered here. Document writers turn a document's HTML
into a file (PDF, Word); plan writers turn the Plan into one file per partner (plan.json, mop.ics)."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from typing import Callable, Iterable, Literal

from ..documents import document
from ..documents.html import render_html
from ..documents.theme import Theme, theme_for
from ..errors import RenderError
from ..plan import Plan
from ..settings import Settings

Box = tuple[int, float, float, float, float]
"""(page index, x1, y1, x2, y2) in PDF points from the page's bottom-left corner."""


@dataclass(frozen=True)
class Output:
    """One rendered file, and where named places ended up on its pages (PDF: signature lines)."""

    data: bytes
    boxes: dict[str, Box] = field(default_factory=dict)


@dataclass(frozen=True)
class RenderJob:
    """What a document writer gets besides the HTML."""

    plan: Plan
    settings: Settings
    theme: Theme


@dataclass(frozen=True)
class DocumentWriter:
    """An output format of every document: `render(html, job)` gives the file."""

    name: str
    """Format id and file suffix, e.g. `pdf`."""
    label: str
    """As the kit index shows it, e.g. `PDF`."""
    render: Callable[[str, RenderJob], Output]


@dataclass(frozen=True)
class PlanWriter:
    """A file per partner made from the Plan alone, e.g. `plan.json`."""

    name: str
    filename: str
    render: Callable[[Plan, Settings], bytes]
    audience: Literal["partner", "vendor"] = "vendor"
    """Whose language the file is written in: the partner's (mop.ics) or the vendor's (plan.json)."""


_DOCUMENT_WRITERS: dict[str, DocumentWriter] = {}
_PLAN_WRITERS: dict[str, PlanWriter] = {}


def register_writer(writer: DocumentWriter | PlanWriter) -> DocumentWriter | PlanWriter:
    """Offer a document format (in --format and every kit) or add a per-partner file to every kit."""
    if isinstance(writer, DocumentWriter):
        _DOCUMENT_WRITERS[writer.name] = writer
    else:
        _PLAN_WRITERS[writer.name] = writer
    return writer


def unregister_writer(name: str) -> None:
    """Stop offering the writer called `name` (e.g. one a test registered)."""
    _DOCUMENT_WRITERS.pop(name, None)
    _PLAN_WRITERS.pop(name, None)


def document_formats() -> tuple[str, ...]:
    """The formats documents can be written in, e.g. ("pdf", "docx")."""
    return tuple(_DOCUMENT_WRITERS)


def format_label(name: str) -> str:
    """How the index names a format: `PDF`, `Word`."""
    writer = _DOCUMENT_WRITERS.get(name)
    return writer.label if writer else name


def document_writer(name: str) -> DocumentWriter:
    """The writer of the document format `name` (e.g. `pdf`); RenderError naming the formats there are."""
    try:
        return _DOCUMENT_WRITERS[name]
    except KeyError:
        raise RenderError(f"unknown format {name!r}; expected one of: {', '.join(document_formats())}") from None


def plan_writers() -> list[PlanWriter]:
    """The per-partner files every kit holds besides its documents."""
    return list(_PLAN_WRITERS.values())


def render_outputs(plan: Plan, name: str, settings: Settings, formats: Iterable[str] | None = None,
                   theme: Theme | None = None, *, counterpart: Plan | None = None) -> dict[str, Output]:
    """Render one document of a Plan in each of `formats` (default: the settings'); {format: Output}.
    With `counterpart` (the plan in the vendor's language), a bilingual memo."""
    theme = theme or theme_for(settings)
    writers = {fmt: document_writer(fmt) for fmt in (formats if formats is not None else settings.formats)}
    html = render_html(plan, document(name).name, theme, counterpart=counterpart)
    job = RenderJob(plan, settings, theme)
    rendered = {fmt: writer.render(html, job) for fmt, writer in writers.items()}
    # The standard library memoizes the last 128 URLs it splits, and WeasyPrint splits every image
    # URL: our charts and signatures are data: URIs of 20-60 KB, so a batch's workers would carry
    # megabytes of old charts. Forget them once a document is done.
    urllib.parse.clear_cache()
    return rendered


def render_document(plan: Plan, name: str, settings: Settings, formats: Iterable[str] | None = None, *,
                    theme: Theme | None = None, counterpart: Plan | None = None) -> dict[str, bytes]:
    """One document of a Plan as {format: bytes}, in the plan's language, in the settings' formats unless
    `formats` are given, with the settings' theme unless another is given."""
    outputs = render_outputs(plan, name, settings, formats, theme, counterpart=counterpart)
    return {fmt: output.data for fmt, output in outputs.items()}


def render_memo(plan: Plan, settings: Settings, formats: Iterable[str] | None = None, *,
                theme: Theme | None = None, counterpart: Plan | None = None) -> dict[str, bytes]:
    """The agreement memo of a Plan as {format: bytes}; with `counterpart` (the same plan in the vendor's
    language), bilingual."""
    return render_document(plan, "memo", settings, formats, theme=theme, counterpart=counterpart)


from . import docx, ics, json, pdf  # noqa: E402  (each module registers its writer)

for _module in (pdf, docx):
    register_writer(_module.WRITER)
for _module in (json, ics):
    register_writer(_module.WRITER)

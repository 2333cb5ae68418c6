"""Rendering a document of a Plan to semantic HTML with its template; the writers take it from there."""

from __future__ import annotations

import jinja2
from jinja2.exceptions import SecurityError

from .. import sandbox
from ..errors import RenderError
from ..i18n import _, speaking
from ..plan import Plan
from ..sandbox import STOPPED, describe_stop, limits, render
from . import document
from .chart import year_chart_data_uri
from .theme import Theme


def render_html(plan: Plan, name: str, theme: Theme, *, counterpart: Plan | None = None) -> str:
    """Render one registered document of a Plan to HTML with its template, in the plan's language.

    `counterpart` is the same plan in a second language (the vendor's), for a bilingual memo: the
    template prints both side by side."""
    doc = document(name)
    template_name = doc.template
    extra = {}
    with speaking(plan.speaks) as language:
        if doc.chart:
            extra["chart"] = year_chart_data_uri(plan)
        context = dict(plan=plan, document_title=_(doc.title), lang=language.html_lang, locale=plan.locale,
                       logo=theme.logo_data_uri, counterpart=counterpart, **extra)
        try:
            with limits(sandbox.TEMPLATE_SECONDS):
                return render(theme.environment.get_template(template_name), context)
        except STOPPED as exc:  # a template that would hang or exhaust the run, e.g. one that includes itself
            raise RenderError(f"{_template_frame(exc, template_name)}: stopped: {describe_stop(exc)}") from None
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

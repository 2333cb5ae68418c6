"""A toy output format for the extension tests: each document as plain text."""

from __future__ import annotations

import lxml.html

from workshop.writers import DocumentWriter, Output, RenderJob


def render(html: str, job: RenderJob) -> Output:
    text = lxml.html.document_fromstring(html).text_content()
    return Output(" ".join(text.split()).encode("utf-8"))


WRITER = DocumentWriter("txt", "Text", render)

"""Documents: the registry of documents (one Jinja2 template each), the theme they are rendered
with, their HTML, and the year chart. The writers turn the HTML into PDF and Word."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..i18n import N_


@dataclass(frozen=True)
class Document:
    """One document every kit holds, rendered from one template."""

    name: str
    """Id used in kits and the API, e.g. `memo`."""
    template: str
    """Template file on the theme's search path, e.g. `memo.html`."""
    title: str
    """Printed in the running header and the file's metadata (in English; translated in the document's language)."""
    stem: str
    """File name without suffix in a partner's kit folder."""
    command: str
    """The `workshop` command that writes only this document."""
    summary: str
    """One line for `workshop --help`."""
    details: str = ""
    """More for the command's own --help."""
    chart: bool = False
    """Whether the template shows the year chart (drawn only for documents that do)."""
    signing: bool = False
    """Whether the command can sign the PDF digitally (--sign)."""
    audience: Literal["partner", "vendor"] = "partner"
    """Who reads it: the partner's documents are in the partner's language, the vendor's in the vendor's."""
    bilingual: bool = False
    """Whether it can print the vendor's language beside the partner's (--bilingual; the template shows both)."""


_DOCUMENTS: dict[str, Document] = {}


def register_document(document: Document) -> Document:
    """Add a document to every kit (after those registered before it) and give it a command."""
    _DOCUMENTS[document.name] = document
    return document


def documents() -> list[Document]:
    """Every registered document, in kit order."""
    return list(_DOCUMENTS.values())


def document(name: str) -> Document:
    """The registered document called `name`."""
    try:
        return _DOCUMENTS[name]
    except KeyError:
        raise KeyError(f"unknown document {name!r}; expected one of: {', '.join(_DOCUMENTS)}") from None


register_document(Document(
    "briefing", "briefing.html", N_("Briefing pack"), "briefing", "brief",
    "Write the internal briefing pack (PDF and Word) for partners.",
    "For your own team: findings, the MOP options with their scores, questions, contacts and deals.",
    chart=True, audience="vendor"))
register_document(Document(
    "agenda", "agenda.html", N_("Joint planning session agenda"), "agenda", "agenda",
    "Write the session agenda (PDF and Word) to share with partners.",
    "Timed sections with owners and the questions for each; no internal scores or risk labels."))
register_document(Document(
    "memo", "memo.html", N_("Mutual Operating Period Agreement"), "memo", "memo",
    "Write the one-page MOP agreement memo (PDF and Word) for partners.",
    "The memo prints the partner's agreement file (<partner>.agreement.yaml, see `workshop agree`) when there "
    "is one for the year, else the recommended MOP; it is marked DRAFT, with blank signature lines, until the "
    "agreement says `status: signed`. --sign --key FILE.p12 signs the PDF digitally in the vendor's "
    "signature block (check it with `workshop verify`); a bad key or passphrase stops before anything is written.",
    signing=True, bilingual=True))

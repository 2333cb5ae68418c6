"""Digital signatures on memo PDFs: PAdES signing with a PKCS#12 key (pyHanko), in memory, in a
visible field on the vendor's signature block; and verifying who signed a PDF and that it is intact."""

from __future__ import annotations

import io
import logging
import os
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from .errors import SigningError

log = logging.getLogger(__name__)

FIELD_NAME = "VendorSignature"
# The visible field stands on the vendor's signature line (the line the memo template marks with
# data-signature="vendor"; the PDF writer reports where it ended up), as wide as the line, 20 pt high.
FIELD_HEIGHT = 20.0

Box = tuple[int, float, float, float, float]
"""(page index, x1, y1, x2, y2) in PDF points, as the PDF writer reports a marked line."""


class NotSigned(SigningError):
    """The PDF carries no digital signature."""


def _common_name(name) -> str:
    """CN of an x509 Name (cryptography), or the whole name when it has no CN."""
    from cryptography.x509.oid import NameOID

    found = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(found[0].value) if found else name.rfc4514_string()


def certificate_problem(certificate, at: datetime) -> str | None:
    """What makes a certificate (cryptography's) unfit to sign at `at`, as the end of a sentence that starts
    with "the certificate of NAME": expired, not valid yet, or not meant for signing. None if it is fit."""
    from cryptography import x509

    if certificate.not_valid_after_utc < at:
        return f"expired on {certificate.not_valid_after_utc:%Y-%m-%d}"
    if certificate.not_valid_before_utc > at:
        return f"is not valid before {certificate.not_valid_before_utc:%Y-%m-%d}"
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return None  # RFC 5280: without the extension the key may be used for anything
    if not (usage.digital_signature or usage.content_commitment):
        return "is not meant for signing (its key usage has neither digital signature nor non-repudiation)"
    return None


def printable(text: str) -> str:
    """`text` with line breaks and other control or invisible characters shown as escapes: a name in a
    certificate is chosen by whoever made it, and must not print a line of its own."""
    return "".join(c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in HIDDEN_CATEGORIES
                   else c for c in text)


HIDDEN_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
"""Control, format (e.g. right-to-left overrides), unassigned characters and line or paragraph separators."""


@dataclass
class MemoSigner:
    """A PKCS#12 key ready to sign memo PDFs; load it once per run with `MemoSigner.load`."""

    key_file: Path
    signer_name: str
    """The certificate subject's common name."""
    _signer: object

    @classmethod
    def load(cls, key_file: str | Path, passphrase: str | None = None, *, now: datetime | None = None) -> MemoSigner:
        """Open a .p12/.pfx file; raise SigningError naming the file if it cannot be read or opened,
        or if its certificate is expired or not yet valid (`now`, default the current time)."""
        from cryptography.hazmat.primitives.serialization import pkcs12
        from pyhanko.sign.signers import SimpleSigner

        key_file = Path(key_file)
        secret = passphrase.encode("utf-8") if passphrase is not None else None
        try:
            data = key_file.read_bytes()
        except OSError as exc:
            raise SigningError(f"{key_file}: cannot read the key file: {exc.strerror or exc}") from None
        try:
            key, certificate, _ = pkcs12.load_key_and_certificates(data, secret)
        except (ValueError, TypeError):
            hint = "" if secret is not None else " (no passphrase was given: pass --passphrase-env VAR)"
            raise SigningError(f"{key_file}: cannot open the key: wrong passphrase, or not a PKCS#12 (.p12) file{hint}") from None
        if key is None or certificate is None:
            raise SigningError(f"{key_file}: needs both a private key and its certificate; this file lacks the "
                               f"{'private key' if key is None else 'certificate'}")
        name = _common_name(certificate.subject)
        problem = certificate_problem(certificate, now or datetime.now(timezone.utc))
        if problem is not None:
            raise SigningError(f"{key_file}: the certificate of {printable(name)} {problem}; it cannot sign")
        signer = SimpleSigner.load_pkcs12(str(key_file), passphrase=secret)
        if signer is None:  # pyHanko logs why; the checks above should have caught it
            raise SigningError(f"{key_file}: pyHanko cannot use this key")
        return cls(key_file=key_file, signer_name=name, _signer=signer)

    @classmethod
    def load_with_environment(cls, key_file: str | Path, variable: str | None) -> MemoSigner:
        """`load`, with the passphrase read from the environment variable `variable` (None: no passphrase),
        so it never appears on a command line where other users could see it."""
        if variable is None:
            return cls.load(key_file)
        if variable not in os.environ:
            raise SigningError(f"environment variable {variable} is not set; it should hold the passphrase of {key_file}")
        return cls.load(key_file, os.environ[variable])

    def sign(self, pdf: bytes, plan, line: Box | None) -> bytes:
        """Sign a memo PDF of `plan` on the vendor's signature `line` (invisibly if None); returns the signed PDF."""
        if not plan.memo.signed:
            log.warning("%s: signing a DRAFT memo (its agreement is %s)", plan.partner.id,
                        "not signed yet" if plan.memo.status == "draft" else "missing: see workshop agree")
        return sign_pdf(pdf, self, line=line)


def field_box(line: Box) -> tuple[int, tuple[float, float, float, float]]:
    """The page and box of the signature field standing on a signature line."""
    page, x1, _, x2, top = line
    return page, (x1, top, x2, top + FIELD_HEIGHT)


def sign_pdf(pdf: bytes, signer: MemoSigner, *, line: Box | None) -> bytes:
    """Sign `pdf` (PAdES baseline B-B) in memory, in a visible field standing on `line` (invisible
    without one, e.g. a custom template that marks no signature line); returns the signed PDF."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    if line is None:
        log.warning("the memo marks no vendor signature line (data-signature=\"vendor\"); the signature is invisible")
        page, box = 0, None
    else:
        page, box = field_box(line)
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES,
                                        reason="Mutual Operating Period Agreement")
    spec = fields.SigFieldSpec(FIELD_NAME, on_page=page, box=box)
    style = TextStampStyle(stamp_text="Digitally signed by %(signer)s\n%(ts)s", border_width=0)
    pdf_signer = signers.PdfSigner(meta, signer=signer._signer, new_field_spec=spec, stamp_style=style)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        return pdf_signer.sign_pdf(writer).getvalue()
    except Exception as exc:  # pyHanko has no common error base; the message is what matters
        raise SigningError(f"cannot sign the PDF with {signer.key_file}: {exc}") from None


@dataclass(frozen=True)
class SignatureReport:
    """What `verify_pdf` found about one signature."""

    field: str
    signer: str
    """Common name of the signer's certificate subject."""
    signed_at: datetime | None
    """Signing time the signer claims (no timestamp authority is involved)."""
    intact: bool
    """The signed bytes are unchanged and the signature over them is cryptographically valid."""
    whole_file: bool
    """Nothing was added to the file after this signature."""
    trusted: bool
    """The certificate chains to a trusted certificate (`--trust`, or the signer's own)."""
    revision: int = 1
    """The revision of the file this signature covers (1 is the first), up to `revisions`."""
    revisions: int = 1
    """How many revisions the file has: each signature adds one."""
    later_changes: str | None = None
    """What the revisions after this signature do, when it does not cover the whole file: `signatures`
    (each adds only another signature, as a countersignature does) or `other`."""
    certificate_problem: str | None = None
    """Why the certificate could not sign when it did (expired, not yet valid, not meant for signing), or None."""

    @property
    def unchanged(self) -> bool:
        """Intact, and nothing but signatures (or form fields) was added after it."""
        return self.intact and (self.whole_file or self.later_changes == "signatures")

    @property
    def ok(self) -> bool:
        return self.unchanged and self.trusted and self.certificate_problem is None


def describe(reports: list[SignatureReport], source: str, trusted: int = 0) -> list[tuple[str, bool]]:
    """What `workshop verify` prints of each signature: (line, whether it reports a problem). Every name
    is printed with its control characters escaped, so a certificate cannot forge a line of the report."""
    basis = ("the given certificate" + ("s" if trusted > 1 else "")) if trusted else "the signer's own certificate"
    source = printable(source)
    lines: list[tuple[str, bool]] = []
    for number, report in enumerate(reports, start=1):
        when = f" on {report.signed_at:%Y-%m-%d %H:%M:%S %Z}" if report.signed_at else ""
        which = f" (signature {number} of {len(reports)}, field {printable(report.field)})" if len(reports) > 1 else ""
        lines.append((f"{source}: signed by {printable(report.signer)}{when}{which}", False))
        if not report.intact:
            lines.append(("  MODIFIED: the signed content was changed after signing", True))
        elif report.whole_file:
            covers = f" (it covers the whole file, revision {report.revision} of {report.revisions})" if which else ""
            lines.append((f"  intact: the document is unchanged since it was signed{covers}", False))
        elif report.unchanged:
            lines.append((f"  intact: it covers revision {report.revision} of {report.revisions}, the document as "
                          f"signed; each later revision only adds a signature", False))
        else:
            lines.append(("  MODIFIED: content was added to the file after signing", True))
        if report.certificate_problem is not None:
            lines.append((f"  CERTIFICATE: when it signed, the certificate of {printable(report.signer)} "
                          f"{report.certificate_problem}", True))
        if report.intact:
            lines.append((f"  trust: {'trusted' if report.trusted else 'NOT trusted'} by {basis}", not report.trusted))
    return lines


def load_certificates(paths: Iterable[str | Path]):
    """Certificates (PEM or DER files) to trust when verifying."""
    from pyhanko.keys import load_cert_from_pemder

    certificates = []
    for path in paths:
        try:
            certificates.append(load_cert_from_pemder(str(path)))
        except Exception:  # asn1crypto and OSError alike: the user needs the file name and what it should be
            raise SigningError(f"{path}: cannot read a certificate (PEM or DER) from this file") from None
    return certificates


def verify_pdf(data: bytes, *, source: str = "the PDF", trust: Iterable[str | Path] = ()) -> list[SignatureReport]:
    """Check every signature in a PDF: signer, signing time, integrity (a signature followed only by
    other signatures, as when the partner countersigns, is intact), whether the certificate could sign
    at that time, and trust against the `trust` certificates, or (when none are given) against the
    signer's own certificate, which is what self-signed keys allow. Raises NotSigned for a PDF without
    signatures and SigningError for a file that cannot be read as a PDF."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    roots = load_certificates(trust)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
        revisions = reader.xrefs.total_revisions
    except Exception as exc:  # a damaged file fails anywhere in the reader
        raise SigningError(f"{source}: cannot be read as a PDF ({exc})") from None
    if not signatures:
        raise NotSigned(f"{source}: not digitally signed")
    reports = [_check_signature(signature, roots, source, revisions) for signature in signatures]
    # pyHanko accepts later revisions that only add signatures, form data, validation data or metadata. A
    # memo's later revisions must each be made by a signature of their own (a countersignature), nothing else.
    signed = {report.revision for report in reports if report.intact}
    return [replace(report, later_changes="other") if report.later_changes == "signatures" and not all(
        revision in signed for revision in range(report.revision + 1, report.revisions + 1)) else report
        for report in reports]


def _check_signature(signature, roots: list, source: str, revisions: int) -> SignatureReport:
    from cryptography import x509
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    field = signature.field_name
    try:
        signer_cert = signature.signer_cert
        context = ValidationContext(trust_roots=roots or [signer_cert], allow_fetching=False)
        # Either key usage will do (pyHanko alone asks for non-repudiation); certificate_problem says which is missing.
        usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)
        status = validate_pdf_signature(signature, context, key_usage_settings=usage)
    except Exception as exc:  # a flipped byte can break the CMS structure itself
        log.info("%s: signature %s does not validate: %s", source, field, exc)
        return SignatureReport(field, "unknown", None, intact=False, whole_file=False, trusted=False)
    subject = status.signing_cert.subject.native
    signer = subject.get("common_name") or status.signing_cert.subject.human_friendly
    whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    later = None
    if not whole_file:
        allowed = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING)
        later = "signatures" if status.docmdp_ok and status.modification_level in allowed else "other"
    at = status.signer_reported_dt or datetime.now(timezone.utc)
    certificate = x509.load_der_x509_certificate(status.signing_cert.dump())
    return SignatureReport(
        field=field, signer=signer, signed_at=status.signer_reported_dt,
        intact=bool(status.intact and status.valid), whole_file=whole_file, trusted=bool(status.trusted),
        revision=signature.signed_revision + 1, revisions=revisions, later_changes=later,
        certificate_problem=certificate_problem(certificate, at),
    )


def signed_memo(plan, settings, signer: MemoSigner) -> bytes:
    """The memo PDF of a plan, signed by `signer` on the vendor's signature line."""
    from .writers import render_outputs

    output = render_outputs(plan, "memo", settings, ["pdf"])["pdf"]
    return signer.sign(output.data, plan, output.boxes.get("vendor"))

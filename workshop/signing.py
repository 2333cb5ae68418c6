"""Digital signatures on memo PDFs: PAdES signing with a PKCS#12 key (pyHanko), in memory, in a
visible field on the vendor's signature block; and verifying who signed a PDF and that it is intact."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from .errors import SigningError

log = logging.getLogger(__name__)

FIELD_NAME = "VendorSignature"
# The visible field sits in the space between "For <vendor>" and the first signature line below
# it (see templates/memo.html and theme.css): from just under that text's baseline, 20 pt high.
FIELD_TOP_BELOW_BASELINE = 4.0
FIELD_HEIGHT = 20.0
COLUMN_GAP = 28.35  # 10 mm between the two signature columns, in points


class NotSigned(SigningError):
    """The PDF carries no digital signature."""


def _common_name(name) -> str:
    """CN of an x509 Name (cryptography), or the whole name when it has no CN."""
    from cryptography.x509.oid import NameOID

    found = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(found[0].value) if found else name.rfc4514_string()


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
        now = now or datetime.now(timezone.utc)
        if certificate.not_valid_after_utc < now:
            raise SigningError(f"{key_file}: the certificate of {name} expired on "
                               f"{certificate.not_valid_after_utc:%Y-%m-%d}; it cannot sign")
        if certificate.not_valid_before_utc > now:
            raise SigningError(f"{key_file}: the certificate of {name} is not valid before "
                               f"{certificate.not_valid_before_utc:%Y-%m-%d}; it cannot sign yet")
        signer = SimpleSigner.load_pkcs12(str(key_file), passphrase=secret)
        if signer is None:  # pyHanko logs why; the checks above should have caught it
            raise SigningError(f"{key_file}: pyHanko cannot use this key")
        return cls(key_file=key_file, signer_name=name, _signer=signer)

    def sign(self, pdf: bytes, plan) -> bytes:
        """Sign a memo PDF of `plan` in the vendor's signature block; returns the signed PDF."""
        if plan.agreement is None or plan.agreement.status != "signed":
            log.warning("%s: signing a DRAFT memo (its agreement is %s)", plan.partner.id,
                        "not signed yet" if plan.agreement else "missing: see workshop agree")
        return sign_pdf(pdf, self, anchor=f"For {plan.vendor.name}")


def signature_box(pdf: bytes, anchor: str) -> tuple[float, float, float, float] | None:
    """The box (x1, y1, x2, y2, PDF points, first page) under the text `anchor`, one column wide,
    or None when the text is not on the first page (e.g. a user template that reworded it)."""
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    width = float(page.mediabox.width)
    found: list[tuple[float, float]] = []

    def visit(text, cm, tm, font, size):
        # A long vendor name may wrap, so the first line of the block is enough to recognise it.
        shown = text.strip()
        if shown.startswith("For ") and (anchor.startswith(shown) or shown.startswith(anchor)):
            found.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    if not found:
        return None
    x, baseline = found[0]
    column = (width - 2 * x - COLUMN_GAP) / 2  # margins are symmetric; two columns share the text width
    top = baseline - FIELD_TOP_BELOW_BASELINE
    return (x, top - FIELD_HEIGHT, x + column, top)


def sign_pdf(pdf: bytes, signer: MemoSigner, *, anchor: str) -> bytes:
    """Sign `pdf` (PAdES baseline B-B) in memory, in a visible field under the text `anchor`
    (invisible if the text is not found); returns the signed PDF."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    box = signature_box(pdf, anchor)
    if box is None:
        log.warning("%r is not on the memo's first page; the signature is invisible", anchor)
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES,
                                        reason="Mutual Operating Period Agreement")
    spec = fields.SigFieldSpec(FIELD_NAME, on_page=0, box=box)
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

    @property
    def ok(self) -> bool:
        return self.intact and self.whole_file and self.trusted


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
    """Check every signature in a PDF: signer, signing time, integrity, and trust against the
    `trust` certificates, or (when none are given) against the signer's own certificate, which is
    what self-signed keys allow. Raises NotSigned for a PDF without signatures and SigningError for
    a file that cannot be read as a PDF."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    roots = load_certificates(trust)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:  # a damaged file fails anywhere in the reader
        raise SigningError(f"{source}: cannot be read as a PDF ({exc})") from None
    if not signatures:
        raise NotSigned(f"{source}: not digitally signed")
    reports = []
    for signature in signatures:
        field = signature.field_name
        try:
            signer_cert = signature.signer_cert
            context = ValidationContext(trust_roots=roots or [signer_cert], allow_fetching=False)
            status = validate_pdf_signature(signature, context)
        except Exception as exc:  # a flipped byte can break the CMS structure itself
            log.info("%s: signature %s does not validate: %s", source, field, exc)
            reports.append(SignatureReport(field, "unknown", None, intact=False, whole_file=False, trusted=False))
            continue
        subject = status.signing_cert.subject.native
        signer = subject.get("common_name") or status.signing_cert.subject.human_friendly
        reports.append(SignatureReport(
            field=field, signer=signer, signed_at=status.signer_reported_dt,
            intact=bool(status.intact and status.valid),
            whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            trusted=bool(status.trusted),
        ))
    return reports

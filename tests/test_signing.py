"""Digital signatures: memo --sign puts a PAdES signature in the vendor's block, verify checks it.

Keys and certificates are made at test time (nothing is committed): self-signed, RSA 2048,
CN=Dana Whitfield, O=Halcyon Cloud Software, packed as PKCS#12 with a passphrase.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest

from workshop.signing import MemoSigner, signed_memo, verify_pdf

from .conftest import AS_OF, EXAMPLES, pdf_pages, pdf_text

PASSPHRASE = "correct horse battery staple"


def make_pkcs12(path, *, passphrase=PASSPHRASE, valid_from=-1, valid_days=30, name="Dana Whitfield", usage=None):
    """A throwaway self-signed key and certificate as a PKCS#12 file; returns the certificate (cryptography).
    `usage` changes some of the key usage flags, e.g. {"digital_signature": False}."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Halcyon Cloud Software")])
    start = datetime.now(timezone.utc) + timedelta(days=valid_from)
    flags = dict(digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
                 key_agreement=False, key_cert_sign=True, crl_sign=False, encipher_only=False, decipher_only=False)
    usage = x509.KeyUsage(**{**flags, **(usage or {})})
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(passphrase.encode()) if passphrase else serialization.NoEncryption()
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"dana", key, certificate, None, encryption))
    return certificate


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    """{name: path} of a valid key, an expired one and one that is not valid yet, plus a certificate PEM."""
    from cryptography.hazmat.primitives import serialization

    folder = tmp_path_factory.mktemp("keys")
    certificate = make_pkcs12(folder / "dana.p12")
    make_pkcs12(folder / "expired.p12", valid_from=-400, valid_days=365)
    make_pkcs12(folder / "future.p12", valid_from=10)
    (folder / "dana.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    other = make_pkcs12(folder / "other.p12")
    (folder / "other.pem").write_bytes(other.public_bytes(serialization.Encoding.PEM))
    return {p.stem if p.suffix == ".p12" else p.name: p for p in folder.iterdir()}


@pytest.fixture
def sign(invoke, profiles, tmp_path, keys, monkeypatch):
    """Run `workshop memo PARTNER --sign` into tmp_path/out; returns (result, path of the memo PDF)."""
    monkeypatch.setenv("MEMO_KEY_PASSPHRASE", PASSPHRASE)

    def run(*extra, partner="sakura", key="dana", variable="MEMO_KEY_PASSPHRASE"):
        out = tmp_path / "out"
        result = invoke("memo", partner, "--profiles", profiles, "--date", AS_OF.isoformat(), "--out", out,
                        "--sign", "--key", keys[key], "--passphrase-env", variable, "--language", "en", *extra)
        return result, out / "FY2028" / partner / f"{partner}-FY2028-memo.pdf"

    return run


@pytest.fixture(scope="module")
def signed_pdf(tmp_path_factory, keys, vendor, settings):
    """One signed memo for the tests that only read it."""
    import workshop

    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "rheinwerk.yaml"), settings, language="en")
    pdf = workshop.render_memo(plan, settings, formats=["pdf"])["pdf"]
    signed = signed_memo(plan, settings, MemoSigner.load(keys["dana"], PASSPHRASE))
    path = tmp_path_factory.mktemp("signed") / "memo.pdf"
    path.write_bytes(signed)
    return pdf, path


def test_sign_then_verify_names_the_signer(sign, invoke):
    result, pdf = sign()
    assert result.exit_code == 0, result.output
    assert pdf_pages(pdf.read_bytes()) == 1
    assert "Mutual Operating Period Agreement" in pdf_text(pdf.read_bytes())
    assert pdf.with_suffix(".docx").is_file()  # the Word file is written as usual, unsigned
    result = invoke("verify", pdf)
    assert result.exit_code == 0, result.output
    assert f"{pdf}: signed by Dana Whitfield on " in result.output
    assert "intact" in result.output and "trusted by the signer's own certificate" in result.output


def test_signature_is_pades_in_a_visible_field_on_the_vendor_block(signed_pdf):
    from pypdf import PdfReader

    original, path = signed_pdf
    reader = PdfReader(path)
    fields = [a.get_object() for a in reader.pages[0]["/Annots"] if a.get_object().get("/FT") == "/Sig"]
    assert len(fields) == 1
    field = fields[0]
    assert field["/T"] == "VendorSignature"
    assert field["/V"]["/SubFilter"] == "/ETSI.CAdES.detached"
    x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
    # Independently of how workshop places it: where the vendor's block and its signature line are printed.
    vendor_block, vendor_line = _text_position(original, "For Halcyon"), _text_position(original, "Signature · Dana")
    assert x1 == pytest.approx(vendor_block[0], abs=1) and x1 == pytest.approx(vendor_line[0], abs=1)
    assert vendor_line[1] < y1 < y2 < vendor_block[1]  # between "For <vendor>" and the signature line
    width = float(reader.pages[0].mediabox.width)
    assert x2 - x1 > 100 and y2 - y1 > 10  # visible
    assert x2 < width / 2  # the vendor's (left) column, not the partner's


def _text_position(pdf: bytes, start: str) -> tuple[float, float]:
    """(x, baseline y) in PDF points of the first text run on page 1 that starts with `start`."""
    import io

    from pypdf import PdfReader

    found = []

    def visit(text, cm, tm, font, size):
        if text.strip().startswith(start):
            found.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    assert found, start
    return found[0]


def test_verify_modified_byte_inside_signed_range_exits_1(signed_pdf, invoke, tmp_path):
    from pypdf import PdfReader

    _, path = signed_pdf
    data = bytearray(path.read_bytes())
    field = next(a.get_object() for a in PdfReader(path).pages[0]["/Annots"] if a.get_object().get("/FT") == "/Sig")
    start, length, _, _ = (int(v) for v in field["/V"]["/ByteRange"])
    # A byte of page content inside the first signed range: "Halcyon" becomes "Ialcyon" wherever it is raw text,
    # else simply a flipped bit of a content stream.
    target = data.find(b"stream", start + 1000, start + length) + 20
    assert start < target < start + length
    data[target] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    result = invoke("verify", tampered)
    assert result.exit_code == 1
    assert "MODIFIED" in result.output
    assert "Traceback" not in result.output


def with_a_new_title(pdf: bytes, tmp_path):
    """A signed PDF with its title changed in a revision of its own, as an editor saves it; returns the path."""
    from pypdf import PdfWriter

    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    writer.add_metadata({"/Title": "Something else"})
    buffer = io.BytesIO()
    writer.write(buffer)
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(buffer.getvalue())
    return changed


def test_verify_appended_content_exits_1(signed_pdf, invoke, tmp_path):
    _, path = signed_pdf
    changed = with_a_new_title(path.read_bytes(), tmp_path)
    result = invoke("verify", changed)
    assert result.exit_code == 1
    assert "MODIFIED: content was added to the file after signing" in result.output


def test_verify_unsigned_pdf_exits_1(signed_pdf, invoke, tmp_path):
    original, _ = signed_pdf
    unsigned = tmp_path / "unsigned.pdf"
    unsigned.write_bytes(original)
    result = invoke("verify", unsigned)
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {unsigned}: not digitally signed"


def test_verify_not_a_pdf_exits_1(invoke, tmp_path):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"this is not a PDF at all")
    result = invoke("verify", junk)
    assert result.exit_code == 1
    assert f"error: {junk}: cannot be read as a PDF" in result.output


def test_verify_trust_another_certificate(signed_pdf, invoke, keys):
    _, path = signed_pdf
    result = invoke("verify", path, "--trust", keys["dana.pem"])
    assert result.exit_code == 0, result.output
    assert "trusted by the given certificate" in result.output
    result = invoke("verify", path, "--trust", keys["other.pem"])
    assert result.exit_code == 1
    assert "NOT trusted by the given certificate" in result.output


def test_verify_library_reports_signer_and_time(signed_pdf):
    _, path = signed_pdf
    [report] = verify_pdf(path.read_bytes())
    assert report.signer == "Dana Whitfield" and report.ok
    assert abs(report.signed_at - datetime.now(timezone.utc)) < timedelta(minutes=30)


def test_sign_wrong_passphrase_exits_1_and_writes_nothing(sign, monkeypatch, keys):
    monkeypatch.setenv("MEMO_KEY_PASSPHRASE", "wrong")
    result, pdf = sign()
    assert result.exit_code == 1
    assert f"error: {keys['dana']}: cannot open the key: wrong passphrase" in result.output
    assert "Traceback" not in result.output
    assert not pdf.parent.exists()  # nothing at all, not even the DOCX


def test_sign_missing_passphrase_variable_exits_1(sign, keys):
    result, pdf = sign(variable="NO_SUCH_VARIABLE_HERE")
    assert result.exit_code == 1
    assert "environment variable NO_SUCH_VARIABLE_HERE is not set" in result.output and str(keys["dana"]) in result.output
    assert not pdf.parent.exists()


@pytest.mark.parametrize("key, message", [("expired", "expired on"), ("future", "is not valid before")])
def test_sign_certificate_out_of_date_exits_1(sign, keys, key, message):
    result, pdf = sign(key=key)
    assert result.exit_code == 1
    assert f"error: {keys[key]}: the certificate of Dana Whitfield {message}" in result.output
    assert not pdf.parent.exists()


def test_sign_unreadable_key_exits_1(invoke, profiles, tmp_path):
    garbage = tmp_path / "garbage.p12"
    garbage.write_bytes(b"not a key")
    out = tmp_path / "out"
    result = invoke("memo", "sakura", "--profiles", profiles, "--date", AS_OF.isoformat(), "--out", out,
                    "--sign", "--key", garbage)
    assert result.exit_code == 1
    assert f"error: {garbage}: cannot open the key" in result.output
    missing = tmp_path / "missing.p12"
    result = invoke("memo", "sakura", "--profiles", profiles, "--date", AS_OF.isoformat(), "--out", out,
                    "--sign", "--key", missing)
    assert result.exit_code == 1
    assert f"error: {missing}: cannot read the key file" in result.output
    assert not out.exists()


def test_sign_needs_a_key_and_pdf(invoke, profiles, keys):
    result = invoke("memo", "sakura", "--profiles", profiles, "--sign")
    assert result.exit_code == 2 and "--sign needs --key" in result.output
    result = invoke("memo", "sakura", "--profiles", profiles, "--sign", "--key", keys["dana"], "--format", "docx")
    assert result.exit_code == 2 and "add pdf to --format" in result.output
    result = invoke("memo", "sakura", "--profiles", profiles, "--key", keys["dana"])
    assert result.exit_code == 2 and "only make sense with --sign" in result.output


def test_sign_all_partners_each_signed(invoke, profiles, tmp_path, keys, monkeypatch):
    monkeypatch.setenv("PASS", PASSPHRASE)
    out = tmp_path / "out"
    result = invoke("memo", "--all", "--profiles", profiles, "--date", AS_OF.isoformat(), "--out", out,
                    "--format", "pdf", "--sign", "--key", keys["dana"], "--passphrase-env", "PASS")
    assert result.exit_code == 0, result.output
    for partner in ("sakura", "rheinwerk"):
        [report] = verify_pdf((out / "FY2028" / partner / f"{partner}-FY2028-memo.pdf").read_bytes())
        assert report.ok and report.signer == "Dana Whitfield"


# --- countersignatures, certificates that cannot sign, names that are not what they seem ------

PARTNER_PASSPHRASE = "partner passphrase"


def countersign(pdf: bytes, key_file, passphrase: str = PARTNER_PASSPHRASE) -> bytes:
    """The partner's signature appended to a signed memo, in a field of its own, as their software does it."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = signers.SimpleSigner.load_pkcs12(str(key_file), passphrase=passphrase.encode())
    meta = signers.PdfSignatureMetadata(field_name="PartnerSignature", subfilter=fields.SigSeedSubFilter.PADES)
    spec = fields.SigFieldSpec("PartnerSignature", on_page=0, box=(320, 100, 520, 120))
    return signers.PdfSigner(meta, signer=signer, new_field_spec=spec).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf))).getvalue()


NOT_FOR_SIGNING = {"digital_signature": False, "content_commitment": False, "key_encipherment": True,
                   "key_cert_sign": False}


@pytest.fixture(scope="module")
def partner_key(tmp_path_factory):
    path = tmp_path_factory.mktemp("partner") / "haruto.p12"
    make_pkcs12(path, name="Haruto Tanaka", passphrase=PARTNER_PASSPHRASE)
    return path


def test_verify_countersigned_memo_is_intact_with_both_signers(signed_pdf, partner_key, invoke, tmp_path):
    _, path = signed_pdf
    both = tmp_path / "countersigned.pdf"
    both.write_bytes(countersign(path.read_bytes(), partner_key))
    result = invoke("verify", both)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{both}: signed by Dana Whitfield on ")
    assert lines[0].endswith(" (signature 1 of 2, field VendorSignature)")
    assert lines[1] == "  intact: it covers revision 2 of 3, the document as signed; each later revision only adds a signature"
    assert lines[2] == "  trust: trusted by the signer's own certificate"
    assert lines[3].startswith(f"{both}: signed by Haruto Tanaka on ")
    assert lines[3].endswith(" (signature 2 of 2, field PartnerSignature)")
    assert lines[4] == "  intact: the document is unchanged since it was signed (it covers the whole file, revision 3 of 3)"
    assert [r.ok for r in verify_pdf(both.read_bytes())] == [True, True]


def test_verify_countersigned_memo_changed_afterwards_is_modified(signed_pdf, partner_key, invoke, tmp_path):
    _, path = signed_pdf
    changed = with_a_new_title(countersign(path.read_bytes(), partner_key), tmp_path)
    result = invoke("verify", changed)
    assert result.exit_code == 1
    assert result.output.count("MODIFIED: content was added to the file after signing") == 2


def test_sign_refuses_a_key_not_meant_for_signing(invoke, profiles, tmp_path, monkeypatch):
    wrong = tmp_path / "encipher-only.p12"
    make_pkcs12(wrong, usage=NOT_FOR_SIGNING)
    monkeypatch.setenv("MEMO_KEY_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "out"
    result = invoke("memo", "sakura", "--profiles", profiles, "--date", AS_OF.isoformat(), "--out", out, "--sign",
                    "--key", wrong, "--passphrase-env", "MEMO_KEY_PASSPHRASE")
    assert result.exit_code == 1
    assert (f"error: {wrong}: the certificate of Dana Whitfield is not meant for signing (its key usage has neither "
            f"digital signature nor non-repudiation); it cannot sign") in result.output
    assert not out.exists()


def _signed_with_any_key(key_file, plan, settings, *, now) -> bytes:
    """A memo signed with a key MemoSigner would refuse today (the check is made as of `now`)."""
    from pyhanko.sign.signers import SimpleSigner

    from workshop.signing import sign_pdf
    from workshop.writers import render_outputs

    loaded = MemoSigner.load(key_file, PASSPHRASE, now=now) if now else None
    signer = loaded or MemoSigner(key_file, "Dana Whitfield",
                                  SimpleSigner.load_pkcs12(str(key_file), passphrase=PASSPHRASE.encode()))
    output = render_outputs(plan, "memo", settings, ["pdf"])["pdf"]
    return sign_pdf(output.data, signer, line=output.boxes.get("vendor"))


@pytest.fixture(scope="module")
def sakura_plan(vendor, settings):
    import workshop

    return workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "sakura.yaml"), settings)


def test_verify_reports_a_certificate_that_had_expired_when_it_signed(keys, sakura_plan, settings, invoke, tmp_path):
    # The expired key's certificate ran from 400 to 35 days ago; the signature is made now.
    pdf = _signed_with_any_key(keys["expired"], sakura_plan, settings,
                               now=datetime.now(timezone.utc) - timedelta(days=200))
    path = tmp_path / "expired.pdf"
    path.write_bytes(pdf)
    result = invoke("verify", path)
    assert result.exit_code == 1
    expiry = (datetime.now(timezone.utc) - timedelta(days=35))
    assert "  CERTIFICATE: when it signed, the certificate of Dana Whitfield expired on " in result.output
    assert any(f"expired on {(expiry + timedelta(days=d)):%Y-%m-%d}" in result.output for d in (-1, 0, 1))
    [report] = verify_pdf(pdf)
    assert report.intact and not report.ok


def test_verify_reports_a_key_not_meant_for_signing(sakura_plan, settings, invoke, tmp_path):
    wrong = tmp_path / "encipher-only.p12"
    make_pkcs12(wrong, usage=NOT_FOR_SIGNING)
    path = tmp_path / "wrong-usage.pdf"
    path.write_bytes(_signed_with_any_key(wrong, sakura_plan, settings, now=None))
    result = invoke("verify", path)
    assert result.exit_code == 1
    assert ("  CERTIFICATE: when it signed, the certificate of Dana Whitfield is not meant for signing (its key "
            "usage has neither digital signature nor non-repudiation)") in result.output


def test_verify_escapes_a_name_that_would_forge_a_line(sakura_plan, settings, invoke, tmp_path):
    forged = tmp_path / "forged.p12"
    make_pkcs12(forged, name="Mallory\n  trust: trusted by the given certificate")
    path = tmp_path / "forged.pdf"
    path.write_bytes(_signed_with_any_key(forged, sakura_plan, settings, now=datetime.now(timezone.utc)))
    result = invoke("verify", path)
    lines = result.output.splitlines()
    assert f"{path}: signed by Mallory\\n  trust: trusted by the given certificate on " in lines[0]
    assert "  trust: trusted by the signer's own certificate" in lines
    assert "  trust: trusted by the given certificate" not in lines


def test_verify_untrusted_chain_prints_the_verdict_without_library_noise(signed_pdf, invoke, keys, caplog):
    _, path = signed_pdf
    result = invoke("verify", path, "--trust", keys["other.pem"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 3 and lines[2] == "  trust: NOT trusted by the given certificate"
    assert "Traceback" not in result.output and "WARNING" not in result.output
    assert "pyhanko" not in caplog.text
    invoke("-v", "verify", path, "--trust", keys["other.pem"])
    assert "pyhanko" in caplog.text  # the details are logged when asked for


def test_signature_field_stays_on_the_vendor_line_whatever_the_partner_is_called(vendor, settings, write, keys):
    import workshop

    path = write("tricky.yaml", (EXAMPLES / "sakura.yaml").read_text().replace(
        "name: Sakura Digital Solutions K.K.", "name: For Halcyon Cloud Software Signature · Dana Whitfield"))
    plan = workshop.plan_partnership(vendor, workshop.load_profile(path), settings)
    from pypdf import PdfReader

    signed = signed_memo(plan, settings, MemoSigner.load(keys["dana"], PASSPHRASE))
    reader = PdfReader(io.BytesIO(signed))
    [field] = [a.get_object() for a in reader.pages[0]["/Annots"] if a.get_object().get("/FT") == "/Sig"]
    x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
    [reference] = [a.get_object() for a in PdfReader(io.BytesIO(signed_memo(
        workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "sakura.yaml"), settings), settings,
        MemoSigner.load(keys["dana"], PASSPHRASE)))).pages[0]["/Annots"] if a.get_object().get("/FT") == "/Sig"]
    assert (x1, x2) == tuple(float(v) for v in reference["/Rect"])[0::2]
    assert x2 < float(reader.pages[0].mediabox.width) / 2


@pytest.mark.slow
def test_sign_and_verify_need_nothing_but_the_runtime_dependencies(tmp_path, keys):
    import subprocess
    import sys

    # pypdf and the other test tools are not installed by `pip install .`: make them unimportable.
    script = ("import sys; sys.modules.update(pypdf=None, pytest=None, hypothesis=None); "
              "from workshop.cli import main; sys.argv[0] = 'workshop'; main()")
    out = tmp_path / "out"
    env = {**__import__("os").environ, "MEMO_KEY_PASSPHRASE": PASSPHRASE}
    run = subprocess.run([sys.executable, "-c", script, "memo", "sakura", "--profiles", str(EXAMPLES), "--out",
                          str(out), "--date", AS_OF.isoformat(), "--format", "pdf", "--sign", "--key",
                          str(keys["dana"]), "--passphrase-env", "MEMO_KEY_PASSPHRASE"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    run = subprocess.run([sys.executable, "-c", script, "verify", str(out / "FY2028" / "sakura" / "sakura-FY2028-memo.pdf")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "intact" in run.stdout, run.stdout + run.stderr

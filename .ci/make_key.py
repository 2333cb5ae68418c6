"""Write a throwaway self-signed signing key (PKCS#12, no passphrase) for the signing smoke test: make_key.py FILE.p12."""

import sys
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

key = ec.generate_private_key(ec.SECP256R1())
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CI Smoke Test")])
now = datetime.now(timezone.utc)
usage = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
                      key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False)
certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(hours=1))
               .not_valid_after(now + timedelta(days=1)).add_extension(usage, critical=True)
               .sign(key, hashes.SHA256()))
with open(sys.argv[1], "wb") as stream:
    stream.write(pkcs12.serialize_key_and_certificates(b"ci", key, certificate, None, serialization.NoEncryption()))

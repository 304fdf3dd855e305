"""Mutual TLS as a provider may ask for it: the client shows a certificate and key from files and trusts the
provider's own CA; without the certificate the provider's server refuses the connection."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kring.schooldata.client import ClientSettings, Ss12000Client, Ss12000Error
from kring.schooldata.dataset import Ss12000Dataset
from kring.schooldata.testserver import serve
from tests.schooldata.conftest import CLOCK, person_record

NOT_BEFORE = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)  # fixed: the certificates hold on any day the suite runs
NOT_AFTER = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None,
    usage: x509.ObjectIdentifier | None,
) -> x509.Certificate:
    issuer_name, issuer_key = issuer or (_name(subject), key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOT_BEFORE)
        .not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
    )
    if issuer is None:
        builder = builder.add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True
        )
    else:
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        if usage == ExtendedKeyUsageOID.SERVER_AUTH:
            san = x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
            builder = builder.add_extension(san, critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _write(path: Path, certificate: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> tuple[str, str]:
    cert_file, key_file = path.with_suffix(".crt"), path.with_suffix(".key")
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_file), str(key_file)


@pytest.fixture
def pki(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """A provider's CA, its server's certificate for 127.0.0.1, and Kring's client certificate, as PEM files."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("Leverantörens CA", ca_key, None, None)
    issuer = (_name("Leverantörens CA"), ca_key)
    files = {"ca": _write(tmp_path / "ca", ca, ca_key)}
    for name, usage in (("server", ExtendedKeyUsageOID.SERVER_AUTH), ("client", ExtendedKeyUsageOID.CLIENT_AUTH)):
        key = ec.generate_private_key(ec.SECP256R1())
        files[name] = _write(tmp_path / name, _certificate(f"kring-{name}", key, issuer, usage), key)
    return files


def _server_context(pki: dict[str, tuple[str, str]]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*pki["server"])
    context.load_verify_locations(pki["ca"][0])
    context.verify_mode = ssl.CERT_REQUIRED  # a client certificate from the CA, or no connection
    return context


def test_the_client_shows_its_certificate_and_trusts_the_providers_ca(pki: dict[str, tuple[str, str]]) -> None:
    dataset = Ss12000Dataset(now=CLOCK)
    dataset.put("persons", person_record(1))
    with serve(dataset, tls=_server_context(pki)) as server:
        settings = ClientSettings(
            base_url=server.base_url,
            token=server.app.issue_token(),
            client_cert=pki["client"][0],
            client_key=pki["client"][1],
            ca_bundle=pki["ca"][0],
            retries=0,
            timeout=5,
        )
        with Ss12000Client(settings) as client:
            records = client.page("persons").records
        without = ClientSettings(base_url=server.base_url, token="x", ca_bundle=pki["ca"][0], retries=0, timeout=5)
        with Ss12000Client(without) as client, pytest.raises(Ss12000Error):
            client.page("persons")

    assert server.base_url.startswith("https://") and [r["id"] for r in records] == [person_record(1)["id"]]

"""Real identity providers for the tests, each a Node.js process on a free port of 127.0.0.1:
panva's oidc-provider (OpenID Connect) and samlify (SAML 2.0), installed from the npm registry
by `npm ci` in this folder (`make test` and .ci/run do it).

Each starts once per test session, for the live server's callback URLs. Without Node.js or
the installed packages the tests that need them are skipped with the reason, except in CI
(CI=true), where that is a failure (docs/sso.md#testing-against-real-identity-providers).
"""

import datetime
import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

IDP_DIR = Path(__file__).resolve().parent
NODE = shutil.which("node")
START_SECONDS = 30

# The people the OpenID Connect provider knows, by the login typed on its sign-in form, and
# whether it asserts their email address as verified.
OIDC_ACCOUNTS = {
    "ada@acme.example": {"email_verified": True, "name": "Ada Lovelace"},
    "grace@acme.example": {"email_verified": True, "name": "Grace Hopper"},
    "joan@acme.example": {"email_verified": True, "name": "Joan Clarke"},
    "newcomer@acme.example": {"email_verified": True, "name": "Nia Newcomer"},
    "ivy@acme.example": {"email_verified": True, "name": "Ivy Invited"},
    "unconfirmed@acme.example": {"email_verified": False, "name": "Una Unconfirmed"},
    "stranger@elsewhere.example": {"email_verified": True, "name": "Sam Stranger"},
}


def unavailable(reason):
    """Skip, outside CI; in CI a provider that cannot start fails the test."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true requires the identity providers)", pytrace=False)
    pytest.skip(reason)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(script, env):
    """Run a provider script and wait for its "ready" line; stop it at the session's end."""
    if NODE is None:
        unavailable("Node.js not found: install Debian's nodejs and npm to run the IdP tests")
    if not (IDP_DIR / "node_modules").is_dir():
        unavailable(f"The identity providers are not installed: run `npm ci` in {IDP_DIR}")
    process = subprocess.Popen(  # noqa: S603 - Node.js and a script of this folder
        [NODE, script],
        cwd=IDP_DIR,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    ready = threading.Event()
    first_line = []

    def read():
        first_line.append(process.stdout.readline())
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(START_SECONDS) or not first_line[0].startswith("ready "):
        process.kill()
        errors = process.stderr.read()[-2000:] if process.poll() is not None else ""
        unavailable(f"{script} did not start: {errors or 'no ready line'}")
    # Drain stderr so that the provider never blocks on a full pipe.
    threading.Thread(target=process.stderr.read, daemon=True).start()
    return process


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Provider:
    provider_id: str
    name: str
    app: dict  # the entry of SOCIALACCOUNT_PROVIDERS[protocol]["APPS"]


@pytest.fixture(scope="session")
def oidc_provider(live_server):
    port = _free_port()
    provider_id = "acme"
    client_id, secret = "als-space", secrets.token_urlsafe(24)
    callback = f"{live_server.url}/accounts/oidc/{provider_id}/login/callback/"
    process = _start(
        "oidc.js",
        {
            "PORT": str(port),
            "CLIENT_ID": client_id,
            "CLIENT_SECRET": secret,
            "REDIRECT_URIS": callback,
            "ACCOUNTS": json.dumps(OIDC_ACCOUNTS),
        },
    )
    yield Provider(
        provider_id,
        "Acme sign-in",
        {
            "provider_id": provider_id,
            "name": "Acme sign-in",
            "client_id": client_id,
            "secret": secret,
            "settings": {"server_url": f"http://127.0.0.1:{port}"},
        },
    )
    _stop(process)


def _self_signed(folder):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test identity provider")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = Path(folder) / "idp.key", Path(folder) / "idp.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    cert_path.write_bytes(cert_pem)
    return key_path, cert_path, cert_pem.decode()


@pytest.fixture(scope="session")
def saml_provider(live_server):
    port = _free_port()
    slug = provider_id = "northwind"
    sp_base = f"{live_server.url}/accounts/saml/{slug}"
    with tempfile.TemporaryDirectory() as folder:
        key_path, cert_path, cert_pem = _self_signed(folder)
        process = _start(
            "saml.js",
            {
                "PORT": str(port),
                "KEY": str(key_path),
                "CERT": str(cert_path),
                "SP_ENTITY_ID": f"{sp_base}/metadata/",
                "SP_ACS_URL": f"{sp_base}/acs/",
            },
        )
        yield Provider(
            provider_id,
            "Northwind sign-in",
            {
                "provider_id": provider_id,
                "name": "Northwind sign-in",
                "client_id": slug,
                "settings": {
                    "idp": {
                        "entity_id": f"http://127.0.0.1:{port}/metadata",
                        "sso_url": f"http://127.0.0.1:{port}/sso",
                        "x509cert": cert_pem,
                    },
                    # The operator trusts this provider's email addresses.
                    "verified_email": True,
                    "advanced": {"want_assertion_signed": True, "want_message_signed": True},
                },
            },
        )
        _stop(process)


@pytest.fixture
def identity_providers(settings, oidc_provider, saml_provider):
    """Both providers configured in settings, as an operator would with SSO_PROVIDERS."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": [oidc_provider.app]},
        "saml": {"APPS": [saml_provider.app]},
    }
    return oidc_provider, saml_provider

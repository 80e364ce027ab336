"""A passkey in software, for tests that go through allauth's WebAuthn pages without a
browser: it answers the options the server sends as a real authenticator would, signing with
its own P-256 key, and the server (fido2) checks every signature, challenge and origin."""

import json
import os
from dataclasses import dataclass, field
from hashlib import sha256

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import (
    AttestationObject,
    AttestedCredentialData,
    AuthenticationResponse,
    AuthenticatorAssertionResponse,
    AuthenticatorAttestationResponse,
    AuthenticatorData,
    CollectedClientData,
    RegistrationResponse,
)

# WebAuthn runs over HTTPS or on localhost: tests' requests go to localhost (fido2 refuses
# plain http anywhere else).
HOST = "localhost"
ORIGIN = f"http://{HOST}"
RP_ID = HOST
FLAGS = AuthenticatorData.FLAG


def _json(value):
    """What the browser's JSON of a credential carries: bytes as base64url."""
    return json.loads(json.dumps(dict(value), default=lambda b: websafe_encode(b)))


@dataclass
class SoftwareAuthenticator:
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    credential_id: bytes = field(default_factory=lambda: os.urandom(16))
    user_handle: bytes | None = None
    counter: int = 0

    def create(self, creation_options, origin=ORIGIN, resident=True):
        """The credential `navigator.credentials.create()` gives the page."""
        public_key = creation_options["publicKey"]
        self.user_handle = websafe_decode(public_key["user"]["id"])
        attested = AttestedCredentialData.create(
            b"\0" * 16, self.credential_id, ES256.from_cryptography_key(self.key.public_key())
        )
        auth_data = AuthenticatorData.create(
            sha256(public_key["rp"]["id"].encode()).digest(),
            FLAGS.UP | FLAGS.UV | FLAGS.AT,
            self.counter,
            attested,
        )
        client_data = CollectedClientData.create(
            type="webauthn.create", challenge=websafe_decode(public_key["challenge"]), origin=origin
        )
        response = RegistrationResponse(
            raw_id=self.credential_id,
            response=AuthenticatorAttestationResponse(
                client_data=client_data,
                attestation_object=AttestationObject.create("none", auth_data, {}),
            ),
            client_extension_results={"credProps": {"rk": resident}},
        )
        return _json(response)

    def get(self, request_options, origin=ORIGIN):
        """The assertion `navigator.credentials.get()` gives the page."""
        public_key = request_options["publicKey"]
        self.counter += 1
        auth_data = AuthenticatorData.create(
            sha256(public_key.get("rpId", RP_ID).encode()).digest(),
            FLAGS.UP | FLAGS.UV,
            self.counter,
        )
        client_data = CollectedClientData.create(
            type="webauthn.get", challenge=websafe_decode(public_key["challenge"]), origin=origin
        )
        signature = self.key.sign(auth_data + client_data.hash, ec.ECDSA(hashes.SHA256()))
        response = AuthenticationResponse(
            raw_id=self.credential_id,
            response=AuthenticatorAssertionResponse(
                client_data=client_data,
                authenticator_data=auth_data,
                signature=signature,
                user_handle=self.user_handle,
            ),
        )
        return _json(response)


def stored_key(user, name="Phone"):
    """A key as allauth keeps it once added, for tests about who may reach it."""
    from allauth.mfa.models import Authenticator

    options = {
        "publicKey": {
            "rp": {"id": RP_ID},
            "user": {"id": websafe_encode(str(user.pk).encode())},
            "challenge": websafe_encode(os.urandom(16)),
        }
    }
    credential = SoftwareAuthenticator().create(options)
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": name, "credential": credential}
    )

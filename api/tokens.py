"""What an API token is made of, and how one is checked (docs/api.md#tokens).

A token reads `als_<prefix>_<secret>`. The prefix is stored as it is, to find the token; the
secret only as its SHA-256 digest, compared in constant time, so the database never holds
what a client sends. The secret is 256 random bits, so a plain digest is enough: nobody can
guess one from its digest, and no key is needed that would have to be rotated with it.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

SCHEME = "als"
PREFIX_BYTES = 6  # 12 hex characters, to look the token up
SECRET_BYTES = 32


@dataclass(frozen=True)
class NewToken:
    prefix: str
    secret_hash: str
    raw: str  # shown once to the admin who made it, never stored


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token() -> NewToken:
    prefix = secrets.token_hex(PREFIX_BYTES)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return NewToken(prefix, digest(secret), f"{SCHEME}_{prefix}_{secret}")


def split(raw: str) -> tuple[str, str] | None:
    """The prefix and secret of a token as a client sent it, or None if it is not one."""
    scheme, _, rest = raw.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != SCHEME or len(prefix) != PREFIX_BYTES * 2 or not secret or len(raw) > 200:
        return None
    if not all(c in "0123456789abcdef" for c in prefix):
        return None
    return prefix, secret


def matches(secret: str, secret_hash: str) -> bool:
    return hmac.compare_digest(digest(secret), secret_hash)

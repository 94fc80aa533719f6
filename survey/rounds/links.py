"""Respondent access links: unguessable tokens that are stored only as hashes.

A token is derived as HMAC-SHA256(SECRET_KEY, "access-link:" + nonce) with a 128-bit random
nonce per link, so it carries 256 bits and the database holds only its SHA-256 hash and the
nonce (useless without the secret). Staff can therefore print the same link again without
the token ever being stored, and revoking a link is giving the organisation a new nonce.
Rotating SECRET_KEY invalidates every link, which is the intended emergency brake.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

TOKEN_BYTES = 32


def new_nonce() -> str:
    return secrets.token_hex(16)


def derive_token(secret: str, nonce: str) -> str:
    digest = hmac.new(secret.encode(), f"access-link:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(token: str) -> bool:
    """Cheap shape check before any database lookup (43 URL-safe base64 characters)."""
    return len(token) == 43 and all(c.isalnum() or c in "-_" for c in token)

"""API tokens: `medorg_<prefix>_<secret>`, shown once, stored as a SHA-256 hash (a token is a
random 256-bit secret, so a plain hash is enough; no slow password hash on every call)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

PREFIX = "medorg"


def new_token() -> tuple[str, str, str]:
    """(token, its prefix, its hash)."""
    prefix = secrets.token_hex(6)
    token = f"{PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    return token, prefix, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_prefix(token: str) -> str | None:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1]:
        return None
    return parts[1]


def matches(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash(token), stored_hash)


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The webhook signature: HMAC-SHA256 over "<timestamp>.<body>", hex (header
    `X-Medorg-Signature: t=<timestamp>,v1=<hex>`)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return mac.hexdigest()

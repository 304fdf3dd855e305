"""The secret of an API token: random, shown once, kept only as its SHA-256."""

from __future__ import annotations

import hashlib
import secrets

SECRET_PREFIX = "kring_"  # noqa: S105 (a marker that makes a leaked token easy to find, not a secret)
PREFIX_LENGTH = 12  # "kring_" and six random characters: enough to tell tokens apart in the admin pages and the log


def new_secret() -> str:
    """A fresh secret of 256 random bits."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """The SHA-256 of the secret (hex). A 256-bit random secret needs no salt or slow hash: it cannot be guessed."""
    return hashlib.sha256(secret.encode()).hexdigest()


def prefix_of(secret: str) -> str:
    return secret[:PREFIX_LENGTH]

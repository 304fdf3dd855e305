"""Encryption at rest of the most sensitive stored secrets (the TOTP secrets and recovery-code seeds of the login),
with keys kept apart from SECRET_KEY: `KRING_FIELD_ENCRYPTION_KEYS`, Fernet keys separated by commas, the first
encrypting and every one decrypting (MultiFernet), so keys can be rotated (`kring rotate-field-keys`)."""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@cache
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.KRING_FIELD_ENCRYPTION_KEYS))


def encrypt_text(text: str) -> str:
    return cipher().encrypt(text.encode()).decode()


def decrypt_text(token: str) -> str:
    return cipher().decrypt(token.encode()).decode()


def is_encrypted(value: str) -> bool:
    try:
        cipher().decrypt(value.encode())
    except (InvalidToken, ValueError):
        return False
    return True


def rotate_text(token: str) -> str:
    """The same secret encrypted with the first key (a token of an older key, or plain text, becomes current)."""
    if not is_encrypted(token):
        return encrypt_text(token)
    return cipher().rotate(token.encode()).decode()

"""One-time answer codes and the self-generated link code.

A code is eight characters from an alphabet without look-alikes (no 0/O, 1/I/L), drawn with `secrets`: 31**8,
about 850 billion, so a guess is hopeless. Kring keeps only a keyed hash of it (HMAC with the installation's
secret), so the database alone cannot even tell which codes exist. The code is printed on a slip and handed out at
random; nothing records who got which.

The link code is made by the pupil from answers only they know, hashed with the survey series' own salt: the same
pupil gets the same hash before and after, and the hash means nothing outside the series."""

from __future__ import annotations

import hashlib
import secrets

from django.utils.crypto import salted_hmac

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8


def new_codes(count: int) -> list[str]:
    return ["".join(secrets.choice(ALPHABET) for _ in range(LENGTH)) for _ in range(count)]


def normalise(code: str) -> str:
    """What the pupil typed, as the code is kept: capitals, no spaces or dashes, O read as 0 is not in use."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return salted_hmac("kring.prevention.survey-code", normalise(code)).hexdigest()


def new_salt() -> str:
    return secrets.token_hex(16)


def link_hash(salt: str, parts: list[str]) -> str:
    """The salted hash of the pupil's self-generated code ("" when any part is missing)."""
    cleaned = [part.strip().casefold() for part in parts]
    if not all(cleaned):
        return ""
    return hashlib.sha256((salt + "|" + "|".join(cleaned)).encode()).hexdigest()


def formatted(code: str) -> str:
    """A code as printed: two groups of four."""
    return f"{code[:4]}-{code[4:]}"

"""TOTP secrets and recovery-code seeds are encrypted at rest with keys apart from SECRET_KEY, and the keys can be
rotated (issue 12, 1.10)."""

from __future__ import annotations

import importlib
from io import StringIO
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from kring.access import secrets
from kring.directory.models import User
from tests.conftest import TOTP_SECRET

pytestmark = pytest.mark.django_db


def _stored(user: User, kind: str) -> dict[str, Any]:
    return Authenticator.objects.get(user=user, type=kind).data


def test_login_secrets_are_encrypted_at_rest_and_still_log_in(client: Client, teacher: User) -> None:
    totp, recovery = _stored(teacher, Authenticator.Type.TOTP), _stored(teacher, Authenticator.Type.RECOVERY_CODES)

    assert totp["secret"] != TOTP_SECRET and TOTP_SECRET not in str(totp)
    assert secrets.decrypt_text(totp["secret"]) == TOTP_SECRET
    assert secrets.is_encrypted(recovery["seed"])


def test_login_secrets_rotate_to_a_new_key_and_the_old_key_can_go(teacher: User, settings: Any) -> None:
    old = list(settings.KRING_FIELD_ENCRYPTION_KEYS)
    new = Fernet.generate_key().decode()
    settings.KRING_FIELD_ENCRYPTION_KEYS = [new, *old]

    call_command("rotate_field_keys", stdout=StringIO())

    settings.KRING_FIELD_ENCRYPTION_KEYS = [new]
    assert secrets.decrypt_text(_stored(teacher, Authenticator.Type.TOTP)["secret"]) == TOTP_SECRET
    settings.KRING_FIELD_ENCRYPTION_KEYS = old
    with pytest.raises(InvalidToken):
        secrets.decrypt_text(_stored(teacher, Authenticator.Type.TOTP)["secret"])


def test_login_secrets_stored_in_plain_text_before_are_encrypted_by_the_migration(teacher: User) -> None:
    row = Authenticator.objects.get(user=teacher, type=Authenticator.Type.TOTP)
    Authenticator.objects.filter(pk=row.pk).update(data={"secret": TOTP_SECRET})
    migration = importlib.import_module("kring.access.migrations.0004_encrypt_login_secrets")

    migration.encrypt_existing(apps, None)

    stored = _stored(teacher, Authenticator.Type.TOTP)["secret"]
    assert stored != TOTP_SECRET and secrets.decrypt_text(stored) == TOTP_SECRET

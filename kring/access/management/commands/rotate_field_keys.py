"""`kring rotate-field-keys`: re-encrypt the login's stored secrets with the first of KRING_FIELD_ENCRYPTION_KEYS
(after putting a new key first; the old keys can be removed once this has run)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from kring.access.secrets import rotate_text


class Command(BaseCommand):
    help = "Re-encrypt the stored TOTP secrets and recovery-code seeds with the first field encryption key."

    def handle(self, *args: Any, **options: Any) -> None:
        rotated = 0
        with transaction.atomic():
            for authenticator in Authenticator.objects.select_for_update().order_by("pk"):
                data = dict(authenticator.data)
                for name in ("secret", "seed"):
                    if isinstance(data.get(name), str):
                        data[name] = rotate_text(data[name])
                if isinstance(data.get("migrated_codes"), list):
                    data["migrated_codes"] = [rotate_text(code) for code in data["migrated_codes"]]
                Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
                rotated += 1
        self.stdout.write(f"Re-encrypted the secrets of {rotated} authenticators with the first key.")

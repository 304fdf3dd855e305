"""`kring totp <email>`: the current TOTP code of a demo user (development only)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kring.access.audit import record_event
from kring.access.auth import current_totp_code
from kring.access.models import AuditAction
from kring.demo.names import MUNICIPALITY_CODE, MUNICIPALITY_NAME
from kring.demo.report import seconds_left_of_code
from kring.directory.models import User


class Command(BaseCommand):
    help = "Print the current two-factor (TOTP) code of a demo user. Only with KRING_DEBUG=true."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("email", help="a demo login, such as larare@demokommun.example")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "kring totp reads a stored TOTP secret, so it only runs in development (KRING_DEBUG=true)."
            )
        user = User.objects.filter(email__iexact=email.strip(), municipality__code=MUNICIPALITY_CODE).first()
        if user is None:
            raise CommandError(f"{email} is not a user of the demo municipality {MUNICIPALITY_NAME}.")
        authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if authenticator is None:
            raise CommandError(f"{email} has no TOTP authenticator.")
        code = current_totp_code(decrypt(authenticator.data["secret"]))
        record_event(
            actor=None,
            action=AuditAction.READ,
            target_type="user",
            target_id=user.pk,
            municipality_id=user.municipality_id,
            actor_label="kring totp",
            details={"read": "current TOTP code of a demo user"},
        )
        self.stdout.write(code)
        self.stderr.write(f"(valid for {seconds_left_of_code()} more seconds)")

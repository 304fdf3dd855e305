"""The invitation a new staff user gets: a link to choose their password.

The link is allauth's password reset link (the same key, the same page), sent with a welcoming message of our own.
After choosing a password the person logs in and the MFA middleware makes them set up two-factor login first.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from allauth.core.context import request_context
from django.conf import settings
from django.http import HttpRequest

from kring.directory.models import User

INVITATION_TEMPLATE = "directory/email/invitation"


def invitation_valid_days() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60))


def send_invitation_mail(request: HttpRequest, person: User) -> None:
    """Mail the person a link to choose a password. `request` gives the site's host (the mail may be sent after
    the response, when the transaction has committed)."""
    with request_context(request):
        adapter = get_adapter(request)
        key = f"{user_pk_to_url_str(person)}-{default_token_generator.make_token(person)}"
        context = {
            "user": person,
            "password_reset_url": adapter.get_reset_password_from_key_url(key),
            "valid_days": invitation_valid_days(),
        }
        adapter.send_mail(INVITATION_TEMPLATE, person.email, context)

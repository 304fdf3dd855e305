"""Creating and revoking API tokens: organisation admin work, audited like the rest of the directory's."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import can
from kring.access.roles import Permission
from kring.api.models import ApiToken
from kring.api.tokens import hash_secret, new_secret, prefix_of
from kring.directory.actions import add_membership
from kring.directory.models import Unit, User

SYSTEM_USER_DOMAIN = "integration.invalid"  # .invalid never resolves (RFC 2606): no mail reaches a system user


@dataclass(frozen=True)
class TokenInput:
    name: str
    unit: Unit
    role: str
    expires_at: datetime


def _ensure_manager(by: User, municipality_id: int | None) -> None:
    if not can(by, Permission.DIRECTORY_MANAGE) or municipality_id != by.municipality_id:
        raise PermissionDenied


def _system_user(by: User, name: str) -> User:
    """A directory user that cannot log in: no usable password, an address no mail reaches, no TOTP."""
    slug = slugify(name)[:40] or "integration"
    user = User(
        email=f"api-{slug}-{uuid.uuid4().hex[:8]}@{SYSTEM_USER_DOMAIN}",
        first_name=name[:150],
        last_name="(API)",
        municipality_id=by.municipality_id,
        notify_by_email=False,
        is_system=True,
    )
    user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def create_api_token(*, by: User, token: TokenInput) -> tuple[ApiToken, str]:
    """A token for an integration, acting as a new system user with one role in one unit. The role is asked for as
    any person's is: it waits for a second manager's approval unless the one who asks is the unit's manager.
    Returns the token and its secret, which is shown once and never stored."""
    _ensure_manager(by, token.unit.municipality_id)
    user = _system_user(by, token.name)
    membership = add_membership(by=by, person=user, unit=token.unit, role=token.role)
    secret = new_secret()
    row = ApiToken.objects.create(
        municipality_id=token.unit.municipality_id,
        name=token.name,
        system_user=user,
        prefix=prefix_of(secret),
        secret_hash=hash_secret(secret),
        created_at=timezone.now(),
        created_by=by,
        expires_at=token.expires_at,
    )
    record_event(
        actor=by,
        action=AuditAction.WRITE,
        target_type="api_token",
        target_id=row.pk,
        details={
            "name": row.name,
            "prefix": row.prefix,
            "system_user": user.pk,
            "unit": token.unit.pk,
            "role": token.role,
            "awaiting_approval": membership.awaiting_approval,
            "expires_at": row.expires_at.isoformat(),
        },
    )
    return row, secret


@transaction.atomic
def revoke_api_token(*, by: User, token: ApiToken) -> ApiToken:
    """Revoke at once: the token is refused from the next call, and its system user can do nothing any more."""
    _ensure_manager(by, token.municipality_id)
    current = ApiToken.objects.select_for_update().get(pk=token.pk)
    if current.revoked_at is not None:
        return current
    current.revoked_at, current.revoked_by = timezone.now(), by
    current.save(update_fields=["revoked_at", "revoked_by"])
    User.objects.filter(pk=current.system_user_id).update(is_active=False)
    record_event(
        actor=by,
        action=AuditAction.WRITE,
        target_type="api_token",
        target_id=current.pk,
        details={"name": current.name, "prefix": current.prefix, "revoked": True},
    )
    return current

"""What the API reads, always as the token's system user through the policy and each app's own queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from kring.access.audit import record_list_read
from kring.access.policy import can, municipality_of, visible_to
from kring.access.roles import Permission
from kring.api.models import ApiToken
from kring.casework.models import TsiCase
from kring.directory.models import ContactPerson, Membership, Unit, User
from kring.directory.queries import get_unit_for_user, is_directory_manager, unit_list_for_user, units_for_user

# --- the directory: units and their contact persons (no child's data) ---


def _ensure_unit_view(user: User) -> None:
    if not can(user, Permission.UNIT_VIEW):
        raise PermissionDenied


def units_for_api(user: User) -> list[Unit]:
    """The units of the user's municipality with their contact persons; 403 for a role that does not see units."""
    _ensure_unit_view(user)
    return unit_list_for_user(user)


def unit_for_api(user: User, pk: int) -> Unit:
    _ensure_unit_view(user)
    return get_unit_for_user(user, pk)


def contact_persons_for_api(user: User) -> list[ContactPerson]:
    """Every school's social services contact persons, school by school."""
    _ensure_unit_view(user)
    schools = units_for_user(user).values("pk")
    return list(
        ContactPerson.objects.filter(school__in=schools)
        .select_related("school", "user")
        .order_by("school__name", "position", "pk")
    )


# --- closed TSI cases, for social services' case system ---


def closed_cases_for_api(user: User) -> list[TsiCase]:
    """The closed TSI cases the user has a basis for, newest closure first; the list read is audited."""
    cases = list(
        visible_to(user, TsiCase.objects.filter(closed_at__isnull=False))
        .select_related("team")
        .order_by("-closed_at", "-pk")[:500]
    )
    record_list_read(user, "tsi_case_list", [case.child_id for case in cases], cases=[case.pk for case in cases])
    return cases


# --- the tokens, for the organisation admin ---


def tokens_for_manager(user: User) -> QuerySet[ApiToken, Any]:
    if not is_directory_manager(user):
        return ApiToken.objects.none()
    return (
        ApiToken.objects.filter(municipality_id=municipality_of(user))
        .select_related("system_user", "created_by", "revoked_by")
        .prefetch_related("system_user__memberships__unit")
        .order_by("revoked_at", "name", "pk")
    )


def get_token_for_manager(user: User, pk: int) -> ApiToken:
    token = tokens_for_manager(user).filter(pk=pk).first()
    if token is None:
        raise Http404
    return token


@dataclass(frozen=True)
class TokenRow:
    token: ApiToken
    status: str  # "active", "awaiting_approval", "expired", "revoked"
    roles: list[Membership]


def token_rows_for_manager(user: User) -> list[TokenRow]:
    """The municipality's tokens with their state and roles (a constant number of queries)."""
    now = timezone.now()
    rows = []
    for token in tokens_for_manager(user):
        roles = [m for m in token.system_user.memberships.all() if m.active or m.awaiting_approval]
        if token.revoked_at is not None:
            status = "revoked"
        elif token.expires_at <= now:
            status = "expired"
        elif not any(m.active for m in roles):
            status = "awaiting_approval"
        else:
            status = "active"
        rows.append(TokenRow(token, status, roles))
    return rows

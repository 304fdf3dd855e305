"""Read helpers of the directory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from kring.access.policy import RoleGrant, can, role_grants
from kring.access.roles import Permission
from kring.directory.models import SCHOOL_KINDS, ContactPerson, Membership, Unit


def role_grants_for(user: Any) -> list[RoleGrant]:
    """The user's active roles, in one query (registered as the access policy's role source)."""
    rows = Membership.objects.filter(user_id=user.pk, active=True).values_list(
        "role", "unit_id", "unit__name", "unit__municipality_id"
    )
    return [RoleGrant(role, unit_id, unit_name, municipality_id) for role, unit_id, unit_name, municipality_id in rows]


def units_for_user(user: Any) -> QuerySet[Unit]:
    """Units of the user's own municipality, for anyone whose role lets them see units; else none."""
    if not can(user, Permission.UNIT_VIEW):
        return Unit.objects.none()
    return Unit.objects.filter(municipality_id=user.municipality_id)


def _contact_persons() -> Prefetch[Any]:
    return Prefetch("contact_persons", queryset=ContactPerson.objects.select_related("user").order_by("position"))


def get_unit_for_user(user: Any, pk: int) -> Unit:
    """One unit of the user's municipality with its contact persons, or 404."""
    unit = (
        units_for_user(user)
        .select_related("organisation", "co_organisation")
        .prefetch_related(_contact_persons())
        .filter(pk=pk)
        .first()
    )
    if unit is None:
        raise Http404
    return unit


def unit_list_for_user(user: Any) -> list[Unit]:
    return list(
        units_for_user(user)
        .select_related("organisation")
        .prefetch_related(_contact_persons())
        .annotate(contact_count=Count("contact_persons", distinct=True))
        .order_by("kind", "name")
    )


def member_unit_ids(user: Any) -> set[int]:
    return {grant.unit_id for grant in role_grants(user)}


def schools_without_contact_persons(user: Any) -> list[Unit]:
    return list(
        units_for_user(user)
        .filter(kind__in=SCHOOL_KINDS)
        .annotate(contact_count=Count("contact_persons"))
        .filter(contact_count__lt=2)
        .order_by("name")
    )


@dataclass(frozen=True)
class GroupRow:
    name: str
    pupils: int

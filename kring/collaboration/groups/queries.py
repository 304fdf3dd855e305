"""Who may read and keep the register of collaboration groups: every member of staff of the municipality reads it
(it holds no child data), coordinators keep it. Every read goes through the policy's `can`; default deny."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from kring.access.policy import can, municipality_of
from kring.access.roles import Permission
from kring.collaboration.models import CollaborationGroup, GroupMember
from kring.directory.models import Organisation, Unit, UnitKind, User


def may_read(user: User) -> bool:
    return can(user, Permission.COLLABORATION_VIEW)


def may_keep(user: User) -> bool:
    return can(user, Permission.COLLABORATION_MANAGE)


def groups_for_user(user: User) -> QuerySet[CollaborationGroup]:
    """The municipality's groups with what the register and the map show, in a constant number of queries."""
    if not may_read(user):
        return CollaborationGroup.objects.none()
    members = GroupMember.objects.select_related("user", "organisation").order_by("pk")
    return (
        CollaborationGroup.objects.filter(municipality_id=municipality_of(user))
        .select_related("owner")
        .prefetch_related("organisations", "schools", Prefetch("members", queryset=members))
        .order_by("name", "pk")
    )


def get_group_for_user(user: User, pk: int, *, for_write: bool = False) -> CollaborationGroup:
    if for_write and not may_keep(user):
        raise Http404
    group = groups_for_user(user).filter(pk=pk).first()
    if group is None:
        raise Http404
    return group


def schools_of(user: User) -> list[Unit]:
    """The municipality's schools, which the map checks for groups serving them."""
    return list(Unit.objects.filter(municipality_id=municipality_of(user), kind=UnitKind.SCHOOL).order_by("name"))


def organisations_of(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(municipality_id=municipality_of(user)).order_by("name")

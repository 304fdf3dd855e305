"""Read helpers of the directory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.acting import StaffUser
from kring.access.policy import RoleGrant, can, municipality_of, roles_of, units_where, units_with_permission
from kring.access.roles import INTEGRATION_ROLES, Permission, Role, permissions_of
from kring.directory.models import (
    OWN_ORGANISER_KINDS,
    SCHOOL_KINDS,
    ContactPerson,
    Membership,
    Organisation,
    OrganisationKind,
    Unit,
    UnitKind,
    User,
    organiser_key,
)
from kring.directory.today import GROUP_LIMIT, Priority, WorkGroup, WorkItem, since_text


def role_grants_for(user: StaffUser) -> list[RoleGrant]:
    """The user's active roles, in one query (registered as the access policy's role source)."""
    rows = Membership.objects.filter(user_id=user.pk, active=True).values_list(
        "role", "unit_id", "unit__name", "unit__municipality_id", "unit__organisation_id", "unit__organisation__kind",
        "unit__co_organisation_id",
    )  # fmt: skip
    return [
        RoleGrant(
            role,
            unit_id,
            unit_name,
            municipality_id,
            organiser_key(municipality_id, org_id, org_kind),
            frozenset(o for o in (org_id, co_org_id) if o),
            org_kind,
        )  # fmt: skip
        for role, unit_id, unit_name, municipality_id, org_id, org_kind, co_org_id in rows
    ]


def review_scope(user: StaffUser) -> QuerySet[Membership, Any]:
    """The staff whose events a reviewer reviews (a subquery of user ids): everyone with a role, now or before, in a
    unit of an organisation where the reviewer holds a role that reviews the log (a joint team belongs to both its
    organisations). Each organisation is its own secrecy domain."""
    owners = Unit.objects.filter(pk__in=units_with_permission(user, Permission.AUDIT_REVIEW)).values_list(
        "organisation_id", "co_organisation_id"
    )
    organisations = sorted({owner for pair in owners for owner in pair if owner is not None})
    units = Unit.objects.filter(Q(organisation_id__in=organisations) | Q(co_organisation_id__in=organisations))
    return Membership.objects.filter(unit__in=units).values("user_id")


def unit_organiser(unit: Unit) -> str:
    """A unit's organiser (registered with the access policy for records that units keep)."""
    return unit.organiser


def organiser_units(organisers: set[str]) -> QuerySet[Unit, Any]:
    """The units of these organisers (a subquery: no query of its own)."""
    reach = Q(pk__in=[])
    for key in organisers:
        kind, _, pk = key.partition(":")
        if kind == "municipality":
            reach |= Q(municipality_id=int(pk)) & ~Q(organisation__kind__in=OWN_ORGANISER_KINDS)
        else:
            reach |= Q(organisation_id=int(pk))
    return Unit.objects.filter(reach).values("pk")


def units_for_user(user: User) -> QuerySet[Unit]:
    """Units of the user's own municipality, for anyone whose role lets them see units; else none."""
    if not can(user, Permission.UNIT_VIEW):
        return Unit.objects.none()
    return Unit.objects.filter(municipality_id=municipality_of(user))


def _contact_persons() -> Prefetch[Any]:
    return Prefetch("contact_persons", queryset=ContactPerson.objects.select_related("user").order_by("position"))


def get_unit_for_user(user: User, pk: int) -> Unit:
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


def unit_list_for_user(user: User) -> list[Unit]:
    return list(
        units_for_user(user)
        .select_related("organisation")
        .prefetch_related(_contact_persons())
        .annotate(contact_count=Count("contact_persons", distinct=True))
        .order_by("kind", "name")
    )


def member_unit_ids(user: User) -> set[int]:
    return set(units_where(user))


def schools_without_contact_persons(user: User) -> list[Unit]:
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


# --- The organisation admin: everything scoped to the manager's own municipality; anyone else gets nothing. ---

_CONTACT_PERSON_ROLES = (Role.SOCIAL_WORKER, Role.UNIT_MANAGER)
# Roles that give these permissions may be granted, and their holders managed, only by someone who has them too:
# a coordinator must not make themselves (or anyone) an administrator who reviews the log.
_GUARDED_PERMISSIONS = frozenset({Permission.DIRECTORY_MANAGE, Permission.AUDIT_REVIEW})


def is_directory_manager(user: User) -> bool:
    return can(user, Permission.DIRECTORY_MANAGE)


def _scoped(user: User, queryset: QuerySet[Any], path: str = "municipality_id") -> QuerySet[Any]:
    if not is_directory_manager(user):
        return queryset.none()
    return queryset.filter(**{path: user.municipality_id})


def _one_or_404(queryset: QuerySet[Any], pk: int) -> Any:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def organisations_for_manager(user: User) -> QuerySet[Organisation]:
    return _scoped(user, Organisation.objects.all())


def units_for_manager(user: User) -> QuerySet[Unit]:
    return _scoped(user, Unit.objects.all())


def staff_for_manager(user: User) -> QuerySet[User]:
    return _scoped(user, User.objects.all())


def get_organisation_for_manager(user: User, pk: int) -> Organisation:
    organisation: Organisation = _one_or_404(organisations_for_manager(user), pk)
    return organisation


def get_unit_for_manager(user: User, pk: int) -> Unit:
    unit: Unit = _one_or_404(units_for_manager(user).select_related("organisation", "co_organisation"), pk)
    return unit


def get_school_for_manager(user: User, pk: int) -> Unit:
    """A school or preschool of the manager's municipality with its contact persons, or 404."""
    schools = units_for_manager(user).filter(kind__in=SCHOOL_KINDS).prefetch_related(_contact_persons())
    school: Unit = _one_or_404(schools, pk)
    return school


def get_contact_person_for_manager(user: User, school: Unit, pk: int) -> ContactPerson:
    contacts = _scoped(user, ContactPerson.objects.filter(school=school), "school__municipality_id")
    contact: ContactPerson = _one_or_404(contacts.select_related("school", "user"), pk)
    return contact


def get_staff_for_manager(user: User, pk: int) -> User:
    person: User = _one_or_404(staff_for_manager(user), pk)
    return person


def get_membership_for_manager(user: User, person: User, pk: int) -> Membership:
    memberships = _scoped(user, Membership.objects.filter(user=person), "unit__municipality_id")
    membership: Membership = _one_or_404(memberships.select_related("unit"), pk)
    return membership


def memberships_of(person: User) -> list[Membership]:
    return list(
        person.memberships.select_related("unit", "requested_by", "approved_by").order_by(
            "-awaiting_approval", "-active", "unit__name", "role"
        ),
    )


def memberships_awaiting_approval(user: User) -> list[Membership]:
    """Roles asked for in the manager's municipality that wait for a second person, oldest first."""
    awaiting = _scoped(user, Membership.objects.filter(awaiting_approval=True), "unit__municipality_id")
    return list(awaiting.select_related("user", "unit", "requested_by").order_by("requested_at", "pk"))


def contact_assignments_of(person: User) -> list[ContactPerson]:
    """The schools the person is a contact person for."""
    return list(person.contact_for.select_related("school").order_by("school__name"))


def contact_person_candidates(user: User) -> QuerySet[User]:
    """Active staff with a social services role (social worker, unit manager) in a social services unit."""
    memberships = Membership.objects.filter(
        active=True,
        role__in=_CONTACT_PERSON_ROLES,
        unit__organisation__kind=OrganisationKind.SOCIAL_SERVICES,
        unit__municipality_id=municipality_of(user),
    )
    return staff_for_manager(user).filter(is_active=True, is_system=False, pk__in=memberships.values("user_id"))


def _guarded_permissions(roles: set[str]) -> frozenset[str]:
    return permissions_of(roles) & _GUARDED_PERMISSIONS


def grantable_roles(user: User, *, integration: bool = False) -> list[tuple[str, str]]:
    """The roles this manager may give: none that grants an administrative permission they lack themselves; to a
    person none of the integrations' own roles."""
    own = _guarded_permissions(roles_of(user))
    return [
        (role.value, str(role.label))
        for role in Role
        if _guarded_permissions({role.value}) <= own and (integration or role.value not in INTEGRATION_ROLES)
    ]


def may_manage_person(user: User, person: User) -> bool:
    """A manager may change a person only if the person holds no administrative permission the manager lacks."""
    if not is_directory_manager(user) or person.municipality_id != user.municipality_id:
        return False
    if person.is_superuser and not user.is_superuser:
        return False
    roles = set(person.memberships.filter(active=True).values_list("role", flat=True))
    return _guarded_permissions(roles) <= _guarded_permissions(roles_of(user))


def organisation_list_for_manager(user: User) -> list[Organisation]:
    return list(organisations_for_manager(user).annotate(unit_count=Count("units", distinct=True)).order_by("name"))


def unit_list_for_manager(user: User) -> QuerySet[Unit]:
    return (
        units_for_manager(user)
        .select_related("organisation", "co_organisation")
        .annotate(contact_count=Count("contact_persons"))
        .order_by("name")
    )


def staff_list_for_manager(user: User) -> QuerySet[User]:
    active_memberships = Membership.objects.filter(active=True).select_related("unit").order_by("unit__name")
    return staff_for_manager(user).prefetch_related(
        Prefetch("memberships", queryset=active_memberships, to_attr="active_memberships")
    )


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    count: int


@dataclass(frozen=True)
class DirectoryOverview:
    organisations: int
    units_by_kind: list[KindCount]
    active_staff: int
    inactive_staff: int
    schools_lacking_contacts: list[Unit]
    awaiting_approval: list[Membership]

    @property
    def units(self) -> int:
        return sum(row.count for row in self.units_by_kind)


def directory_overview(user: User) -> DirectoryOverview:
    """The counts on the organisation admin's first page, in a constant number of queries."""
    by_kind = dict(units_for_manager(user).values_list("kind").annotate(count=Count("pk")).order_by())
    staff = staff_for_manager(user).aggregate(
        active=Count("pk", filter=Q(is_active=True)), inactive=Count("pk", filter=Q(is_active=False))
    )
    return DirectoryOverview(
        organisations=organisations_for_manager(user).count(),
        units_by_kind=[KindCount(kind.value, str(kind.label), by_kind.get(kind.value, 0)) for kind in UnitKind],
        active_staff=staff["active"],
        inactive_staff=staff["inactive"],
        schools_lacking_contacts=schools_without_contact_persons(user),
        awaiting_approval=memberships_awaiting_approval(user),
    )


# --- the start page: the organisation's own work ---------------------------------------------------------------


def organisation_work(user: User, today: date) -> list[WorkGroup]:
    """For those who manage the organisation: roles waiting for a second person's approval (not one's own request),
    and schools with fewer than two contact persons in social services."""
    if not is_directory_manager(user):
        return []
    awaiting = [m for m in memberships_awaiting_approval(user) if m.requested_by_id != user.pk]
    approvals = [
        WorkItem(
            priority=Priority.TO_DO,
            what=str(_("Approve or decline a role: %(role)s") % {"role": m.get_role_display()}),
            subject=f"{m.user.get_full_name() or m.user.email}, {m.unit.name}",
            when=since_text(timezone.localdate(m.requested_at), today) if m.requested_at else "",
            url=reverse("directory_staff_detail", args=[m.user_id]),
            order=timezone.localdate(m.requested_at) if m.requested_at else None,
        )
        for m in awaiting[:GROUP_LIMIT]
    ]
    lacking = schools_without_contact_persons(user)
    schools = [
        WorkItem(
            priority=Priority.TO_DO,
            what=str(_("Appoint contact persons in social services")),
            subject=school.name,
            when=str(_("%(count)s of 2") % {"count": school.contact_count}),  # type: ignore[attr-defined]
            url=reverse("directory_unit_contacts", args=[school.pk]),
        )
        for school in lacking[:GROUP_LIMIT]
    ]
    return [
        WorkGroup("roles_to_approve", str(_("Roles waiting for your approval")), len(awaiting), approvals,
                  reverse("directory_staff_list")),
        WorkGroup("schools_lacking_contacts", str(_("Schools lacking contact persons")), len(lacking), schools,
                  reverse("directory_unit_list")),
    ]  # fmt: skip

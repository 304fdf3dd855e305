"""Who may read and keep the agreements (as the register: all staff of the municipality read, coordinators keep),
and the versions that answer "what did we agree on this day"."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404

from kring.access.policy import municipality_of
from kring.access.roles import Role
from kring.collaboration.groups.queries import may_keep, may_read
from kring.collaboration.models import (
    Agreement,
    AgreementVersion,
    CollaborationGroup,
    Commitment,
    GroupStatus,
    Signatory,
)
from kring.directory.models import User

# A review is reminded of, and listed as due, this many days before its date.
REVIEW_NOTICE_DAYS = 30


def _versions() -> QuerySet[AgreementVersion]:
    related = AgreementVersion.objects.select_related("agreement", "agreement__responsible", "recorded_by")
    return related.prefetch_related(
        "parties",
        "groups",
        Prefetch("commitments", queryset=Commitment.objects.select_related("organisation")),
        Prefetch("signatories", queryset=Signatory.objects.select_related("organisation")),
    )


def latest_versions(municipality_id: int) -> QuerySet[AgreementVersion]:
    """Each agreement's newest version: what it says now (or said last, if it has expired)."""
    newest = AgreementVersion.objects.filter(agreement=OuterRef("agreement")).order_by("-number").values("number")[:1]
    return _versions().filter(agreement__municipality_id=municipality_id, number=Subquery(newest))


def agreements_for_user(user: User) -> list[AgreementVersion]:
    if not may_read(user):
        return []
    return list(latest_versions(municipality_of(user)).order_by("agreement__title", "agreement_id"))


def get_agreement_for_user(user: User, pk: int, *, for_write: bool = False) -> Agreement:
    if not may_read(user) or (for_write and not may_keep(user)):
        raise Http404
    agreement = Agreement.objects.filter(pk=pk, municipality_id=municipality_of(user)).first()
    if agreement is None:
        raise Http404
    return agreement


def versions_of(agreement: Agreement) -> list[AgreementVersion]:
    return list(_versions().filter(agreement=agreement).order_by("number"))


def version_on(versions: list[AgreementVersion], day: date) -> AgreementVersion | None:
    """The version agreed for that day: the newest whose validity had begun (it may have expired since)."""
    begun = [version for version in versions if version.valid_from <= day]
    return max(begun, key=lambda version: version.number) if begun else None


def versions_in_force(municipality_id: int, today: date) -> list[AgreementVersion]:
    return [version for version in latest_versions(municipality_id) if version.in_force_on(today)]


def governing(group: CollaborationGroup, today: date) -> list[AgreementVersion]:
    """The agreements in force whose newest version names the group as carrying it out."""
    return [
        version
        for version in latest_versions(group.municipality_id).filter(groups=group).order_by("agreement__title")
        if version.in_force_on(today)
    ]


def due_for_review(
    user: User, today: date, *, details: bool = True
) -> tuple[list[AgreementVersion], list[CollaborationGroup]]:
    """Agreements in force and active groups whose review date is within `REVIEW_NOTICE_DAYS` or past; without
    `details` (the start page) the versions come without their parties, groups, commitments and signatories."""
    if not may_read(user):
        return [], []
    horizon = today + timedelta(days=REVIEW_NOTICE_DAYS)
    versions = latest_versions(municipality_of(user)).filter(review_on__lte=horizon).order_by("review_on")
    if not details:
        versions = versions.prefetch_related(None)
    agreements = [version for version in versions if version.valid_to is None or version.valid_to >= today]
    groups = list(
        CollaborationGroup.objects.filter(
            municipality_id=municipality_of(user),
            review_on__lte=horizon,
            status__in=[GroupStatus.ACTIVE, GroupStatus.PAUSED],
        )
        .select_related("owner")
        .order_by("review_on", "name")
    )
    return agreements, groups


def responsibles(user: User) -> QuerySet[User]:
    """Who can be made responsible for an agreement's review: the municipality's coordinators."""
    return (
        User.objects.filter(
            municipality_id=municipality_of(user),
            is_active=True,
            memberships__role=Role.COORDINATOR,
            memberships__active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def groups_to_choose(user: User) -> QuerySet[CollaborationGroup]:
    groups = CollaborationGroup.objects.filter(municipality_id=municipality_of(user))
    return groups.exclude(status=GroupStatus.ENDED).order_by("name")

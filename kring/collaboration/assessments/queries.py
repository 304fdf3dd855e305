"""Who reads and keeps the child impact assessments (as the register: all staff of the municipality read them,
coordinators keep them)."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from kring.access.policy import municipality_of
from kring.collaboration.groups.queries import may_keep, may_read
from kring.collaboration.models import AssessmentVersion, ImpactAssessment
from kring.directory.models import User


def latest_versions(user: User) -> list[AssessmentVersion]:
    if not may_read(user):
        return []
    newest = AssessmentVersion.objects.filter(assessment=OuterRef("assessment")).order_by("-number").values("number")
    rows = AssessmentVersion.objects.filter(
        assessment__municipality_id=municipality_of(user), number=Subquery(newest[:1])
    ).select_related("assessment", "assessment__group", "assessment__agreement", "assessment__responsible")
    return list(rows.order_by("-assessment__created_at", "-assessment_id"))


def get_assessment_for_user(user: User, pk: int, *, for_write: bool = False) -> ImpactAssessment:
    if not may_read(user) or (for_write and not may_keep(user)):
        raise Http404
    found = ImpactAssessment.objects.filter(pk=pk, municipality_id=municipality_of(user)).first()
    if found is None:
        raise Http404
    return found


def versions_of(assessment: ImpactAssessment) -> QuerySet[AssessmentVersion]:
    return AssessmentVersion.objects.filter(assessment=assessment).select_related("recorded_by").order_by("number")

"""Who may see the studies: those with the permission to release research data, in their own municipality; anyone
else gets 404 (nothing says a study exists)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from kring.access.policy import can
from kring.access.roles import Permission
from kring.directory.models import User
from kring.insights.research.models import Study


def studies_for_user(user: User) -> QuerySet[Study]:
    if not can(user, Permission.RESEARCH_EXPORT) or user.municipality_id is None:
        raise Http404
    return Study.objects.filter(municipality_id=user.municipality_id)


def get_study_for_user(user: User, pk: int) -> Study:
    study = studies_for_user(user).filter(pk=pk).first()
    if study is None:
        raise Http404
    return study

"""Writes of the child impact assessments: each save is a new version (what was weighed stays readable).
Keyword-only, `by=`, atomic, with its audit event; kept by the coordinators."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import can, municipality_of
from kring.access.roles import Permission
from kring.collaboration import crc
from kring.collaboration.models import (
    Agreement,
    AssessmentVersion,
    CollaborationGroup,
    Effect,
    ImpactAssessment,
    Term,
)
from kring.directory.models import User

TEXT_FIELDS = (
    "matter", "decision_to_make", "children_affected", "vulnerable_children", "views_method", "views_summary",
    "guardians_views", "weighing", "departure_reasons", "compensating_measures", "decision", "decided_by",
    "feedback_how", "change_note",
)  # fmt: skip


@dataclass(frozen=True)
class AssessmentInput:
    title: str
    responsible: User
    matter: str
    decision_to_make: str
    group: CollaborationGroup | None = None
    agreement: Agreement | None = None
    articles: list[int] = field(default_factory=lambda: list(crc.GENERAL_PRINCIPLES))
    options: list[dict[str, str]] = field(default_factory=list)
    consequences: list[dict[str, Any]] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # the other text fields, by name (TEXT_FIELDS)
    views_count: int | None = None
    departs_from_views: bool = False
    decided_on: date | None = None
    feedback_on: date | None = None
    follow_up_on: date | None = None


def _check(by: User, given: AssessmentInput, assessment: ImpactAssessment | None) -> None:
    if not can(by, Permission.COLLABORATION_MANAGE):
        raise PermissionDenied
    municipality = municipality_of(by)
    owned = [given.responsible, given.group, given.agreement, assessment]
    if any(thing is not None and thing.municipality_id != municipality for thing in owned):
        raise PermissionDenied


def _consequences(given: AssessmentInput) -> list[dict[str, Any]]:
    """Only the cells of the options and articles given, with known effects and terms."""
    kept = []
    for cell in given.consequences:
        if cell.get("effect") not in Effect.values or cell.get("article") not in given.articles:
            continue
        if not 0 <= cell.get("option", -1) < len(given.options):
            continue
        term = cell.get("term") if cell.get("term") in Term.values else ""
        kept.append({"option": cell["option"], "article": cell["article"], "effect": cell["effect"], "term": term,
                     "note": str(cell.get("note", "")).strip()[:500]})  # fmt: skip
    return kept


def save_assessment(
    *, given: AssessmentInput, by: User, assessment: ImpactAssessment | None = None
) -> AssessmentVersion:
    _check(by, given, assessment)
    now = timezone.now()
    articles = sorted({a for a in given.articles if a in crc.ARTICLES})
    texts = {name: str(given.texts.get(name, "")).strip() for name in TEXT_FIELDS}
    texts.update(matter=given.matter.strip(), decision_to_make=given.decision_to_make.strip())
    with transaction.atomic():
        if assessment is None:
            assessment = ImpactAssessment.objects.create(
                municipality_id=municipality_of(by), title=given.title.strip(), group=given.group,
                agreement=given.agreement, responsible=given.responsible, created_at=now,
            )  # fmt: skip
        else:
            assessment = ImpactAssessment.objects.select_for_update().get(pk=assessment.pk)
            assessment.title, assessment.group, assessment.agreement = given.title.strip(), given.group, given.agreement
            assessment.responsible = given.responsible
            assessment.save()
        number = (assessment.versions.aggregate(last=Max("number"))["last"] or 0) + 1
        version = AssessmentVersion.objects.create(
            municipality_id=assessment.municipality_id, assessment=assessment, number=number, articles=articles,
            options=given.options,
            consequences=_consequences(given), views_count=given.views_count,
            departs_from_views=given.departs_from_views, decided_on=given.decided_on, feedback_on=given.feedback_on,
            follow_up_on=given.follow_up_on, recorded_by=by, recorded_at=now, **texts,
        )  # fmt: skip
        record_event(
            actor=by, action=AuditAction.WRITE, target_type="impact_assessment", target_id=assessment.pk,
            details={"version": number},
        )  # fmt: skip
    return version

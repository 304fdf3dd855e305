"""Writes of the principal's investigation of a pupil's absence (Skollagen 7 kap 19 a §): open, update, close.

Each action is atomic, takes the acting user as `by=`, checks that the user follows the school's absence
(Permission.ABSENCE_OVERSEE in a role at that school) and has a basis for the child's investigation of absence
(origin school, category ABSENCE_INVESTIGATION), and writes its audit event in the same transaction. A pupil has at
most one open investigation at a school: opening another returns the open one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import Basis, bases_for_children, basis_among
from kring.access.roles import Category, Origin
from kring.casework.workflow import WorkflowError
from kring.directory.models import Unit, User
from kring.people.models import Child, Placement
from kring.schooldata.models import AbsenceInvestigation, InvestigationStatus
from kring.schooldata.queries import oversees

EDITABLE_FIELDS = frozenset(
    {"background", "student_health_involved", "measures", "reported_to_organiser_on", "conclusion"}
)


def _basis(by: User, child_id: int, unit_id: int) -> Basis:
    """The user's basis for the child's investigation of absence at this school, or PermissionDenied."""
    if not oversees(by, unit_id):
        raise PermissionDenied
    bases = bases_for_children(by, [child_id])[child_id]
    basis = basis_among(bases, Origin.SCHOOL, Category.ABSENCE_INVESTIGATION)
    if basis is None:
        raise PermissionDenied
    return basis


def _audit(by: User, investigation: AbsenceInvestigation, basis: Basis, **details: Any) -> None:
    record_event(
        actor=by,
        action=AuditAction.WRITE,
        target_type="absence_investigation",
        target_id=investigation.pk,
        child_id=investigation.child_id,
        basis=basis,
        details=details,
    )


def _is_pupil(child: Child, unit: Unit) -> bool:
    return Placement.objects.current().filter(child=child, unit=unit).exists()


def open_investigation(*, child: Child, unit: Unit, by: User) -> AbsenceInvestigation:
    """Open an investigation of the pupil's absence at the school, or return the one already open."""
    basis = _basis(by, child.pk, unit.pk)
    if child.municipality_id != unit.municipality_id or not _is_pupil(child, unit):
        raise PermissionDenied
    open_ones = AbsenceInvestigation.objects.filter(child=child, unit=unit, status=InvestigationStatus.OPEN)
    existing = open_ones.first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            investigation = AbsenceInvestigation.objects.create(
                municipality_id=unit.municipality_id, child=child, unit=unit, opened_by=by
            )
            _audit(by, investigation, basis, status=InvestigationStatus.OPEN)
    except IntegrityError:  # someone opened one at the same moment (constraint absence_investigation_one_open)
        return open_ones.get()
    return investigation


def _check_open(investigation: AbsenceInvestigation) -> None:
    if investigation.status != InvestigationStatus.OPEN:
        raise WorkflowError(_("The investigation is closed and can no longer be changed."), code="closed")


def _check_date(reported_on: date | None) -> None:
    if reported_on is not None and reported_on > timezone.localdate():
        raise WorkflowError(_("The date cannot be in the future."), code="future")


def update_investigation(investigation: AbsenceInvestigation, *, by: User, **fields: Any) -> AbsenceInvestigation:
    """Record the background, whether student health takes part, the measures, when the absence was reported to the
    principal organiser, and the conclusion. Only an open investigation changes."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    basis = _basis(by, investigation.child_id, investigation.unit_id)
    _check_open(investigation)
    _check_date(fields.get("reported_to_organiser_on"))
    changed = sorted(name for name, value in fields.items() if getattr(investigation, name) != value)
    if not changed:
        return investigation
    with transaction.atomic():
        for name in changed:
            setattr(investigation, name, fields[name])
        investigation.save(update_fields=changed)
        _audit(by, investigation, basis, changed=changed)
    return investigation


def close_investigation(investigation: AbsenceInvestigation, *, by: User, conclusion: str) -> AbsenceInvestigation:
    """Close the investigation with its conclusion (what was found and what the school does)."""
    basis = _basis(by, investigation.child_id, investigation.unit_id)
    _check_open(investigation)
    if not conclusion.strip():
        raise WorkflowError(_("Write the conclusion before you close the investigation."), code="conclusion")
    with transaction.atomic():
        investigation.conclusion = conclusion.strip()
        investigation.status = InvestigationStatus.CLOSED
        investigation.closed_at = timezone.now()
        investigation.save(update_fields=["conclusion", "status", "closed_at"])
        _audit(by, investigation, basis, status=InvestigationStatus.CLOSED)
    return investigation

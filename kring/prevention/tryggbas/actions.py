"""Writes of the trygg-bas inventory and the class review. Each action is keyword-only, takes the acting user as
`by=`, checks the user's basis for the pupil's information at the school (category `safe_adult` or `wellbeing`,
through the policy) and, for what only the school's leadership and student health do, their permission at the
school; each is atomic with its audit event."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import Basis, bases_for_children, basis_among, units_with_permission
from kring.access.roles import Category, Origin, Permission
from kring.casework.workflow import WorkflowError
from kring.directory.models import NotificationKind, Unit, User
from kring.directory.notifications import notify
from kring.people.models import Child, Group, GroupRole, GroupStaff, Placement
from kring.prevention.models import (
    AgreedRating,
    ClassReview,
    NextStep,
    RelationAssignment,
    SafeAdultEntry,
    SafeAdultStatus,
    Wellbeing,
    WellbeingRating,
)
from kring.prevention.terms import term_of


def leads(user: User, unit_id: int) -> bool:
    """Does the user lead the school's prevention (principal, student health at the school)?"""
    return unit_id in units_with_permission(user, Permission.PREVENTION_LEAD)


def basis_at(user: User, child_id: int, unit: Unit, category: str) -> Basis | None:
    """The user's basis for the pupil's information of this category kept by this school, or None."""
    bases = [
        basis for basis in bases_for_children(user, [child_id])[child_id] if basis.reaches_unit(unit.pk, unit.organiser)
    ]
    return basis_among(bases, Origin.SCHOOL, category)


def _require(user: User, child: Child, unit: Unit, category: str, *, lead: bool = False) -> Basis:
    basis = basis_at(user, child.pk, unit, category)
    if basis is None or (lead and not leads(user, unit.pk)):
        raise PermissionDenied
    return basis


def _audit(by: User, target: str, pk: int, child_id: int, basis: Basis, **details: Any) -> None:
    record_event(
        actor=by,
        action=AuditAction.WRITE,
        target_type=target,
        target_id=pk,
        child_id=child_id,
        basis=basis,
        details=details,
    )


def _pupil_of(child: Child, group: Group, today: date) -> str:
    """The pupil's grade in the class today (WorkflowError when the pupil is no longer in it)."""
    grades = Placement.objects.current(today).filter(child=child, group=group).values_list("grade", flat=True)
    grade = next(iter(grades), None)
    if grade is None:
        raise WorkflowError(_("The pupil is no longer in this class."), code="not_in_class")
    return grade


def record_safe_adult(
    *,
    child: Child,
    group: Group,
    status: str,
    by: User,
    today: date,
    adult: User | None = None,
    adult_outside: str = "",
    relation: str = "",
) -> SafeAdultEntry:
    """Record this term's answer for the pupil: a named safe adult (at school or outside), none yet, or unsure."""
    unit = group.unit
    basis = _require(by, child, unit, Category.SAFE_ADULT)
    grade = _pupil_of(child, group, today)
    if status == SafeAdultStatus.NAMED and adult is None and not adult_outside.strip():
        raise WorkflowError(_("Name the adult: someone at school, or an adult outside school."), code="who")
    if adult is not None and adult.municipality_id != unit.municipality_id:
        raise PermissionDenied
    named = status == SafeAdultStatus.NAMED
    values = {
        "municipality_id": unit.municipality_id,
        "group": group,
        "grade": grade,
        "status": status,
        "adult": adult if named else None,
        "adult_outside": adult_outside.strip() if named else "",
        "relation": relation.strip() if named else "",
        "recorded_by": by,
        "recorded_at": timezone.now(),
    }
    with transaction.atomic():
        entry, created = SafeAdultEntry.objects.update_or_create(
            child=child, unit=unit, term=term_of(today), defaults=values
        )
        _audit(by, "safe_adult_entry", entry.pk, child.pk, basis, status=status, created=created)
    return entry


def rate_wellbeing(*, child: Child, group: Group, rating: str, by: User, today: date) -> WellbeingRating:
    """The user's own rating of the pupil's wellbeing this term (before the class review)."""
    unit = group.unit
    basis = _require(by, child, unit, Category.WELLBEING)
    _pupil_of(child, group, today)
    with transaction.atomic():
        own, created = WellbeingRating.objects.update_or_create(
            child=child,
            unit=unit,
            term=term_of(today),
            rated_by=by,
            defaults={
                "municipality_id": unit.municipality_id,
                "group": group,
                "rating": rating,
                "rated_at": timezone.now(),
            },
        )
        _audit(by, "wellbeing_rating", own.pk, child.pk, basis, rating=rating, created=created)
    return own


def agree_rating(
    *,
    child: Child,
    group: Group,
    rating: str,
    by: User,
    today: date,
    next_step: str = NextStep.NONE,
    next_step_note: str = "",
    next_step_by: date | None = None,
    responsible: User | None = None,
) -> AgreedRating:
    """The class review's agreed rating for the pupil this term; yellow or red needs a named next step, who takes
    it and by when. The first agreement of the term opens the class's review."""
    unit = group.unit
    basis = _require(by, child, unit, Category.WELLBEING, lead=True)
    grade = _pupil_of(child, group, today)
    worry = rating != Wellbeing.GREEN
    if worry and (next_step == NextStep.NONE or next_step_by is None or responsible is None):
        raise WorkflowError(_("A yellow or red rating needs a next step, who takes it and by when."), code="step")
    if next_step_by is not None and next_step_by < today:
        raise WorkflowError(_("The date of the next step cannot be in the past."), code="past")
    if responsible is not None and responsible.municipality_id != unit.municipality_id:
        raise PermissionDenied
    term = term_of(today)
    with transaction.atomic():
        review, _created = ClassReview.objects.get_or_create(
            group=group,
            term=term,
            defaults={"municipality_id": unit.municipality_id, "unit": unit, "held_on": today, "created_by": by},
        )
        agreed, created = AgreedRating.objects.update_or_create(
            child=child,
            unit=unit,
            term=term,
            defaults={
                "municipality_id": unit.municipality_id,
                "review": review,
                "grade": grade,
                "rating": rating,
                "next_step": next_step if worry else NextStep.NONE,
                "next_step_note": next_step_note.strip() if worry else "",
                "next_step_by": next_step_by if worry else None,
                "responsible": responsible if worry else None,
                "step_done_at": None,
                "agreed_by": by,
                "agreed_at": timezone.now(),
            },
        )
        _audit(by, "agreed_rating", agreed.pk, child.pk, basis, rating=rating, next_step=agreed.next_step)
    return agreed


def mark_step_done(agreed: AgreedRating, *, by: User) -> AgreedRating:
    """The next step agreed for the pupil has been taken (by the one responsible, or the school's leadership)."""
    unit = agreed.unit
    basis = _require(by, agreed.child, unit, Category.WELLBEING)
    if agreed.responsible_id != by.pk and not leads(by, unit.pk):
        raise PermissionDenied
    if agreed.step_done_at is not None:
        return agreed
    with transaction.atomic():
        agreed.step_done_at = timezone.now()
        agreed.save(update_fields=["step_done_at"])
        _audit(by, "agreed_rating", agreed.pk, agreed.child_id, basis, step_done=True)
    return agreed


def _school_staff(unit: Unit, user: User) -> bool:
    return user.is_active and user.memberships.filter(unit=unit, active=True).exists()


def assign_relation(
    *, child: Child, unit: Unit, adult: User, follow_up_on: date, by: User, today: date, note: str = ""
) -> RelationAssignment:
    """Act on a gap: ask a member of the school's staff to build a relation with the pupil deliberately, followed
    up by a date. The adult is told (the notification names no child)."""
    basis = _require(by, child, unit, Category.SAFE_ADULT, lead=True)
    if not _school_staff(unit, adult):
        raise WorkflowError(_("Choose a member of the school's staff."), code="adult")
    if follow_up_on < today:
        raise WorkflowError(_("The follow-up date cannot be in the past."), code="past")
    with transaction.atomic():
        assignment = RelationAssignment.objects.create(
            municipality_id=unit.municipality_id,
            child=child,
            unit=unit,
            term=term_of(today),
            adult=adult,
            follow_up_on=follow_up_on,
            note=note.strip(),
            assigned_by=by,
            assigned_at=timezone.now(),
        )
        _audit(
            by,
            "relation_assignment",
            assignment.pk,
            child.pk,
            basis,
            adult=adult.pk,
            follow_up_on=follow_up_on.isoformat(),
        )
        if adult.pk != by.pk:
            notify(
                users=[adult],
                kind=NotificationKind.ASSIGNMENT,
                url=reverse("prevention_home"),
                subject="safe_adult",
                number=assignment.pk,
            )
    return assignment


def follow_up_relation(
    assignment: RelationAssignment, *, relation_built: bool, by: User, today: date, outcome: str = ""
) -> RelationAssignment:
    """Follow the assignment up: is the relation there? If so, the pupil's line of this term's inventory names the
    adult."""
    unit = assignment.unit
    basis = _require(by, assignment.child, unit, Category.SAFE_ADULT)
    if assignment.adult_id != by.pk and not leads(by, unit.pk):
        raise PermissionDenied
    if assignment.followed_up_at is not None:
        raise WorkflowError(_("This assignment is already followed up."), code="done")
    with transaction.atomic():
        assignment.followed_up_at = timezone.now()
        assignment.followed_up_by = by
        assignment.relation_built = relation_built
        assignment.outcome = outcome.strip()
        assignment.save(update_fields=["followed_up_at", "followed_up_by", "relation_built", "outcome"])
        _audit(by, "relation_assignment", assignment.pk, assignment.child_id, basis, relation_built=relation_built)
        if relation_built:
            _name_the_adult(assignment, by, today)
    return assignment


def _name_the_adult(assignment: RelationAssignment, by: User, today: date) -> None:
    placement = Placement.objects.current(today).filter(child_id=assignment.child_id, unit_id=assignment.unit_id)
    group_id, grade = placement.values_list("group_id", "grade").first() or (None, "")
    SafeAdultEntry.objects.update_or_create(
        child_id=assignment.child_id,
        unit_id=assignment.unit_id,
        term=term_of(today),
        defaults={
            "municipality_id": assignment.municipality_id,
            "group_id": group_id,
            "grade": grade,
            "status": SafeAdultStatus.NAMED,
            "adult": assignment.adult,
            "adult_outside": "",
            "relation": _("assigned to build the relation"),
            "recorded_by": by,
            "recorded_at": timezone.now(),
        },
    )


def add_class_staff(*, group: Group, user: User, role: str, by: User, today: date) -> GroupStaff:
    """Make a member of the school's staff the class's mentor or one of its teachers, from today."""
    if not leads(by, group.unit_id):
        raise PermissionDenied
    if not _school_staff(group.unit, user):
        raise WorkflowError(_("Choose a member of the school's staff."), code="staff")
    current = GroupStaff.objects.current(today).filter(group=group, user=user, role=role).first()
    if current is not None:
        return current
    with transaction.atomic():
        staff = GroupStaff.objects.create(
            municipality_id=group.municipality_id, group=group, user=user, role=GroupRole(role), start_date=today
        )
        record_event(
            actor=by,
            action=AuditAction.WRITE,
            target_type="class_staff",
            target_id=staff.pk,
            details={"group": group.pk, "user": user.pk, "role": role},
        )
    return staff


def end_class_staff(staff: GroupStaff, *, by: User, today: date) -> GroupStaff:
    """The person is no longer the class's mentor or teacher (from yesterday: today they no longer see the class)."""
    if not leads(by, staff.group.unit_id):
        raise PermissionDenied
    if staff.end_date is not None and staff.end_date < today:
        return staff
    with transaction.atomic():
        record_event(
            actor=by,
            action=AuditAction.WRITE,
            target_type="class_staff",
            target_id=staff.pk,
            details={"ended": (today - timedelta(days=1)).isoformat()},
        )
        if staff.start_date >= today:  # given today by mistake: it never was
            staff.delete()
            return staff
        staff.end_date = today - timedelta(days=1)
        staff.save(update_fields=["end_date"])
    return staff

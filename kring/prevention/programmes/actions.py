"""Writes of the prevention programmes: the catalogue (the municipality's coordinator), and at a school in a term
(its principal and student health) the staff trained, the pupil mentors and the sessions held. Each action is
keyword-only with `by=`, atomic, and writes its audit event; appointing a pupil mentor is a write of child data and
needs a basis for the pupil (category `programme`, school origin)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import can, municipality_of
from kring.access.roles import Category, Permission
from kring.casework.workflow import WorkflowError
from kring.directory.models import Organisation, Unit, User
from kring.people.models import Child, Group, Placement
from kring.prevention.models import ManualSession, Programme, ProgrammeRun, PupilMentor, SessionHeld, StaffTraining
from kring.prevention.terms import term_of
from kring.prevention.tryggbas.actions import basis_at, leads


def _audit(by: User, target: str, pk: int, child_id: int | None = None, **details: Any) -> None:
    record_event(
        actor=by, action=AuditAction.WRITE, target_type=target, target_id=pk, child_id=child_id, details=details
    )


@dataclass(frozen=True)
class ProgrammeInput:
    name: str
    aim: str
    target_grades: list[str]
    organisations: list[Organisation]
    manual: list[str]  # the topics of the manual's sessions, in order
    trains_all_staff: bool = False
    has_pupil_mentors: bool = False
    source: str = ""


def save_programme(*, given: ProgrammeInput, by: User, programme: Programme | None = None) -> Programme:
    """Add a programme to the municipality's catalogue, or change one (its manual is replaced where no session
    held refers to it)."""
    if not can(by, Permission.PREVENTION_FOLLOW):
        raise PermissionDenied
    if any(o.municipality_id != by.municipality_id for o in given.organisations):
        raise PermissionDenied
    if programme is not None and programme.municipality_id != by.municipality_id:
        raise PermissionDenied
    values = {
        "name": given.name.strip(),
        "aim": given.aim.strip(),
        "target_grades": given.target_grades,
        "trains_all_staff": given.trains_all_staff,
        "has_pupil_mentors": given.has_pupil_mentors,
        "source": given.source.strip(),
    }
    try:
        with transaction.atomic():
            if programme is None:
                programme = Programme.objects.create(municipality_id=municipality_of(by), **values)
            else:
                for name, value in values.items():
                    setattr(programme, name, value)
                programme.save()
            programme.organisations.set(
                given.organisations, through_defaults={"municipality_id": programme.municipality_id}
            )
            _replace_manual(programme, given.manual)
            _audit(by, "programme", programme.pk, name=programme.name)
    except IntegrityError as error:
        raise WorkflowError(_("There is already a programme with this name."), code="name") from error
    return programme


def _replace_manual(programme: Programme, topics: list[str]) -> None:
    existing = {session.number: session for session in programme.manual.all()}
    for number, topic in enumerate(topics, start=1):
        session = existing.pop(number, None)
        if session is None:
            ManualSession.objects.create(
                municipality_id=programme.municipality_id, programme=programme, number=number, topic=topic
            )
        elif session.topic != topic:
            session.topic = topic
            session.save(update_fields=["topic"])
    for session in existing.values():
        if SessionHeld.objects.filter(manual_session=session).exists():
            raise WorkflowError(
                _("Session %(number)s has been held and stays in the manual.") % {"number": session.number}, code="held"
            )
        session.delete()


def start_run(*, programme: Programme, unit: Unit, by: User, today: date) -> ProgrammeRun:
    """The programme at the school this term (started once)."""
    if programme.municipality_id != unit.municipality_id or not leads(by, unit.pk):
        raise PermissionDenied
    run, created = ProgrammeRun.objects.get_or_create(
        programme=programme,
        unit=unit,
        term=term_of(today),
        defaults={"municipality_id": unit.municipality_id, "started_by": by},
    )
    if created:
        _audit(by, "programme_run", run.pk, programme=programme.pk, unit=unit.pk)
    return run


def _lead(run: ProgrammeRun, by: User) -> None:
    if not leads(by, run.unit_id):
        raise PermissionDenied


def _staff_of(unit: Unit, user: User) -> bool:
    return user.is_active and user.memberships.filter(unit=unit, active=True).exists()


def record_training(
    *, run: ProgrammeRun, user: User, trained_on: date, hours: Decimal, trainer: str, by: User, today: date
) -> StaffTraining:
    _lead(run, by)
    if not _staff_of(run.unit, user):
        raise WorkflowError(_("Choose a member of the school's staff."), code="staff")
    if trained_on > today:
        raise WorkflowError(_("The date cannot be in the future."), code="future")
    try:
        with transaction.atomic():
            training = StaffTraining.objects.create(
                municipality_id=run.municipality_id,
                run=run,
                user=user,
                trained_on=trained_on,
                hours=hours,
                trainer=trainer.strip(),
                recorded_by=by,
            )
            _audit(by, "staff_training", training.pk, user=user.pk)
    except IntegrityError as error:
        raise WorkflowError(_("This training is already recorded."), code="twice") from error
    return training


def appoint_mentor(*, run: ProgrammeRun, child: Child, appointed_on: date, by: User, today: date) -> PupilMentor:
    """Appoint a pupil of the school as a mentor (MVP): child data, audited with the basis for the pupil."""
    _lead(run, by)
    basis = basis_at(by, child.pk, run.unit, Category.PROGRAMME)
    if basis is None or not Placement.objects.current(today).filter(child=child, unit=run.unit).exists():
        raise PermissionDenied
    mentor, created = PupilMentor.objects.get_or_create(
        run=run,
        child=child,
        defaults={
            "municipality_id": run.municipality_id,
            "unit": run.unit,
            "appointed_on": appointed_on,
            "recorded_by": by,
        },
    )
    if created:
        record_event(
            actor=by,
            action=AuditAction.WRITE,
            target_type="pupil_mentor",
            target_id=mentor.pk,
            child_id=child.pk,
            basis=basis,
        )
    return mentor


def remove_mentor(mentor: PupilMentor, *, by: User) -> None:
    _lead(mentor.run, by)
    basis = basis_at(by, mentor.child_id, mentor.unit, Category.PROGRAMME)
    if basis is None:
        raise PermissionDenied
    with transaction.atomic():
        record_event(
            actor=by,
            action=AuditAction.WRITE,
            target_type="pupil_mentor",
            target_id=mentor.pk,
            child_id=mentor.child_id,
            basis=basis,
            details={"removed": True},
        )
        mentor.delete()


@dataclass(frozen=True)
class SessionInput:
    group: Group
    held_on: date
    manual_session: ManualSession | None
    topic: str
    facilitators: list[User]
    pupils_present: int


def record_session(*, run: ProgrammeRun, given: SessionInput, by: User, today: date) -> SessionHeld:
    """A session held in a class of the school: a session of the manual (or another topic), who led it, how many
    pupils were there."""
    _lead(run, by)
    if given.group.unit_id != run.unit_id:
        raise PermissionDenied
    if given.manual_session is not None and given.manual_session.programme_id != run.programme_id:
        raise PermissionDenied
    if given.held_on > today:
        raise WorkflowError(_("The date cannot be in the future."), code="future")
    if given.manual_session is None and not given.topic.strip():
        raise WorkflowError(_("Choose a session of the manual, or write the topic."), code="topic")
    if not given.facilitators or any(u.municipality_id != run.municipality_id for u in given.facilitators):
        raise WorkflowError(_("Name who led the session."), code="facilitators")
    with transaction.atomic():
        session = SessionHeld.objects.create(
            municipality_id=run.municipality_id,
            run=run,
            group=given.group,
            held_on=given.held_on,
            manual_session=given.manual_session,
            topic=given.topic.strip(),
            pupils_present=given.pupils_present,
            recorded_by=by,
        )
        session.facilitators.set(given.facilitators, through_defaults={"municipality_id": session.municipality_id})
        _audit(by, "session_held", session.pk, group=given.group.pk, pupils_present=given.pupils_present)
    return session

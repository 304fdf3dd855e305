"""A register extract from request to release, and corrections on a person's request: each step audited.

received → compiled (the officer sees a draft) → reviewed (every withheld item has its ground) → released.
The review cannot be skipped: release refuses an extract that is not reviewed, the database refuses a released row
without a review, and the files to hand over exist only after the review. A correction sends an extract that was not
yet released back to be compiled again, so that what is released shows the corrected data.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.casework.workflow import WorkflowError
from kring.directory.models import Municipality, User
from kring.people.models import Child, Guardian
from kring.records.extracts.compile import compile_extract
from kring.records.extracts.details import CORRECTABLE
from kring.records.models import Correction, ExtractStatus, ExtractSubject, RegisterExtract

# The grounds on which an officer may withhold an item (keys of kring.legal).
GROUNDS = ("secrecy_towards_guardians", "social_services_secrecy", "student_health_secrecy", "reporter_identity",
           "protected_identity", "others_privacy")  # fmt: skip


@dataclass(frozen=True)
class ExtractInput:
    municipality: Municipality
    subject_kind: str
    subject: Child | Guardian | User
    requested_by: str
    by_guardian: bool
    received_on: date


def one_month_after(day: date) -> date:
    """The same day next month, or the month's last day (31 January → 28 or 29 February): GDPR art. 12.3."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _audit(by: User, extract: RegisterExtract, action: str, step: str, **details: Any) -> None:
    record_event(
        actor=by,
        action=action,
        target_type="register_extract",
        target_id=extract.pk,
        child_id=extract.child_id,
        details={"step": step, "subject_kind": extract.subject_kind, **details},
    )


@transaction.atomic
def register_request(*, by: User, given: ExtractInput) -> RegisterExtract:
    subject = given.subject
    extract = RegisterExtract(
        municipality=given.municipality,
        subject_kind=given.subject_kind,
        subject_name=_name_of(subject),
        requested_by=given.requested_by,
        by_guardian=given.by_guardian and given.subject_kind == ExtractSubject.CHILD,
        received_on=given.received_on,
        due_on=one_month_after(given.received_on),
        registered_by=by,
    )
    setattr(extract, {"child": "child", "guardian": "guardian", "staff": "staff"}[given.subject_kind], subject)
    extract.save()
    _audit(by, extract, AuditAction.WRITE, "registered")
    return extract


def _name_of(subject: Child | Guardian | User) -> str:
    if isinstance(subject, User):
        return subject.get_full_name() or subject.email
    return f"{subject.first_name} {subject.last_name}"


def _locked(extract: RegisterExtract) -> RegisterExtract:
    return RegisterExtract.objects.select_for_update().get(pk=extract.pk)


@transaction.atomic
def compile_request(*, by: User, extract: RegisterExtract) -> RegisterExtract:
    """Compile (or compile again) what Kring holds about the person: a draft for the officer, not yet releasable."""
    extract = _locked(extract)
    if extract.status == ExtractStatus.RELEASED:
        raise WorkflowError(_("The extract has been released; register a new request to compile it again."))
    if _subject_gone(extract):
        raise WorkflowError(_("Kring no longer holds the person's data (it has been cleared)."))
    extract.content = compile_extract(extract)
    extract.status = ExtractStatus.COMPILED
    extract.compiled_at = timezone.now()
    extract.reviewed_by, extract.reviewed_at, extract.review_note = None, None, ""
    extract.save()
    items = sum(len(section["items"]) for section in extract.content["sections"])
    # the compilation reads every record about the person: one read event, naming the purpose
    record_event(
        actor=by,
        action=AuditAction.READ,
        target_type="register_extract",
        target_id=extract.pk,
        child_id=extract.child_id,
        details={"purpose": "register_extract", "step": "compiled", "items": items},
    )
    return extract


def _subject_gone(extract: RegisterExtract) -> bool:
    field = {"child": "child_id", "guardian": "guardian_id", "staff": "staff_id"}[extract.subject_kind]
    return getattr(extract, field) is None


@transaction.atomic
def review(*, by: User, extract: RegisterExtract, withheld: dict[str, str], note: str) -> RegisterExtract:
    """The officer's review for secrecy: each item is released or withheld on a named ground."""
    extract = _locked(extract)
    if extract.status not in (ExtractStatus.COMPILED, ExtractStatus.REVIEWED):
        raise WorkflowError(_("Only a compiled extract can be reviewed."))
    unknown = [ground for ground in withheld.values() if ground and ground not in GROUNDS]
    if unknown:
        raise WorkflowError(_("Choose a ground from the list for each item withheld."))
    for section in extract.content["sections"]:
        for item in section["items"]:
            item["withheld"] = withheld.get(item["key"], "")
    extract.status = ExtractStatus.REVIEWED
    extract.reviewed_by, extract.reviewed_at, extract.review_note = by, timezone.now(), note
    extract.save()
    count = sum(1 for ground in withheld.values() if ground)
    _audit(by, extract, AuditAction.WRITE, "reviewed", withheld=count)
    return extract


@transaction.atomic
def release(*, by: User, extract: RegisterExtract, how: str) -> RegisterExtract:
    extract = _locked(extract)
    if extract.status != ExtractStatus.REVIEWED or extract.reviewed_at is None:
        raise WorkflowError(_("The extract must be reviewed for secrecy before it is released."))
    extract.status = ExtractStatus.RELEASED
    extract.released_by, extract.released_at, extract.released_how = by, timezone.now(), how
    extract.save()
    _audit(by, extract, AuditAction.EXPORT, "released", how=how)
    return extract


def record_download(*, by: User, extract: RegisterExtract, file_format: str) -> None:
    """Every file of an extract made is an export of the person's data."""
    if extract.status not in (ExtractStatus.REVIEWED, ExtractStatus.RELEASED):
        raise WorkflowError(_("The extract must be reviewed for secrecy before it is released."))
    _audit(by, extract, AuditAction.EXPORT, "downloaded", format=file_format)


@transaction.atomic
def correct(*, by: User, extract: RegisterExtract, field: str, new_value: str, reason: str) -> Correction:
    """Correct one detail of the person's data (GDPR art. 16); the old value is kept in the correction."""
    extract = _locked(extract)
    allowed = CORRECTABLE[extract.subject_kind]
    if field not in allowed:
        raise WorkflowError(_("That detail cannot be corrected here."))
    subject = _subject_for_update(extract)
    old_value = str(getattr(subject, field))
    if old_value == new_value:
        raise WorkflowError(_("The new value is the same as the old."))
    setattr(subject, field, new_value)
    subject.full_clean(validate_unique=False, validate_constraints=False)
    subject.save()
    correction = Correction.objects.create(
        municipality=extract.municipality,
        subject_kind=extract.subject_kind,
        subject_id=subject.pk,
        extract=extract,
        field=field,
        old_value=old_value,
        new_value=new_value,
        reason=reason,
        made_by=by,
        made_at=timezone.now(),
    )
    if extract.status != ExtractStatus.RELEASED:
        extract.status, extract.content, extract.compiled_at = ExtractStatus.RECEIVED, {}, None
        extract.reviewed_by, extract.reviewed_at, extract.review_note = None, None, ""
        extract.subject_name = _name_of(subject)
        extract.save()
    _audit(by, extract, AuditAction.WRITE, "corrected", field=field, correction=correction.pk)
    return correction


def _subject_for_update(extract: RegisterExtract) -> Child | Guardian | User:
    if extract.subject_kind == ExtractSubject.CHILD:
        return Child.objects.select_for_update().get(pk=extract.child_id or 0)
    if extract.subject_kind == ExtractSubject.GUARDIAN:
        return Guardian.objects.select_for_update().get(pk=extract.guardian_id or 0)
    return User.objects.select_for_update().get(pk=extract.staff_id or 0)

"""Studies and their releases: each a keyword-only, atomic, audited action.

A release works out the evaluation's panel afresh with the children (`evaluation_rows`), keeps the cases requested
in the study's period, writes the rows of the variables the study chose under the study's pseudonyms, and releases
them only once they are k-anonymous (`disclosure`). The audit event names the study, its approval and what left."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.casework.workflow import WorkflowError
from kring.directory.models import Municipality, Unit, User
from kring.insights.evaluation.panel import PanelCase, evaluation_rows
from kring.insights.research import disclosure
from kring.insights.research.models import Study, StudyRelease
from kring.insights.research.variables import BY_KEY, Subject, row_of


@dataclass(frozen=True)
class StudyInput:
    title: str
    purpose: str
    institution: str
    principal_investigator: str
    ethics_reference: str
    variables: list[str]
    period_from: date
    period_until: date
    ends_on: date


@transaction.atomic
def create_study(*, by: User, given: StudyInput) -> Study:
    if given.ends_on < timezone.localdate():
        raise WorkflowError(_("The study's end date has passed."))
    if by.municipality_id is None:
        raise WorkflowError(_("Only staff of a municipality can define a study."))
    study = Study.objects.create(
        municipality_id=by.municipality_id, title=given.title, purpose=given.purpose, institution=given.institution,
        principal_investigator=given.principal_investigator, ethics_reference=given.ethics_reference,
        variables=[key for key in BY_KEY if key in given.variables], period_from=given.period_from,
        period_until=given.period_until, ends_on=given.ends_on, key=secrets.token_bytes(32), created_by=by,
        created_at=timezone.now(),
    )  # fmt: skip
    record_event(actor=by, action=AuditAction.WRITE, target_type="study", target_id=study.pk,
                 details={"title": study.title, "ethics_reference": study.ethics_reference,
                          "variables": study.variables, "ends_on": study.ends_on.isoformat()})  # fmt: skip
    return study


@dataclass(frozen=True)
class Released:
    release: StudyRelease
    columns: list[str]
    rows: list[dict[str, str]]


def release_study(*, by: User, study: Study) -> Released:
    """The study's data set, pseudonymised and k-anonymous, with its release recorded and audited. A study that
    has ended has its key destroyed (for good, whatever happens next) and releases nothing."""
    if study.ends_on < timezone.localdate():
        with transaction.atomic():
            _destroy_key(Study.objects.select_for_update().get(pk=study.pk), by_label=str(by))
    with transaction.atomic():
        return _release(by, Study.objects.select_for_update().get(pk=study.pk))


def _release(by: User, study: Study) -> Released:
    today = timezone.localdate()
    if study.key is None:
        raise WorkflowError(_("The study has ended and its key is destroyed: no more data can be released for it."))
    variables = [BY_KEY[key] for key in study.variables if key in BY_KEY]
    subjects = _subjects(study, today)
    rows = [row_of(subject, bytes(study.key), variables) for subject in subjects]
    try:
        controlled = disclosure.k_anonymous(rows, [v.key for v in variables if v.identifying])
    except disclosure.NotAnonymous as refused:
        raise WorkflowError(
            _("Too few children in the study's period to release anything without risk of identifying one.")
        ) from refused
    release = StudyRelease.objects.create(
        municipality_id=study.municipality_id, study=study, released_by=by, released_at=timezone.now(),
        rows=len(controlled.rows), generalised=controlled.generalised, dropped=controlled.dropped,
    )  # fmt: skip
    record_event(actor=by, action=AuditAction.EXPORT, target_type="study", target_id=study.pk,
                 details={"study": study.title, "ethics_reference": study.ethics_reference, "rows": release.rows,
                          "generalised": release.generalised, "dropped": release.dropped,
                          "variables": study.variables})  # fmt: skip
    columns = ["pseudonym", "group", "matched_to", *(v.key for v in variables)]
    return Released(release, columns, controlled.rows)


def _subjects(study: Study, today: date) -> list[Subject]:
    """The children of the cases requested in the study's period, and their comparison pupils."""
    panel = evaluation_rows(Municipality.objects.get(pk=study.municipality_id), today, closed_from=study.period_from)
    first, last = study.period_from.replace(day=1), study.period_until
    chosen = [row for row in panel if first <= row.case.requested_month <= last]
    names = dict(Unit.objects.filter(pk__in={row.case.school_id for row in chosen}).values_list("pk", "name"))
    subjects = []
    for row in chosen:
        subjects += _of(row, names.get(row.case.school_id or 0, ""))
    return subjects


def _of(row: PanelCase, school: str) -> list[Subject]:
    own = Subject(row.child_id, row.child_id, row.case, None, school)
    return [own, *(Subject(child, row.child_id, row.case, pupil, school) for child, pupil in row.comparisons)]


def _destroy_key(study: Study, *, by_label: str) -> None:
    if study.key is None:
        return
    study.key, study.key_destroyed_at = None, timezone.now()
    study.save(update_fields=["key", "key_destroyed_at"])
    record_event(actor=None, action=AuditAction.WRITE, target_type="study", target_id=study.pk,
                 municipality_id=study.municipality_id, actor_label=by_label,
                 details={"study": study.title, "key_destroyed": True})  # fmt: skip


@transaction.atomic
def end_studies(*, municipality: Municipality, by_label: str = "kring refresh-statistics") -> int:
    """Destroy the keys of the municipality's studies that have ended; how many."""
    ended = Study.objects.select_for_update().filter(
        municipality=municipality, ends_on__lt=timezone.localdate(), key__isnull=False
    )
    count = 0
    for study in ended:
        _destroy_key(study, by_label=by_label)
        count += 1
    return count

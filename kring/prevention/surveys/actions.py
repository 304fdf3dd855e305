"""Writes of the pupil surveys. Setting up (questionnaires, surveys, waves, classes, codes) is staff work, audited
as such. A pupil's answers are written without any actor, audit event or time finer than the day: an audit event
(who, when to the second) would itself be a key to the person, so the answers' only trace is the code marked used."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import can, municipality_of
from kring.access.roles import Permission
from kring.casework.workflow import WorkflowError
from kring.directory.models import User
from kring.people.models import Group, Placement
from kring.prevention.models import (
    AnswerCode,
    BankQuestion,
    Programme,
    Questionnaire,
    QuestionnaireItem,
    Scale,
    SurveyAnswer,
    SurveyResponse,
    SurveySeries,
    SurveyWave,
    WaveClass,
)
from kring.prevention.surveys import codes
from kring.prevention.tryggbas.actions import leads

MAX_CODES = 60


def _follows(by: User) -> None:
    if not can(by, Permission.PREVENTION_FOLLOW):
        raise PermissionDenied


def _audit(by: User, target: str, pk: int, **details: object) -> None:
    record_event(actor=by, action=AuditAction.WRITE, target_type=target, target_id=pk, details=dict(details))


def create_questionnaire(*, name: str, questions: Sequence[BankQuestion], by: User) -> Questionnaire:
    _follows(by)
    if not questions:
        raise WorkflowError(_("Choose at least one question."), code="questions")
    with transaction.atomic():
        questionnaire = Questionnaire.objects.create(
            municipality_id=municipality_of(by), name=name.strip(), created_by=by
        )
        QuestionnaireItem.objects.bulk_create(
            QuestionnaireItem(
                municipality_id=questionnaire.municipality_id,
                questionnaire=questionnaire,
                question=question,
                position=position,
            )
            for position, question in enumerate(questions, start=1)
        )
        _audit(by, "questionnaire", questionnaire.pk, questions=[q.code for q in questions])
    return questionnaire


def create_series(
    *, name: str, questionnaire: Questionnaire, programme: Programme | None, link_answers: bool, by: User
) -> SurveySeries:
    _follows(by)
    own = {questionnaire.municipality_id} | ({programme.municipality_id} if programme else set())
    if own != {by.municipality_id}:
        raise PermissionDenied
    with transaction.atomic():
        series = SurveySeries.objects.create(
            municipality_id=municipality_of(by),
            name=name.strip(),
            questionnaire=questionnaire,
            programme=programme,
            link_answers=link_answers,
            salt=codes.new_salt(),
            created_by=by,
        )
        _audit(by, "survey", series.pk, link_answers=link_answers)
    return series


def add_wave(*, series: SurveySeries, kind: str, opens_on: date, closes_on: date, by: User) -> SurveyWave:
    _follows(by)
    if series.municipality_id != by.municipality_id:
        raise PermissionDenied
    if closes_on < opens_on:
        raise WorkflowError(_("The survey cannot close before it opens."), code="dates")
    if series.waves.filter(kind=kind).exists():
        raise WorkflowError(_("The survey already has this wave."), code="twice")
    with transaction.atomic():
        wave = SurveyWave.objects.create(
            municipality_id=series.municipality_id, series=series, kind=kind, opens_on=opens_on, closes_on=closes_on
        )
        _audit(by, "survey_wave", wave.pk, kind=kind)
    return wave


def add_class(*, wave: SurveyWave, group: Group, by: User, today: date) -> WaveClass:
    """Ask a class in the wave (the school's leadership, or the coordinator): the pupils invited are those placed in
    the class today."""
    if group.unit.municipality_id != wave.series.municipality_id:
        raise PermissionDenied
    if not (leads(by, group.unit_id) or can(by, Permission.PREVENTION_FOLLOW)):
        raise PermissionDenied
    placed = Placement.objects.current(today).filter(group=group)
    grades = sorted(set(placed.values_list("grade", flat=True)))
    invited = placed.values("child_id").distinct().count()
    if not invited:
        raise WorkflowError(_("The class has no pupils now."), code="empty")
    with transaction.atomic():
        wave_class, created = WaveClass.objects.get_or_create(
            wave=wave,
            group=group,
            defaults={
                "municipality_id": wave.municipality_id,
                "unit_id": group.unit_id,
                "grade": grades[0] if grades else "",
                "invited": invited,
            },
        )
        if created:
            _audit(by, "survey_class", wave_class.pk, group=group.pk, invited=invited)
    return wave_class


def make_codes(*, wave_class: WaveClass, count: int, by: User) -> list[str]:
    """New one-time codes for the class, returned once to be printed: Kring keeps only their hashes."""
    if not (leads(by, wave_class.unit_id) or can(by, Permission.PREVENTION_FOLLOW)):
        raise PermissionDenied
    if not 1 <= count <= MAX_CODES:
        raise WorkflowError(_("Between 1 and %(max)s codes at a time.") % {"max": MAX_CODES}, code="count")
    plain = _unused_codes(count)
    with transaction.atomic():
        AnswerCode.objects.bulk_create(
            AnswerCode(municipality_id=wave_class.municipality_id, wave_class=wave_class, code_hash=codes.code_hash(c))
            for c in plain
        )
        _audit(by, "survey_codes", wave_class.pk, count=count)
    return plain


def _unused_codes(count: int) -> list[str]:
    """New codes whose hashes no municipality holds: a code is unique per municipality in the database (ready for
    Citus, docs/adr/0019), and a pupil's code is found before its municipality is known."""
    plain: list[str] = []
    while len(plain) < count:
        drawn = {codes.code_hash(code): code for code in codes.new_codes(count - len(plain))}
        taken = set(AnswerCode.objects.filter(code_hash__in=drawn).values_list("code_hash", flat=True))
        plain += [code for hashed, code in drawn.items() if hashed not in taken and code not in plain]
    return plain


# --- the pupil's side --------------------------------------------------------------------------------------------


def open_code(code: str, today: date) -> AnswerCode | None:
    """The unused code of a wave open today, or None (a wrong, used or closed code all look the same)."""
    found = (
        AnswerCode.objects.filter(code_hash=codes.code_hash(code), used=False)
        .select_related("wave_class__wave__series__questionnaire")
        .first()
    )
    if found is None:
        return None
    wave = found.wave_class.wave
    return found if wave.opens_on <= today <= wave.closes_on else None


@dataclass(frozen=True)
class GivenAnswer:
    question: BankQuestion
    value: int | None
    text: str = ""


def submit_response(
    *, code: str, language: str, answers: Sequence[GivenAnswer], link_parts: list[str], today: date
) -> SurveyResponse:
    """Save the pupil's answers once: the code is marked used in the same transaction (a second send with it is
    refused), and the response keeps the class, the language and the day, nothing else."""
    found = open_code(code, today)
    if found is None:
        raise WorkflowError(_("The code is not valid, or has been used already."), code="code")
    series = found.wave_class.wave.series
    with transaction.atomic():
        if AnswerCode.objects.filter(pk=found.pk, used=False).update(used=True) != 1:
            raise WorkflowError(_("The code is not valid, or has been used already."), code="code")
        sex = next((given.value for given in answers if given.question.scale == Scale.SEX), None)
        response = SurveyResponse.objects.create(
            municipality_id=found.municipality_id,
            wave_class_id=found.wave_class_id,
            sex=sex,
            answered_on=today,
            language=language,
            link_hash=codes.link_hash(series.salt, link_parts) if series.link_answers else "",
        )
        SurveyAnswer.objects.bulk_create(
            SurveyAnswer(
                municipality_id=response.municipality_id,
                response=response,
                question=given.question,
                value=given.value,
                text=given.text.strip()[:2000] if given.question.scale == Scale.FREE_TEXT else "",
            )
            for given in answers
            if given.value is not None or given.text.strip()
        )
    return response

"""Helpers of the survey tests: a questionnaire of the whole bank, a linked survey with a before and an after wave,
and answers written in bulk (as many pupils would give them)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from kring.directory.models import User
from kring.people.models import Group
from kring.prevention.models import (
    BankQuestion,
    Scale,
    SurveyAnswer,
    SurveyResponse,
    SurveySeries,
    SurveyWave,
    WaveClass,
)
from kring.prevention.surveys import actions, codes
from kring.prevention.surveys.bank import load_question_bank


def survey(coordinator: User, *, link: bool = True) -> SurveySeries:
    load_question_bank(BankQuestion)
    questions = list(BankQuestion.objects.order_by("pk"))
    questionnaire = actions.create_questionnaire(name="Börja prata", questions=questions, by=coordinator)
    series = actions.create_series(
        name="Börja prata åk 5", questionnaire=questionnaire, programme=None, link_answers=link, by=coordinator
    )
    today = timezone.localdate()
    actions.add_wave(
        series=series,
        kind="before",
        opens_on=today - dt.timedelta(days=90),
        closes_on=today - dt.timedelta(days=80),
        by=coordinator,
    )
    actions.add_wave(
        series=series,
        kind="after",
        opens_on=today - dt.timedelta(days=2),
        closes_on=today + dt.timedelta(days=10),
        by=coordinator,
    )
    return series


def wave(series: SurveySeries, kind: str) -> SurveyWave:
    return series.waves.get(kind=kind)


def answers(
    wave_class: WaveClass,
    count: int,
    *,
    positive: float,
    seed: int = 1,
    links: list[str] | None = None,
    sex_of: int | None = None,
) -> None:
    """`count` responses in the class, each question positive with the given chance."""
    rng = random.Random(seed)
    questions = list(BankQuestion.objects.all())
    day = wave_class.wave.opens_on
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(
            municipality_id=wave_class.municipality_id,
            wave_class=wave_class,
            answered_on=day,
            language="sv",
            link_hash=links[i] if links else "",
            sex=sex_of or rng.choice((1, 2)),
        )
        for i in range(count)
    )
    municipality = wave_class.municipality_id
    rows = []
    for response in responses:
        for question in questions:
            if question.scale == Scale.AGREE4:
                value = rng.choice((3, 4)) if rng.random() < positive else rng.choice((1, 2))
                rows.append(
                    SurveyAnswer(municipality_id=municipality, response=response, question=question, value=value)
                )
            elif question.scale == Scale.SEX:
                rows.append(
                    SurveyAnswer(municipality_id=municipality, response=response, question=question, value=response.sex)
                )
    SurveyAnswer.objects.bulk_create(rows)


def link_of(series: SurveySeries, pupil: int) -> str:
    return codes.link_hash(series.salt, ["a", str(pupil), "b"])


def add_class(series: SurveySeries, kind: str, group: Group, by: User) -> WaveClass:
    return actions.add_class(wave=wave(series, kind), group=group, by=by, today=timezone.localdate())

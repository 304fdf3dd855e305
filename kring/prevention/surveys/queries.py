"""Reading the pupil surveys: the municipality's coordinator sets them up and sees every school's results; a
school's principal and student health add their classes, print codes and see their own schools' results. No
survey page shows a pupil: results are aggregates with disclosure control (`results`), and every read of them is
audited as an aggregate read."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import can, municipality_of
from kring.access.roles import Permission
from kring.directory.models import User
from kring.people.models import Group, Placement
from kring.prevention.models import BankQuestion, Scale, SurveySeries, SurveyWave, WaveClass, WaveKind
from kring.prevention.surveys import results as computed
from kring.prevention.tryggbas.queries import lead_unit_ids


def follows(user: User) -> bool:
    return can(user, Permission.PREVENTION_FOLLOW)


def may_use_surveys(user: User) -> bool:
    return follows(user) or can(user, Permission.PREVENTION_LEAD)


def scope_units(user: User) -> list[int] | None:
    """The schools whose results the user sees (None: every school of the municipality)."""
    return None if follows(user) else lead_unit_ids(user)


def series_for_user(user: User) -> QuerySet[SurveySeries]:
    if not may_use_surveys(user):
        raise Http404
    return (
        SurveySeries.objects.filter(municipality_id=municipality_of(user))
        .select_related("questionnaire", "programme")
        .annotate(wave_count=Count("waves", distinct=True))
        .order_by("name")
    )


def get_series_for_user(user: User, pk: int) -> SurveySeries:
    series = series_for_user(user).filter(pk=pk).first()
    if series is None:
        raise Http404
    return series


def get_wave_for_user(user: User, pk: int) -> SurveyWave:
    wave = (
        SurveyWave.objects.filter(pk=pk, series__municipality_id=municipality_of(user)).select_related("series").first()
    )
    if wave is None or not may_use_surveys(user):
        raise Http404
    return wave


def get_wave_class_for_user(user: User, pk: int) -> WaveClass:
    """A class of a wave at a school the user leads (or any, for the coordinator), or 404."""
    rows = WaveClass.objects.filter(pk=pk, wave__series__municipality_id=municipality_of(user))
    units = scope_units(user)
    if units is not None:
        rows = rows.filter(unit_id__in=units)
    wave_class = rows.select_related("wave__series", "group", "unit").first()
    if wave_class is None or not may_use_surveys(user):
        raise Http404
    return wave_class


def questions_of(series: SurveySeries) -> list[BankQuestion]:
    return [item.question for item in series.questionnaire.items.select_related("question").order_by("position")]


def waves_of(user: User, series: SurveySeries) -> list[tuple[SurveyWave, list[WaveClass]]]:
    """The survey's waves with the classes asked (the user's schools', or all for the coordinator) and the number
    of codes used of those printed (no more: which code was used says nothing, and is not shown)."""
    waves = list(series.waves.order_by("opens_on"))
    classes = (
        WaveClass.objects.filter(wave__in=waves)
        .select_related("group", "unit")
        .annotate(
            code_count=Count("codes", distinct=True),
            used_count=Count("codes", filter=Q(codes__used=True), distinct=True),
        )
        .order_by("unit__name", "group__name")
    )
    units = scope_units(user)
    if units is not None:
        classes = classes.filter(unit_id__in=units)
    by_wave: dict[int, list[WaveClass]] = {wave.pk: [] for wave in waves}
    for wave_class in classes:
        by_wave[wave_class.wave_id].append(wave_class)
    return [(wave, by_wave[wave.pk]) for wave in waves]


def classes_to_add(user: User, today: date) -> QuerySet[Group]:
    """The classes with pupils now at the schools the user may add (the coordinator: every school)."""
    placed = Placement.objects.current(today).filter(group__isnull=False, unit__municipality_id=municipality_of(user))
    units = scope_units(user)
    if units is not None:
        placed = placed.filter(unit_id__in=units)
    return Group.objects.filter(pk__in=placed.values("group_id")).select_related("unit").order_by("unit__name", "name")


def sex_labels() -> dict[int, str]:
    return {1: _("Girl"), 2: _("Boy"), 3: _("Other"), 4: _("Rather not say")}


def survey_results(user: User, series: SurveySeries) -> computed.SurveyResults:
    """The results the user may see, with disclosure control; audited as an aggregate read (no pupil)."""
    units = scope_units(user)
    settings = computed.settings_for(series.municipality_id)
    questions = questions_of(series)
    waves = list(series.waves.order_by("opens_on"))
    per_wave = [computed.wave_results(wave, units, questions, settings, sex_labels(), _("All"))[0] for wave in waves]
    by_kind = {result.wave.kind: result for result in per_wave}
    comparisons = []
    if WaveKind.BEFORE in by_kind and WaveKind.AFTER in by_kind:
        comparisons = computed.compare(by_kind[WaveKind.BEFORE], by_kind[WaveKind.AFTER], questions)
    paired, rate = computed.paired(series, {w.kind: w for w in waves}, units, questions, settings.min_answers)
    record_event(
        actor=user,
        action=AuditAction.READ,
        target_type="survey_results",
        target_id=series.pk,
        details={"schools": units if units is not None else "all"},
    )
    agree = [q for q in questions if q.scale == Scale.AGREE4]
    return computed.SurveyResults(series, settings, agree, per_wave, comparisons, paired, rate)

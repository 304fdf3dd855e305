"""Retention (gallring): each record type is cleared on the day its rule makes it due, not a day before; the dry run
lists exactly what the run clears; each batch is audited with type, count and rule, never content; the audit chain
still verifies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from kring.access.audit import verify_chain
from kring.access.models import AuditEvent
from kring.casework.models import Concern, Consultation, ReportAssessment, ReportOfConcern, TsiCase
from kring.casework.reports import actions as report_actions
from kring.directory.models import User
from kring.prevention.models import SurveyResponse
from kring.records.models import AnonymousCount, CountedFrom, RecordType, RetentionAction, RetentionRule
from kring.records.retention.actions import due_now
from kring.records.retention.kinds import KINDS
from kring.records.retention.rules import DEFAULTS, rules_of
from kring.schooldata.models import AbsenceIndicator, AbsenceInvestigation, AbsenceRecord
from tests.casework.conftest import accepted_case, consented_case, requested_case  # noqa: F401
from tests.casework.test_start_page import concern_input, report_input
from tests.conftest import World

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ANCHOR = TODAY - dt.timedelta(days=40)  # closed, recorded or absent on this day


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _school_year_end(day: dt.date) -> dt.date:
    return dt.date(day.year if day.month <= 6 else day.year + 1, 6, 30)


def _due_day(record_type: str) -> dt.date:
    """The first day the default rule makes a record anchored on ANCHOR due, by the calendar: the anchor (its school
    year's end, for a rule counted from it) plus the years; 29 February plus years is 1 March in a common year."""
    rule = DEFAULTS[record_type]
    anchor = _school_year_end(ANCHOR) if rule.counted_from == CountedFrom.SCHOOL_YEAR_END else ANCHOR
    try:
        return anchor.replace(year=anchor.year + rule.keep_years)
    except ValueError:
        return dt.date(anchor.year + rule.keep_years, 3, 1)


# --- one record of each type, anchored on ANCHOR --------------------------------------------------------------------


def _concern(world: World, teacher: User, **_: object) -> None:
    concern = report_actions.record_concern(by=teacher, child=world.child, concern=concern_input())
    Concern.objects.filter(pk=concern.pk).update(status="closed", closed_at=_noon(ANCHOR))


def _consultation(world: World, kurator: User, **_: object) -> None:
    Consultation.objects.create(
        municipality=world.municipality, unit=world.school, asked_by=kurator, asked_at=_noon(ANCHOR), age_band="6-9",
        question="Hur gör vi?",
    )  # fmt: skip


def _report(world: World, principal: User, social_worker: User, **_: object) -> None:
    report = report_actions.file_report(by=principal, child=world.child, report=report_input())
    ReportAssessment.objects.update_or_create(
        report=report,
        defaults={"municipality": report.municipality, "received_at": _noon(ANCHOR), "received_by": social_worker,
                  "decided_at": _noon(ANCHOR),
                  "decision": "not_opened"},
    )  # fmt: skip


def _tsi_case(consented_case: TsiCase, **_: object) -> None:  # noqa: F811
    TsiCase.objects.filter(pk=consented_case.pk).update(stage="closed", closed_at=_noon(ANCHOR), closure_reason="other")


def _absence(world: World, **_: object) -> None:
    AbsenceRecord.objects.create(
        municipality=world.municipality, child=world.child, unit=world.school, day=ANCHOR, minutes=60, kind=1,
        source_id="r1",
    )  # fmt: skip


def _indicator(world: World, **_: object) -> None:
    AbsenceIndicator.objects.create(
        municipality=world.municipality, child=world.child, unit=world.school, computed_on=ANCHOR
    )


def _investigation(world: World, principal: User, **_: object) -> None:
    investigation = AbsenceInvestigation.objects.create(
        municipality=world.municipality, child=world.child, unit=world.school, opened_by=principal
    )
    AbsenceInvestigation.objects.filter(pk=investigation.pk).update(status="closed", closed_at=_noon(ANCHOR))


def _survey_answers(world: World, coordinator: User, group, **_: object) -> None:  # type: ignore[no-untyped-def]
    from kring.prevention.models import SurveyWave
    from tests.prevention import surveys

    series = surveys.survey(coordinator)
    wave_class = surveys.add_class(series, "before", group, coordinator)
    surveys.answers(wave_class, 3, positive=0.5)
    SurveyWave.objects.filter(pk=wave_class.wave_id).update(opens_on=ANCHOR - dt.timedelta(days=10), closes_on=ANCHOR)


MAKERS: dict[str, Callable[..., None]] = {
    RecordType.CONCERN: _concern,
    RecordType.CONSULTATION: _consultation,
    RecordType.REPORT: _report,
    RecordType.TSI_CASE: _tsi_case,
    RecordType.ABSENCE: _absence,
    RecordType.ABSENCE_INDICATOR: _indicator,
    RecordType.INVESTIGATION: _investigation,
    RecordType.SURVEY_ANSWERS: _survey_answers,
}


def _count(record_type: str, world: World) -> int:
    return KINDS[record_type].rows(world.municipality.pk).count()


@pytest.mark.parametrize("record_type", list(MAKERS))
def test_each_record_type_is_cleared_on_its_day_and_not_a_day_before(
    record_type: str, world: World, request: pytest.FixtureRequest
) -> None:
    needs = {"teacher", "kurator", "principal", "social_worker", "coordinator", "group", "consented_case"}
    fixtures = {
        name: request.getfixturevalue(name) for name in needs if name in MAKERS[record_type].__code__.co_varnames
    }
    MAKERS[record_type](world=world, **fixtures)
    assert _count(record_type, world) >= 1
    day = _due_day(record_type)
    before = _count(record_type, world)

    with time_machine.travel(_noon(day - dt.timedelta(days=1)), tick=False):
        out = StringIO()
        call_command("retention", municipality=world.municipality.code, stdout=out)
        assert _count(record_type, world) == before, out.getvalue()

    with time_machine.travel(_noon(day), tick=False):
        listed = {item.rule.record_type: item.count for item in due_now(world.municipality, timezone.localdate())}
        assert listed[record_type] == before  # the dry run lists what the run clears
        dry = StringIO()
        call_command("retention", "--dry-run", municipality=world.municipality.code, stdout=dry)
        assert _count(record_type, world) == before
        call_command("retention", municipality=world.municipality.code, batch=2, stdout=StringIO())
    assert _count(record_type, world) == 0
    events = AuditEvent.objects.filter(target_type="retention", details__record_type=record_type)
    assert sum(event.details["count"] for event in events) == before
    assert all(set(event.details) == {"record_type", "count", "rule", "today"} for event in events)
    assert verify_chain().ok


def test_an_open_case_is_never_cleared(world: World, consented_case: TsiCase) -> None:  # noqa: F811
    TsiCase.objects.filter(pk=consented_case.pk).update(requested_at=_noon(ANCHOR))
    rule = RetentionRule.objects.get(pk=rules_of(world.municipality)[list(DEFAULTS).index(RecordType.TSI_CASE)].pk)
    rule.counted_from, rule.keep_years = CountedFrom.RECORDED, 0
    rule.save()
    assert {i.rule.record_type: i.count for i in due_now(world.municipality, TODAY)}[RecordType.TSI_CASE] == 0


def test_every_municipality_gets_the_default_rules_with_their_source(world: World) -> None:
    rules = rules_of(world.municipality)
    assert [rule.record_type for rule in rules] == list(DEFAULTS)
    assert all(rule.source for rule in rules)
    assert len(rules_of(world.municipality)) == len(DEFAULTS) == RetentionRule.objects.count()


def test_survey_answers_leave_with_their_answers(world: World, coordinator: User, group) -> None:  # type: ignore[no-untyped-def]
    from kring.prevention.models import SurveyAnswer

    _survey_answers(world, coordinator, group)
    assert SurveyAnswer.objects.exists()
    with time_machine.travel(_noon(_due_day(RecordType.SURVEY_ANSWERS)), tick=False):
        call_command("retention", stdout=StringIO())
    assert not SurveyResponse.objects.exists() and not SurveyAnswer.objects.exists()
    assert ReportOfConcern.objects.count() == 0  # nothing else was touched


def test_a_rule_counted_from_the_childs_birth_keeps_a_report_for_30_years(
    world: World, principal: User, social_worker: User
) -> None:
    """Prop. 2025/26:12: certain documents kept 30 years from the child's birth."""
    _report(world, principal, social_worker)
    rule = next(r for r in rules_of(world.municipality) if r.record_type == RecordType.REPORT)
    rule.counted_from, rule.keep_years = CountedFrom.BIRTH, 30
    rule.save()
    born = world.child.birth_date
    thirty = born.replace(year=born.year + 30) if (born.month, born.day) != (2, 29) else dt.date(born.year + 30, 3, 1)
    counts = {
        day: {i.rule.record_type: i.count for i in due_now(world.municipality, day)}[RecordType.REPORT]
        for day in (thirty - dt.timedelta(days=1), thirty)
    }
    assert list(counts.values()) == [0, 1]


@pytest.mark.parametrize("record_type", [kind for kind in MAKERS if KINDS[kind].tally is not None])
def test_a_rule_that_anonymises_keeps_only_the_counts_by_year_and_kind(
    record_type: str, world: World, request: pytest.FixtureRequest
) -> None:
    needs = {"teacher", "kurator", "principal", "social_worker", "coordinator", "group", "consented_case"}
    fixtures = {
        name: request.getfixturevalue(name) for name in needs if name in MAKERS[record_type].__code__.co_varnames
    }
    MAKERS[record_type](world=world, **fixtures)
    rules_of(world.municipality)
    RetentionRule.objects.filter(record_type=record_type).update(action=RetentionAction.ANONYMISE)
    before = _count(record_type, world)
    with time_machine.travel(_noon(_due_day(record_type)), tick=False):
        call_command("retention", municipality=world.municipality.code, batch=2, stdout=StringIO())
    assert _count(record_type, world) == 0
    kept = AnonymousCount.objects.filter(municipality=world.municipality, record_type=record_type)
    assert sum(kept.values_list("count", flat=True)) == before and kept.exists()
    assert all(1990 < count.year < 2100 for count in kept)
    assert verify_chain().ok


def test_survey_answers_are_anonymous_already_and_cannot_be_anonymised(world: World, coordinator: User) -> None:
    from kring.casework.workflow import WorkflowError
    from kring.records.retention.actions import RuleInput, save_rule

    archivist = _archivist(world)
    rule = next(rule for rule in rules_of(world.municipality) if rule.record_type == RecordType.SURVEY_ANSWERS)
    with pytest.raises(WorkflowError):
        save_rule(by=archivist, rule=rule, given=RuleInput(2, CountedFrom.RECORDED, RetentionAction.ANONYMISE, "DHP"))


def test_the_archivist_sees_the_anonymous_counts_with_small_ones_suppressed(world: World, client) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import login

    for year, kind, count in (
        (2019, "wellbeing", 12),
        (2019, "absence", 2),
        (2020, "wellbeing", 9),
        (2020, "absence", 7),
    ):
        AnonymousCount.objects.create(
            municipality=world.municipality, record_type=RecordType.CONCERN, year=year, kind=kind, count=count
        )
    response = login(client, _archivist(world)).get("/records/retention/")
    page = response.content.decode()
    assert response.status_code == 200 and "<caption>" in page, page[-3000:]
    assert '<th scope="col">2019</th>' in page and '<th scope="col">2020</th>' in page
    assert ">2<" not in page and "<td>–</td>" in page  # 2 is suppressed, and enough others that it cannot be computed


def _archivist(world: World) -> User:
    from tests.conftest import _staff
    from tests.factories import UnitFactory

    office = UnitFactory(organisation=world.school.organisation, name="Arkivet", school_forms=[], grades=[])
    return _staff(world.municipality, office, "archivist", "arkivarie@kommun.example")

"""Concerns, anonymous consultations and reports of concern: rules, who sees what, deadlines."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.utils import timezone

from kring.access.models import AuditAction, AuditEvent
from kring.access.policy import basis_for, visible_to
from kring.casework.models import (
    Concern,
    ConcernStatus,
    Consultation,
    ConsultationStatus,
    ReportAssessment,
    ReportFeedback,
    ReportOfConcern,
)
from kring.casework.reports import actions, deadlines
from kring.casework.workflow import WorkflowError
from kring.directory.models import Unit, UnitKind, User
from tests.conftest import World, _staff
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def other_social_worker(world: World) -> User:
    unit = UnitFactory(
        organisation=world.social_services.organisation, name="Vuxenenheten", kind=UnitKind.SOCIAL_SERVICES_UNIT
    )
    return _staff(world.municipality, unit, "social_worker", "vuxen@kommun.example")


@pytest.fixture
def colleague(world: World) -> User:
    """Another teacher at Alva's school."""
    return _staff(world.municipality, world.school, "teacher", "kollega@kommun.example")


@pytest.fixture
def concern(world: World, teacher) -> Concern:  # type: ignore[no-untyped-def]
    return actions.record_concern(
        by=teacher,
        child=world.child,
        concern=actions.ConcernInput("wellbeing", "Alva gråter ofta på rasterna.", TODAY, "Jag, på skolgården"),
    )


REPORT = actions.ReportInput(
    what_happened="Alva berättar att det är bråk hemma varje kväll.",
    when_and_where="I klassrummet, måndag, till mentor",
    guardians_informed=True,
    urgency="normal",
    child_words="Jag vill inte gå hem.",
)


@pytest.fixture
def report(world: World, principal, social_worker) -> ReportOfConcern:  # type: ignore[no-untyped-def]
    return actions.file_report(by=principal, child=world.child, report=REPORT)


def test_a_concern_reaches_its_reporter_the_principal_and_student_health_only(
    concern, teacher, principal, kurator, colleague, other_teacher, social_worker, police_officer, outsider
) -> None:  # type: ignore[no-untyped-def]
    for user in (teacher, principal, kurator):
        assert list(visible_to(user, Concern.objects.all())) == [concern], user.email
    for user in (colleague, other_teacher, social_worker, police_officer, outsider):
        assert not visible_to(user, Concern.objects.all()).exists(), user.email
        assert basis_for(user, concern) is None


def test_a_teacher_cannot_triage_but_the_principal_can(concern, teacher, principal) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        actions.triage_concern(by=teacher, concern=concern, triage="student_health")
    actions.triage_concern(by=principal, concern=concern, triage="no_action", note="Pratat med Alva.")
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.CLOSED and concern.closed_at is not None


def test_a_concern_dated_in_the_future_is_refused(world: World, teacher) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkflowError):
        actions.record_concern(
            by=teacher,
            child=world.child,
            concern=actions.ConcernInput("other", "x", TODAY + dt.timedelta(days=1), "jag"),
        )


@pytest.mark.parametrize(
    ("category", "words", "expected"),
    [
        ("violence", "", True),
        ("wellbeing", "Pappa slår mig när han är arg", True),
        ("absence", "Jag är rädd att gå hem", True),
        ("absence", "Jag tycker inte om matte", False),
    ],
)
def test_suggests_harm_from_the_category_or_the_childs_words(category: str, words: str, expected: bool) -> None:
    assert actions.suggests_harm(category, words) is expected


@pytest.mark.parametrize(
    "question",
    [
        "Alva Testsson i 5B verkar ledsen, vad gör vi?",
        "Eleven Testsson är ofta borta.",
        "Det gäller 20120101-9807, vad ska vi göra?",
        "Gäller 120101-9807.",
    ],
)
def test_consultation_refuses_identifying_data(world: World, principal, social_worker, question: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkflowError) as error:
        actions.ask_consultation(by=principal, school=world.school, age_band="10-12", question=question)
    assert error.value.code == "identifying"
    assert not Consultation.objects.exists()


def test_consultation_reaches_the_schools_contact_persons_only(
    world: World, principal, social_worker, other_social_worker, other_teacher, police_officer, teacher
) -> None:  # type: ignore[no-untyped-def]
    consultation = actions.ask_consultation(
        by=principal, school=world.school, age_band="10-12", question="En elev i femman berättar om bråk hemma."
    )
    assert visible_to(social_worker, Consultation.objects.all()).get() == consultation
    for user in (other_social_worker, other_teacher, police_officer, teacher):
        assert not visible_to(user, Consultation.objects.all()).exists(), user.email

    actions.write_in_consultation(by=social_worker, consultation=consultation, text="Gör en orosanmälan.")
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.ANSWERED


def test_consultation_becomes_a_report_and_the_disclosure_is_audited(world: World, principal, social_worker) -> None:  # type: ignore[no-untyped-def]
    consultation = actions.ask_consultation(
        by=principal, school=world.school, age_band="10-12", question="En elev berättar om bråk hemma."
    )
    report = actions.report_from_consultation(by=principal, consultation=consultation, child=world.child, report=REPORT)

    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.REPORTED
    disclosure = AuditEvent.objects.get(target_type="consultation_disclosure")
    assert disclosure.child_id == world.child.pk
    assert disclosure.details == {"consultation": consultation.pk, "report": report.pk}


def test_report_goes_to_the_contact_persons_unit_and_not_elsewhere(
    report: ReportOfConcern, world: World, social_worker, other_social_worker, police_officer, other_teacher, teacher
) -> None:  # type: ignore[no-untyped-def]
    assert report.receiving_unit == world.social_services
    assert report.origin == "school"
    assert visible_to(social_worker, ReportOfConcern.objects.all()).get() == report
    for user in (other_social_worker, police_officer, other_teacher, teacher):
        assert not visible_to(user, ReportOfConcern.objects.all()).exists(), user.email


def test_the_reporter_sees_the_feedback_and_nothing_else_of_social_services_work(
    report: ReportOfConcern, principal, social_worker
) -> None:  # type: ignore[no-untyped-def]
    actions.receive_report(by=social_worker, report=report)
    actions.record_protection_assessment(by=social_worker, report=report, outcome="not_needed", note="Ingen akut fara.")
    actions.record_decision(by=social_worker, report=report, decision="opened", note="Utredning inleds.")
    actions.give_feedback(by=social_worker, report=report, kind="opened")

    assert visible_to(principal, ReportFeedback.objects.all()).count() == 1
    assert not visible_to(principal, ReportAssessment.objects.all()).exists()
    assert visible_to(social_worker, ReportAssessment.objects.all()).count() == 1


def test_police_file_a_report_and_see_only_it(world: World, police_officer, social_worker) -> None:  # type: ignore[no-untyped-def]
    report = actions.file_report(by=police_officer, child=world.child, report=REPORT)
    assert report.origin == "police"
    assert visible_to(police_officer, ReportOfConcern.objects.all()).get() == report
    from kring.people.models import Child

    assert not visible_to(police_officer, Child.objects.all()).exists()


def test_assessment_steps_are_in_order(report: ReportOfConcern, social_worker, principal) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkflowError):
        actions.record_decision(by=social_worker, report=report, decision="opened", note="")
    actions.receive_report(by=social_worker, report=report)
    with pytest.raises(WorkflowError):
        actions.record_decision(by=social_worker, report=report, decision="opened", note="")
    actions.record_protection_assessment(by=social_worker, report=report, outcome="not_needed", note="")
    actions.record_decision(by=social_worker, report=report, decision="not_opened", note="")
    with pytest.raises(WorkflowError):
        actions.give_feedback(by=social_worker, report=report, kind="opened")
    with pytest.raises(PermissionDenied):
        actions.give_feedback(by=principal, report=report, kind="not_opened")


def test_report_without_saying_why_guardians_were_not_told_is_refused(world: World, principal, social_worker) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkflowError):
        actions.file_report(
            by=principal,
            child=world.child,
            report=actions.ReportInput("x", "y", guardians_informed=False, urgency="urgent"),
        )
    assert not ReportOfConcern.objects.exists()


def test_a_failing_audit_write_leaves_no_half_saved_report(world: World, principal, social_worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(**kwargs: object) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(actions, "record_event", broken)
    with pytest.raises(RuntimeError):
        actions.file_report(by=principal, child=world.child, report=REPORT)
    assert not ReportOfConcern.objects.exists()


def test_deadlines_start_when_the_report_came_in_not_at_receipt(world: World, principal, social_worker) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False):  # a Friday
        report = actions.file_report(by=principal, child=world.child, report=REPORT)
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC), tick=False):  # received on Monday
        actions.receive_report(by=social_worker, report=report)
    report.refresh_from_db()
    assert report.protection_due == dt.date(2026, 11, 20)
    assert report.decision_due == dt.date(2026, 12, 4)
    clock = deadlines.clock(report.decision_due, done=False, today=dt.date(2026, 12, 5))
    assert clock.overdue and clock.days_left == -1


@override_settings(KRING_DEADLINE_SKIP_WEEKENDS=True)
def test_a_period_ending_on_a_weekend_moves_to_monday_when_configured() -> None:
    saturday = dt.date(2026, 11, 21)
    assert deadlines.decision_due(saturday) == dt.date(2026, 12, 7)  # 14 days later is a Saturday → Monday
    assert deadlines.protection_due(saturday) == saturday  # protection is assessed the same day, weekend or not


def test_reports_and_concerns_are_audited_with_their_basis(concern, report, teacher, principal) -> None:  # type: ignore[no-untyped-def]
    writes = AuditEvent.objects.filter(action=AuditAction.WRITE)
    assert writes.filter(target_type="concern", actor_id=teacher.pk).get().basis_kind == "placement"
    assert writes.filter(target_type="reportofconcern", actor_id=principal.pk).exists()


def test_schools_without_contact_persons_route_to_the_first_social_services_unit(world: World, principal) -> None:  # type: ignore[no-untyped-def]
    unit = actions.receiving_unit(world.child)
    assert isinstance(unit, Unit)
    assert unit.kind == UnitKind.SOCIAL_SERVICES_UNIT


def test_a_special_educator_does_not_see_concerns_about_a_child_with_protected_identity(
    world: World, principal
) -> None:  # type: ignore[no-untyped-def]
    special_educator = _staff(world.municipality, world.school, "special_educator", "spec@kommun.example")
    concern = actions.record_concern(
        by=principal,
        child=world.protected_child,
        concern=actions.ConcernInput("wellbeing", "Sigge verkar orolig.", TODAY, "Rektor"),
    )
    assert visible_to(principal, Concern.objects.all()).get() == concern
    assert not visible_to(special_educator, Concern.objects.all()).exists()
    assert basis_for(special_educator, concern) is None


def test_a_report_cannot_name_another_childs_concern(world: World, concern, principal, social_worker) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        actions.file_report(by=principal, child=world.protected_child, report=REPORT, concern=concern)


def test_a_pupils_first_name_written_as_a_name_is_refused_too(world: World, principal, social_worker) -> None:  # type: ignore[no-untyped-def]
    assert actions.identifying_data("Alva är ledsen på rasterna.", world.school) == ["Alva"]
    assert actions.identifying_data("En elev i femman är ledsen på rasterna.", world.school) == []


def test_a_reporter_cannot_act_on_their_report_through_another_basis_for_the_child(
    world: World, report: ReportOfConcern, social_worker, principal
) -> None:  # type: ignore[no-untyped-def]
    own = actions.file_report(by=social_worker, child=world.child, report=REPORT)
    other_unit = UnitFactory(
        organisation=world.social_services.organisation, name="Mottagningen", kind=UnitKind.SOCIAL_SERVICES_UNIT
    )
    ReportOfConcern.objects.filter(pk=own.pk).update(receiving_unit=other_unit, reporter_unit=other_unit)
    own.refresh_from_db()
    with pytest.raises(PermissionDenied):
        actions.receive_report(by=social_worker, report=own)
    actions.receive_report(by=social_worker, report=report)

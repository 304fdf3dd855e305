"""The demo municipality's TSI cases: every stage, written through the casework actions by the demo users, seen
by the right demo logins and by no one else."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from django.core.cache import cache
from django.db.models import QuerySet
from django.test import Client
from django.utils import timezone

from kring.access.audit import verify_chain
from kring.access.models import AuditEvent
from kring.access.roles import Role
from kring.casework.models import (
    CaseStage,
    ClosureReason,
    DeclineAdvice,
    FocusArea,
    FollowUp,
    MeetingKind,
    Occasion,
    ParticipantRole,
    TsiCase,
)
from kring.casework.tsi.actions import active_consent, custodial_guardians
from kring.casework.tsi.queries import work_list_for_user
from kring.demo.cases import AUDIT_REQUEST_ID, SHOWCASE, WEIGHTS, scenarios_for
from kring.demo.generator import DemoResult
from kring.demo.past_cases import PAST_REASON
from kring.demo.plan import SIZES
from kring.directory.models import Membership, UnitKind, User
from kring.people.models import Placement
from tests.conftest import login


@pytest.fixture
def small_demo(shared_small_demo: DemoResult) -> DemoResult:
    """Every test here reads the small demo and seeds nothing itself: one seed for the module."""
    return shared_small_demo


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def _user(result: DemoResult, role: str) -> User:
    return User.objects.get(email=result.login_for(role).email)


def _current() -> QuerySet[TsiCase]:
    """The demo's cases of today, not its past ones (closed long ago, for the evaluation)."""
    return TsiCase.objects.exclude(reason=PAST_REASON)


def _cases(result: DemoResult) -> list[TsiCase]:
    return list(_current().filter(municipality=result.municipality).select_related("child", "team"))


def _school_of(result: DemoResult) -> int:
    return _user(result, Role.TEACHER).memberships.get().unit_id


# What the small seed holds


def test_small_seed_has_about_twelve_cases_in_every_stage(small_demo: DemoResult) -> None:
    cases = _cases(small_demo)

    assert len(cases) == SIZES["small"].tsi_cases == 12
    assert {case.stage for case in cases} == set(CaseStage.values)
    assert small_demo.counts["tsi_cases"] == 12
    assert sum(small_demo.counts[f"tsi_{stage}"] for stage in CaseStage.values) == 12


def test_one_case_is_closed_because_a_guardian_withdrew_consent(small_demo: DemoResult) -> None:
    case = _current().get(municipality=small_demo.municipality, closure_reason=ClosureReason.CONSENT_WITHDRAWN)

    consent = case.consents.get()
    assert case.stage == CaseStage.CLOSED
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_by_id in {guardian.pk for guardian in custodial_guardians(case.child)}
    assert active_consent(case) is None
    assert case.closed_at is not None
    assert consent.given_on < timezone.localdate(case.closed_at) < timezone.localdate()


def test_one_request_is_declined_with_the_advice_to_report_a_concern(small_demo: DemoResult) -> None:
    declined = _current().filter(municipality=small_demo.municipality, stage=CaseStage.DECLINED)

    assert declined.filter(decline_advice=DeclineAdvice.REPORT_OF_CONCERN).count() == 1
    assert "orosanmälan" in declined.get(decline_advice=DeclineAdvice.REPORT_OF_CONCERN).assessment_note


def test_accepted_case_has_its_information_meeting_booked(small_demo: DemoResult) -> None:
    case = _current().get(municipality=small_demo.municipality, stage=CaseStage.INFORMATION)

    meeting = case.meetings.get(kind=MeetingKind.INFORMATION)
    assert meeting.starts_at > timezone.now()
    assert not case.consents.exists()


def test_active_cases_have_consent_stories_needs_in_all_three_areas_and_interventions(
    small_demo: DemoResult,
) -> None:
    active = _current().filter(municipality=small_demo.municipality, stage=CaseStage.ACTIVE)

    assert active.count() == 2
    for case in active:
        assert active_consent(case) is not None
        assert case.stories.count() == 3
        assert set(case.needs.values_list("area", flat=True)) == set(FocusArea.values)
        assert set(case.interventions.values_list("area", flat=True)) == set(FocusArea.values)


def test_follow_up_cases_have_a_plan_a_network_meeting_and_improving_outcomes(small_demo: DemoResult) -> None:
    cases = _current().filter(municipality=small_demo.municipality, stage=CaseStage.FOLLOW_UP)

    for case in cases:
        plan = case.plan_versions.get()
        assert all(goal["child_words"] for goal in plan.goals)
        network = case.meetings.get(kind=MeetingKind.NETWORK)
        assert network.held and network.neutral_arena
        assert network.participants.filter(role=ParticipantRole.TRUSTED_ADULT, attended=True).exists()
        start = case.outcomes.get(occasion=Occasion.START)
        later = case.outcomes.get(occasion=Occasion.FOLLOW_UP)
        assert start.measured_on < later.measured_on
        assert later.attendance_percent > start.attendance_percent  # type: ignore[operator]
        assert later.home_conflicts < start.home_conflicts  # type: ignore[operator]
        assert later.listened_to > start.listened_to  # type: ignore[operator]
    overdue = FollowUp.objects.filter(case__in=cases, done_on__isnull=True, due_on__lt=timezone.localdate())
    assert overdue.count() == 1


def test_closed_cases_with_goals_reached_were_followed_up_to_the_end(small_demo: DemoResult) -> None:
    cases = _current().filter(municipality=small_demo.municipality, closure_reason=ClosureReason.GOALS_REACHED)

    assert cases.count() == 2
    for case in cases:
        assert not case.follow_ups.filter(done_on__isnull=True).exists()
        assert set(case.outcomes.values_list("occasion", flat=True)) == set(Occasion.values)


def test_cases_are_requested_from_the_childs_school_by_its_principal_or_kurator(small_demo: DemoResult) -> None:
    today = timezone.localdate()

    for case in _cases(small_demo):
        assert case.team.kind == UnitKind.JOINT_TEAM
        assert not case.child.protected_identity
        assert Placement.objects.filter(child=case.child, unit=case.requesting_unit, start_date__lte=today).exists()
        roles = Membership.objects.filter(user=case.requested_by, unit=case.requesting_unit)
        assert {Role.PRINCIPAL, Role.KURATOR} & set(roles.values_list("role", flat=True))
        assert custodial_guardians(case.child)


def test_the_demo_school_side_and_team_side_are_the_demo_logins(small_demo: DemoResult) -> None:
    school = _school_of(small_demo)
    principal, kurator = _user(small_demo, Role.PRINCIPAL), _user(small_demo, Role.KURATOR)
    tsi = _user(small_demo, Role.TSI_TEAM_MEMBER)
    team = tsi.memberships.get(role=Role.TSI_TEAM_MEMBER).unit

    assert principal.memberships.filter(unit_id=school, role=Role.PRINCIPAL).exists()
    assert kurator.memberships.filter(unit_id=school, role=Role.KURATOR).exists()
    assert team.kind == UnitKind.JOINT_TEAM and team.name.startswith("Kompassen")
    for case in _cases(small_demo):
        assert case.requesting_unit_id == school
        assert case.requested_by in (principal, kurator)
        assert case.team == team
        assert case.lead in (None, tsi)


def test_days_in_stage_look_real(small_demo: DemoResult) -> None:
    now = timezone.now()
    cases = _cases(small_demo)

    for case in cases:
        assert case.requested_at <= case.stage_since < now
    assert sum((now - case.stage_since).days > 0 for case in cases) >= 10
    assert max((now - case.requested_at).days for case in cases) > 60


def test_seeding_writes_real_audit_events_as_the_demo_users(small_demo: DemoResult) -> None:
    events = AuditEvent.objects.filter(request_id=AUDIT_REQUEST_ID)
    actors = set(events.values_list("actor_label", flat=True))

    assert events.count() > 100
    assert actors == {f"{local}@demokommun.example" for local in ("rektor", "kurator", "tsi")}
    assert not events.filter(basis_kind="").exists()
    assert verify_chain().ok


# What the demo logins see


def test_demo_tsi_login_sees_every_case_in_the_work_list(client: Client, small_demo: DemoResult) -> None:
    login(client, _user(small_demo, Role.TSI_TEAM_MEMBER))
    client.get("/")

    response = client.get("/cases/", {"closed": "1"})

    page = response.content.decode()
    assert response.status_code == 200
    for case in _cases(small_demo):
        assert f'href="/cases/{case.pk}/"' in page
    assert "Overdue" in page or "Försenad" in page


def test_demo_tsi_login_opens_a_case_in_follow_up(client: Client, small_demo: DemoResult) -> None:
    case = _current().filter(municipality=small_demo.municipality, stage=CaseStage.FOLLOW_UP).first()
    assert case is not None
    login(client, _user(small_demo, Role.TSI_TEAM_MEMBER))
    client.get("/")

    response = client.get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    assert case.child.last_name in response.content.decode()


def test_demo_teacher_sees_none_of_the_cases(client: Client, small_demo: DemoResult) -> None:
    teacher = _user(small_demo, Role.TEACHER)
    login(client, teacher)
    client.get("/")

    assert client.get("/cases/", {"closed": "1"}).status_code == 404
    assert work_list_for_user(teacher, include_closed=True).rows == []
    for case in _cases(small_demo):
        assert client.get(f"/cases/{case.pk}/").status_code == 404


def test_demo_principal_sees_the_request_of_a_case_from_their_school(client: Client, small_demo: DemoResult) -> None:
    principal = _user(small_demo, Role.PRINCIPAL)
    case = _current().filter(municipality=small_demo.municipality, stage=CaseStage.REQUESTED).get()
    assert case.requesting_unit_id == _school_of(small_demo)
    login(client, principal)
    client.get("/")

    response = client.get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    assert case.reason.splitlines()[0][:40] in response.content.decode()
    assert case.pk in {row.case.pk for row in work_list_for_user(principal).rows}


# Sizes and determinism


def test_the_case_mix_has_the_showcase_first_and_the_weights_after() -> None:
    scenarios = scenarios_for(150, random.Random(1))
    extra = Counter(scenarios[len(SHOWCASE) :])

    assert len(scenarios) == 150
    assert tuple(scenarios[: len(SHOWCASE)]) == SHOWCASE
    assert set(extra) == set(WEIGHTS)
    assert scenarios_for(12, random.Random(1)) == list(SHOWCASE)
    assert scenarios_for(0, random.Random(1)) == []
    assert [SIZES[size].tsi_cases for size in ("tiny", "small", "medium", "large")] == [0, 12, 150, 1000]

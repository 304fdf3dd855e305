"""A basis from a TSI case reaches that case only, ends with it, and belongs to the unit, not to the person who once
asked (issue 12, 1.1–1.2; ADR 0007). The world: Alva's school Ekskolan asked Magneten for help; Alva then also
goes to Björkskolan, whose kurator asks Magneten again."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone, translation

from kring.access.models import AuditAction, AuditEvent
from kring.access.policy import bases_for_children, basis_among, basis_for, routine_basis_kinds, visible_to
from kring.access.roles import Category, Origin
from kring.casework.models import CaseStage, OutcomeMeasure, PlanVersion, TsiCase
from kring.casework.tsi import actions
from kring.casework.tsi.queries import case_view_for_user
from kring.casework.workflow import WorkflowError
from kring.directory.models import Membership, Unit, User
from kring.people.models import Child, Custody, Placement
from tests.casework.conftest import TODAY
from tests.conftest import World, _staff, login
from tests.factories import PlacementFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _plan(case: TsiCase, member: User) -> PlanVersion:
    return actions.agree_plan(
        by=member,
        case=case,
        plan=actions.PlanInput(
            TODAY, [{"text": "Läsa varje dag"}], [{"text": "Åtgärd"}], TODAY + dt.timedelta(days=30), "Teamet"
        ),
    )


@pytest.fixture
def other_school_kurator(world: World) -> User:
    PlacementFactory(child=world.child, unit=world.other_school)
    return _staff(world.municipality, world.other_school, "kurator", "kurator.bjork@kommun.example")


@pytest.fixture
def second_case(consented_case: TsiCase, tsi_member: User, other_school_kurator: User, tsi_team: Unit) -> TsiCase:
    """The first case closes; Björkskolan asks Magneten again for the same child."""
    actions.close_case(by=tsi_member, case=consented_case, reason="goals_reached")
    case = actions.request_tsi(by=other_school_kurator, child=consented_case.child, team=tsi_team, reason="Igen.")
    assert case.requesting_unit == consented_case.child.placements.get(unit__name="Björkskolan").unit
    return case


def test_case_school_basis_reaches_its_own_case_only_when_another_school_asks_again(
    client: Client, consented_case: TsiCase, second_case: TsiCase, principal: User
) -> None:
    assert list(visible_to(principal, TsiCase.objects.all())) == [consented_case]
    assert basis_for(principal, second_case) is None
    response = login(client, principal).get(f"/cases/{second_case.pk}/")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(
        action=AuditAction.READ, actor_id=principal.pk, target_id=str(second_case.pk)
    ).exists()


def test_case_school_basis_of_a_declined_request_reaches_no_later_case(
    client: Client, world: World, requested_case: TsiCase, tsi_member: User, tsi_team: Unit, principal: User,
    other_school_kurator: User,
) -> None:  # fmt: skip
    actions.assess_request(
        by=tsi_member, case=requested_case, decision=actions.Decision.DECLINE, note="Nej.", advice="student_health"
    )
    later = actions.request_tsi(by=other_school_kurator, child=world.child, team=tsi_team, reason="Vi frågar.")

    assert list(visible_to(principal, TsiCase.objects.all())) == [requested_case]
    assert basis_for(principal, later) is None
    assert login(client, principal).get(f"/cases/{later.pk}/").status_code == 404


def test_case_school_basis_belongs_to_the_unit_not_to_the_person_who_asked(
    world: World, tsi_team: Unit, kurator: User
) -> None:
    case = actions.request_tsi(by=kurator, child=world.child, team=tsi_team, reason="Alva mår dåligt.")
    Membership.objects.filter(user=kurator).update(active=False)  # the kurator leaves Ekskolan
    kurator = User.objects.get(pk=kurator.pk)

    assert basis_for(kurator, case) is None
    assert visible_to(kurator, TsiCase.objects.all()).count() == 0


def test_case_team_basis_reaches_its_own_teams_cases_only(
    world: World, consented_case: TsiCase, principal: User, tsi_member: User
) -> None:
    other_team = UnitFactory(organisation=world.school.organisation, name="Annat team", kind="joint_team")
    other_member = _staff(world.municipality, other_team, "tsi_team_member", "annat@kommun.example")
    theirs = actions.request_tsi(by=principal, child=world.child, team=other_team, reason="Också här.")

    assert list(visible_to(tsi_member, TsiCase.objects.all())) == [consented_case]
    assert list(visible_to(other_member, TsiCase.objects.all())) == [theirs]
    assert basis_for(tsi_member, theirs) is None


def test_closing_a_case_ends_the_schools_view_of_the_teams_records(
    client: Client, consented_case: TsiCase, tsi_member: User, principal: User
) -> None:
    plan = _plan(consented_case, tsi_member)
    assert basis_for(principal, plan) is not None

    actions.close_case(by=tsi_member, case=consented_case, reason="goals_reached")
    principal = User.objects.get(pk=principal.pk)

    assert basis_for(principal, plan) is None
    assert visible_to(principal, PlanVersion.objects.all()).count() == 0
    assert list(visible_to(principal, TsiCase.objects.all())) == [consented_case]  # the closure of its request
    body = login(client, principal).get(f"/cases/{consented_case.pk}/").content.decode()
    assert "Läsa varje dag" not in body


def test_closed_case_team_records_are_kept_read_only_and_their_reads_are_not_routine(
    consented_case: TsiCase, tsi_member: User
) -> None:
    plan = _plan(consented_case, tsi_member)
    actions.close_case(by=tsi_member, case=consented_case, reason="goals_reached")
    tsi_member = User.objects.get(pk=tsi_member.pk)

    basis = basis_for(tsi_member, plan)

    assert basis is not None and basis.kind == "case_team_record"
    assert basis.kind not in routine_basis_kinds() and "case_team" in routine_basis_kinds()
    with pytest.raises(WorkflowError):
        actions.agree_plan(
            by=tsi_member,
            case=consented_case,
            plan=actions.PlanInput(TODAY, [{"text": "Nytt"}], [{"text": "Nytt"}], TODAY, "Teamet"),
        )


def test_closed_case_takes_no_new_outcome_data(consented_case: TsiCase, tsi_member: User) -> None:
    actions.close_case(by=tsi_member, case=consented_case, reason="goals_reached")
    assert consented_case.stage == CaseStage.CLOSED

    with pytest.raises((WorkflowError, PermissionDenied)):
        actions.record_outcome(
            by=tsi_member,
            case=consented_case,
            outcome=actions.OutcomeInput(TODAY, "closure", 95, 1, 5),
        )
    assert not OutcomeMeasure.objects.filter(case=consented_case).exists()


# --- every status is true (issue 12, section 3) --------------------------------------------------------------------


def test_status_meeting_step_is_ticked_only_once_the_meeting_has_taken_place(
    accepted_case: TsiCase, tsi_member: User
) -> None:
    meeting = actions.book_meeting(
        by=tsi_member, case=accepted_case, kind="information", starts_at=timezone.now() + dt.timedelta(days=3),
        place="Skolan", neutral_arena=False,
    )  # fmt: skip

    def information_step_done() -> bool:
        steps = case_view_for_user(tsi_member, accepted_case.pk).steps
        return next(step for step in steps if step.label.startswith("Information")).done

    with translation.override("en"):
        before = information_step_done()
        with time_machine.travel(meeting.starts_at + dt.timedelta(hours=1), tick=False):
            after = information_step_done()

    assert (before, after) == (False, True)


def test_status_meeting_notes_only_for_a_meeting_that_has_begun(accepted_case: TsiCase, tsi_member: User) -> None:
    meeting = actions.book_meeting(
        by=tsi_member, case=accepted_case, kind="information", starts_at=timezone.now() + dt.timedelta(days=3),
        place="Skolan", neutral_arena=False,
    )  # fmt: skip

    with pytest.raises(WorkflowError):
        actions.record_meeting_notes(by=tsi_member, meeting=meeting, notes="Det gick bra.", attended_ids=[])
    meeting.refresh_from_db()
    assert not meeting.held and meeting.notes == ""


def test_before_consent_team_sees_the_request_and_the_childs_name_and_school_only(
    client: Client, accepted_case: TsiCase, tsi_member: User, guardians: list, world: World
) -> None:  # type: ignore[type-arg]
    child = accepted_case.child
    assert visible_to(tsi_member, TsiCase.objects.all()).get() == accepted_case
    assert visible_to(tsi_member, Child.objects.all()).get() == child
    assert visible_to(tsi_member, Placement.objects.filter(child=child)).exists()
    assert not visible_to(tsi_member, Custody.objects.filter(child=child)).exists()
    with translation.override("en"):
        basis = basis_for(tsi_member, child)
    assert basis is not None and "OSL 12 kap 1–2 §" in basis.legal_reference
    assert "the request and the child's name and school only" in basis.reason

    login(client, tsi_member)
    overview = client.get(f"/children/{child.pk}/").content.decode()
    assert "OSL 12 kap 1–2 §" in overview
    assert guardians[0].full_name not in overview  # (the surname alone may be the logged-in member's too)


def test_before_consent_team_own_origin_does_not_open_student_health_categories(
    accepted_case: TsiCase, tsi_member: User
) -> None:

    bases = bases_for_children(tsi_member, [accepted_case.child_id])[accepted_case.child_id]

    assert basis_among(bases, Origin.STUDENT_HEALTH, Category.REQUEST) is not None
    for category in (Category.CASE_NOTE, Category.NEEDS, Category.PLAN, Category.STORY, Category.CONSULTATION):
        assert basis_among(bases, Origin.STUDENT_HEALTH, category) is None, category
    assert basis_among(bases, Origin.SCHOOL, Category.ATTENDANCE) is None
    assert basis_among(bases, "", Category.GUARDIANS) is None


def test_after_consent_team_sees_the_guardians_and_what_the_consent_covers(
    consented_case: TsiCase, tsi_member: User
) -> None:
    bases = bases_for_children(tsi_member, [consented_case.child_id])[consented_case.child_id]

    assert visible_to(tsi_member, Custody.objects.filter(child=consented_case.child)).exists()
    assert basis_among(bases, Origin.STUDENT_HEALTH, Category.NEEDS) is not None  # consented: party and category
    assert basis_among(bases, Origin.STUDENT_HEALTH, Category.CASE_NOTE) is None  # not consented


def test_status_plan_cannot_be_agreed_before_the_network_meeting_it_comes_from(
    consented_case: TsiCase, tsi_member: User
) -> None:
    tomorrow = timezone.now() + dt.timedelta(days=1)
    meeting = actions.book_meeting(
        by=tsi_member, case=consented_case, kind="network", starts_at=tomorrow, place="Biblioteket",
        neutral_arena=True,
    )  # fmt: skip

    def plan(agreed_on: dt.date) -> actions.PlanInput:
        return actions.PlanInput(
            agreed_on, [{"text": "Mål"}], [{"text": "Åtgärd"}], agreed_on + dt.timedelta(days=30), "Teamet", meeting
        )

    with pytest.raises(WorkflowError) as not_yet:
        actions.agree_plan(by=tsi_member, case=consented_case, plan=plan(TODAY))
    assert not_yet.value.code == "before_meeting"
    with pytest.raises(WorkflowError) as future:
        actions.agree_plan(by=tsi_member, case=consented_case, plan=plan(TODAY + dt.timedelta(days=1)))
    assert future.value.code == "future"

    with time_machine.travel(tomorrow + dt.timedelta(hours=2), tick=False):
        with pytest.raises(WorkflowError) as before:
            actions.agree_plan(by=tsi_member, case=consented_case, plan=plan(TODAY))
        assert before.value.code == "before_meeting"
        version = actions.agree_plan(by=tsi_member, case=consented_case, plan=plan(timezone.localdate()))
    assert version.meeting == meeting


@pytest.mark.parametrize("agreed", [True, False])
def test_closing_a_case_final_plan_stays_with_the_school_only_if_the_guardians_agreed(
    accepted_case: TsiCase, tsi_member: User, principal: User, guardians: list, agreed: bool
) -> None:  # type: ignore[type-arg]
    from tests.casework.conftest import consent_input

    actions.record_consent(
        by=tsi_member, case=accepted_case, given=consent_input(guardians, final_plan_to_school=agreed)
    )
    _plan(accepted_case, tsi_member)
    actions.close_case(by=tsi_member, case=accepted_case, reason="goals_reached")

    plans = visible_to(principal, PlanVersion.objects.filter(case=accepted_case))
    assert plans.count() == (1 if agreed else 0)
    assert visible_to(principal, TsiCase.objects.filter(pk=accepted_case.pk)).exists()  # the closure, always
    from kring.casework.models import Meeting, Story

    assert not visible_to(principal, Story.objects.all()).exists()
    assert not visible_to(principal, Meeting.objects.all()).exists()
    with translation.override("en"):
        basis = basis_for(principal, plans.first()) if agreed else None
    assert (basis is not None and "final plan" in basis.reason) if agreed else basis is None


def test_closing_a_case_by_withdrawal_leaves_the_school_no_final_plan(
    accepted_case: TsiCase, tsi_member: User, principal: User, guardians: list
) -> None:  # type: ignore[type-arg]
    from tests.casework.conftest import consent_input

    consent = actions.record_consent(
        by=tsi_member, case=accepted_case, given=consent_input(guardians, final_plan_to_school=True)
    )
    _plan(accepted_case, tsi_member)
    actions.withdraw_consent(by=tsi_member, consent=consent, guardian=guardians[0])

    assert not visible_to(principal, PlanVersion.objects.all()).exists()

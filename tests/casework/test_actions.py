"""The TSI workflow rules live in the actions: each is tested here, with the audit event each write leaves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from kring.access.models import AuditAction, AuditEvent
from kring.casework.models import (
    CaseStage,
    ClosureReason,
    ConsentMethod,
    DeclineAdvice,
    MeetingKind,
    PlanVersion,
    TsiCase,
)
from kring.casework.tsi import actions
from kring.casework.tsi.actions import Decision
from kring.casework.workflow import WorkflowError
from tests.casework.conftest import TODAY, consent_input
from tests.factories import GuardianFactory

pytestmark = pytest.mark.django_db


def _plan(**overrides: object) -> actions.PlanInput:
    values: dict[str, object] = {
        "agreed_on": TODAY,
        "goals": [{"text": "Alva går till skolan varje dag", "child_words": "Jag vill orka gå till skolan"}],
        "actions": [{"text": "Mentor möter Alva vid entrén", "responsible": "Mentor", "due": TODAY.isoformat()}],
        "next_follow_up": TODAY + dt.timedelta(days=42),
        "overall_responsible": "TSI-teamet",
    }
    values.update(overrides)
    return actions.PlanInput(**values)  # type: ignore[arg-type]


def test_request_by_the_principal_opens_a_case_and_is_audited(requested_case: TsiCase, principal, world) -> None:  # type: ignore[no-untyped-def]
    assert requested_case.stage == CaseStage.REQUESTED
    assert requested_case.requesting_unit == world.school
    event = AuditEvent.objects.get(action=AuditAction.WRITE, target_type="tsi_tsicase")
    assert event.actor_id == principal.pk
    assert event.child_id == world.child.pk
    assert event.basis_kind == "placement"


def test_request_refused_for_a_teacher_and_a_principal_of_another_school(
    world, tsi_team, teacher, outsider, other_teacher
) -> None:  # type: ignore[no-untyped-def]
    for user in (teacher, other_teacher, outsider):
        with pytest.raises(PermissionDenied):
            actions.request_tsi(by=user, child=world.child, team=tsi_team, reason="x")
    assert not TsiCase.objects.exists()


def test_request_twice_to_the_same_team_is_refused(requested_case: TsiCase, principal, world, tsi_team) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkflowError):
        actions.request_tsi(by=principal, child=world.child, team=tsi_team, reason="igen")


def test_decline_needs_advice_and_says_so(requested_case: TsiCase, tsi_member) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkflowError):
        actions.assess_request(by=tsi_member, case=requested_case, decision=Decision.DECLINE, note="Nej")
    case = actions.assess_request(
        by=tsi_member,
        case=requested_case,
        decision=Decision.DECLINE,
        note="Barnet kan fara illa.",
        advice=DeclineAdvice.REPORT_OF_CONCERN,
    )
    assert case.stage == CaseStage.DECLINED


def test_more_information_goes_back_to_the_school_and_returns(requested_case: TsiCase, tsi_member, principal) -> None:  # type: ignore[no-untyped-def]
    actions.assess_request(by=tsi_member, case=requested_case, decision=Decision.MORE_INFO, note="Hur är frånvaron?")
    case = actions.add_request_information(by=principal, case=requested_case, information="Frånvaro 30 %.")
    assert case.stage == CaseStage.REQUESTED
    assert "Frånvaro 30 %." in case.reason


def test_only_the_cases_team_may_assess(requested_case: TsiCase, other_team_member, social_worker, principal) -> None:  # type: ignore[no-untyped-def]
    for user in (other_team_member, social_worker, principal):
        with pytest.raises(PermissionDenied):
            actions.assess_request(by=user, case=requested_case, decision=Decision.ACCEPT, note="")


def test_consent_from_every_guardian_with_custody_activates_the_case(accepted_case, tsi_member, guardians) -> None:  # type: ignore[no-untyped-def]
    consent = actions.record_consent(by=tsi_member, case=accepted_case, given=consent_input(guardians))
    accepted_case.refresh_from_db()
    assert accepted_case.stage == CaseStage.ACTIVE
    assert consent.scopes.filter(direction="to_team").count() == 3 * 4
    assert consent.scopes.filter(direction="from_team").count() == 1 * 4
    assert consent.givers.count() == 2


def test_consent_of_only_one_of_two_guardians_with_custody_is_refused(accepted_case, tsi_member, guardians) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkflowError) as error:
        actions.record_consent(by=tsi_member, case=accepted_case, given=consent_input(guardians[:1]))
    assert error.value.code == "not_every_guardian"


def test_consent_from_a_guardian_without_custody_is_refused(accepted_case, tsi_member, guardians, world) -> None:  # type: ignore[no-untyped-def]
    stranger = GuardianFactory(municipality=world.municipality)
    with pytest.raises(WorkflowError) as error:
        actions.record_consent(by=tsi_member, case=accepted_case, given=consent_input([*guardians, stranger]))
    assert error.value.code == "no_custody"


def test_verbal_consent_needs_a_witness_and_dates_in_order(accepted_case, tsi_member, guardians) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkflowError):
        actions.record_consent(
            by=tsi_member, case=accepted_case, given=consent_input(guardians, method=ConsentMethod.VERBAL)
        )
    with pytest.raises(WorkflowError):
        actions.record_consent(
            by=tsi_member,
            case=accepted_case,
            given=consent_input(guardians, valid_until=TODAY - dt.timedelta(days=1)),
        )


def test_consent_before_the_team_accepted_is_refused(requested_case, tsi_member, guardians) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkflowError):
        actions.record_consent(by=tsi_member, case=requested_case, given=consent_input(guardians))


def test_no_plan_before_consent(accepted_case, tsi_member) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkflowError) as error:
        actions.agree_plan(by=tsi_member, case=accepted_case, plan=_plan())
    assert error.value.code == "no_consent"
    assert not PlanVersion.objects.exists()


def test_plan_versions_answer_what_the_plan_said_on_a_date(consented_case, tsi_member) -> None:  # type: ignore[no-untyped-def]
    earlier = TODAY - dt.timedelta(days=10)
    first = actions.agree_plan(by=tsi_member, case=consented_case, plan=_plan(agreed_on=earlier))
    second = actions.agree_plan(
        by=tsi_member, case=consented_case, plan=_plan(goals=[{"text": "Ny målsättning", "child_words": ""}])
    )
    assert (first.number, second.number) == (1, 2)
    assert actions.plan_on(consented_case, earlier) == first
    assert actions.plan_on(consented_case, TODAY) == second
    assert actions.plan_on(consented_case, earlier - dt.timedelta(days=1)) is None
    consented_case.refresh_from_db()
    assert consented_case.stage == CaseStage.FOLLOW_UP
    assert consented_case.follow_ups.filter(due_on=TODAY + dt.timedelta(days=42)).exists()


def test_plan_with_a_follow_up_before_the_agreement_is_refused(consented_case, tsi_member) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkflowError):
        actions.agree_plan(by=tsi_member, case=consented_case, plan=_plan(next_follow_up=TODAY - dt.timedelta(days=1)))


def test_rating_out_of_range_is_refused(consented_case, tsi_member) -> None:  # type: ignore[no-untyped-def]
    for attendance, conflicts in ((101, 3), (90, 6), (90, 0)):
        with pytest.raises(WorkflowError):
            actions.record_outcome(
                by=tsi_member,
                case=consented_case,
                outcome=actions.OutcomeInput(TODAY, "start", attendance, conflicts, 3),
            )


def test_withdrawal_by_one_guardian_ends_sharing_and_closes_the_case(consented_case, tsi_member, guardians) -> None:  # type: ignore[no-untyped-def]
    consent = actions.active_consent(consented_case)
    assert consent is not None

    actions.withdraw_consent(by=tsi_member, consent=consent, guardian=guardians[1], note="Vill inte längre.")

    consented_case.refresh_from_db()
    assert actions.active_consent(consented_case) is None
    assert consented_case.stage == CaseStage.CLOSED
    assert consented_case.closure_reason == ClosureReason.CONSENT_WITHDRAWN


def test_withdrawal_by_someone_without_custody_is_refused(consented_case, tsi_member, world) -> None:  # type: ignore[no-untyped-def]
    consent = actions.active_consent(consented_case)
    with pytest.raises(WorkflowError):
        actions.withdraw_consent(
            by=tsi_member, consent=consent, guardian=GuardianFactory(municipality=world.municipality)
        )


def test_no_closure_without_a_reason(consented_case, tsi_member) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkflowError):
        actions.close_case(by=tsi_member, case=consented_case, reason="")
    case = actions.close_case(by=tsi_member, case=consented_case, reason=ClosureReason.GOALS_REACHED)
    assert case.closed_at is not None


def test_network_meeting_needs_consent_but_the_information_meeting_does_not(accepted_case, tsi_member) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    when = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(WorkflowError):
        actions.book_meeting(
            by=tsi_member, case=accepted_case, kind=MeetingKind.NETWORK, starts_at=when, place="Biblioteket",
            neutral_arena=True,
        )  # fmt: skip
    meeting = actions.book_meeting(
        by=tsi_member,
        case=accepted_case,
        kind=MeetingKind.INFORMATION,
        starts_at=when,
        place="Familjecentralen",
        neutral_arena=True,
        participants=[actions.ParticipantInput("Vårdnadshavare 1", "guardian")],
    )
    assert meeting.participants.count() == 1


def test_a_failing_audit_write_leaves_nothing_saved(accepted_case, tsi_member, guardians, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(**kwargs: object) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(actions, "record_event", broken)
    with pytest.raises(RuntimeError):
        actions.record_consent(by=tsi_member, case=accepted_case, given=consent_input(guardians))
    accepted_case.refresh_from_db()
    assert accepted_case.stage == CaseStage.INFORMATION
    assert not accepted_case.consents.exists()

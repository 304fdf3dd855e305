"""The bases a TSI case gives: the team's and the requesting school's, scoped by the guardians' consent."""

from __future__ import annotations

import datetime as dt

import pytest

from kring.access.policy import basis_for, visible_to
from kring.casework.models import PlanVersion, TsiCase
from kring.casework.tsi import actions
from tests.casework.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(consented_case: TsiCase, tsi_member) -> PlanVersion:  # type: ignore[no-untyped-def]
    return actions.agree_plan(
        by=tsi_member,
        case=consented_case,
        plan=actions.PlanInput(
            agreed_on=TODAY,
            goals=[{"text": "Mål", "child_words": ""}],
            actions=[{"text": "Åtgärd", "responsible": "Mentor", "due": ""}],
            next_follow_up=TODAY + dt.timedelta(days=30),
            overall_responsible="Teamet",
        ),
    )


def test_team_member_sees_the_request_before_consent(requested_case: TsiCase, tsi_member) -> None:  # type: ignore[no-untyped-def]
    assert list(visible_to(tsi_member, TsiCase.objects.all())) == [requested_case]
    basis = basis_for(tsi_member, requested_case)
    assert basis is not None and basis.kind == "case_team"
    assert "Magneten" in basis.reason


def test_outsiders_of_the_case_see_nothing(
    plan, teacher, other_teacher, social_worker, police_officer, outsider, other_team_member
) -> None:  # type: ignore[no-untyped-def]
    for user in (teacher, other_teacher, social_worker, police_officer, outsider, other_team_member):
        assert visible_to(user, TsiCase.objects.all()).count() == 0
        assert visible_to(user, PlanVersion.objects.all()).count() == 0
        assert basis_for(user, plan) is None


def test_kurator_at_the_requesting_school_follows_the_case_within_the_consent(plan, kurator) -> None:  # type: ignore[no-untyped-def]
    assert visible_to(kurator, TsiCase.objects.all()).count() == 1
    assert visible_to(kurator, PlanVersion.objects.all()).count() == 1  # the consent names the school as a party


def test_the_school_sees_the_plan_through_the_consent_and_loses_it_at_withdrawal(
    plan, consented_case, principal, tsi_member, guardians
) -> None:  # type: ignore[no-untyped-def]
    basis = basis_for(principal, plan)
    assert basis is not None
    assert basis.kind == "case_school"
    assert basis.valid_until == TODAY + dt.timedelta(days=365)
    assert "OSL 12 kap" in basis.legal_reference

    actions.withdraw_consent(by=tsi_member, consent=actions.active_consent(consented_case), guardian=guardians[0])

    principal._kring_role_grants = None
    assert basis_for(principal, plan) is None
    assert visible_to(principal, PlanVersion.objects.all()).count() == 0
    assert visible_to(principal, TsiCase.objects.all()).count() == 1  # the request's status stays with the school
    assert basis_for(tsi_member, plan) is not None  # the team keeps its own records


def test_consent_without_the_school_as_party_shows_the_school_nothing_of_the_team(
    accepted_case, tsi_member, guardians, principal
) -> None:  # type: ignore[no-untyped-def]
    from tests.casework.conftest import consent_input

    actions.record_consent(
        by=tsi_member,
        case=accepted_case,
        given=consent_input(guardians, parties=["social_services"], share_with=[], share_categories=[]),
    )
    actions.agree_plan(
        by=tsi_member,
        case=accepted_case,
        plan=actions.PlanInput(TODAY, [{"text": "Mål"}], [{"text": "Åtgärd"}], TODAY, "Teamet"),
    )
    assert visible_to(principal, PlanVersion.objects.all()).count() == 0


def test_an_expired_consent_ends_the_schools_view(plan, principal) -> None:  # type: ignore[no-untyped-def]
    import time_machine

    with time_machine.travel(dt.datetime.combine(TODAY + dt.timedelta(days=400), dt.time(12)), tick=False):
        assert visible_to(principal, PlanVersion.objects.all()).count() == 0


def test_consent_directions_sharing_with_the_team_does_not_let_the_school_read_the_team(
    accepted_case, tsi_member, guardians, principal
) -> None:  # type: ignore[no-untyped-def]
    """The school may share everything with the team, yet reads nothing of the team's records unless the guardians
    also let the team share them with the school (issue 12, 1.3)."""
    from kring.casework.models import Meeting, Story
    from tests.casework.conftest import consent_input

    actions.record_consent(
        by=tsi_member,
        case=accepted_case,
        given=consent_input(
            guardians, parties=["school", "student_health"], categories=["plan", "meeting", "story", "needs"],
            share_with=[], share_categories=[],
        ),
    )  # fmt: skip
    actions.record_story(
        by=tsi_member, case=accepted_case, teller="guardians", told_by="Mamma", told_on=TODAY, text="Hemma bråk."
    )
    actions.agree_plan(
        by=tsi_member,
        case=accepted_case,
        plan=actions.PlanInput(TODAY, [{"text": "Mål"}], [{"text": "Åtgärd"}], TODAY, "Teamet"),
    )

    assert visible_to(principal, PlanVersion.objects.all()).count() == 0
    assert visible_to(principal, Story.objects.all()).count() == 0
    assert visible_to(principal, Meeting.objects.all()).count() == 0
    assert visible_to(tsi_member, Story.objects.all()).count() == 1


def test_consent_directions_the_school_reads_only_what_the_team_may_share_with_it(
    accepted_case, tsi_member, guardians, principal
) -> None:  # type: ignore[no-untyped-def]
    from kring.casework.models import Story
    from tests.casework.conftest import consent_input

    actions.record_consent(
        by=tsi_member,
        case=accepted_case,
        given=consent_input(guardians, share_with=["school"], share_categories=["plan"]),
    )
    actions.record_story(
        by=tsi_member, case=accepted_case, teller="guardians", told_by="Mamma", told_on=TODAY, text="Hemma bråk."
    )
    actions.agree_plan(
        by=tsi_member,
        case=accepted_case,
        plan=actions.PlanInput(TODAY, [{"text": "Mål"}], [{"text": "Åtgärd"}], TODAY, "Teamet"),
    )

    assert visible_to(principal, PlanVersion.objects.all()).count() == 1
    assert visible_to(principal, Story.objects.all()).count() == 0

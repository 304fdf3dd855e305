"""The records world: the municipality's archivist, and a closed TSI case with every kind of part."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kring.casework.models import Occasion, ReportAssessment, ReportFeedback, ReportOfConcern, TsiCase
from kring.casework.reports import actions as report_actions
from kring.casework.tsi import actions
from kring.directory.models import User
from tests.casework.conftest import accepted_case, consented_case, requested_case  # noqa: F401
from tests.conftest import World, _staff
from tests.factories import UnitFactory

TODAY = timezone.localdate()
SECRET_STORY = "Alva berättar i förtroende om bråken hemma."


@pytest.fixture
def archivist(world: World) -> User:
    office = UnitFactory(organisation=world.school.organisation, name="Kommunarkivet", school_forms=[], grades=[])
    return _staff(world.municipality, office, "archivist", "arkivarie@kommun.example")


@pytest.fixture
def closed_case(consented_case: TsiCase, tsi_member: User) -> TsiCase:  # noqa: F811
    """Alva's case with a story told in confidence, a need, a meeting, two versions of the plan, her voice, closed."""
    case = consented_case
    actions.record_story(
        by=tsi_member, case=case, teller="child", told_by="Alva", told_on=TODAY, text=SECRET_STORY,
        secret_from_guardians=True,
    )  # fmt: skip
    actions.record_need(by=tsi_member, case=case, area="school", kind="need", aspect="", text="Stöd i matematik.")
    meeting = actions.book_meeting(
        by=tsi_member, case=case, kind="network", starts_at=timezone.now(), place="Biblioteket", neutral_arena=True,
        participants=[actions.ParticipantInput("Eva Mentor", "school_staff")],
    )  # fmt: skip
    for number in (1, 2):
        actions.agree_plan(
            by=tsi_member,
            case=case,
            plan=actions.PlanInput(
                agreed_on=TODAY,
                goals=[{"text": f"Mål {number}: gå till skolan varje dag", "child_words": "Jag vill orka"}],
                actions=[{"text": "Samtal varje vecka", "responsible": "Mentor", "due": ""}],
                next_follow_up=TODAY + dt.timedelta(days=30),
                overall_responsible="Teamet",
                meeting=meeting,
            ),
        )
    actions.record_child_voice(
        by=tsi_member, case=case,
        voice=actions.VoiceInput(4, 3, "Det går bättre nu.", False, Occasion.FOLLOW_UP),
    )  # fmt: skip
    actions.close_case(by=tsi_member, case=case, reason="goals_reached", note="Målen nådda.")
    case.refresh_from_db()
    assert case.stage == "closed"
    return case


@pytest.fixture
def decided_report(world: World, principal: User, social_worker: User) -> ReportOfConcern:
    """A report of concern about Alva, received, assessed and decided (no investigation), with feedback."""
    from tests.casework.test_start_page import report_input

    report = report_actions.file_report(by=principal, child=world.child, report=report_input())
    now = timezone.now()
    ReportAssessment.objects.update_or_create(
        report=report,
        defaults={"municipality": report.municipality, "received_at": now, "received_by": social_worker,
                  "protection_assessed_at": now,
                  "protection_outcome": "not_needed", "decided_at": now, "decision": "not_opened",
                  "decision_note": "Familjen har redan stöd via TSI."},
    )  # fmt: skip
    ReportFeedback.objects.create(
        municipality=report.municipality, report=report, kind="not_opened", given_at=now, given_by=social_worker
    )
    return ReportOfConcern.objects.select_related("assessment").get(pk=report.pk)

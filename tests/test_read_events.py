"""Every page that shows a child's data writes exactly one audit event of its read (issue 12, 1.8): this walks every
URL pattern that takes a child-bearing object, and the lists of such objects, GETs each as a person who may see
it, and counts the events. A new URL that shows a child must be added here, or the walk fails."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from kring.access.models import AuditAction, AuditEvent
from kring.casework.models import TsiCase
from kring.casework.reports import actions as report_actions
from kring.casework.tsi import actions as tsi_actions
from kring.casework.tsi.basis import active_consent
from kring.collaboration.groups.actions import GroupInput, MemberInput, save_group
from kring.collaboration.meetings import actions as meeting_actions
from kring.collaboration.models import IdentifiedDiscussion
from kring.directory.models import Unit, User
from kring.people.models import Group, Placement
from kring.prevention.programmes import actions as programme_actions
from kring.prevention.tryggbas import actions as actions_trygg
from kring.schooldata.investigations import open_investigation
from tests.casework.conftest import consent_input
from tests.conftest import World, _staff, login

pytestmark = pytest.mark.django_db

READS = (AuditAction.READ, AuditAction.SEARCH, AuditAction.EXPORT)
CHILD_BEARING = (
    "children/", "cases/", "concerns/", "consultations/", "reports/", "absence/", "prevention/", "collaboration/",
    "family-access/",
)  # fmt: skip
POST_ONLY = {
    "absence_investigation_start",
    "consultation_close",
    "prevention_safe_adult",
    "prevention_rating",
    "prevention_agreed",
    "prevention_class_staff_end",
    "prevention_step_done",
    "prevention_mentor_remove",
    "prevention_wave_add_class",
    "prevention_class_codes",
    "collaboration_withdraw_consent",
    "collaboration_action_done",
}
# Routes under a child-bearing prefix that show no child: the class's staff (who teaches the class), the programme
# catalogue and its reach (counts), the pupil surveys (anonymous by construction; results are aggregates).
NO_CHILD_DATA = {
    "prevention_class_staff",
    "prevention_programme",
    "prevention_programme_edit",
    "prevention_reach_chart",
    "prevention_survey",
    "prevention_guardian_letter",
    "prevention_survey_results",
    "prevention_survey_results_csv",
    "prevention_survey_results_chart",
    # the register of collaboration groups and the agreements hold no child; a meeting's forms show a discussion
    # anonymously (the child of an identified one is shown on the meeting's page and the police decision's form)
    "collaboration_group",
    "collaboration_group_edit",
    "collaboration_meeting_new",
    "collaboration_meeting_edit",
    "collaboration_discussion_new",
    "collaboration_identify",
    "collaboration_agreement",
    "collaboration_agreement_edit",
    "collaboration_agreement_pdf",
    "collaboration_assessment",
    "collaboration_assessment_edit",
    "collaboration_assessment_pdf",
}
# Lists (no object in the URL) that show children's data.
LISTS = {
    "casework_list": "/cases/",
    "concern_list": "/concerns/",
    "consultation_list": "/consultations/",
    "report_inbox": "/reports/inbox/",
    "report_mine": "/reports/mine/",
}  # not /absence/: it shows each school's number of pupils above a threshold, no child


def _routes() -> dict[str, str]:
    """Every named route of the project (name -> pattern), prefixes included."""
    found: dict[str, str] = {}

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif pattern.name:
                found[pattern.name] = prefix + str(pattern.pattern)

    walk(get_resolver().url_patterns, "")
    return found


@dataclass
class Visit:
    user: User
    url: str


@pytest.fixture
def everything(
    world: World, tsi_team: Unit, principal: User, kurator: User, teacher: User, tsi_member: User,
    social_worker: User, police_officer: User, guardians: list,  # type: ignore[type-arg]
) -> dict[str, Visit]:  # fmt: skip
    """One object of every kind, and for each route the person who may see it and the URL to GET."""
    today = timezone.localdate()
    case = tsi_actions.request_tsi(by=principal, child=world.child, team=tsi_team, reason="Alva är borta.")
    tsi_actions.assess_request(by=tsi_member, case=case, decision=tsi_actions.Decision.ACCEPT, note="Ja.")
    tsi_actions.record_consent(by=tsi_member, case=case, given=consent_input(guardians))
    intervention = tsi_actions.propose_intervention(
        by=tsi_member, case=case, area="school", kind="school_support", description="Stöd i matte",
        responsible="Mentor", start_on=today, end_on=None,
    )  # fmt: skip
    meeting = tsi_actions.book_meeting(
        by=tsi_member, case=case, kind="network", starts_at=timezone.now() - dt.timedelta(days=1), place="Skolan",
        neutral_arena=True,
    )  # fmt: skip
    plan = tsi_actions.agree_plan(
        by=tsi_member,
        case=case,
        plan=tsi_actions.PlanInput(today, [{"text": "Mål"}], [{"text": "Åtgärd"}], today, "Teamet"),
    )
    follow_up = case.follow_ups.get(done_on__isnull=True)
    consent = active_consent(case)
    assert consent is not None
    concern = report_actions.record_concern(
        by=teacher, child=world.child, concern=report_actions.ConcernInput("wellbeing", "Ledsen.", today, "Jag")
    )
    consultation = report_actions.ask_consultation(
        by=principal, school=world.school, age_band="10-12", question="Hur gör vi?"
    )
    report = report_actions.file_report(
        by=principal,
        child=world.child,
        report=report_actions.ReportInput("Bråk hemma.", "I skolan", True, "normal"),
    )
    investigation = open_investigation(child=world.child, unit=world.school, by=principal)
    unit_manager = _staff(world.municipality, world.social_services, "unit_manager", "chef@kommun.example")
    group = Group.objects.create(municipality_id=world.school.municipality_id, unit=world.school, name="5A")
    Placement.objects.filter(child=world.child).update(group=group)
    actions_trygg.record_safe_adult(child=world.child, group=group, status="none_yet", by=principal, today=today)
    assignment = actions_trygg.assign_relation(
        child=world.child, unit=world.school, adult=principal, follow_up_on=today, by=principal, today=today
    )
    coordinator = _staff(world.municipality, world.social_services, "coordinator", "samordnare@kommun.example")
    programme = programme_actions.save_programme(
        given=programme_actions.ProgrammeInput("MVP", "Mentorer mot våld.", ["5"], [], ["Start"]), by=coordinator
    )
    run = programme_actions.start_run(programme=programme, unit=world.school, by=principal, today=today)
    programme_actions.appoint_mentor(run=run, child=world.child, appointed_on=today, by=principal, today=today)
    identified = _identified_in_a_group(world, coordinator, social_worker, kurator, today)
    c, child = case.pk, world.child.pk
    visits = {
        "child_overview": Visit(principal, f"/children/{child}/"),
        "casework_request": Visit(principal, f"/cases/request/{child}/"),
        "casework_case": Visit(tsi_member, f"/cases/{c}/"),
        "casework_handover": Visit(tsi_member, f"/cases/{c}/handover/"),
        "casework_referral": Visit(tsi_member, f"/cases/{c}/referral/"),
        "casework_assess": Visit(tsi_member, f"/cases/{c}/assess/"),
        "casework_add_information": Visit(principal, f"/cases/{c}/more-information/"),
        "casework_consent": Visit(tsi_member, f"/cases/{c}/consent/"),
        "casework_withdraw": Visit(tsi_member, f"/cases/{c}/consent/{consent.pk}/withdraw/"),
        "casework_story": Visit(tsi_member, f"/cases/{c}/stories/new/"),
        "casework_need": Visit(tsi_member, f"/cases/{c}/needs/new/"),
        "casework_intervention": Visit(tsi_member, f"/cases/{c}/interventions/new/"),
        "casework_intervention_status": Visit(tsi_member, f"/cases/{c}/interventions/{intervention.pk}/status/"),
        "casework_meeting": Visit(tsi_member, f"/cases/{c}/meetings/new/"),
        "casework_meeting_notes": Visit(tsi_member, f"/cases/{c}/meetings/{meeting.pk}/notes/"),
        "casework_plan": Visit(tsi_member, f"/cases/{c}/plan/new/"),
        "casework_outcome": Visit(tsi_member, f"/cases/{c}/outcomes/new/"),
        "casework_follow_up": Visit(tsi_member, f"/cases/{c}/follow-ups/{follow_up.pk}/"),
        "casework_close": Visit(tsi_member, f"/cases/{c}/close/"),
        "casework_plan_pdf": Visit(tsi_member, f"/cases/{c}/plan/{plan.number}.pdf"),
        "casework_plan_history": Visit(tsi_member, f"/cases/{c}/plan/history/"),
        "casework_information_letter": Visit(tsi_member, f"/cases/{c}/letter/"),
        "casework_information_letter_pdf": Visit(tsi_member, f"/cases/{c}/letter.pdf"),
        "casework_outcome_chart": Visit(tsi_member, f"/cases/{c}/outcomes.svg"),
        "concern_new": Visit(teacher, f"/concerns/new/{child}/"),
        "concern_detail": Visit(principal, f"/concerns/{concern.pk}/"),
        "concern_triage": Visit(principal, f"/concerns/{concern.pk}/triage/"),
        "concern_close": Visit(principal, f"/concerns/{concern.pk}/close/"),
        "consultation_detail": Visit(principal, f"/consultations/{consultation.pk}/"),
        "consultation_report": Visit(principal, f"/consultations/{consultation.pk}/report/"),
        "report_new": Visit(teacher, f"/reports/new/{child}/"),
        "report_detail": Visit(social_worker, f"/reports/{report.pk}/"),
        "report_receive": Visit(social_worker, f"/reports/{report.pk}/receive/"),
        "report_assign": Visit(unit_manager, f"/reports/{report.pk}/assign/"),
        "report_handover": Visit(social_worker, f"/reports/{report.pk}/handover/"),
        "report_protection": Visit(social_worker, f"/reports/{report.pk}/protection/"),
        "report_decision": Visit(social_worker, f"/reports/{report.pk}/decision/"),
        "report_feedback": Visit(social_worker, f"/reports/{report.pk}/feedback/"),
        "report_extension": Visit(social_worker, f"/reports/{report.pk}/extension/"),
        "report_match_child": Visit(social_worker, f"/reports/{report.pk}/match/"),
        "absence_early_warning": Visit(principal, f"/absence/{world.school.pk}/"),
        "absence_child": Visit(principal, f"/absence/child/{child}/"),
        "absence_investigation": Visit(principal, f"/absence/investigations/{investigation.pk}/"),
        "absence_investigation_close": Visit(principal, f"/absence/investigations/{investigation.pk}/close/"),
        "prevention_class": Visit(principal, f"/prevention/classes/{group.pk}/"),
        "prevention_class_review": Visit(principal, f"/prevention/classes/{group.pk}/review/"),
        "prevention_coverage": Visit(principal, f"/prevention/schools/{world.school.pk}/"),
        "prevention_coverage_chart": Visit(principal, f"/prevention/schools/{world.school.pk}/coverage.svg"),
        "prevention_wellbeing_chart": Visit(principal, f"/prevention/schools/{world.school.pk}/wellbeing.svg"),
        "prevention_gaps": Visit(principal, f"/prevention/schools/{world.school.pk}/gaps/"),
        "prevention_follow_up": Visit(principal, f"/prevention/relations/{assignment.pk}/follow-up/"),
        "prevention_child": Visit(principal, f"/prevention/child/{child}/"),
        "collaboration_meeting": Visit(kurator, f"/collaboration/meetings/{identified.discussion.meeting_id}/"),
        "collaboration_tell_police": Visit(social_worker, f"/collaboration/identified/{identified.pk}/police/"),
        "prevention_programme_school": Visit(
            principal, f"/prevention/programmes/{programme.pk}/schools/{world.school.pk}/"
        ),
        "casework_consent_request": Visit(tsi_member, f"/cases/{case.pk}/consent/e-id/"),
        "casework_family_language": Visit(tsi_member, f"/cases/{case.pk}/family-language/"),
        "guardian_access": Visit(tsi_member, f"/family-access/child/{world.child.pk}/guardian-access/"),
        "family_letter": Visit(tsi_member, f"/family-access/case/{case.pk}/letter.pdf"),
        "voice_with_adult": Visit(tsi_member, f"/family-access/case/{case.pk}/child-voice/"),
    }
    list_users = {"casework_list": tsi_member, "report_inbox": social_worker, "report_mine": principal}
    for name, url in LISTS.items():
        visits[name] = Visit(list_users.get(name, principal), url)
    assert TsiCase.objects.count() == 1
    return visits


def _identified_in_a_group(
    world: World, coordinator: User, social_worker: User, kurator: User, today: dt.date
) -> IdentifiedDiscussion:
    """Alva, discussed in SSPF and identified by social services (who received a report about her) with consent."""
    school, social = world.school.organisation, world.social_services.organisation
    group = save_group(
        given=GroupInput(
            name="SSPF", level="operational", mandate="m", owner=social, organisations=[school, social],
            issues=["crime"], status="active",
            members=[MemberInput(social, "chair", social_worker), MemberInput(school, "member", kurator)],
        ),
        by=coordinator,
    )  # fmt: skip
    meeting = meeting_actions.save_meeting(
        group=group, given=meeting_actions.MeetingInput(held_on=today, agenda="a"), by=social_worker
    )
    discussion = meeting_actions.add_discussion(
        meeting=meeting, age_band="10-12", issue="crime", description="En elev.", brought_by=social, by=social_worker
    )
    return meeting_actions.identify_child(
        discussion=discussion, identity_number=world.child.identity_number, notes="n", by=social_worker,
        today=today, consent=meeting_actions.ConsentInput([school, social], today),
    )  # fmt: skip


def test_every_child_bearing_route_is_walked(everything: dict[str, Visit]) -> None:
    routes = {name for name, pattern in _routes().items() if "<" in pattern and pattern.startswith(CHILD_BEARING)}

    assert routes - POST_ONLY - NO_CHILD_DATA - set(everything) == set()


def test_every_get_of_a_page_with_a_childs_data_writes_exactly_one_read_event(
    client: Client, everything: dict[str, Visit]
) -> None:
    wrong: dict[str, str] = {}
    for name, visit in sorted(everything.items()):
        client.logout()
        login(client, visit.user)
        before = AuditEvent.objects.filter(action__in=READS).count()
        response = client.get(visit.url)
        reads = AuditEvent.objects.filter(action__in=READS).count() - before
        if response.status_code != 200 or reads != 1:
            wrong[name] = f"{response.status_code}, {reads} read events"

    assert wrong == {}, f"{len(everything)} pages walked: " + "; ".join(f"{k} {v}" for k, v in sorted(wrong.items()))

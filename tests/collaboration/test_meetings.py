"""A group's meetings, and a child discussed in a group: anonymous by default, identified only under the guardians'
consent (scoped to organisations of the group) or social services' decision to tell the police (OSL 10 kap 18 a §).
The police see only what such a ground gives them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from kring.access.models import AuditAction, AuditEvent
from kring.access.policy import visible_to
from kring.casework.reports import actions as report_actions
from kring.casework.workflow import WorkflowError
from kring.collaboration.groups.actions import GroupInput, MemberInput, save_group
from kring.collaboration.meetings import actions
from kring.collaboration.meetings.reminders import send_action_reminders
from kring.collaboration.meetings.today import meeting_work
from kring.collaboration.models import (
    CollaborationGroup,
    Discussion,
    GroupLevel,
    GroupMeeting,
    GroupStatus,
    IdentifiedDiscussion,
    Issue,
)
from kring.directory.models import Notification, User
from kring.directory.notifications import text_of
from kring.people.models import Child
from tests.collaboration.conftest import organisations
from tests.conftest import World, login
from tests.factories import ChildFactory, CustodyFactory, PlacementFactory

TODAY = date(2026, 11, 18)


@pytest.fixture(autouse=True)
def _refusals_in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def sspf(
    world: World, coordinator: User, social_worker: User, police_officer: User, kurator: User
) -> CollaborationGroup:
    school, social, police = organisations(world)
    given = GroupInput(
        name="SSPF Centrum", level=GroupLevel.OPERATIONAL, mandate="Unga i riskzon.", owner=social,
        organisations=[school, social, police], issues=[Issue.CRIME], status=GroupStatus.ACTIVE,
        members=[
            MemberInput(organisation=social, role="chair", user=social_worker),
            MemberInput(organisation=police, role="member", user=police_officer),
            MemberInput(organisation=school, role="member", user=kurator),
        ],
    )  # fmt: skip
    return save_group(given=given, by=coordinator)


@pytest.fixture
def meeting(sspf: CollaborationGroup, social_worker: User) -> GroupMeeting:
    given = actions.MeetingInput(held_on=TODAY, agenda="1. Lägesbild\n2. Barn vi oroar oss för")
    return actions.save_meeting(group=sspf, given=given, by=social_worker)


@pytest.fixture
def known_to_social_services(world: World, principal: User) -> Child:
    """Alva, known to social services through a report of concern from her school."""
    report_actions.file_report(
        by=principal, child=world.child,
        report=report_actions.ReportInput("Bråk hemma.", "I skolan", True, "normal"),
    )  # fmt: skip
    return world.child


def _discuss(
    meeting: GroupMeeting, by: User, text: str = "En pojke i åk 8 som har slutat komma till skolan."
) -> Discussion:
    school, _social, _police = organisations_of(meeting)
    return actions.add_discussion(
        meeting=meeting, age_band="13-15", issue=Issue.CRIME, description=text, brought_by=school, by=by
    )


def organisations_of(meeting: GroupMeeting):  # type: ignore[no-untyped-def]
    by_kind = {o.kind: o for o in meeting.group.organisations.all()}
    return by_kind["education"], by_kind["social_services"], by_kind["police"]


def _consent(meeting: GroupMeeting, *kinds: str) -> actions.ConsentInput:
    chosen = [o for o in meeting.group.organisations.all() if o.kind in kinds]
    return actions.ConsentInput(chosen, TODAY - timedelta(days=2))


def _page(client: Client, user: User, meeting: GroupMeeting) -> str:
    response = login(client, user).get(reverse("collaboration_meeting", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_child_in_a_group_is_discussed_anonymously(meeting: GroupMeeting, social_worker: User, world: World) -> None:
    for text in ("Alva Testsson slutar komma", "Flickan med nummer 20120315-0000 mår dåligt", "Testsson har bråkat"):
        with pytest.raises(WorkflowError):
            _discuss(meeting, social_worker, text)
    assert _discuss(meeting, social_worker).pk


def test_a_child_in_a_group_is_not_named_in_the_minutes_either(
    sspf: CollaborationGroup, social_worker: User, police_officer: User, world: World
) -> None:
    for given in (
        actions.MeetingInput(held_on=TODAY, agenda="1. Alva Testsson"),
        actions.MeetingInput(held_on=TODAY, agenda="a", minutes="Vi pratade om Testsson."),
        actions.MeetingInput(held_on=TODAY, agenda="a", decisions=f"Anmäl {world.child.identity_number}"),
        actions.MeetingInput(
            held_on=TODAY, agenda="a", actions=[actions.ActionInput("Ring Alva Testssons mamma", police_officer, TODAY)]
        ),
    ):
        with pytest.raises(WorkflowError):
            actions.save_meeting(group=sspf, given=given, by=social_worker)
    assert not GroupMeeting.objects.filter(group=sspf).exists()


def test_only_the_groups_members_see_its_meetings(
    client: Client, meeting: GroupMeeting, teacher: User, coordinator: User, police_officer: User
) -> None:
    assert login(client, teacher).get(reverse("collaboration_meeting", args=[meeting.pk])).status_code == 404
    assert "Lägesbild" not in client.get(reverse("collaboration_group", args=[meeting.group_id])).content.decode()
    client.logout()
    assert login(client, coordinator).get(reverse("collaboration_meeting", args=[meeting.pk])).status_code == 404
    assert "Lägesbild" in _page(client, police_officer, meeting)


def test_crime_prevention_disclosure_osl_10_18_a_police_see_that_one_child_only_after_social_services_decide(
    client: Client,
    meeting: GroupMeeting,
    social_worker: User,
    police_officer: User,
    kurator: User,
    known_to_social_services: Child,
) -> None:
    anonymous = _discuss(meeting, social_worker, "En flicka i åk 9 som umgås med äldre.")
    second = _discuss(meeting, social_worker)
    identified = actions.identify_child(
        discussion=second, identity_number=known_to_social_services.identity_number, notes="Familjen får stöd.",
        by=social_worker, today=TODAY, consent=_consent(meeting, "education", "social_services"),
    )  # fmt: skip
    name = known_to_social_services.full_name
    assert name in _page(client, kurator, meeting)  # employed by education, which the consent covers
    police_page = _page(client, police_officer, meeting)
    assert name not in police_page and "Familjen får stöd." not in police_page
    assert anonymous.description in police_page and second.description in police_page

    actions.tell_the_police(
        identified=identified, reason="Risk för att han rekryteras.", by=social_worker, today=TODAY, conditions=True
    )
    police_page = _page(client, police_officer, meeting)
    assert name in police_page and "Familjen får stöd." in police_page
    assert police_page.count("(anonym") == 1  # the other child stays anonymous
    # that discussion only: nothing else of the child
    assert client.get(reverse("child_overview", args=[known_to_social_services.pk])).status_code == 404
    search = client.get(reverse("child_search"), {"q": known_to_social_services.last_name}).content.decode()
    assert name not in search


def test_crime_prevention_disclosure_osl_10_18_a_only_social_services_decide(
    meeting: GroupMeeting, kurator: User, world: World
) -> None:
    discussion = _discuss(meeting, kurator)
    with pytest.raises(WorkflowError, match="social services"):
        actions.identify_child(
            discussion=discussion, identity_number=world.child.identity_number, notes="n", by=kurator, today=TODAY,
            police_reason="Vill berätta.", police_conditions=True,
        )  # fmt: skip


def test_crime_prevention_disclosure_osl_10_18_a_covers_only_a_person_under_21(
    world: World, meeting: GroupMeeting, social_worker: User, principal: User
) -> None:
    adult = ChildFactory(municipality=world.municipality, birth_date=TODAY.replace(year=TODAY.year - 21))
    PlacementFactory(child=adult, unit=world.school)
    report_actions.file_report(
        by=principal, child=adult, report=report_actions.ReportInput("Oro.", "I skolan", True, "normal")
    )
    with pytest.raises(WorkflowError, match="under 21"):
        actions.identify_child(
            discussion=_discuss(meeting, social_worker), identity_number=adult.identity_number, notes="n",
            by=social_worker, today=TODAY, police_reason="Risk för brott.", police_conditions=True,
        )  # fmt: skip


def test_a_member_can_identify_only_a_child_they_know_of(
    meeting: GroupMeeting, police_officer: User, world: World
) -> None:
    with pytest.raises(WorkflowError, match="no basis"):
        actions.identify_child(
            discussion=_discuss(meeting, police_officer), identity_number=world.child.identity_number, notes="n",
            by=police_officer, today=TODAY, consent=_consent(meeting, "police"),
        )  # fmt: skip


def test_a_child_with_protected_identity_is_never_identified_in_a_group(
    meeting: GroupMeeting, kurator: User, world: World
) -> None:
    with pytest.raises(WorkflowError, match="protected identity"):
        actions.identify_child(
            discussion=_discuss(meeting, kurator), identity_number=world.protected_child.identity_number, notes="n",
            by=kurator, today=TODAY, consent=_consent(meeting, "education"),
        )  # fmt: skip


def test_consent_scope_only_the_organisations_the_guardians_consented_to_see_the_child(
    client: Client, world: World, meeting: GroupMeeting, kurator: User, social_worker: User,
    known_to_social_services: Child,
) -> None:  # fmt: skip
    actions.identify_child(
        discussion=_discuss(meeting, social_worker), identity_number=world.child.identity_number, notes="n",
        by=social_worker, today=TODAY, consent=_consent(meeting, "social_services"),
    )  # fmt: skip
    assert world.child.full_name not in _page(client, kurator, meeting)
    assert world.child.full_name in _page(client, social_worker, meeting)


def test_a_withdrawn_consent_hides_the_child_again_but_a_decision_to_tell_the_police_stands(
    client: Client, world: World, meeting: GroupMeeting, kurator: User, social_worker: User, police_officer: User,
    known_to_social_services: Child,
) -> None:  # fmt: skip
    identified = actions.identify_child(
        discussion=_discuss(meeting, social_worker), identity_number=world.child.identity_number, notes="n",
        by=social_worker, today=TODAY, consent=_consent(meeting, "education", "social_services"),
        police_reason="Risk för brott.", police_conditions=True,
    )  # fmt: skip
    actions.withdraw_consent(identified=identified, by=social_worker)
    assert world.child.full_name not in _page(client, kurator, meeting)
    assert world.child.full_name in _page(client, police_officer, meeting)


def test_a_consent_needs_a_guardian_with_custody(
    world: World, meeting: GroupMeeting, social_worker: User, principal: User
) -> None:
    lonely = ChildFactory(municipality=world.municipality)
    PlacementFactory(child=lonely, unit=world.school)
    report_actions.file_report(
        by=principal, child=lonely, report=report_actions.ReportInput("Oro.", "I skolan", True, "normal")
    )
    with pytest.raises(WorkflowError, match="guardian with custody"):
        actions.identify_child(
            discussion=_discuss(meeting, social_worker), identity_number=lonely.identity_number, notes="n",
            by=social_worker, today=TODAY, consent=_consent(meeting, "education"),
        )  # fmt: skip


def test_every_page_showing_an_identified_child_is_audited(
    client: Client, world: World, meeting: GroupMeeting, social_worker: User, kurator: User,
    known_to_social_services: Child,
) -> None:  # fmt: skip
    actions.identify_child(
        discussion=_discuss(meeting, social_worker), identity_number=world.child.identity_number, notes="n",
        by=social_worker, today=TODAY, consent=_consent(meeting, "education", "social_services"),
    )  # fmt: skip
    before = AuditEvent.objects.filter(action=AuditAction.READ, actor_id=kurator.pk).count()
    _page(client, kurator, meeting)
    reads = AuditEvent.objects.filter(action=AuditAction.READ, actor_id=kurator.pk, target_type="group_meeting")
    assert reads.count() == 1 and before == 0
    assert reads.get().child_id == world.child.pk and reads.get().basis_kind == "group_discussion"


def test_a_non_member_cannot_record_or_identify(
    meeting: GroupMeeting, teacher: User, world: World, sspf: CollaborationGroup
) -> None:
    with pytest.raises(PermissionDenied):
        actions.save_meeting(group=sspf, given=actions.MeetingInput(held_on=TODAY, agenda="x"), by=teacher)
    with pytest.raises(PermissionDenied):
        _discuss(meeting, teacher)


def test_an_action_from_a_meeting_is_on_its_owners_start_page(
    sspf: CollaborationGroup, social_worker: User, police_officer: User
) -> None:
    given = actions.MeetingInput(
        held_on=TODAY, agenda="a", actions=[actions.ActionInput("Kontakta fritidsgården", police_officer, TODAY)]
    )
    actions.save_meeting(group=sspf, given=given, by=social_worker)
    work = meeting_work(police_officer, TODAY)[0]
    assert work.count == 1 and work.items[0].what == "Kontakta fritidsgården"
    assert meeting_work(social_worker, TODAY)[0].count == 0


def test_the_meeting_form_records_attendance_and_keeps_what_was_typed(
    client: Client, sspf: CollaborationGroup, social_worker: User, police_officer: User
) -> None:
    members = list(sspf.members.order_by("pk"))
    data = {
        "held_on": "2026-11-18", "agenda": "Dagordning som ska finnas kvar", "present": [members[0].pk, members[1].pk],
        "actions-TOTAL_FORMS": 1, "actions-INITIAL_FORMS": 0, "actions-MIN_NUM_FORMS": 0, "actions-MAX_NUM_FORMS": 30,
        "actions-0-text": "Ringa skolan",
    }  # fmt: skip
    url = reverse("collaboration_meeting_new", args=[sspf.pk])
    page = login(client, social_worker).post(url, data, headers={"accept-language": "en"}).content.decode()
    assert "Dagordning som ska finnas kvar" in page and "Each action needs someone who does it and a date." in page
    data |= {"actions-0-owner": police_officer.pk, "actions-0-due_on": "2026-11-25"}
    assert client.post(url, data).status_code == 302
    meeting = GroupMeeting.objects.get(group=sspf)
    assert [a.present for a in meeting.attendance.order_by("pk")] == [True, True, False]


def test_the_identify_form_refuses_a_missing_ground_and_keeps_what_was_typed(
    client: Client, meeting: GroupMeeting, social_worker: User, world: World
) -> None:
    discussion = _discuss(meeting, social_worker)
    url = reverse("collaboration_identify", args=[discussion.pk])
    data = {"identity_number": world.child.identity_number, "notes": "Anteckning som finns kvar", "grounds": ["police"]}
    page = login(client, social_worker).post(url, data, headers={"accept-language": "en"}).content.decode()
    assert "Anteckning som finns kvar" in page and "Needed for telling the police." in page
    assert not IdentifiedDiscussion.objects.filter(discussion=discussion).exists()


def test_the_meeting_page_keeps_its_queries_constant(
    client: Client, world: World, meeting: GroupMeeting, social_worker: User, principal: User,
    django_assert_max_num_queries,
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    for _index in range(6):
        child = ChildFactory(municipality=world.municipality)
        PlacementFactory(child=child, unit=world.school)
        CustodyFactory(child=child)
        report_actions.file_report(
            by=principal, child=child, report=report_actions.ReportInput("Oro.", "I skolan", True, "normal")
        )
        actions.identify_child(
            discussion=_discuss(meeting, social_worker), identity_number=child.identity_number, notes="n",
            by=social_worker, today=timezone.localdate(), consent=_consent(meeting, "social_services"),
        )  # fmt: skip
    login(client, social_worker)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("collaboration_meeting", args=[meeting.pk])).status_code == 200


def test_an_actions_owner_is_reminded_once_without_its_text(
    sspf: CollaborationGroup, social_worker: User, police_officer: User, mailoutbox
) -> None:  # type: ignore[no-untyped-def]
    due = TODAY + timedelta(days=5)
    given = actions.MeetingInput(
        held_on=TODAY, agenda="a", actions=[actions.ActionInput("Kontakta fritidsgården", police_officer, due)]
    )
    actions.save_meeting(group=sspf, given=given, by=social_worker)
    assert send_action_reminders(TODAY) == 0
    assert send_action_reminders(due - timedelta(days=2)) == 1
    assert send_action_reminders(due) == 0
    notification = Notification.objects.get(user=police_officer, kind="action")
    assert "SSPF Centrum" in text_of(notification.kind, notification.params)
    assert all("fritidsgården" not in message.body and "fritidsgården" not in message.subject for message in mailoutbox)


def test_crime_prevention_disclosure_osl_10_18_a_only_what_social_services_wrote(
    meeting: GroupMeeting, kurator: User, social_worker: User, world: World, known_to_social_services: Child
) -> None:
    identified = actions.identify_child(
        discussion=_discuss(meeting, kurator), identity_number=world.child.identity_number, notes="Skolans oro.",
        by=kurator, today=TODAY, consent=_consent(meeting, "education", "social_services"),
    )  # fmt: skip
    with pytest.raises(WorkflowError, match="social services wrote"):
        actions.tell_the_police(identified=identified, reason="Risk.", by=social_worker, today=TODAY, conditions=True)


def test_crime_prevention_disclosure_osl_10_18_a_needs_its_conditions_confirmed(
    meeting: GroupMeeting, social_worker: User, world: World, known_to_social_services: Child
) -> None:
    with pytest.raises(WorkflowError, match="Confirm the conditions"):
        actions.identify_child(
            discussion=_discuss(meeting, social_worker), identity_number=world.child.identity_number, notes="n",
            by=social_worker, today=TODAY, police_reason="Risk för brott.",
        )  # fmt: skip


def test_crime_prevention_disclosure_osl_10_18_a_the_reason_is_not_shown_to_the_school(
    client: Client, meeting: GroupMeeting, social_worker: User, kurator: User, police_officer: User,
    world: World, known_to_social_services: Child,
) -> None:  # fmt: skip
    actions.identify_child(
        discussion=_discuss(meeting, social_worker), identity_number=world.child.identity_number, notes="n",
        by=social_worker, today=TODAY, consent=_consent(meeting, "education", "social_services"),
        police_reason="Setts med äldre som begår brott.", police_conditions=True,
    )  # fmt: skip
    assert world.child.full_name in _page(client, kurator, meeting)
    assert "Setts med äldre" not in _page(client, kurator, meeting)
    client.logout()
    assert "Setts med äldre" in _page(client, police_officer, meeting)


def test_consent_scope_the_guardians_consent_no_longer_counts_from_18(
    world: World, meeting: GroupMeeting, social_worker: User, principal: User
) -> None:
    adult = ChildFactory(municipality=world.municipality, birth_date=TODAY.replace(year=TODAY.year - 18))
    PlacementFactory(child=adult, unit=world.school)
    CustodyFactory(child=adult)
    report_actions.file_report(
        by=principal, child=adult, report=report_actions.ReportInput("Oro.", "I skolan", True, "normal")
    )
    with pytest.raises(WorkflowError, match="From 18"):
        actions.identify_child(
            discussion=_discuss(meeting, social_worker), identity_number=adult.identity_number, notes="n",
            by=social_worker, today=TODAY, consent=_consent(meeting, "social_services"),
        )  # fmt: skip


def test_a_child_given_protected_identity_later_disappears_from_the_group(
    client: Client, world: World, meeting: GroupMeeting, social_worker: User, kurator: User,
    known_to_social_services: Child,
) -> None:  # fmt: skip
    actions.identify_child(
        discussion=_discuss(meeting, social_worker), identity_number=world.child.identity_number, notes="n",
        by=social_worker, today=TODAY, consent=_consent(meeting, "education", "social_services"),
    )  # fmt: skip
    Child.objects.filter(pk=world.child.pk).update(protected_identity=True)
    assert world.child.full_name not in _page(client, kurator, meeting)


def test_the_one_who_identified_loses_the_view_on_leaving_the_group(
    client: Client, world: World, meeting: GroupMeeting, social_worker: User, known_to_social_services: Child
) -> None:
    actions.identify_child(
        discussion=_discuss(meeting, social_worker), identity_number=world.child.identity_number, notes="n",
        by=social_worker, today=TODAY, police_reason="Risk.", police_conditions=True,
    )  # fmt: skip
    assert IdentifiedDiscussion.objects.count() == 1
    meeting.group.members.filter(user=social_worker).delete()
    assert not visible_to(social_worker, IdentifiedDiscussion.objects.all()).exists()


def test_a_refusal_names_nothing_it_matched_and_is_audited(
    meeting: GroupMeeting, police_officer: User, world: World
) -> None:
    with pytest.raises(WorkflowError) as refused:
        _discuss(meeting, police_officer, "Vi oroar oss för Alva Testsson.")
    assert "Alva" not in str(refused.value) and "Testsson" not in str(refused.value)
    assert AuditEvent.objects.filter(target_type="group_text_refused", actor_id=police_officer.pk).count() == 1

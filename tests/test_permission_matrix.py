"""Each persona against child search, child overview, school page and log review.

Allowed personas see exactly what they should; refused ones get 404 and see nothing in lists or counts. Every
read of a child's data leaves exactly one audit event naming its basis.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from kring.access.models import AuditAction, AuditEvent
from kring.casework.reports import actions as report_actions
from kring.directory.models import OrganisationKind, User
from tests.conftest import World, _staff, login
from tests.factories import OrganisationFactory, PlacementFactory, UnitFactory

PERSONAS = [
    "teacher",
    "other_teacher",
    "principal",
    "social_worker",
    "police_officer",
    "administrator",
    "outsider",  # a principal of a second municipality
    "independent_principal",  # a principal of a school with another organiser (a friskola) in the municipality
    "second_school_kurator",  # the kurator of a second school the child also goes to
    "self_granting_coordinator",  # a coordinator who tried to give herself the kurator role
]

# persona -> (search status, sees Alva Testsson in search, overview status, school page status, log review status)
EXPECTED = {
    "teacher": (200, True, 200, 200, 404),
    "other_teacher": (200, False, 404, 200, 404),
    "principal": (200, True, 200, 200, 404),
    "social_worker": (200, False, 404, 200, 404),
    "police_officer": (200, False, 404, 200, 404),
    "administrator": (404, False, 404, 200, 200),
    "outsider": (200, False, 404, 404, 404),
    "independent_principal": (200, False, 404, 200, 404),
    "second_school_kurator": (200, True, 200, 200, 404),
    "self_granting_coordinator": (404, False, 404, 200, 404),
}


@pytest.fixture
def independent_principal(world: World) -> User:
    company = OrganisationFactory(
        municipality=world.municipality, name="Friskolor i Test AB", kind=OrganisationKind.INDEPENDENT_SCHOOL
    )
    friskola = UnitFactory(organisation=company, name="Friskolan Tallen")
    return _staff(world.municipality, friskola, "principal", "rektor@friskolan.example")


@pytest.fixture
def second_school_kurator(world: World) -> User:
    """Alva also goes to Björkskolan (a second placement, e.g. a special teaching group)."""
    PlacementFactory(child=world.child, unit=world.other_school)
    return _staff(world.municipality, world.other_school, "kurator", "kurator.bjork@kommun.example")


@pytest.fixture
def self_granting_coordinator(world: World) -> User:
    """She asked for the kurator role at Alva's school for herself: refused, so she holds only her own role."""
    from kring.directory.actions import add_membership

    coordinator = _staff(world.municipality, world.social_services, "coordinator", "samordnare@kommun.example")
    with pytest.raises(PermissionDenied):
        add_membership(by=coordinator, person=coordinator, unit=world.school, role="kurator")
    return coordinator


@pytest.fixture
def persona(request: pytest.FixtureRequest, world: World):  # type: ignore[no-untyped-def]
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_child_search_shows_only_children_with_a_basis(client: Client, world: World, persona, request) -> None:  # type: ignore[no-untyped-def]
    name = request.node.callspec.params["persona"]
    status, sees_child, *_ = EXPECTED[name]
    login(client, persona)

    response = client.post("/children/", {"q": "Alva"})

    assert response.status_code == status
    body = response.content.decode()
    assert ("Testsson" in body) is sees_child
    number = world.child.identity_number  # whole, as shown: another child's number may end in the same four digits
    assert (f"{number[:8]}-{number[8:]}" in body) is sees_child
    if name == "outsider":
        assert "Annansson" in body  # their own pupil, and only that
        assert "1 barn hittades" in body
    if status == 200 and not sees_child and name != "outsider":
        assert "Inget barn hittades" in body


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_child_overview_needs_a_basis(client: Client, world: World, persona, request) -> None:  # type: ignore[no-untyped-def]
    name = request.node.callspec.params["persona"]
    overview_status = EXPECTED[name][2]
    login(client, persona)

    response = client.get(f"/children/{world.child.pk}/")

    assert response.status_code == overview_status
    reads = AuditEvent.objects.filter(action=AuditAction.READ, child_id=world.child.pk)
    if overview_status == 200:
        assert world.child.identity_number[:8] in response.content.decode()
        assert reads.count() == 1
        event = reads.get()
        assert event.actor_id == persona.pk
        assert event.basis_kind == "placement"
        assert ("Björkskolan" if name == "second_school_kurator" else "Ekskolan") in event.basis
    else:
        assert "Testsson" not in response.content.decode()
        assert reads.count() == 0


def test_child_overview_of_unknown_and_forbidden_children_look_the_same(client: Client, world: World, teacher) -> None:  # type: ignore[no-untyped-def]
    login(client, teacher)
    forbidden = client.get(f"/children/{world.other_municipality_child.pk}/")
    unknown = client.get("/children/999999/")
    assert forbidden.status_code == unknown.status_code == 404
    assert forbidden.content == unknown.content


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_school_page_only_within_own_municipality(client: Client, world: World, persona, request) -> None:  # type: ignore[no-untyped-def]
    name = request.node.callspec.params["persona"]
    login(client, persona)

    response = client.get(f"/units/{world.school.pk}/")

    assert response.status_code == EXPECTED[name][3]
    if response.status_code == 200:
        assert "Ekskolan" in response.content.decode()
        assert AuditEvent.objects.filter(action=AuditAction.READ, target_type="unit", actor_id=persona.pk).count() == 1
    else:
        assert "Ekskolan" not in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_log_review_only_for_reviewers(client: Client, world: World, persona, request) -> None:  # type: ignore[no-untyped-def]
    name = request.node.callspec.params["persona"]
    login(client, persona)
    assert client.get("/audit/").status_code == EXPECTED[name][4]


def test_school_page_shows_its_contact_persons(client: Client, world: World, teacher, social_worker) -> None:  # type: ignore[no-untyped-def]
    login(client, teacher)
    body = client.get(f"/units/{world.school.pk}/").content.decode()
    assert social_worker.email in body
    assert social_worker.get_full_name() in body


def test_protected_child_is_hidden_from_teachers_but_not_from_the_principal(
    client: Client, world: World, teacher, principal
) -> None:  # type: ignore[no-untyped-def]
    login(client, teacher)
    assert "Skyddad" not in client.post("/children/", {"q": "Sigge"}).content.decode()
    assert client.get(f"/children/{world.protected_child.pk}/").status_code == 404

    login(client, principal)
    assert "Skyddad" in client.post("/children/", {"q": "Sigge"}).content.decode()
    response = client.get(f"/children/{world.protected_child.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert world.protected_child.street_address not in body
    assert "Skyddade uppgifter – visas inte" in body or "Skyddad – visas inte" in body


def test_anonymous_users_are_sent_to_login(client: Client, world: World) -> None:
    for url in ("/", "/children/", f"/children/{world.child.pk}/", f"/units/{world.school.pk}/", "/audit/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_search_is_audited_with_the_children_shown(client: Client, world: World, teacher) -> None:  # type: ignore[no-untyped-def]
    login(client, teacher)
    client.post("/children/", {"q": "Alva"})
    event = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert event.details["results"] == [world.child.pk]
    assert event.details["query"] == "Alva"
    assert "Ekskolan" in event.details["bases"][str(world.child.pk)]


REPORT = report_actions.ReportInput(
    what_happened="Alva berättar att det är bråk hemma varje kväll.",
    when_and_where="I klassrummet, måndag",
    guardians_informed=True,
    urgency="normal",
)


@pytest.mark.parametrize("persona", ["second_school_kurator", "independent_principal", "outsider"], indirect=True)
def test_records_of_another_school_never_reach_a_second_school_organiser_or_municipality(
    client: Client, world: World, principal: User, social_worker: User, teacher: User, persona: User
) -> None:
    """Ekskolan's report of concern and concern about Alva: a 404 with the same body as an unknown page, nothing in
    the child's overview, and no read of them in the log."""
    report = report_actions.file_report(by=principal, child=world.child, report=REPORT)
    concern = report_actions.record_concern(
        by=teacher,
        child=world.child,
        concern=report_actions.ConcernInput("wellbeing", "Alva gråter ofta.", world.child.birth_date, "Jag", ""),
    )
    login(client, persona)

    for url, unknown in (
        (f"/reports/{report.pk}/", "/reports/999999/"),
        (f"/concerns/{concern.pk}/", "/concerns/999999/"),
    ):
        refused, missing = client.get(url), client.get(unknown)
        assert refused.status_code == missing.status_code == 404
        assert refused.content == missing.content
    overview = client.get(f"/children/{world.child.pk}/").content.decode()
    assert "bråk hemma" not in overview and "gråter" not in overview
    reads = AuditEvent.objects.filter(actor_id=persona.pk, action=AuditAction.READ)
    assert not reads.filter(child_id=world.child.pk).exclude(target_type="child_overview").exists()


# --- the start page and the child's whole picture (issue 14) ------------------------------------------------------

# persona -> (Alva on the start page, the kinds of her records in the overview's whole picture, or None: no overview)
WORK_EXPECTED: dict[str, tuple[bool, set[str] | None]] = {
    "teacher": (True, {"Concern"}),
    "other_teacher": (False, None),
    "principal": (True, {"Concern", "Report of concern", "TSI case", "Investigation of absence"}),
    "social_worker": (True, {"Report of concern"}),  # the report gives the receiver the child's register data
    "police_officer": (False, None),
    "administrator": (False, None),
    "outsider": (False, None),
    "independent_principal": (False, None),
    # the same organiser's school records reach a school the child also goes to (ADR 0008); concerns stay
    "second_school_kurator": (False, {"Investigation of absence"}),
    "self_granting_coordinator": (False, None),
}
KINDS = ("Concern", "Report of concern", "TSI case", "Investigation of absence")


@pytest.fixture
def alvas_records(world: World, teacher, principal, social_worker, tsi_team) -> None:  # type: ignore[no-untyped-def]
    """A concern the teacher recorded, a report the principal filed, a request to the TSI team, an investigation."""
    import datetime as dt

    from django.utils import timezone

    from kring.casework.tsi import actions as tsi_actions
    from kring.schooldata.investigations import open_investigation

    today = timezone.localdate()
    report_actions.record_concern(
        by=teacher, child=world.child,
        concern=report_actions.ConcernInput("wellbeing", "Ledsen.", today - dt.timedelta(days=1), "Mentor"),
    )  # fmt: skip
    report_actions.file_report(
        by=principal, child=world.child, report=report_actions.ReportInput("Bråk hemma.", "Skolan", True, "normal")
    )
    tsi_actions.request_tsi(by=principal, child=world.child, team=tsi_team, reason="Ofta borta.")
    open_investigation(child=world.child, unit=world.school, by=principal)


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_start_page_and_whole_picture_show_only_what_a_basis_reaches(  # type: ignore[no-untyped-def]
    client: Client, world: World, alvas_records, persona, request
) -> None:
    name = request.node.callspec.params["persona"]
    on_start_page, kinds = WORK_EXPECTED[name]
    login(client, persona)
    start = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert ("Testsson" in start) is on_start_page
    if not on_start_page:
        assert 'class="nav-count"' not in start.split('class="site-header__notifications"')[0]
    overview = client.get(f"/children/{world.child.pk}/", headers={"accept-language": "en"})
    if kinds is None:
        assert overview.status_code == 404
        return
    picture = overview.content.decode().split('id="picture-heading"')[1].split("</section>")[0]
    assert {kind for kind in KINDS if f">{kind}</a>" in picture} == kinds


# persona -> (reads the map of collaboration groups, opens the SSPF meeting, sees Alva identified in it)
COLLABORATION = {
    "teacher": (True, False, False),
    "other_teacher": (True, False, False),
    "principal": (True, False, False),
    "social_worker": (True, True, True),  # a member, who identified Alva (known through a report of concern)
    "police_officer": (True, True, False),  # a member: the consent covers school and social services, not the police
    "administrator": (True, False, False),
    "outsider": (False, False, False),
    "independent_principal": (True, False, False),
    "second_school_kurator": (True, False, False),
    "self_granting_coordinator": (True, False, False),  # keeps the register, sits in no group
}


@pytest.fixture
def sspf_meeting(world: World, social_worker: User, police_officer: User, principal: User):  # type: ignore[no-untyped-def]
    from kring.collaboration.groups.actions import GroupInput, MemberInput, save_group
    from kring.collaboration.meetings import actions as meeting_actions

    coordinator = _staff(world.municipality, world.social_services, "coordinator", "samordnare.sspf@kommun.example")
    school, social = world.school.organisation, world.social_services.organisation
    police = world.police_unit.organisation
    group = save_group(
        given=GroupInput(
            name="SSPF Centrum", level="operational", mandate="m", owner=social, organisations=[school, social, police],
            issues=["crime"], status="active",
            members=[MemberInput(social, "chair", social_worker), MemberInput(police, "member", police_officer)],
        ),
        by=coordinator,
    )  # fmt: skip
    today = dt.date(2026, 11, 18)
    meeting = meeting_actions.save_meeting(
        group=group, given=meeting_actions.MeetingInput(held_on=today, agenda="Unga i centrum"), by=social_worker
    )
    discussion = meeting_actions.add_discussion(
        meeting=meeting, age_band="10-12", issue="crime", description="En elev.", brought_by=school, by=social_worker
    )
    report_actions.file_report(
        by=principal, child=world.child, report=report_actions.ReportInput("Oro.", "I skolan", True, "normal")
    )
    meeting_actions.identify_child(
        discussion=discussion, identity_number=world.child.identity_number, notes="Stöd i skolan.", by=social_worker,
        today=today, consent=meeting_actions.ConsentInput([school, social], today),
    )  # fmt: skip
    return meeting


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_collaboration_the_register_for_all_staff_a_meeting_for_its_members_a_child_by_its_basis(
    client: Client,
    world: World,
    persona,
    request,
    sspf_meeting,  # type: ignore[no-untyped-def]
) -> None:
    reads_map, opens_meeting, sees_child = COLLABORATION[request.node.callspec.params["persona"]]
    login(client, persona)
    register = client.get("/collaboration/")
    assert register.status_code == 200
    assert ("SSPF Centrum" in register.content.decode()) == reads_map
    meeting = client.get(f"/collaboration/meetings/{sspf_meeting.pk}/")
    assert meeting.status_code == (200 if opens_meeting else 404)
    assert ("Alva Testsson" in meeting.content.decode()) == sees_child
    assert "Stöd i skolan." not in meeting.content.decode() or sees_child


# The statistics and evaluation pages: persona -> the pages they may open (200); every other one is 404. The
# self-granting coordinator is a coordinator: the municipality's figures (aggregates), the investment and research.
STATISTICS_PAGES = ("/statistics/", "/statistics/terms/", "/statistics/evaluation/", "/statistics/violence/",
                    "/statistics/investment/", "/statistics/research/")  # fmt: skip
SCOPED = {"/statistics/", "/statistics/terms/", "/statistics/evaluation/", "/statistics/violence/"}
STATISTICS_ALLOWED = {
    "teacher": set(),
    "other_teacher": set(),
    "principal": SCOPED,
    "social_worker": SCOPED,
    "police_officer": set(),
    "administrator": SCOPED,
    "outsider": SCOPED,  # a principal of another municipality: their own school's figures, never ours
    "independent_principal": SCOPED,
    "second_school_kurator": set(),
    "self_granting_coordinator": set(STATISTICS_PAGES),
}


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_statistics_and_evaluation_pages_by_persona(client: Client, world: World, persona, request) -> None:  # type: ignore[no-untyped-def]
    """Who may open which page; and a principal sees their own school's figures only (never another school's
    name in a table), so nobody reads a cell of a school outside their scope."""
    from kring.insights.actions import refresh_statistics

    name = request.node.callspec.params["persona"]
    refresh_statistics(municipality=world.municipality)
    login(client, persona)
    for page in STATISTICS_PAGES:
        response = client.get(page)
        assert response.status_code == (200 if page in STATISTICS_ALLOWED[name] else 404), (name, page)
        if response.status_code == 200 and name in ("principal", "independent_principal", "outsider"):
            assert "Björkskolan" not in response.content.decode()

"""The family's pages: what a guardian and a young person see and do, and that nothing secret towards the
guardians (OSL 12 kap 3 §) reaches a guardian's page, the plan they download or the meeting they add to a calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from kring.access.models import AuditAction, AuditEvent
from kring.casework.models import Consent, OutcomeMeasure, RatingGiver, TsiCase
from kring.casework.tsi.basis import active_consent
from kring.family.models import AccessBlock
from kring.people.models import Guardian
from tests.family.conftest import OPEN_STORY, SECRET_STORY, TODAY, log_in_as

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> str:
    import io

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def test_a_guardian_reads_the_case_plan_and_meetings(
    client: Client, family_case: TsiCase, guardians: list[Guardian]
) -> None:
    account = log_in_as(client, guardians[0].identity_index)
    home = client.get(reverse("family:home"), headers={"accept-language": "en"})
    assert home.status_code == 200
    assert "Alva" in home.content.decode()
    page = client.get(reverse("family:case", args=[family_case.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Alva går till skolan varje dag" in text
    assert "Biblioteket, Storgatan 1" in text
    assert OPEN_STORY in text
    assert SECRET_STORY not in text
    reads = AuditEvent.objects.filter(actor_id=account.user_id, action=AuditAction.READ, child_id=family_case.child_id)
    assert reads.filter(target_type="family_case").exists()


def test_the_secret_story_is_not_in_the_pdf_or_the_calendar(
    client: Client, family_case: TsiCase, guardians: list[Guardian]
) -> None:
    log_in_as(client, guardians[0].identity_index)
    pdf = client.get(reverse("family:plan_pdf", args=[family_case.pk]))
    assert pdf.status_code == 200
    pdf_text = _pdf_text(pdf.content)
    assert "Alva går till skolan" in pdf_text
    assert "rädd" not in pdf_text
    meeting = family_case.meetings.get()
    ics = client.get(reverse("family:meeting_ics", args=[family_case.pk, meeting.pk]))
    body = ics.content.decode()
    assert ics["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in body and "DTSTART:" in body
    assert "Biblioteket\\, Storgatan 1" in body
    assert "rädd" not in body and OPEN_STORY not in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, child_id=family_case.child_id)
    assert {"family_plan_pdf", "family_meeting_ics"} <= set(exports.values_list("target_type", flat=True))


def test_a_young_person_sees_their_own_confidential_story(client: Client, family_case: TsiCase, world) -> None:  # type: ignore[no-untyped-def]
    from kring.casework.tsi.actions import age_on

    world.child.birth_date = dt.date(TODAY.year - 16, 1, 1)  # 16 on every day of this year (never a 29 February)
    world.child.save()
    assert age_on(world.child, TODAY) == 16
    log_in_as(client, world.child.identity_index, name="Alva Testsson")
    page = client.get(reverse("family:case", args=[family_case.pk]))
    assert page.status_code == 200
    assert SECRET_STORY in page.content.decode()


def test_withdrawing_ends_the_sharing_at_once_and_the_other_guardian_sees_it(
    client: Client,
    family_case: TsiCase,
    guardians: list[Guardian],
    principal,
    tsi_member,  # type: ignore[no-untyped-def]
) -> None:
    first, second = guardians
    second.email = "andra@hem.example"
    second.save()
    school = Client()
    school.force_login(principal)
    log_in_as(client, first.identity_index)
    consent = active_consent(family_case)
    assert consent is not None
    confirm = client.get(reverse("family:withdraw", args=[family_case.pk]))
    assert confirm.status_code == 200
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda function, *args, **kwargs: function())
        response = client.post(reverse("family:withdraw", args=[family_case.pk]))
    assert response.status_code == 302
    consent = Consent.objects.get(pk=consent.pk)
    assert consent.withdrawn_at is not None and consent.withdrawn_by == first
    family_case.refresh_from_db()
    assert not family_case.is_open
    assert active_consent(family_case) is None
    assert [message.to for message in mail.outbox] == [["andra@hem.example"]]
    assert "Alva" in mail.outbox[0].body
    other = Client()
    log_in_as(other, second.identity_index, name="Andra Förälder")
    page = other.get(reverse("family:case", args=[family_case.pk]), headers={"accept-language": "sv"}).content.decode()
    assert first.full_name in page
    event = AuditEvent.objects.filter(target_type="tsi_consent", child_id=family_case.child_id).last()
    assert event is not None and event.actor_id is not None and event.municipality_id == family_case.municipality_id


def test_a_guardian_rates_the_conflicts_at_home(
    client: Client, family_case: TsiCase, guardians: list[Guardian]
) -> None:
    log_in_as(client, guardians[0].identity_index)
    bad = client.post(reverse("family:rate", args=[family_case.pk]), {"home_conflicts": "9"})
    assert bad.status_code == 400
    assert OutcomeMeasure.objects.count() == 0
    client.post(reverse("family:rate", args=[family_case.pk]), {"home_conflicts": "2"})
    measure = OutcomeMeasure.objects.get()
    assert (measure.home_conflicts, measure.given_by, measure.guardian) == (2, RatingGiver.GUARDIAN, guardians[0])


def test_the_page_is_in_the_family_language(client: Client, family_case: TsiCase, guardians: list[Guardian]) -> None:
    family_case.family_language = "ar"
    family_case.save()
    log_in_as(client, guardians[0].identity_index)
    page = client.get(reverse("family:case", args=[family_case.pk]))
    assert page["Content-Language"] == "ar"
    assert 'dir="rtl"' in page.content.decode()
    client.post(reverse("family:language"), {"language": "so", "next": reverse("family:case", args=[family_case.pk])})
    page = client.get(reverse("family:case", args=[family_case.pk]))
    assert page["Content-Language"] == "so"
    assert 'dir="ltr"' in page.content.decode()


# --- who sees what -----------------------------------------------------------------------------------------------


def test_a_guardian_without_custody_sees_nothing(client: Client, family_case: TsiCase, world) -> None:  # type: ignore[no-untyped-def]
    stranger = Guardian.objects.create(
        municipality=world.municipality, identity_number="198001019802", first_name="Utan", last_name="Vårdnad"
    )
    log_in_as(client, stranger.identity_index)
    assert "Alva" not in client.get(reverse("family:home")).content.decode()
    assert client.get(reverse("family:case", args=[family_case.pk])).status_code == 404
    assert client.get(reverse("family:plan_pdf", args=[family_case.pk])).status_code == 404


def test_a_guardian_of_another_child_sees_nothing_of_this_one(client: Client, family_case: TsiCase, world) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import CustodyFactory

    other = CustodyFactory(child=world.protected_child).guardian
    log_in_as(client, other.identity_index)
    home = client.get(reverse("family:home")).content.decode()
    assert "Alva" not in home and "Sigge" in home
    for name in ("family:case", "family:plan_pdf", "family:letter", "family:withdraw"):
        assert client.get(reverse(name, args=[family_case.pk])).status_code == 404


def test_a_blocked_guardian_sees_nothing(
    client: Client,
    family_case: TsiCase,
    guardians: list[Guardian],
    tsi_member,  # type: ignore[no-untyped-def]
) -> None:
    from kring.family import actions

    actions.block_guardian(by=tsi_member, guardian=guardians[0], child=family_case.child, reason="Hot mot barnet.")
    log_in_as(client, guardians[0].identity_index)
    assert "Alva" not in client.get(reverse("family:home")).content.decode()
    assert client.get(reverse("family:case", args=[family_case.pk])).status_code == 404
    assert client.get(reverse("family:withdraw", args=[family_case.pk])).status_code == 404
    block = AccessBlock.objects.get()
    actions.lift_block(by=tsi_member, block=block, reason="Utrett.")
    assert client.get(reverse("family:case", args=[family_case.pk])).status_code == 200


def test_a_child_with_protected_identity_shows_no_school_and_no_meeting_place(
    client: Client,
    world,
    tsi_team,
    principal,
    tsi_member,  # type: ignore[no-untyped-def]
) -> None:
    from kring.casework.tsi import actions
    from tests.casework.conftest import consent_input
    from tests.factories import CustodyFactory

    guardian = CustodyFactory(child=world.protected_child).guardian
    case = actions.request_tsi(by=principal, child=world.protected_child, team=tsi_team, reason="Orolig.")
    actions.assess_request(by=tsi_member, case=case, decision=actions.Decision.ACCEPT, note="Ja.")
    actions.record_consent(by=tsi_member, case=case, given=consent_input([guardian]))
    meeting = actions.book_meeting(
        by=tsi_member, case=case, kind="network", starts_at=timezone.now() + dt.timedelta(days=3),
        place="Ekskolan, Skolvägen 3", neutral_arena=False,
    )  # fmt: skip
    log_in_as(client, guardian.identity_index)
    page = client.get(reverse("family:case", args=[case.pk]))
    assert page.status_code == 200
    assert "Ekskolan" not in page.content.decode() and "Skolvägen" not in page.content.decode()
    ics = client.get(reverse("family:meeting_ics", args=[case.pk, meeting.pk])).content.decode()
    assert "BEGIN:VEVENT" in ics and "Ekskolan" not in ics and "Skolvägen" not in ics


def test_a_young_person_under_15_cannot_log_in(world) -> None:  # type: ignore[no-untyped-def]
    from kring.family.queries import has_anything_to_show
    from tests.family.conftest import TODAY, young_person

    fourteen = young_person(world.municipality, age=14)
    fifteen = young_person(world.municipality, age=15, first_name="Robin")
    assert not has_anything_to_show(fourteen.identity_index, TODAY)
    assert has_anything_to_show(fifteen.identity_index, TODAY)


def test_staff_never_reach_the_family_pages_and_families_never_the_staff_pages(
    client: Client,
    family_case: TsiCase,
    guardians: list[Guardian],
    tsi_member,  # type: ignore[no-untyped-def]
) -> None:
    staff = Client()
    staff.force_login(tsi_member)
    assert staff.get(reverse("family:case", args=[family_case.pk])).status_code == 404
    assert staff.get(reverse("family:home")).status_code == 404
    log_in_as(client, guardians[0].identity_index)
    for url in (reverse("home"), reverse("casework_case", args=[family_case.pk]), reverse("child_search"), "/admin/"):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("family_staff:guardian_access", args=[family_case.child_id])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_e_id_login(client: Client, family_case: TsiCase) -> None:
    response = client.get(reverse("family:case", args=[family_case.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("family:login")
    assert client.get(reverse("family:login")).status_code == 200


def test_the_family_session_ends_after_a_short_idle_time(
    client: Client,
    family_case: TsiCase,
    guardians: list[Guardian],
    settings,  # type: ignore[no-untyped-def]
) -> None:
    import time_machine

    log_in_as(client, guardians[0].identity_index)
    assert client.get(reverse("family:home")).status_code == 200
    assert client.session.get_expire_at_browser_close()
    later = timezone.now() + dt.timedelta(seconds=settings.KRING_FAMILY_IDLE_SECONDS - 60)
    with time_machine.travel(later, tick=False):
        assert client.get(reverse("family:home")).status_code == 200  # still there: active within the time
    idle = later + dt.timedelta(seconds=settings.KRING_FAMILY_IDLE_SECONDS + 1)
    with time_machine.travel(idle, tick=False):
        response = client.get(reverse("family:home"))
    assert response.status_code == 302 and response["Location"] == reverse("family:login")
    assert client.get(reverse("family:home")).status_code == 302


def test_every_family_page_writes_exactly_one_audit_event_as_the_family_members_own(
    client: Client, family_case: TsiCase, guardians: list[Guardian]
) -> None:
    account = log_in_as(client, guardians[0].identity_index)
    meeting = family_case.meetings.get()
    pages = {
        "family:home": [],
        "family:case": [family_case.pk],
        "family:plan_pdf": [family_case.pk],
        "family:letter": [family_case.pk],
        "family:withdraw": [family_case.pk],
        "family:meeting_ics": [family_case.pk, meeting.pk],
    }
    wrong = {}
    for name, args in pages.items():
        before = AuditEvent.objects.count()
        response = client.get(reverse(name, args=args))
        events = list(AuditEvent.objects.order_by("sequence")[before:])
        if response.status_code != 200 or len(events) != 1 or events[0].actor_id != account.user_id:
            wrong[name] = f"{response.status_code}, {len(events)} events"
    assert wrong == {}


def test_the_family_pages_keep_their_number_of_queries(
    client: Client,
    family_case: TsiCase,
    guardians: list[Guardian],
    tsi_member,
    world,  # type: ignore[no-untyped-def]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from kring.casework.models import MeetingKind, Teller
    from kring.casework.tsi import actions as tsi_actions
    from tests.factories import CustodyFactory

    log_in_as(client, guardians[0].identity_index)
    urls = [reverse("family:home"), reverse("family:case", args=[family_case.pk])]

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    before = counts()
    for day in range(3):  # more of everything on the case, and another child
        tsi_actions.book_meeting(
            by=tsi_member, case=family_case, kind=MeetingKind.FOLLOW_UP,
            starts_at=timezone.now() + dt.timedelta(days=10 + day), place=f"Rum {day}", neutral_arena=False,
            participants=[tsi_actions.ParticipantInput("Mentor", "school_staff")],
        )  # fmt: skip
        tsi_actions.record_story(
            by=tsi_member, case=family_case, teller=Teller.SCHOOL, told_by="Mentor",
            told_on=TODAY, text=f"Berättelse {day}",
        )  # fmt: skip
    CustodyFactory(child=world.protected_child, guardian=guardians[0])
    assert counts() == before


def test_custody_ends_at_18(client: Client, family_case: TsiCase, guardians: list[Guardian], world) -> None:  # type: ignore[no-untyped-def]
    from kring.family.queries import has_anything_to_show

    world.child.birth_date = dt.date(TODAY.year - 18, 1, 1)
    world.child.save()
    log_in_as(client, guardians[0].identity_index)
    assert "Alva" not in client.get(reverse("family:home")).content.decode()
    assert client.get(reverse("family:case", args=[family_case.pk])).status_code == 404
    assert not has_anything_to_show(guardians[0].identity_index, TODAY)


def test_a_block_holds_through_another_record_of_the_same_guardian(
    client: Client,
    family_case: TsiCase,
    guardians: list[Guardian],
    tsi_member,  # type: ignore[no-untyped-def]
) -> None:
    from kring.family import actions
    from kring.people.models import Custody

    first = guardians[0]
    twin = Guardian.objects.create(
        municipality=first.municipality, identity_number=first.identity_number, first_name=first.first_name,
        last_name=first.last_name,
    )  # fmt: skip
    Custody.objects.create(
        municipality_id=family_case.child.municipality_id, child=family_case.child, guardian=twin, kind="joint"
    )
    actions.block_guardian(by=tsi_member, guardian=first, child=family_case.child, reason="Hot mot barnet.")
    log_in_as(client, first.identity_index)
    assert client.get(reverse("family:case", args=[family_case.pk])).status_code == 404


def test_a_blocked_guardian_is_not_told_of_a_withdrawal(
    client: Client,
    family_case: TsiCase,
    guardians: list[Guardian],
    tsi_member,  # type: ignore[no-untyped-def]
) -> None:
    from kring.family import actions

    first, second = guardians
    second.email = "blockerad@hem.example"
    second.save()
    actions.block_guardian(by=tsi_member, guardian=second, child=family_case.child, reason="Fara för barnet.")
    log_in_as(client, first.identity_index)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda function, *args, **kwargs: function())
        client.post(reverse("family:withdraw", args=[family_case.pk]))
    assert active_consent(family_case) is None
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(target_type="family_withdrawal_notice").exists()


def test_a_withdrawal_also_ends_a_consent_past_its_date_that_lets_the_school_keep_the_plan(
    client: Client,
    accepted_case: TsiCase,
    guardians: list[Guardian],
    tsi_member,
    principal,  # type: ignore[no-untyped-def]
) -> None:
    import time_machine

    from kring.casework.models import PlanVersion
    from kring.casework.tsi import actions as tsi_actions
    from tests.casework.conftest import consent_input

    tsi_actions.record_consent(
        by=tsi_member, case=accepted_case,
        given=consent_input(guardians, valid_until=TODAY + dt.timedelta(days=30), final_plan_to_school=True),
    )  # fmt: skip
    tsi_actions.agree_plan(
        by=tsi_member, case=accepted_case,
        plan=tsi_actions.PlanInput(TODAY, [{"text": "Mål"}], [{"text": "Gör"}], TODAY + dt.timedelta(days=7), "Team"),
    )  # fmt: skip
    tsi_actions.close_case(by=tsi_member, case=accepted_case, reason="goals_reached")
    plans = PlanVersion.objects.filter(case=accepted_case)
    with time_machine.travel(timezone.now() + dt.timedelta(days=60), tick=False):
        assert active_consent(accepted_case) is None and visible_to_school(principal, plans)
        log_in_as(client, guardians[0].identity_index)
        page = client.get(reverse("family:case", args=[accepted_case.pk])).content.decode()
        assert reverse("family:withdraw", args=[accepted_case.pk]) in page
        client.post(reverse("family:withdraw", args=[accepted_case.pk]))
        assert not visible_to_school(principal, plans)


def visible_to_school(user, plans) -> bool:  # type: ignore[no-untyped-def]
    from kring.access.policy import visible_to

    return visible_to(user, plans).exists()

"""Printable documents of a TSI case: the plan as PDF and its versions, the information letter, the outcome chart.

Who may see what, what a PDF must never contain, and the audit event each export leaves."""

from __future__ import annotations

import base64
import datetime as dt
import io
import pathlib

import pytest
from django.test import Client
from django.utils import timezone, translation
from pypdf import PdfReader
from weasyprint import HTML

from kring.access.models import AuditAction, AuditEvent
from kring.casework.models import MeetingKind, Occasion, ParticipantRole, PlanVersion, TsiCase
from kring.casework.tsi import actions
from kring.casework.tsi.charts import outcome_table, without_inline_styles
from kring.directory.models import User
from kring.pdf import DataOnlyURLFetcher, render_pdf
from kring.people.models import Guardian
from tests.casework.conftest import TODAY, consent_input
from tests.conftest import World, login
from tests.factories import CustodyFactory

pytestmark = pytest.mark.django_db

GOAL_1 = "Alva kommer till skolan fyra dagar i veckan"
WORDS_1 = "Jag vill orka gå till skolan"
GOAL_2 = "Alva går till skolan varje dag"
WORDS_2 = "Jag vill vara med på rasterna"
ADDRESS = "Hemliga gatan 7"
POSTAL_CODE = "451 99"


def _plan(goal: str, words: str, agreed_on: dt.date, meeting: object = None) -> actions.PlanInput:
    return actions.PlanInput(
        agreed_on=agreed_on,
        goals=[{"text": goal, "child_words": words}],
        actions=[{"text": "Mentorn möter Alva vid entrén", "responsible": "Mentor Eva", "due": TODAY.isoformat()}],
        next_follow_up=TODAY + dt.timedelta(days=42),
        overall_responsible="Maria i TSI-teamet",
        meeting=meeting,  # type: ignore[arg-type]
    )


def _with_two_plans(case: TsiCase, member: User) -> TsiCase:
    """Version 1 agreed 30 days ago at a network meeting, version 2 five days ago."""
    meeting = actions.book_meeting(
        by=member, case=case, kind=MeetingKind.NETWORK, starts_at=timezone.now() - dt.timedelta(days=30),
        place="Biblioteket", neutral_arena=True,
        participants=[actions.ParticipantInput("Lena Lärare", ParticipantRole.TRUSTED_ADULT)],
    )  # fmt: skip
    actions.agree_plan(by=member, case=case, plan=_plan(GOAL_1, WORDS_1, TODAY - dt.timedelta(days=30), meeting))
    actions.agree_plan(by=member, case=case, plan=_plan(GOAL_2, WORDS_2, TODAY - dt.timedelta(days=5)))
    case.refresh_from_db()
    return case


@pytest.fixture
def planned_case(world: World, consented_case: TsiCase, tsi_member: User) -> TsiCase:
    world.child.street_address, world.child.postal_code = ADDRESS, POSTAL_CODE
    world.child.save()
    return _with_two_plans(consented_case, tsi_member)


@pytest.fixture
def protected_case(world: World, tsi_team, tsi_member: User, principal: User) -> TsiCase:  # type: ignore[no-untyped-def]
    """A case for Sigge, who has protected identity, with one plan."""
    child = world.protected_child
    child.street_address, child.postal_code = ADDRESS, POSTAL_CODE
    child.save()
    CustodyFactory(child=child)
    case = actions.request_tsi(by=principal, child=child, team=tsi_team, reason="Sigge är ofta ensam.")
    actions.assess_request(by=tsi_member, case=case, decision=actions.Decision.ACCEPT, note="Passar TSI.")
    actions.record_consent(by=tsi_member, case=case, given=consent_input(actions.custodial_guardians(child)))
    actions.agree_plan(by=tsi_member, case=case, plan=_plan(GOAL_1, WORDS_1, TODAY))
    return case


class PdfText:
    """The text of a PDF, compared without whitespace: pypdf turns kerning into spaces ("Alva T estsson")."""

    def __init__(self, content: bytes) -> None:
        self.text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        self._compact = "".join(self.text.split())

    def __contains__(self, phrase: str) -> bool:
        return "".join(phrase.split()) in self._compact

    def __repr__(self) -> str:
        return repr(self.text)


def _pdf_text(content: bytes) -> PdfText:
    return PdfText(content)


def _exports(user: User) -> int:
    return AuditEvent.objects.filter(actor_id=user.pk, action=AuditAction.EXPORT).count()


def _urls(case: TsiCase) -> list[str]:
    return [
        f"/cases/{case.pk}/plan/1.pdf",
        f"/cases/{case.pk}/plan/history/",
        f"/cases/{case.pk}/letter/",
        f"/cases/{case.pk}/letter.pdf",
        f"/cases/{case.pk}/outcomes.svg",
    ]


def _swedish(msgid: str) -> str:
    """The Swedish translation (the documents must be translated: an untranslated string fails the test)."""
    with translation.override("sv"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Swedish translation of {msgid!r}"
    return text


# --- the plan as PDF --------------------------------------------------------------------------------------------


def test_plan_pdf_has_the_goal_and_the_childs_words_but_never_the_address(
    client: Client, planned_case: TsiCase, tsi_member: User, world: World
) -> None:
    login(client, tsi_member)

    response = client.get(f"/cases/{planned_case.pk}/plan/2.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert GOAL_2 in text
    assert WORDS_2 in text
    assert "Alva Testsson" in text
    assert world.child.birth_date.isoformat() in text
    assert "Magneten" in text
    assert "Ekskolan" in text
    assert "Mentor Eva" in text
    assert "Maria i TSI-teamet" in text
    assert ADDRESS not in text
    assert POSTAL_CODE not in text
    assert "Testby" not in text


def test_plan_pdf_lists_the_participants_of_the_meeting_and_the_voluntary_footer(
    client: Client, planned_case: TsiCase, tsi_member: User
) -> None:
    login(client, tsi_member)

    text = _pdf_text(client.get(f"/cases/{planned_case.pk}/plan/1.pdf", headers={"accept-language": "en"}).content)

    assert GOAL_1 in text
    assert "Lena Lärare" in text
    assert "Voluntary: the consent can be withdrawn at any time." in text


def test_plan_pdf_of_a_child_with_protected_identity_leaves_out_the_school(
    client: Client, protected_case: TsiCase, tsi_member: User
) -> None:
    login(client, tsi_member)

    text = _pdf_text(client.get(f"/cases/{protected_case.pk}/plan/1.pdf").content)

    assert "Sigge Skyddad" in text
    assert GOAL_1 in text
    assert "Ekskolan" not in text
    assert ADDRESS not in text


def test_plan_pdf_export_is_audited_with_the_basis(
    client: Client, planned_case: TsiCase, tsi_member: User, principal: User, world: World
) -> None:
    for user, basis_kind in ((tsi_member, "case_team"), (principal, "case_school")):
        login(client, user)
        assert client.get(f"/cases/{planned_case.pk}/plan/1.pdf").status_code == 200
        event = AuditEvent.objects.filter(actor_id=user.pk, action=AuditAction.EXPORT).get()
        assert event.target_type == "tsi_plan_pdf"
        assert event.child_id == world.child.pk
        assert event.basis_kind == basis_kind
        assert event.details["version"] == 1


def test_plan_pdf_of_a_version_that_does_not_exist_is_404(
    client: Client, planned_case: TsiCase, tsi_member: User
) -> None:
    login(client, tsi_member)
    assert client.get(f"/cases/{planned_case.pk}/plan/3.pdf").status_code == 404
    assert _exports(tsi_member) == 0


def test_plan_pdf_refused_to_the_school_once_a_guardian_withdraws_the_consent(
    client: Client, planned_case: TsiCase, tsi_member: User, principal: User, guardians: list[Guardian]
) -> None:
    login(client, principal)
    assert client.get(f"/cases/{planned_case.pk}/plan/2.pdf").status_code == 200
    consent = actions.active_consent(planned_case)
    assert consent is not None
    actions.withdraw_consent(by=tsi_member, consent=consent, guardian=guardians[0], note="Vill inte längre.")

    assert client.get(f"/cases/{planned_case.pk}/plan/2.pdf").status_code == 404
    assert client.get(f"/cases/{planned_case.pk}/plan/history/").status_code == 404
    assert _exports(principal) == 1
    login(client, tsi_member)
    assert client.get(f"/cases/{planned_case.pk}/plan/2.pdf").status_code == 200


# --- versions: what did the plan say on date X ------------------------------------------------------------------


def test_earlier_versions_remain_downloadable(client: Client, planned_case: TsiCase, tsi_member: User) -> None:
    login(client, tsi_member)

    first = _pdf_text(client.get(f"/cases/{planned_case.pk}/plan/1.pdf").content)
    second = _pdf_text(client.get(f"/cases/{planned_case.pk}/plan/2.pdf").content)

    assert GOAL_1 in first and GOAL_2 not in first
    assert GOAL_2 in second and GOAL_1 not in second


def test_plan_history_lists_every_version_newest_first_with_links(
    client: Client, planned_case: TsiCase, tsi_member: User
) -> None:
    login(client, tsi_member)

    body = client.get(f"/cases/{planned_case.pk}/plan/history/").content.decode()

    assert body.index(f"/cases/{planned_case.pk}/plan/2.pdf") < body.index(f"/cases/{planned_case.pk}/plan/1.pdf")


def test_plan_history_answers_what_the_plan_said_on_a_date(
    client: Client, planned_case: TsiCase, tsi_member: User
) -> None:
    login(client, tsi_member)
    url = f"/cases/{planned_case.pk}/plan/history/"
    between = (TODAY - dt.timedelta(days=10)).isoformat()

    then = client.get(url, {"on": between}, headers={"accept-language": "en"}).content.decode()
    now = client.get(url, {"on": TODAY.isoformat()}, headers={"accept-language": "en"}).content.decode()
    before = client.get(url, {"on": (TODAY - dt.timedelta(days=31)).isoformat()}, headers={"accept-language": "en"})

    assert "Version 1, agreed" in then and GOAL_1 in then and GOAL_2 not in then
    assert GOAL_2 in now and GOAL_1 not in now
    assert "No plan had been agreed by that day." in before.content.decode()
    event = AuditEvent.objects.filter(action=AuditAction.READ, target_type="tsi_plan_history").first()
    assert event is not None and event.details["on"] == between and event.details["version"] == 1
    assert PlanVersion.objects.get(case=planned_case, number=1).agreed_on == TODAY - dt.timedelta(days=30)


def test_plan_history_with_an_invalid_date_explains_and_keeps_the_typed_text(
    client: Client, planned_case: TsiCase, tsi_member: User
) -> None:
    login(client, tsi_member)
    url = f"/cases/{planned_case.pk}/plan/history/"
    typed = "2025-13-45"

    english = client.get(url, {"on": typed}, headers={"accept-language": "en"}).content.decode()
    swedish = client.get(url, {"on": typed}).content.decode()

    assert "Write the date as YYYY-MM-DD, for example 2025-03-14." in english
    assert f'value="{typed}"' in english
    assert 'aria-invalid="true"' in english
    assert f'value="{typed}"' in swedish
    assert _swedish("Write the date as YYYY-MM-DD, for example 2025-03-14.") in swedish


# --- the information letter -------------------------------------------------------------------------------------


def test_information_letter_in_english_says_voluntary_and_how_to_withdraw(
    client: Client, consented_case: TsiCase, tsi_member: User
) -> None:
    tsi_member.phone = "0522-69 60 00"
    tsi_member.save()
    login(client, tsi_member)

    body = client.get(f"/cases/{consented_case.pk}/letter/", {"lang": "en"}).content.decode()

    assert "Taking part is voluntary" in body
    assert "Any guardian with custody can withdraw the consent at any time" in body
    assert "the sharing of information ends at once" in body
    assert "employed by both the school and the social services" in body
    assert tsi_member.email in body
    assert "0522-69 60 00" in body
    assert "Magneten" in body
    assert 'lang="en"' in body


def test_information_letter_in_swedish_says_voluntary_and_how_to_withdraw(
    client: Client, consented_case: TsiCase, tsi_member: User
) -> None:
    login(client, tsi_member)

    body = client.get(f"/cases/{consented_case.pk}/letter/", {"lang": "sv"}, headers={"accept-language": "en"})

    text = body.content.decode()
    assert _swedish("Taking part is voluntary") in text
    assert "frivillig" in text
    assert "återkalla" in text
    assert 'lang="sv"' in text


def test_information_letter_pdf_in_english(client: Client, consented_case: TsiCase, tsi_member: User) -> None:
    login(client, tsi_member)

    response = client.get(f"/cases/{consented_case.pk}/letter.pdf", {"lang": "en"})

    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Taking part is voluntary" in text
    assert "ends at once" in text
    assert tsi_member.email in text
    event = AuditEvent.objects.get(actor_id=tsi_member.pk, action=AuditAction.EXPORT)
    assert event.target_type == "tsi_information_letter"
    assert event.details["format"] == "pdf" and event.details["language"] == "en"


def test_information_letter_only_for_the_team(client: Client, consented_case: TsiCase, principal: User) -> None:
    login(client, principal)
    assert client.get(f"/cases/{consented_case.pk}/letter/").status_code == 403
    assert client.get(f"/cases/{consented_case.pk}/letter.pdf").status_code == 403
    assert _exports(principal) == 0


# --- the outcome chart ------------------------------------------------------------------------------------------


def _record_outcomes(case: TsiCase, member: User) -> None:
    for days_ago, attendance, conflicts, listened in ((60, 55, 4, 2), (20, 80, None, 4)):
        actions.record_outcome(
            by=member, case=case,
            outcome=actions.OutcomeInput(TODAY - dt.timedelta(days=days_ago), Occasion.FOLLOW_UP, attendance,
                                         conflicts, listened),
        )  # fmt: skip


def test_outcome_chart_is_an_svg_without_inline_styles_for_the_team(
    client: Client, consented_case: TsiCase, tsi_member: User
) -> None:
    _record_outcomes(consented_case, tsi_member)
    login(client, tsi_member)

    response = client.get(f"/cases/{consented_case.pk}/outcomes.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<svg")
    assert "style=" not in svg and "<style" not in svg
    assert AuditEvent.objects.filter(actor_id=tsi_member.pk, target_type="tsi_outcome_chart").count() == 1


def test_outcome_chart_refused_to_the_school_when_the_consent_does_not_cover_outcomes(
    client: Client, consented_case: TsiCase, tsi_member: User, principal: User
) -> None:
    _record_outcomes(consented_case, tsi_member)
    login(client, principal)
    assert client.get(f"/cases/{consented_case.pk}/outcomes.svg").status_code == 404


def test_outcome_table_gives_the_chart_figures_oldest_first(consented_case: TsiCase, tsi_member: User) -> None:
    _record_outcomes(consented_case, tsi_member)

    rows = outcome_table(consented_case.outcomes.all())

    assert [(r.attendance_percent, r.home_conflicts, r.listened_to) for r in rows] == [(55, 4, 2), (80, None, 4)]
    assert rows[0].measured_on < rows[1].measured_on


def test_without_inline_styles_keeps_the_styling_as_attributes() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg"><style>*{stroke-linecap: butt}</style>'
        '<path style="fill: #fff; stroke: #000" fill-opacity="1"/></svg>'
    )

    cleaned = without_inline_styles(svg)

    assert "style" not in cleaned
    assert 'fill="#fff"' in cleaned and 'stroke="#000"' in cleaned and 'stroke-linecap="butt"' in cleaned


# --- who is refused ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["teacher", "other_teacher", "social_worker", "police_officer", "outsider"])
def test_every_document_is_404_for_those_without_a_basis(
    client: Client, planned_case: TsiCase, tsi_member: User, persona: str, request: pytest.FixtureRequest
) -> None:
    _record_outcomes(planned_case, tsi_member)
    user = request.getfixturevalue(persona)
    login(client, user)

    statuses = {url: client.get(url).status_code for url in _urls(planned_case)}

    assert set(statuses.values()) == {404}, statuses
    assert not AuditEvent.objects.filter(actor_id=user.pk, action__in=[AuditAction.EXPORT, AuditAction.READ]).exists()


def test_every_document_is_there_for_the_team(client: Client, planned_case: TsiCase, tsi_member: User) -> None:
    _record_outcomes(planned_case, tsi_member)
    login(client, tsi_member)

    statuses = {url: client.get(url).status_code for url in _urls(planned_case)}

    assert set(statuses.values()) == {200}, statuses
    assert _exports(tsi_member) == 3  # the plan PDF, the letter page and the letter PDF


def test_documents_need_login(client: Client, planned_case: TsiCase) -> None:
    for url in _urls(planned_case):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- WeasyPrint may read nothing but data: URIs -----------------------------------------------------------------

PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def _images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_fetcher_refuses_files_and_network_but_reads_data_uris(tmp_path: pathlib.Path) -> None:
    picture = tmp_path / "pixel.png"
    picture.write_bytes(PIXEL)
    data_uri = "data:image/png;base64," + base64.b64encode(PIXEL).decode()

    def render(src: str) -> bytes:
        html = f'<p>x</p><img src="{src}" width="20" height="20">'
        return bytes(HTML(string=html, base_url=None, url_fetcher=DataOnlyURLFetcher()).write_pdf())

    assert _images(render(data_uri)) == 1
    assert _images(render(picture.as_uri())) == 0
    assert _images(render("http://127.0.0.1:9/pixel.png")) == 0
    with pytest.raises(ValueError):
        DataOnlyURLFetcher().fetch(picture.as_uri())


def test_render_pdf_escapes_user_text(settings, tmp_path: pathlib.Path) -> None:  # type: ignore[no-untyped-def]
    picture = tmp_path / "pixel.png"
    picture.write_bytes(PIXEL)
    sneaky = f'<img src="{picture.as_uri()}">'
    template_dir = tmp_path / "templates"
    (template_dir / "t").mkdir(parents=True)
    (template_dir / "t" / "doc.html").write_text("<p>{{ text }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [template_dir]}]

    pdf = render_pdf("t/doc.html", {"text": sneaky})

    assert _images(pdf) == 0
    assert "<img" in _pdf_text(pdf)


# --- what is shared with whom (issue 12, 1.3) -------------------------------------------------------------------


def test_consent_directions_letter_says_both_questions_and_the_gdpr_information(
    client: Client, consented_case: TsiCase, tsi_member: User
) -> None:
    login(client, tsi_member)

    english = client.get(f"/cases/{consented_case.pk}/letter/", {"lang": "en"}).content.decode()
    swedish = client.get(f"/cases/{consented_case.pk}/letter/", {"lang": "sv"}).content.decode()

    for phrase in (
        "1. What others may tell the team.",
        "2. What the team may tell others.",
        "You have agreed that the team may share this with:",
        "Your personal data",
        "Who is responsible",
        "Legal basis",
        "How long",
        "Your rights",
    ):
        assert phrase in english, phrase
        assert _swedish(phrase) in swedish, phrase
    assert "GDPR article 6.1 e" in english and "IMY" in english
    assert "Testkommun" in english  # the controller's municipality


def test_consent_directions_letter_says_when_the_team_tells_nobody(
    client: Client, accepted_case: TsiCase, tsi_member: User, guardians: list
) -> None:  # type: ignore[type-arg]
    actions.record_consent(
        by=tsi_member, case=accepted_case, given=consent_input(guardians, share_with=[], share_categories=[])
    )
    login(client, tsi_member)

    body = client.get(f"/cases/{accepted_case.pk}/letter/", {"lang": "en"}).content.decode()

    assert "the team tells nobody outside the team what it learns or records about your child" in body


def test_consent_directions_plan_pdf_says_who_sees_the_plan(
    client: Client, planned_case: TsiCase, tsi_member: User
) -> None:
    login(client, tsi_member)

    text = _pdf_text(client.get(f"/cases/{planned_case.pk}/plan/1.pdf", headers={"accept-language": "en"}).content)

    assert "Who sees this plan" in text
    assert "with the guardians' consent also: School" in text

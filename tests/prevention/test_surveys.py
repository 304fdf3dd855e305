"""Anonymous pupil surveys: anonymity by construction (on the schema), answering with a one-time code without a
login, a page that reveals nothing but the questionnaire, right-to-left Arabic, and results with disclosure
control, the before-after comparison and the paired change, at constant queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kring.access.models import AuditEvent
from kring.directory.models import Municipality, User
from kring.people.models import Group
from kring.prevention.models import AnswerCode, SurveyAnswer, SurveyResponse, WaveClass
from kring.prevention.surveys import actions
from tests.conftest import World, login
from tests.factories import ChildFactory, PlacementFactory, UnitFactory
from tests.prevention import surveys

pytestmark = pytest.mark.django_db


def test_answers_hold_no_key_to_a_person_by_construction() -> None:
    """No field of a response or an answer reaches a person, a code, an address or a moment finer than the day,
    and no table joins a response to a child."""
    person_models = {"people.child", "people.guardian", "directory.user", "people.custody", "people.placement"}
    for model in (SurveyResponse, SurveyAnswer):
        for field in model._meta.get_fields():
            if field.name == "municipality":  # the tenant (docs/adr/0019), nothing of a person
                assert field.related_model is Municipality, field
                continue
            assert not isinstance(field, models.DateTimeField | models.TimeField), field
            assert not any(word in field.name for word in ("ip", "agent", "code", "user", "child", "pupil")), field
            if field.is_relation and field.related_model is not None:
                label = field.related_model._meta.label_lower
                assert label not in person_models, field
                assert label in {
                    "prevention.waveclass",
                    "prevention.surveyresponse",
                    "prevention.surveyanswer",
                    "prevention.bankquestion",
                }, field
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and not field.auto_created and field.related_model in (SurveyResponse, SurveyAnswer):
                assert model in (SurveyResponse, SurveyAnswer), f"{model.__name__}.{field.name}"
    assert not any(f.is_relation and f.related_model is SurveyResponse for f in AnswerCode._meta.get_fields())


@pytest.fixture
def open_class(world: World, group: Group, coordinator: User) -> WaveClass:
    series = surveys.survey(coordinator)
    return surveys.add_class(series, "after", group, coordinator)


def _walk(client: Client, code: str, language: str = "sv") -> str:
    """Answer every screen (the first choice where there is one) and send."""
    page = client.post("/enkat/", {"code": code, "lang": language}).content.decode()
    data: dict[str, str] = {"code": code, "lang": language}
    for _ in range(20):
        step = page.split('name="step" value="')[1].split('"')[0]
        data["step"] = step
        if 'name="q' in page and 'type="radio"' in page:
            name = page.split('type="radio" name="')[1].split('"')[0]
            data[name] = "4"
        elif "<textarea" in page:
            name = page.split('<textarea id="answer-text" name="')[1].split('"')[0]
            data[name] = "Det är bra här."
        for hidden in page.split('<input type="hidden" name="q')[1:]:
            key, value = hidden.split('"')[0], hidden.split('value="')[1].split('"')[0]
            data.setdefault(f"q{key}", value)
        if 'value="send"' in page:
            data.update({"go": "send", "link0": "a", "link1": "12", "link2": "m"})
            return client.post("/enkat/svara/", data).content.decode()
        data["go"] = "next"
        page = client.post("/enkat/svara/", data).content.decode()
    raise AssertionError("the survey never ended")


def test_a_pupil_answers_once_with_a_code_and_no_login(open_class: WaveClass) -> None:
    code = actions.make_codes(wave_class=open_class, count=3, by=open_class.wave.series.created_by)[0]
    events_before = AuditEvent.objects.count()
    client = Client()

    thanks = _walk(client, code)

    assert "Tack för dina svar" in thanks
    response = SurveyResponse.objects.get()
    assert response.answered_on == timezone.localdate()
    assert response.wave_class == open_class
    assert len(response.link_hash) == 64
    assert response.answers.filter(value=4, question__scale="agree4").count() == 6
    assert response.answers.get(text__startswith="Det är bra").value is None
    assert AnswerCode.objects.filter(used=True).count() == 1
    assert AuditEvent.objects.count() == events_before  # nothing that says when, to the second, or who
    again = client.post("/enkat/", {"code": code, "lang": "sv"}).content.decode()
    assert "Koden gäller inte" in again


def test_the_answering_page_reveals_nothing_but_the_questionnaire(open_class: WaveClass, world: World) -> None:
    code = actions.make_codes(wave_class=open_class, count=1, by=open_class.wave.series.created_by)[0]
    client = Client()

    page = client.post("/enkat/", {"code": code, "lang": "sv"}).content.decode()

    assert "Det finns en vuxen som verkligen bryr sig om mig." in page
    shown = re.sub(r'value="[^"]*"', "", page)  # the code and the form's tokens are random: "5A" may be in them
    for secret in ("Testsson", "Ekskolan", "5A", "Börja prata åk 5", "Skyddad"):
        assert secret not in shown
    assert 'class="site-header' not in page


def test_wrong_used_and_closed_codes_get_the_same_answer(open_class: WaveClass, coordinator: User) -> None:
    (used,) = actions.make_codes(wave_class=open_class, count=1, by=coordinator)
    AnswerCode.objects.update(used=True)
    closed_class = WaveClass.objects.create(
        municipality_id=open_class.municipality_id,
        wave=surveys.wave(open_class.wave.series, "before"),
        group=open_class.group,
        unit=open_class.unit,
        invited=3,
    )
    (closed,) = actions.make_codes(wave_class=closed_class, count=1, by=coordinator)
    client = Client()

    answers = {
        "Koden gäller inte" in client.post("/enkat/", {"code": code}).content.decode()
        for code in ("ABCD-EFGH", used, closed)
    }

    assert answers == {True}


def test_guessing_codes_from_one_device_is_stopped(open_class: WaveClass, coordinator: User) -> None:
    from django.core.cache import cache

    from kring.prevention.surveys.answering import WRONG_CODES_LIMIT

    cache.clear()
    (good,) = actions.make_codes(wave_class=open_class, count=1, by=coordinator)
    client = Client()
    for attempt in range(WRONG_CODES_LIMIT):
        client.post("/enkat/", {"code": f"WRONG{attempt:03d}"})

    refused = client.post("/enkat/", {"code": good}).content.decode()

    assert "För många felaktiga koder" in refused
    assert not AnswerCode.objects.filter(used=True).exists()
    cache.clear()
    assert "Fråga 1 av" in client.post("/enkat/", {"code": good}).content.decode()


def test_arabic_is_laid_out_right_to_left_and_english_left_to_right(client: Client) -> None:
    arabic = client.get("/enkat/?lang=ar").content.decode()
    english = client.get("/enkat/?lang=en").content.decode()

    assert '<html lang="ar" dir="rtl">' in arabic
    assert "مرحبًا" in arabic or "الاستبيان" in arabic
    assert '<html lang="en" dir="ltr">' in english


def test_a_code_sent_twice_at_once_saves_one_response(open_class: WaveClass, coordinator: User) -> None:
    (code,) = actions.make_codes(wave_class=open_class, count=1, by=coordinator)
    today = timezone.localdate()
    actions.submit_response(code=code, language="sv", answers=[], link_parts=[], today=today)

    with pytest.raises(actions.WorkflowError):
        actions.submit_response(code=code, language="sv", answers=[], link_parts=[], today=today)
    assert SurveyResponse.objects.count() == 1


# --- results -----------------------------------------------------------------------------------------------------


@pytest.fixture
def three_schools(world: World, coordinator: User) -> tuple[object, list[WaveClass], list[WaveClass]]:
    """Börja prata in grade 5 of three schools; the third had only six pupils answering."""
    series = surveys.survey(coordinator)
    befores, afters = [], []
    schools = [world.school, world.other_school, UnitFactory(organisation=world.school.organisation, name="Lillskolan")]
    for index, school in enumerate(schools):
        group = Group.objects.create(municipality_id=school.municipality_id, unit=school, name=f"5{'ABC'[index]}")
        PlacementFactory(child=ChildFactory(municipality=world.municipality), unit=school, group=group)
        for kind, target in (("before", befores), ("after", afters)):
            wave_class = surveys.add_class(series, kind, group, coordinator)
            WaveClass.objects.filter(pk=wave_class.pk).update(invited=40 if index < 2 else 8)
            target.append(wave_class)
    for index, (before, after) in enumerate(zip(befores, afters, strict=True)):
        count = 30 if index < 2 else 6
        links = [surveys.link_of(series, index * 100 + i) for i in range(count)]
        surveys.answers(before, count, positive=0.5, seed=index, links=links)
        surveys.answers(after, count, positive=0.8, seed=index + 10, links=links)
    return series, befores, afters


def test_the_coordinator_sees_results_with_the_small_school_suppressed(
    client: Client,
    three_schools: tuple,
    coordinator: User,  # type: ignore[type-arg]
) -> None:
    series = three_schools[0]
    login(client, coordinator)

    body = client.get(f"/prevention/surveys/{series.pk}/results/", headers={"accept-language": "en"}).content.decode()

    lillskolan = body.split('<th scope="row">Lillskolan</th>')[1].split("</tr>")[0]
    assert '<td class="figures">..</td>' in lillskolan
    assert "After against before" in body
    assert "The same pupils before and after" in body
    assert "100 % of the answers after could be paired" in body
    assert "Testsson" not in body


def test_no_hidden_school_can_be_worked_out_from_the_page(three_schools: tuple, coordinator: User) -> None:  # type: ignore[type-arg]
    from kring.prevention.surveys.queries import survey_results

    report = survey_results(coordinator, three_schools[0])

    for wave in report.waves:
        rows = {row.key: row.answers for row in wave.responses}
        schools = [key for key in rows if key.startswith("school:")]
        hidden = [key for key in schools if rows[key] is None]
        assert hidden, "the small school is hidden"
        if rows["total"] is not None:
            assert len(hidden) >= 2  # the total minus one other school would give it away


def test_the_principal_sees_only_their_schools_results(
    client: Client,
    three_schools: tuple,
    principal: User,  # type: ignore[type-arg]
) -> None:
    login(client, principal)

    body = client.get(f"/prevention/surveys/{three_schools[0].pk}/results/").content.decode()

    assert "Ekskolan" in body
    assert "Björkskolan" not in body and "Lillskolan" not in body


def test_results_csv_holds_aggregates_only(client: Client, three_schools: tuple, coordinator: User) -> None:  # type: ignore[type-arg]
    login(client, coordinator)

    response = client.get(f"/prevention/surveys/{three_schools[0].pk}/results.csv")

    text = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "Lillskolan,..,..,..,..,.." in text
    assert len(text.splitlines()) < 200


def test_the_results_page_keeps_its_queries_whatever_the_number_of_answers(
    client: Client,
    three_schools: tuple,
    coordinator: User,  # type: ignore[type-arg]
) -> None:
    series, befores, afters = three_schools
    login(client, coordinator)
    url = f"/prevention/surveys/{series.pk}/results/"
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    surveys.answers(afters[0], 300, positive=0.7, seed=99)
    surveys.answers(befores[1], 300, positive=0.4, seed=98)
    assert count() == small


@pytest.mark.parametrize("name", ["teacher", "social_worker", "police_officer", "tsi_member", "outsider"])
def test_survey_pages_are_404_for_those_without_a_part_in_them(
    client: Client,
    three_schools: tuple,
    request: pytest.FixtureRequest,
    name: str,  # type: ignore[type-arg]
) -> None:
    login(client, request.getfixturevalue(name))
    series = three_schools[0]
    listing = client.get("/prevention/surveys/")
    assert listing.status_code == (200 if name == "outsider" else 404)  # another municipality's principal: their own
    assert series.name not in listing.content.decode()
    for url in (
        f"/prevention/surveys/{series.pk}/",
        f"/prevention/surveys/{series.pk}/results/",
        f"/prevention/surveys/{series.pk}/results.csv",
    ):
        assert client.get(url).status_code == 404, url


def test_printed_codes_are_shown_once_and_kept_only_as_hashes(
    client: Client, open_class: WaveClass, principal: User
) -> None:
    login(client, principal)

    page = client.post(f"/prevention/surveys/classes/{open_class.pk}/codes/", {"codes-count": "5"}).content.decode()

    shown = [part.split("</strong>")[0] for part in page.split("<strong>")[1:] if "-" in part.split("</strong>")[0]]
    assert len(shown) == 5
    stored = set(AnswerCode.objects.values_list("code_hash", flat=True))
    assert all(code.replace("-", "") not in " ".join(stored) for code in shown)
    assert AnswerCode.objects.count() == 5


def test_the_guardians_letter_says_they_may_say_no(client: Client, open_class: WaveClass, principal: User) -> None:
    login(client, principal)

    body = client.get(f"/prevention/surveys/{open_class.wave.series_id}/letter/").content.decode()

    assert "frivilligt" in body
    assert "Det finns en vuxen som verkligen bryr sig om mig." in body


def test_the_coordinator_sets_up_a_survey_in_the_browsers_place(
    client: Client, world: World, group: Group, coordinator: User, principal: User
) -> None:
    from kring.prevention.models import BankQuestion, Questionnaire, SurveySeries
    from kring.prevention.surveys.bank import load_question_bank

    load_question_bank(BankQuestion)
    login(client, coordinator)
    questions = list(BankQuestion.objects.order_by("pk").values_list("pk", flat=True)[:3])
    assert (
        client.post("/prevention/surveys/questionnaires/new/", {"name": "Kort", "questions": questions}).status_code
        == 302
    )
    questionnaire = Questionnaire.objects.get()
    response = client.post(
        "/prevention/surveys/new/", {"name": "Vår 2027", "questionnaire": questionnaire.pk, "link_answers": "on"}
    )
    series = SurveySeries.objects.get()
    assert response["Location"].endswith(f"/prevention/surveys/{series.pk}/")
    today = timezone.localdate()
    bad = client.post(
        f"/prevention/surveys/{series.pk}/",
        {
            "form": "wave",
            "wave-kind": "before",
            "wave-opens_on": today.isoformat(),
            "wave-closes_on": (today - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert "Enkäten kan inte stänga innan den öppnar." in bad.content.decode()
    client.post(
        f"/prevention/surveys/{series.pk}/",
        {
            "form": "wave",
            "wave-kind": "before",
            "wave-opens_on": today.isoformat(),
            "wave-closes_on": (today + dt.timedelta(days=7)).isoformat(),
        },
    )
    client.logout()
    login(client, principal)
    wave = series.waves.get()
    assert client.post(f"/prevention/surveys/waves/{wave.pk}/classes/", {"class-group": group.pk}).status_code == 302

    page = client.get(f"/prevention/surveys/{series.pk}/").content.decode()

    assert "/enkat/" in page and "5A" in page
    assert wave.classes.get().invited == 2

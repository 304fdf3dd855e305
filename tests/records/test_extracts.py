# ruff: noqa: F811
"""Register extracts (GDPR art. 15) and corrections (art. 16): a guardian's extract holds their data and not the other
guardian's; what is secret towards the guardians is withheld; the officer's review cannot be skipped; corrections keep
the old value; nobody but the municipality's data protection coordinator sees any of it."""

from __future__ import annotations

import json
import re

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from kring.access.audit import record_read
from kring.access.models import AuditEvent
from kring.casework.models import ReportOfConcern, TsiCase
from kring.casework.reports import actions as report_actions
from kring.casework.tsi import actions as tsi
from kring.casework.workflow import WorkflowError
from kring.directory.models import User
from kring.people.models import Child, Guardian
from kring.records.extracts import actions
from kring.records.extracts.compile import MASK, TABLE_AFTER
from kring.records.extracts.documents import extract_json, extract_pdf
from kring.records.extracts.forms import item_field_name
from kring.records.models import Correction, ExtractStatus, ExtractSubject, RegisterExtract
from tests.casework.conftest import accepted_case, consented_case, requested_case  # noqa: F401
from tests.casework.test_start_page import report_input
from tests.conftest import World, _staff, login
from tests.factories import MunicipalityFactory, OrganisationFactory, UnitFactory, UserFactory
from tests.family.conftest import OPEN_STORY, SECRET_STORY, family_case  # noqa: F401, F811

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def officer(world: World) -> User:
    office = UnitFactory(organisation=world.school.organisation, name="Kommunkansliet", school_forms=[], grades=[])
    return _staff(world.municipality, office, "privacy_officer", "dataskydd@kommun.example")


@pytest.fixture
def other_officer() -> User:
    municipality = MunicipalityFactory(name="Grannkommun", code="9004")
    office = UnitFactory(organisation=OrganisationFactory(municipality=municipality), school_forms=[], grades=[])
    return _staff(municipality, office, "privacy_officer", "dataskydd@grannkommun.example")


@pytest.fixture
def two_guardians(family_case: TsiCase, tsi_member: User) -> tuple[Guardian, Guardian]:  # noqa: F811
    first, second = Guardian.objects.filter(custodies__child=family_case.child).order_by("pk")
    Guardian.objects.filter(pk=first.pk).update(first_name="Ulla", last_name="Förstasson", phone="070-1111111")
    Guardian.objects.filter(pk=second.pk).update(
        first_name="Bengt", last_name="Andrasson", phone="070-2222222", email="bengt@andra.example"
    )
    first.refresh_from_db()
    second.refresh_from_db()
    tsi.record_guardian_rating(by=tsi_member, case=family_case, guardian=first, home_conflicts=2)
    tsi.record_guardian_rating(by=tsi_member, case=family_case, guardian=second, home_conflicts=5)
    return first, second


def _request(officer: User, subject: object, kind: str, *, by_guardian: bool = False) -> RegisterExtract:
    given = actions.ExtractInput(officer.municipality, kind, subject, "I receptionen, id-kort", by_guardian, TODAY)  # type: ignore[arg-type]
    return actions.register_request(by=officer, given=given)


def _texts(extract: RegisterExtract) -> str:
    return json.dumps(extract.content, ensure_ascii=False)


def _released(extract: RegisterExtract, officer: User) -> str:
    extract = actions.compile_request(by=officer, extract=extract)
    withheld = {item["key"]: item["withheld"] for section in extract.content["sections"] for item in section["items"]}
    actions.review(by=officer, extract=extract, withheld=withheld, note="Granskad")
    extract.refresh_from_db()
    return extract_json(extract).decode()


def test_a_guardians_extract_holds_their_data_and_not_the_other_guardians(
    officer: User, two_guardians: tuple[Guardian, Guardian]
) -> None:
    first, second = two_guardians
    released = _released(_request(officer, first, ExtractSubject.GUARDIAN), officer)
    assert "Ulla" in released and "070-1111111" in released  # their own details
    assert "ConsentGiver" not in released  # labels, not model names
    for other in ("Bengt", "Andrasson", "070-2222222", "bengt@andra.example"):  # whole words: staff are generated
        assert not re.search(rf"\b{re.escape(other)}\b", released), other
    document = RegisterExtract.objects.get()
    pdf_text = "".join(page.extract_text() for page in PdfReader(_pdf(document)).pages)
    assert "Förstasson" in pdf_text and "Andrasson" not in pdf_text


def _pdf(extract: RegisterExtract) -> object:
    import io

    return io.BytesIO(extract_pdf(extract))


def test_the_other_guardians_rating_and_consent_are_not_in_the_extract(
    officer: User, two_guardians: tuple[Guardian, Guardian]
) -> None:
    first, _second = two_guardians
    extract = actions.compile_request(by=officer, extract=_request(officer, first, ExtractSubject.GUARDIAN))
    titles = {section["key"]: len(section["items"]) for section in extract.content["sections"]}
    assert titles["casework.outcomemeasure"] == 1  # their own rating only
    assert titles["people.custody"] == 1
    assert titles["casework.consentgiver"] == 1


def test_a_guardian_asking_for_the_childs_extract_does_not_get_what_is_secret_towards_them(
    officer: User,
    family_case: TsiCase,  # noqa: F811
) -> None:
    extract = _request(officer, family_case.child, ExtractSubject.CHILD, by_guardian=True)
    compiled = actions.compile_request(by=officer, extract=extract)
    assert SECRET_STORY in _texts(compiled)  # the officer sees it in the draft, marked
    stories = next(s for s in compiled.content["sections"] if s["key"] == "casework.story")
    assert {item["withheld"] for item in stories["items"]} == {"", "secrecy_towards_guardians"}
    released = _released(compiled, officer)
    assert OPEN_STORY in released and SECRET_STORY not in released
    assert "OSL 12 kap 3 §" in released  # the ground is named, so the person may appeal


def test_the_childs_extract_names_who_read_the_data(
    client: Client,
    officer: User,
    family_case: TsiCase,
    tsi_member: User,  # noqa: F811
) -> None:
    login(client, tsi_member).get(reverse("casework_case", args=[family_case.pk]))
    extract = actions.compile_request(by=officer, extract=_request(officer, family_case.child, ExtractSubject.CHILD))
    reads = next(section for section in extract.content["sections"] if section["key"] == "reads")
    assert str(tsi_member) in [item["title"] for item in reads["items"]]


def test_the_review_cannot_be_skipped(client: Client, officer: User, family_case: TsiCase) -> None:  # noqa: F811
    extract = actions.compile_request(by=officer, extract=_request(officer, family_case.child, ExtractSubject.CHILD))
    with pytest.raises(WorkflowError):
        actions.release(by=officer, extract=extract, how="Per post")
    login(client, officer)
    response = client.post(reverse("records_extract_release", args=[extract.pk]), {"how": "Per post"})
    assert response.status_code == 400 and "granskas" in response.content.decode()  # told why, in Swedish
    for file_format in ("pdf", "json"):
        assert client.get(reverse("records_extract_file", args=[extract.pk, file_format])).status_code == 404
    extract.refresh_from_db()
    assert extract.status == ExtractStatus.COMPILED
    assert not AuditEvent.objects.filter(target_type="register_extract", action="export").exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisterExtract.objects.filter(pk=extract.pk).update(status=ExtractStatus.RELEASED)


def test_compiling_again_undoes_the_review(officer: User, family_case: TsiCase) -> None:  # noqa: F811
    extract = _request(officer, family_case.child, ExtractSubject.CHILD)
    _released(extract, officer)
    again = actions.compile_request(by=officer, extract=RegisterExtract.objects.get(pk=extract.pk))
    assert again.status == ExtractStatus.COMPILED and again.reviewed_at is None


def test_the_whole_way_in_the_browser_forms(client: Client, officer: User, family_case: TsiCase) -> None:  # noqa: F811
    login(client, officer)
    assert reverse("records_extracts") in client.get(reverse("home")).content.decode()  # in the menu
    typed = {"subject_kind": "child", "subject": "19000101-0000", "requested_by": "Vårdnadshavare, id-kort",
             "received_on": TODAY.isoformat()}  # fmt: skip
    refused = client.post(reverse("records_extract_new"), typed)
    assert refused.status_code == 400 and "Vårdnadshavare, id-kort" in refused.content.decode()
    typed["subject"] = family_case.child.identity_number
    created = client.post(reverse("records_extract_new"), typed)
    extract = RegisterExtract.objects.get()
    assert created.status_code == 302 and extract.due_on > extract.received_on
    assert client.post(reverse("records_extract_compile", args=[extract.pk])).status_code == 302
    page = client.get(reverse("records_extract", args=[extract.pk]))
    assert SECRET_STORY in page.content.decode()
    extract.refresh_from_db()
    choices = {
        item_field_name(item["key"]): item["withheld"] for s in extract.content["sections"] for item in s["items"]
    }
    choices["compiled"] = extract.compiled_at.isoformat()  # type: ignore[union-attr]
    assert client.post(reverse("records_extract_review", args=[extract.pk]), choices).status_code == 400  # no note
    reviewed = client.post(reverse("records_extract_review", args=[extract.pk]), {**choices, "note": "Inget sekretess"})
    assert reviewed.status_code == 302
    pdf = client.get(reverse("records_extract_file", args=[extract.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    released = client.post(reverse("records_extract_release", args=[extract.pk]), {"how": "Rekommenderat brev"})
    assert released.status_code == 302
    extract.refresh_from_db()
    assert (extract.status, extract.released_by) == (ExtractStatus.RELEASED, officer)
    steps = list(
        AuditEvent.objects.filter(target_type="register_extract", details__step__isnull=False).values_list(
            "details__step", flat=True
        )
    )
    assert steps == ["registered", "compiled", "reviewed", "downloaded", "released"]


def test_a_correction_keeps_the_old_value_and_sends_the_extract_back(
    client: Client, officer: User, two_guardians: tuple[Guardian, Guardian]
) -> None:
    first, _second = two_guardians
    extract = actions.compile_request(by=officer, extract=_request(officer, first, ExtractSubject.GUARDIAN))
    login(client, officer)
    response = client.post(
        reverse("records_extract_correct", args=[extract.pk]),
        {"field": "phone", "new_value": "070-3333333", "reason": "Fel nummer enligt vårdnadshavaren"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    correction = Correction.objects.get()
    assert (first.phone, correction.old_value, correction.new_value) == ("070-3333333", "070-1111111", "070-3333333")
    extract.refresh_from_db()
    assert extract.status == ExtractStatus.RECEIVED and extract.content == {}
    extract = actions.compile_request(by=officer, extract=extract)
    assert "070-1111111" in _texts(extract)  # in the corrections' history
    refused = client.post(
        reverse("records_extract_correct", args=[extract.pk]),
        {"field": "identity_number", "new_value": "x", "reason": "Fel"},
    )
    assert refused.status_code == 400


def test_a_staff_members_extract_counts_their_records_without_the_childrens_data(
    officer: User,
    family_case: TsiCase,
    tsi_member: User,  # noqa: F811
) -> None:
    extract = actions.compile_request(by=officer, extract=_request(officer, tsi_member, ExtractSubject.STAFF))
    text = _texts(extract)
    assert tsi_member.email in text and "password" not in text.lower()
    assert SECRET_STORY not in text and OPEN_STORY not in text
    work = next(section for section in extract.content["sections"] if section["key"] == "authored")
    assert work["items"]  # the records naming them, counted


def test_nobody_else_sees_a_register_extract(
    client: Client,
    officer: User,
    other_officer: User,
    principal: User,
    family_case: TsiCase,  # noqa: F811
) -> None:
    extract = actions.compile_request(by=officer, extract=_request(officer, family_case.child, ExtractSubject.CHILD))
    child_name = f"{family_case.child.first_name} {family_case.child.last_name}"
    urls = [reverse("records_extract", args=[extract.pk]), reverse("records_extract_file", args=[extract.pk, "pdf"])]
    for user in (other_officer, principal):
        login(client, user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 404 and child_name not in response.content.decode(), (user, url)
        assert client.post(reverse("records_extract_compile", args=[extract.pk])).status_code == 404
    own_list = login(client, other_officer).get(reverse("records_extracts"))  # their own municipality's: empty
    assert own_list.status_code == 200 and child_name not in own_list.content.decode()
    login(client, principal)
    for url in (reverse("records_extracts"), reverse("records_extract_new")):
        assert client.get(url).status_code == 404
    assert reverse("records_extracts") not in client.get(reverse("home")).content.decode()
    client.logout()
    assert client.get(urls[0]).status_code == 302  # to the login page


def test_the_other_municipalitys_officer_cannot_request_our_children(
    client: Client, other_officer: User, world: World
) -> None:
    login(client, other_officer)
    typed = {"subject_kind": "child", "subject": world.child.identity_number, "requested_by": "Någon",
             "received_on": TODAY.isoformat()}  # fmt: skip
    assert client.post(reverse("records_extract_new"), typed).status_code == 400
    assert not RegisterExtract.objects.exists()


def test_the_deadline_is_one_month_and_the_end_of_a_short_month_holds() -> None:
    import datetime as dt

    assert actions.one_month_after(dt.date(2027, 1, 31)) == dt.date(2027, 2, 28)
    assert actions.one_month_after(dt.date(2028, 1, 31)) == dt.date(2028, 2, 29)
    assert actions.one_month_after(dt.date(2026, 12, 15)) == dt.date(2027, 1, 15)


def test_the_page_of_an_extract_keeps_its_queries_whatever_the_size(
    client: Client,
    officer: User,
    family_case: TsiCase,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    extract = actions.compile_request(by=officer, extract=_request(officer, family_case.child, ExtractSubject.CHILD))
    login(client, officer)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("records_extract", args=[extract.pk])).status_code == 200


def _items(extract: RegisterExtract, key: str) -> list[dict]:  # type: ignore[type-arg]
    return next((s["items"] for s in extract.content["sections"] if s["key"] == key), [])


def test_who_reported_is_masked_in_the_report_and_among_the_readers(
    officer: User, world: World, principal: User
) -> None:
    report_actions.file_report(by=principal, child=world.child, report=report_input())
    extract = actions.compile_request(by=officer, extract=_request(officer, world.child, ExtractSubject.CHILD))
    text = _texts(extract)
    assert str(principal) not in text and principal.email not in text
    (report,) = _items(extract, "casework.reportofconcern")
    assert MASK in dict(report["fields"]).values() and report["masked"]
    released = _released(extract, officer)
    assert "Alva berättar" in released and str(principal) not in released


def test_a_report_passed_on_from_the_public_is_withheld_until_the_officer_decides(
    officer: User, world: World, principal: User
) -> None:
    report = report_actions.file_report(by=principal, child=world.child, report=report_input())
    system_user = UserFactory(municipality=world.municipality, email="e-tjanst@kommun.example", is_system=True)
    ReportOfConcern.objects.filter(pk=report.pk).update(reporter=system_user)
    extract = actions.compile_request(by=officer, extract=_request(officer, world.child, ExtractSubject.CHILD))
    (item,) = _items(extract, "casework.reportofconcern")
    assert item["withheld"] == "reporter_identity"
    assert "Alva berättar" not in _released(extract, officer)


def test_a_protected_childs_address_and_school_are_not_released(officer: User, world: World, principal: User) -> None:
    child = world.protected_child
    login(Client(), principal).get(reverse("child_overview", args=[child.pk]))
    extract = actions.compile_request(
        by=officer, extract=_request(officer, child, ExtractSubject.CHILD, by_guardian=True)
    )
    (register,) = _items(extract, "people.child")
    fields = dict(register["fields"])
    assert child.street_address and child.street_address not in _texts(extract)
    assert fields[str(Child._meta.get_field("street_address").verbose_name).capitalize()] == MASK
    assert {item["withheld"] for item in _items(extract, "people.placement")} == {"protected_identity"}
    assert {item["withheld"] for item in _items(extract, "reads")} == {"protected_identity"}
    released = _released(extract, officer)
    assert world.school.name not in released and child.street_address not in released


def test_pages_listing_several_children_are_among_the_reads(officer: User, world: World, principal: User) -> None:
    record_read(principal, "concern_list", children=[world.child.pk, world.protected_child.pk])
    extract = actions.compile_request(by=officer, extract=_request(officer, world.child, ExtractSubject.CHILD))
    assert [item["title"] for item in _items(extract, "reads")] == [str(principal)]


def test_many_stories_secret_towards_the_guardians_are_not_folded_into_one_table(
    officer: User, family_case: TsiCase, tsi_member: User
) -> None:
    for number in range(TABLE_AFTER + 1):
        tsi.record_story(
            by=tsi_member, case=family_case, teller="child", told_by="Alva", told_on=TODAY,
            text=f"Hemlighet nummer {number}", secret_from_guardians=True,
        )  # fmt: skip
    extract = _request(officer, family_case.child, ExtractSubject.CHILD, by_guardian=True)
    stories = _items(actions.compile_request(by=officer, extract=extract), "casework.story")
    assert len(stories) == TABLE_AFTER + 3  # one item each, the two of the fixture too
    assert "Hemlighet nummer 3" not in _released(RegisterExtract.objects.get(pk=extract.pk), officer)


def test_a_review_of_a_draft_compiled_again_meanwhile_is_refused(
    client: Client, officer: User, family_case: TsiCase
) -> None:
    extract = actions.compile_request(by=officer, extract=_request(officer, family_case.child, ExtractSubject.CHILD))
    seen = extract.compiled_at.isoformat()  # type: ignore[union-attr]
    actions.compile_request(by=officer, extract=extract)
    login(client, officer)
    response = client.post(reverse("records_extract_review", args=[extract.pk]), {"note": "Granskad", "compiled": seen})
    assert response.status_code == 400
    extract.refresh_from_db()
    assert extract.status == ExtractStatus.COMPILED

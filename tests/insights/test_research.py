"""Exports for research: a study's data set is pseudonymised per study, coarsened to months, k-anonymous on its
identifying variables, holds no identity number, name, free text or full date, is audited with the study named,
and is for the coordinator only; when the study ends its key is destroyed and nothing more is released."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from kring.access.models import AuditAction, AuditEvent
from kring.casework.models import TsiCase
from kring.directory.models import User
from kring.insights.actions import refresh_statistics
from kring.insights.research import disclosure
from kring.insights.research.models import Study, StudyRelease
from kring.people.models import Child, Guardian
from tests.conftest import World, login

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}
FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{8}")


def _define(client: Client, title: str, variables: list[str], **fields: str) -> Study:
    today = timezone.localdate()
    data = {
        "title": title, "purpose": "Närvaro efter TSI.", "institution": "Högskolan i Halmstad",
        "principal_investigator": "Forskare Påhittad", "ethics_reference": "Dnr 2026-01234-01",
        "variables": variables, "period_from": (today - dt.timedelta(days=400)).isoformat(),
        "period_until": today.isoformat(), "ends_on": (today + dt.timedelta(days=365)).isoformat(),
    } | fields  # fmt: skip
    response = client.post("/statistics/research/", data, headers=EN)
    assert response.status_code == 302, response.content.decode()
    return Study.objects.get(title=title)


def _release(client: Client, study: Study) -> list[dict[str, str]]:
    response = client.post(f"/statistics/research/{study.pk}/release/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


ALL = ["school", "grade", "sex", "requested_month", "closed_month", "closure_reason", "attendance_before",
       "attendance_after", "conflicts_start", "conflicts_end", "in_order", "days_to_network", "follow_ups"]  # fmt: skip


def test_the_data_set_holds_no_identity_name_free_text_or_full_date(
    client: Client,
    evaluated: World,
    coordinator: User,
) -> None:
    login(client, coordinator)
    rows = _release(client, _define(client, "Närvaro och TSI", ALL))

    text = repr(rows)
    values = {value for row in rows for value in row.values()}
    assert len(rows) == 14 and {row["group"] for row in rows} == {"tsi", "comparison"}
    people = [*Child.objects.filter(municipality=evaluated.municipality),
              *Guardian.objects.filter(municipality=evaluated.municipality)]  # fmt: skip
    for person in people:
        assert person.identity_number not in text and f"{person.first_name} {person.last_name}" not in text
        assert not {person.first_name, person.last_name} & values
    assert "Ofta borta." not in text  # the request's reason: free text never leaves
    assert all(re.fullmatch(r"[0-9a-f]{20}", row["pseudonym"]) for row in rows)
    values = [value for row in rows for name, value in row.items() if name not in ("pseudonym", "matched_to")]
    assert not FULL_DATE.search(" ".join(values))
    assert all(re.fullmatch(r"\d{4}-\d{2}", row["requested_month"]) for row in rows)
    comparison = next(row for row in rows if row["group"] == "comparison")
    assert comparison["matched_to"] in {row["pseudonym"] for row in rows if row["group"] == "tsi"}


def test_two_studies_give_the_same_child_different_pseudonyms(
    client: Client,
    evaluated: World,
    coordinator: User,
) -> None:
    login(client, coordinator)
    first = _release(client, _define(client, "Första studien", ["school", "attendance_before"]))
    second = _release(client, _define(client, "Andra studien", ["school", "attendance_before"]))
    again = _release(client, Study.objects.get(title="Första studien"))

    assert {row["pseudonym"] for row in first}.isdisjoint({row["pseudonym"] for row in second})
    assert {row["pseudonym"] for row in first} == {row["pseudonym"] for row in again}  # stable within a study


def test_rare_combinations_are_suppressed_before_release(
    client: Client,
    evaluated: World,
    coordinator: User,
) -> None:
    """The age band is known for the children with a case only: with it, each school's cases (3) and comparison
    pupils (4) fall into classes under 5, and their identifying values are suppressed."""
    login(client, coordinator)
    rows = _release(client, _define(client, "Ålder", ["school", "grade", "sex", "age_band", "attendance_before"]))

    classes = disclosure.classes(rows, ["school", "grade", "sex", "age_band"])
    assert min(classes.values()) >= disclosure.K
    release = StudyRelease.objects.get()
    assert release.generalised == 14 and release.dropped == 0
    assert all(row["school"] == disclosure.SUPPRESSED for row in rows)


def test_a_release_is_audited_with_the_study_named(
    client: Client,
    evaluated: World,
    coordinator: User,
) -> None:
    login(client, coordinator)
    study = _define(client, "Loggad studie", ["grade", "attendance_after"])
    _release(client, study)

    event = AuditEvent.objects.get(action=AuditAction.EXPORT, target_type="study")
    assert event.actor_id == coordinator.pk and event.details["study"] == "Loggad studie"
    assert event.details["ethics_reference"] == "Dnr 2026-01234-01" and event.details["rows"] == 14
    assert AuditEvent.objects.filter(action=AuditAction.WRITE, target_type="study", target_id=str(study.pk)).exists()


def test_an_ended_study_has_its_key_destroyed_and_releases_nothing(
    client: Client,
    evaluated: World,
    coordinator: User,
) -> None:
    login(client, coordinator)
    study = _define(client, "Avslutad", ["grade"])
    Study.objects.filter(pk=study.pk).update(ends_on=timezone.localdate() - dt.timedelta(days=1))

    response = client.post(f"/statistics/research/{study.pk}/release/", headers=EN, follow=True)

    assert "no more data can be released" in response.content.decode()
    study.refresh_from_db()
    assert study.key is None and study.key_destroyed_at is not None
    assert not StudyRelease.objects.exists()


def test_too_few_children_release_nothing(client: Client, world: World, coordinator: User) -> None:
    login(client, coordinator)
    study = _define(client, "Tom", ["grade"])
    response = client.post(f"/statistics/research/{study.pk}/release/", headers=EN, follow=True)
    assert "Too few children" in response.content.decode() and not StudyRelease.objects.exists()


def test_a_wrong_form_keeps_what_was_typed(client: Client, world: World, coordinator: User) -> None:
    login(client, coordinator)
    today = timezone.localdate()
    response = client.post("/statistics/research/", {
        "title": "Felaktig period", "purpose": "Syfte", "institution": "Lärosäte", "principal_investigator": "X",
        "ethics_reference": "Dnr 1", "variables": ["grade"], "period_from": today.isoformat(),
        "period_until": (today - dt.timedelta(days=3)).isoformat(), "ends_on": today.isoformat(),
    }, headers=EN)  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200 and "The period must end on or after its first day." in page
    assert 'value="Felaktig period"' in page and not Study.objects.exists()


def test_only_the_coordinator_sees_the_studies(
    client: Client, evaluated: World, coordinator: User, principal: User, social_worker: User,
    administrator: User,
) -> None:  # fmt: skip
    login(client, coordinator)
    study = _define(client, "Hemlig studie", ["grade"])
    for user in (principal, social_worker, administrator):
        login(client, user)
        assert client.get("/statistics/research/").status_code == 404
        assert client.get(f"/statistics/research/{study.pk}/").status_code == 404
        assert client.post(f"/statistics/research/{study.pk}/release/").status_code == 404
    assert not StudyRelease.objects.exists()
    assert TsiCase.objects.exists()


identifying_value = st.sampled_from(["A", "B", "C"])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(identifying_value, identifying_value), min_size=0, max_size=60))
def test_a_release_is_k_anonymous_or_nothing(values: list[tuple[str, str]]) -> None:
    rows = [{"school": school, "sex": sex, "pseudonym": str(n)} for n, (school, sex) in enumerate(values)]
    try:
        controlled = disclosure.k_anonymous(rows, ["school", "sex"])
    except disclosure.NotAnonymous:
        return
    assert min(disclosure.classes(controlled.rows, ["school", "sex"]).values()) >= disclosure.K
    assert len(controlled.rows) + controlled.dropped == len(rows)


def test_the_nightly_refresh_destroys_the_keys_of_ended_studies(
    client: Client, world: World, coordinator: User
) -> None:
    login(client, coordinator)
    ended, going_on = _define(client, "Slut", ["grade"]), _define(client, "Pågår", ["grade"])
    Study.objects.filter(pk=ended.pk).update(ends_on=timezone.localdate() - dt.timedelta(days=1))

    refresh_statistics(municipality=world.municipality)

    ended.refresh_from_db()
    going_on.refresh_from_db()
    assert ended.key is None and ended.key_destroyed_at is not None and going_on.key is not None


def test_the_studies_pages_read_a_constant_number_of_queries(client: Client, world: World, coordinator: User) -> None:
    login(client, coordinator)

    def queries(studies: int) -> tuple[int, int]:
        for n in range(studies):
            _define(client, f"Studie {Study.objects.count()}-{n}", ["grade"])
        study = Study.objects.first()
        assert study is not None
        with CaptureQueriesContext(connection) as listing:
            assert client.get("/statistics/research/").status_code == 200
        with CaptureQueriesContext(connection) as page:
            assert client.get(f"/statistics/research/{study.pk}/").status_code == 200
        return len(listing), len(page)

    assert queries(2) == queries(20)

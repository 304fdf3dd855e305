"""The archivist keeps the retention rules of their own municipality; nobody else sees the page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kring.access.models import AuditEvent
from kring.directory.models import Unit, User
from kring.records.models import RecordType, RetentionRule
from tests.conftest import World, _staff, login
from tests.factories import MunicipalityFactory, OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def archivist(world: World) -> User:
    office = UnitFactory(organisation=world.school.organisation, name="Kommunarkivet", school_forms=[], grades=[])
    return _staff(world.municipality, office, "archivist", "arkivarie@kommun.example")


def test_the_archivist_sees_every_rule_and_what_is_due(client: Client, archivist: User) -> None:
    page = login(client, archivist).get(reverse("records_retention"))
    text = page.content.decode()
    assert page.status_code == 200
    assert all(reverse("records_rule", args=[value]) in text for value in RecordType.values)
    assert reverse("records_retention") in client.get(reverse("home")).content.decode()  # in the menu


def test_the_archivist_changes_a_rule_with_its_source(client: Client, archivist: User) -> None:
    login(client, archivist)
    url = reverse("records_rule", args=[RecordType.CONCERN])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"keep_years": "7", "counted_from": "turned_18", "action": "delete", "source": "DHP BUN 2026, 4.1"}
    )
    assert response.status_code == 302
    rule = RetentionRule.objects.get(record_type=RecordType.CONCERN)
    assert (rule.keep_years, rule.counted_from, rule.source, rule.changed_by) == (
        7,
        "turned_18",
        "DHP BUN 2026, 4.1",
        archivist,
    )
    event = AuditEvent.objects.get(target_type="retention_rule")
    assert "5 years after closed" in event.details["before"] and "7 years after turned_18" in event.details["after"]


def test_a_rule_the_type_cannot_follow_is_refused_and_nothing_typed_is_lost(client: Client, archivist: User) -> None:
    login(client, archivist)
    url = reverse("records_rule", args=[RecordType.CONSULTATION])
    response = client.post(
        url, {"keep_years": "2", "counted_from": "turned_18", "action": "delete", "source": "Min källa"}
    )
    assert response.status_code == 400 and "Min källa" in response.content.decode()
    empty = client.post(url, {"keep_years": "2", "counted_from": "recorded", "action": "delete", "source": ""})
    assert empty.status_code == 400
    assert RetentionRule.objects.get(record_type=RecordType.CONSULTATION).keep_years == 1


@pytest.mark.parametrize("who", ["teacher", "principal", "coordinator", "administrator", "social_worker"])
def test_nobody_else_sees_the_rules(client: Client, world: World, who: str, request: pytest.FixtureRequest) -> None:
    login(client, request.getfixturevalue(who))
    assert client.get(reverse("records_retention")).status_code == 404
    assert client.get(reverse("records_rule", args=[RecordType.CONCERN])).status_code == 404
    assert reverse("records_retention") not in client.get(reverse("home")).content.decode()


def test_an_archivist_keeps_only_their_own_municipalitys_rules(client: Client, world: World, archivist: User) -> None:
    from kring.records.retention.rules import rules_of

    elsewhere = MunicipalityFactory(name="Annanby", code="9003")
    their_rules = rules_of(elsewhere)
    office: Unit = UnitFactory(organisation=OrganisationFactory(municipality=elsewhere), school_forms=[], grades=[])
    other = _staff(elsewhere, office, "archivist", "arkivarie@annanby.example")
    login(client, other)
    client.post(
        reverse("records_rule", args=[RecordType.CONCERN]),
        {"keep_years": "9", "counted_from": "closed", "action": "delete", "source": "Annanbys plan"},
    )
    mine = RetentionRule.objects.filter(municipality=world.municipality, record_type=RecordType.CONCERN).first()
    assert mine is None or mine.keep_years == 5
    assert {rule.municipality_id for rule in their_rules} == {elsewhere.pk}

"""The register of collaboration groups and its map: overlaps, gaps, people; who may read and who may keep it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from kring.access.models import AuditEvent
from kring.collaboration.groups.actions import GroupInput, save_group
from kring.collaboration.groups.queries import groups_for_user
from kring.collaboration.groups.structure import structure
from kring.collaboration.models import GroupLevel, GroupStatus, Issue
from kring.directory.models import User
from tests.collaboration.conftest import add_group, organisations
from tests.conftest import World, _staff, login
from tests.factories import UserFactory


def _structure(user: User):  # type: ignore[no-untyped-def]
    return structure(groups_for_user(user), [])


def test_a_gap_is_an_issue_and_the_ages_no_group_serves(world: World, coordinator: User) -> None:
    add_group(world, coordinator, "Våld 13–20", issues=[Issue.VIOLENCE], ages=(13, 20))
    gaps = {(gap.issue, gap.age_from, gap.age_to) for gap in _structure(coordinator).gaps}
    assert (Issue.VIOLENCE, 0, 12) in gaps
    assert (Issue.DRUGS, 0, 20) in gaps
    assert not any(gap[0] == Issue.VIOLENCE and gap[2] > 12 for gap in gaps)


def test_a_strategic_paused_or_ended_group_closes_no_gap(world: World, coordinator: User) -> None:
    add_group(world, coordinator, "Styrgrupp", issues=[Issue.ABSENCE], level=GroupLevel.STRATEGIC)
    add_group(world, coordinator, "Pausad", issues=[Issue.ABSENCE], status=GroupStatus.PAUSED)
    add_group(world, coordinator, "Avslutad", issues=[Issue.ABSENCE], status=GroupStatus.ENDED)
    assert any(
        gap.issue == Issue.ABSENCE and (gap.age_from, gap.age_to) == (0, 20) for gap in _structure(coordinator).gaps
    )


def test_groups_overlap_when_they_serve_the_same_children_with_mostly_the_same_members(
    world: World, coordinator: User
) -> None:
    people = [UserFactory(municipality=world.municipality) for _ in range(4)]
    first = add_group(world, coordinator, "SSPF Centrum", issues=[Issue.CRIME], ages=(12, 18), members=people[:3])
    second = add_group(
        world, coordinator, "Trygghetsgruppen", issues=[Issue.CRIME, Issue.VIOLENCE], ages=(13, 20), members=people[1:]
    )
    add_group(world, coordinator, "Små barn", issues=[Issue.CRIME], ages=(0, 6), members=people[:3])
    found = _structure(coordinator).overlaps
    assert [(o.first.pk, o.second.pk) for o in found] == [(first.pk, second.pk)] or [
        (o.first.pk, o.second.pk) for o in found
    ] == [(second.pk, first.pk)]
    assert found[0].common_members == 2 and found[0].smaller_size == 3


def test_groups_with_few_members_in_common_do_not_overlap(world: World, coordinator: User) -> None:
    people = [UserFactory(municipality=world.municipality) for _ in range(4)]
    add_group(world, coordinator, "A", issues=[Issue.CRIME], members=people[:2])
    add_group(world, coordinator, "B", issues=[Issue.CRIME], members=people[1:4])
    assert _structure(coordinator).overlaps == []


def test_groups_of_different_schools_do_not_overlap(world: World, coordinator: User) -> None:
    people = [UserFactory(municipality=world.municipality) for _ in range(3)]
    add_group(world, coordinator, "Ek", issues=[Issue.ABSENCE], members=people, schools=[world.school])
    add_group(world, coordinator, "Björk", issues=[Issue.ABSENCE], members=people, schools=[world.other_school])
    found = structure(groups_for_user(coordinator), [world.school, world.other_school])
    assert found.overlaps == []
    assert found.uncovered_schools == []


def test_a_school_no_group_serves_is_uncovered(world: World, coordinator: User) -> None:
    add_group(world, coordinator, "Ek", issues=[Issue.ABSENCE], schools=[world.school])
    found = structure(groups_for_user(coordinator), [world.school, world.other_school])
    assert found.uncovered_schools == [world.other_school]


def test_people_are_counted_across_groups_most_first(world: World, coordinator: User) -> None:
    busy, calm = UserFactory(municipality=world.municipality), UserFactory(municipality=world.municipality)
    add_group(world, coordinator, "A", issues=[Issue.CRIME], members=[busy, calm])
    add_group(world, coordinator, "B", issues=[Issue.DRUGS], members=[busy])
    add_group(world, coordinator, "C", issues=[Issue.DRUGS], members=[busy], status=GroupStatus.ENDED)
    loads = _structure(coordinator).people
    assert [(load.name, len(load.groups)) for load in loads] == [(busy.get_full_name(), 2), (calm.get_full_name(), 1)]


def test_only_a_coordinator_keeps_the_register(world: World, principal: User, coordinator: User) -> None:
    school, social, _police = organisations(world)
    given = GroupInput(
        name="X", level=GroupLevel.OPERATIONAL, mandate="m", owner=social, organisations=[school], issues=["crime"],
        status=GroupStatus.ACTIVE,
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        save_group(given=given, by=principal)
    group = save_group(given=given, by=coordinator)
    assert AuditEvent.objects.filter(target_type="collaboration_group", target_id=str(group.pk)).count() == 1


def test_a_coordinator_cannot_name_another_municipalitys_organisation(world: World, coordinator: User) -> None:
    from tests.factories import OrganisationFactory

    foreign = OrganisationFactory()
    school, _social, _police = organisations(world)
    given = GroupInput(
        name="X", level=GroupLevel.OPERATIONAL, mandate="m", owner=foreign, organisations=[school], issues=["crime"],
        status=GroupStatus.ACTIVE,
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        save_group(given=given, by=coordinator)


PAGES = ["collaboration_map", "collaboration_map_chart", "collaboration_people", "collaboration_agreements"]


@pytest.mark.parametrize("name", PAGES)
def test_every_member_of_staff_reads_the_register(
    client: Client, world: World, coordinator: User, police_officer: User, teacher: User, name: str
) -> None:  # noqa: E501
    add_group(world, coordinator, "SSPF Centrum", issues=[Issue.CRIME])
    for user in (police_officer, teacher):
        assert login(client, user).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_another_municipality_sees_nothing_of_the_register(
    client: Client, world: World, coordinator: User, outsider: User, name: str
) -> None:
    group = add_group(world, coordinator, "SSPF Centrum", issues=[Issue.CRIME])
    response = login(client, outsider).get(reverse(name))
    assert "SSPF Centrum" not in response.content.decode(errors="ignore")
    assert login(client, outsider).get(reverse("collaboration_group", args=[group.pk])).status_code == 404
    assert client.get(reverse("collaboration_group_edit", args=[group.pk])).status_code == 404


def test_a_user_without_a_municipality_gets_404(client: Client, world: World) -> None:
    stranger = UserFactory(municipality=None)
    client.force_login(stranger)
    assert client.get(reverse("collaboration_map")).status_code in (302, 404)


def test_only_coordinators_edit(client: Client, world: World, coordinator: User, principal: User) -> None:
    group = add_group(world, coordinator, "SSPF Centrum", issues=[Issue.CRIME])
    login(client, principal)
    assert client.get(reverse("collaboration_group_new")).status_code == 404
    assert client.get(reverse("collaboration_group_edit", args=[group.pk])).status_code == 404
    assert "collaboration/groups/new" not in client.get(reverse("collaboration_map")).content.decode()


def test_a_coordinator_adds_a_group_with_members_in_the_browser_form(
    client: Client, world: World, coordinator: User, social_worker: User
) -> None:
    school, social, police = organisations(world)
    data = {
        "name": "Skolnärvarogruppen", "level": "operational", "mandate": "Följa upp frånvaro.", "owner": social.pk,
        "organisations": [school.pk], "issues": ["absence"], "age_from": 6, "age_to": 16, "status": "active",
        "members-TOTAL_FORMS": 3, "members-INITIAL_FORMS": 0, "members-MIN_NUM_FORMS": 0, "members-MAX_NUM_FORMS": 60,
        "members-0-email": social_worker.email, "members-0-organisation": social.pk, "members-0-role": "chair",
        "members-1-name": "Fritidsledare Testsson", "members-1-organisation": police.pk, "members-1-role": "member",
        "members-2-role": "member",
    }  # fmt: skip
    response = login(client, coordinator).post(reverse("collaboration_group_new"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(response["Location"]).content.decode()
    assert social_worker.get_full_name() in page and "Fritidsledare Testsson" in page


def test_bad_input_keeps_what_was_typed(client: Client, world: World, coordinator: User) -> None:
    _school, social, _police = organisations(world)
    data = {
        "name": "Gruppen med fel", "level": "operational", "mandate": "Text som ska finnas kvar.", "owner": social.pk,
        "issues": ["absence"], "age_from": 16, "age_to": 6, "status": "active",
        "members-TOTAL_FORMS": 1, "members-INITIAL_FORMS": 0, "members-MIN_NUM_FORMS": 0, "members-MAX_NUM_FORMS": 60,
        "members-0-email": "ingen@example.invalid", "members-0-role": "member",
    }  # fmt: skip
    page = login(client, coordinator).post(reverse("collaboration_group_new"), data, headers={"accept-language": "en"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Text som ska finnas kvar." in text and "Gruppen med fel" in text
    assert "The last age must not be below the first." in text
    assert "Nobody in the municipality&#x27;s staff has this e-mail address." in text


def test_the_map_pdf_is_a_pdf_and_audited(client: Client, world: World, coordinator: User, teacher: User) -> None:
    add_group(world, coordinator, "SSPF Centrum", issues=[Issue.CRIME])
    response = login(client, teacher).get(reverse("collaboration_map_pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(target_type="collaboration_map_pdf", actor_id=teacher.pk).count() == 1


def test_the_map_draws_user_text_literally(world: World, coordinator: User) -> None:
    from kring.collaboration.charts import map_svg

    add_group(world, coordinator, "Kostar $5 <script>", issues=[Issue.CRIME])
    svg = map_svg(_structure(coordinator)).decode()
    assert "<script" not in svg


def test_the_map_keeps_its_queries_constant(
    client: Client, world: World, coordinator: User, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]  # noqa: E501
    from django.db import reset_queries

    for index in range(12):
        people = [UserFactory(municipality=world.municipality) for _ in range(3)]
        add_group(world, coordinator, f"Grupp {index}", issues=[Issue.CRIME], members=people, schools=[world.school])
    login(client, coordinator)
    reset_queries()
    with django_assert_max_num_queries(14):
        assert client.get(reverse("collaboration_map")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("collaboration_map_chart")).status_code == 200


def test_a_staff_member_of_a_second_municipality_unit_sees_only_their_own(
    client: Client, world: World, coordinator: User
) -> None:
    add_group(world, coordinator, "SSPF Centrum", issues=[Issue.CRIME])
    other = _staff(world.other_municipality_child.municipality, world.school, "teacher", "x@annan.example")
    assert "SSPF Centrum" not in login(client, other).get(reverse("collaboration_map")).content.decode()


def test_the_map_is_drawn_again_when_the_register_changes(world: World, coordinator: User) -> None:
    from django.core.cache import cache

    from kring.collaboration.charts import map_svg

    cache.clear()
    group = add_group(world, coordinator, "SSPF Centrum", issues=[Issue.CRIME])
    first = map_svg(_structure(coordinator))
    assert map_svg(_structure(coordinator)) == first
    group.name = "SSPF Norr"
    group.save()
    assert map_svg(_structure(coordinator)) != first

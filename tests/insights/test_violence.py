"""The follow-up of violence prevention: concerns of violence per school and term from the summary, the schools
running a programme beside the others as rates per hundred pupils with exact Poisson intervals, suppressed under
5; principals see their school only, social services no concerns, others nothing; constant queries."""

from __future__ import annotations

import math

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from scipy import stats

from kring.access.models import AuditEvent
from kring.directory.models import User
from kring.insights.actions import refresh_statistics
from kring.insights.evaluation.estimates import rate_with_interval
from kring.insights.violence import violence_for_user
from kring.prevention.models import Programme, ProgrammeRun
from kring.prevention.terms import term_of
from tests.conftest import World, login
from tests.factories import ChildFactory, PlacementFactory
from tests.insights.test_statistics import add_concerns

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


@pytest.mark.parametrize(("count", "pupils"), [(0, 200), (7, 350), (40, 1200)])
def test_the_rate_has_the_exact_poisson_interval(count: int, pupils: int) -> None:
    """The exact interval inverts the Poisson distribution's tails: at its low end the chance of the count or more is
    2.5 %, at its high end the chance of the count or fewer."""
    rate = rate_with_interval(count, pupils)
    assert rate is not None and rate.low is not None and rate.high is not None
    assert math.isclose(rate.value, 100 * count / pupils)
    if count:
        assert math.isclose(stats.poisson.sf(count - 1, rate.low * pupils / 100), 0.025, abs_tol=1e-9)
    else:
        assert rate.low == 0
    assert math.isclose(stats.poisson.cdf(count, rate.high * pupils / 100), 0.025, abs_tol=1e-9)


@pytest.fixture
def mvp(world: World, principal: User) -> Programme:
    programme = Programme.objects.create(municipality=world.municipality, name="MVP – Mentorer i våldsprevention",
                                         aim="Förebygga våld.")  # fmt: skip
    ProgrammeRun.objects.create(municipality=world.municipality, programme=programme, unit=world.school,
                                term=term_of(timezone.localdate()), started_by=principal)  # fmt: skip
    for _ in range(20):
        PlacementFactory(child=ChildFactory(municipality=world.municipality), unit=world.other_school, grade="7")
    return programme


def test_the_programmes_schools_beside_the_others_per_hundred_pupils(
    world: World, mvp: Programme, coordinator: User, principal: User
) -> None:
    add_concerns(world, principal, world.school, "violence", 7)
    add_concerns(world, principal, world.other_school, "violence", 6)
    add_concerns(world, principal, world.school, "wellbeing", 9)
    refresh_statistics(municipality=world.municipality)

    with translation.override("en"):
        found = violence_for_user(coordinator)

    now = found.groups[-1]
    assert (now.with_programme, now.others, now.schools_with_programme) == (7, 6, 1)
    assert now.rate_others is not None and now.rate_others.low < now.rate_others.value < now.rate_others.high  # type: ignore[operator]
    assert found.programme == mvp
    school_rows = {label: total for label, _cells, total in found.schools.body}  # type: ignore[union-attr]
    assert school_rows == {"Björkskolan": 6, "Ekskolan": 7}
    # The principal of the school running it: their school only, no other school's concerns.
    mine = violence_for_user(principal)
    assert [label for label, _cells, _total in mine.schools.body] == ["Ekskolan"]  # type: ignore[union-attr]
    assert mine.groups[-1].with_programme == 7 and not mine.groups[-1].others
    assert AuditEvent.objects.filter(target_type="violence_follow_up").count() == 2


def test_small_counts_are_hidden_with_their_complement(
    world: World, mvp: Programme, coordinator: User, principal: User
) -> None:
    add_concerns(world, principal, world.school, "violence", 3)
    add_concerns(world, principal, world.other_school, "violence", 12)
    refresh_statistics(municipality=world.municipality)
    now = violence_for_user(coordinator).groups[-1]
    assert now.with_programme is None and now.others is None and now.rate_with is None


def test_who_sees_the_page(
    client: Client, world: World, mvp: Programme, coordinator: User, social_worker: User, teacher: User
) -> None:
    refresh_statistics(municipality=world.municipality)
    page = login(client, coordinator).get("/statistics/violence/", headers=EN).content.decode()
    assert "Schools running MVP" in page and "Safe adults" in page
    assert client.get("/statistics/violence/chart.svg").status_code == 200
    unit = login(client, social_worker).get("/statistics/violence/", headers=EN).content.decode()
    assert "not counted for social services" in unit and "Ekskolan" not in unit
    login(client, teacher)
    assert client.get("/statistics/violence/").status_code == 404
    assert client.get("/statistics/violence/chart.svg").status_code == 404


def test_the_page_reads_a_constant_number_of_queries(
    client: Client, world: World, mvp: Programme, coordinator: User, principal: User
) -> None:
    login(client, coordinator).get("/statistics/violence/")

    def queries(concerns: int) -> int:
        add_concerns(world, principal, world.school, "violence", concerns)
        refresh_statistics(municipality=world.municipality)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/statistics/violence/").status_code == 200
        return len(captured)

    assert queries(5) == queries(50)

"""The demo logins work: the teacher finds pupils at their school; the protected child only for those who may."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from kring.access.auth import current_totp_code
from kring.access.roles import Role
from kring.demo.generator import DemoResult
from kring.directory.models import User
from kring.people.models import Child
from tests.conftest import login


@pytest.fixture
def small_demo(shared_small_demo: DemoResult) -> DemoResult:
    """Every test here reads the small demo and seeds nothing itself: one seed for the module."""
    return shared_small_demo


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def _user(result: DemoResult, role: str) -> User:
    return User.objects.get(email=result.login_for(role).email)


def test_demo_teacher_finds_pupils_with_easy_names(client: Client, small_demo: DemoResult) -> None:
    login(client, _user(small_demo, Role.TEACHER))
    client.get("/")

    response = client.post("/children/", {"q": "Alv"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Alva" in page
    assert "Alvin" in page


def test_demo_teacher_opens_the_overview_of_a_pupil(client: Client, small_demo: DemoResult) -> None:
    teacher = _user(small_demo, Role.TEACHER)
    school = teacher.memberships.get().unit
    child = Child.objects.filter(placements__unit=school, first_name="Alva").first()
    assert child is not None
    login(client, teacher)
    client.get("/")

    response = client.get(f"/children/{child.pk}/")

    assert response.status_code == 200
    assert child.last_name in response.content.decode()


def test_protected_child_is_found_by_the_principal_but_not_the_teacher(client: Client, small_demo: DemoResult) -> None:
    school = _user(small_demo, Role.TEACHER).memberships.get().unit
    protected = Child.objects.filter(placements__unit=school, protected_identity=True).first()
    assert protected is not None

    login(client, _user(small_demo, Role.TEACHER))
    client.get("/")
    assert client.get(f"/children/{protected.pk}/").status_code == 404

    login(client, _user(small_demo, Role.PRINCIPAL))
    client.get("/")
    assert client.get(f"/children/{protected.pk}/").status_code == 200


def test_a_demo_login_works_with_its_password_and_totp_secret(client: Client, small_demo: DemoResult) -> None:
    demo = small_demo.login_for(Role.PRINCIPAL)

    response = client.post("/accounts/login/", {"login": demo.email, "password": demo.password})
    assert response.status_code == 302
    response = client.post("/accounts/2fa/authenticate/", {"code": current_totp_code(demo.totp_secret)})

    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_demo_social_worker_sees_the_schools_they_are_contact_person_for(
    client: Client, small_demo: DemoResult
) -> None:
    login(client, _user(small_demo, Role.SOCIAL_WORKER))

    response = client.get("/")

    school = _user(small_demo, Role.TEACHER).memberships.get().unit
    assert school.name in response.content.decode()

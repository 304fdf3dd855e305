from __future__ import annotations

from django.test import Client

from kring.access.models import AuditAction, AuditEvent
from kring.directory.models import User
from kring.people.identity import make_identity_number
from tests.conftest import World, login


def test_child_search_with_a_mistyped_identity_number_explains_and_keeps_the_text(
    client: Client, world: World, teacher
) -> None:  # type: ignore[no-untyped-def]
    login(client, teacher)
    typed = world.child.identity_number[:8] + "-" + world.child.identity_number[8:11] + "0"
    if typed[-1] == world.child.identity_number[-1]:
        typed = typed[:-1] + "1"

    swedish = client.post("/children/", {"q": typed}).content.decode()
    english = client.post("/children/", {"q": typed}, headers={"accept-language": "en"}).content.decode()

    assert "Kontrollsiffran är fel" in swedish
    assert f'value="{typed}"' in swedish
    assert "The check digit is wrong" in english
    assert "Testsson" not in swedish


def test_child_search_by_identity_number_finds_the_pupil(client: Client, world: World, teacher) -> None:  # type: ignore[no-untyped-def]
    login(client, teacher)
    number = world.child.identity_number
    for typed in (number, f"{number[2:8]}-{number[8:]}", number[:8]):
        assert "Testsson" in client.post("/children/", {"q": typed}).content.decode()


def test_child_search_too_short_asks_for_more(client: Client, world: World, teacher) -> None:  # type: ignore[no-untyped-def]
    login(client, teacher)
    body = client.post("/children/", {"q": "A"}).content.decode()
    assert "minst två tecken" in body
    assert 'value="A"' in body


def test_child_search_htmx_returns_only_the_results(client: Client, world: World, teacher) -> None:  # type: ignore[no-untyped-def]
    login(client, teacher)
    body = client.post("/children/", {"q": "Alva"}, headers={"hx-request": "true"}).content.decode()
    assert "Testsson" in body
    assert "<html" not in body


def test_child_overview_says_why_once_for_sections_under_the_same_basis(client: Client, world: World, teacher) -> None:  # type: ignore[no-untyped-def]  # noqa: E501
    login(client, teacher)
    body = client.get(f"/children/{world.child.pk}/").content.decode()
    assert body.count("Du ser detta eftersom:") == 1  # identity, guardians and placement: all through the placement
    assert "Ekskolan" in body
    assert world.child.custodies.get().guardian.last_name in body


def test_identity_number_in_the_test_series_only(world: World) -> None:
    assert make_identity_number(world.child.birth_date, 980)[8:11] == "980"
    assert 980 <= int(world.child.identity_number[8:11]) <= 999


def test_child_search_folds_swedish_letters(client: Client, world: World, teacher) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import ChildFactory, PlacementFactory

    child = ChildFactory(municipality=world.municipality, first_name="Åsa", last_name="Öberg")
    PlacementFactory(child=child, unit=world.school)
    login(client, teacher)
    for typed in ("åsa", "ÖBERG", "Åsa Öb"):
        assert "Öberg" in client.post("/children/", {"q": typed}).content.decode()


def test_identity_numbers_never_travel_in_urls_search_is_a_post(client: Client, world: World, teacher) -> None:  # type: ignore[no-untyped-def]
    login(client, teacher)
    number = world.child.identity_number

    by_url = client.get("/children/", {"q": number}).content.decode()
    page = client.get("/children/").content.decode()

    assert "Testsson" not in by_url  # a number in the query string searches nothing
    assert 'method="post"' in page and 'hx-post="/children/"' in page
    assert AuditEvent.objects.filter(action=AuditAction.SEARCH).count() == 0
    assert "Testsson" in client.post("/children/", {"q": number}).content.decode()


def test_a_good_man_is_shown_as_such_among_the_guardians(client: Client, world: World, principal: User) -> None:
    from kring.people.models import Custody, CustodyRelation

    Custody.objects.filter(child=world.child).update(relation=CustodyRelation.GOOD_MAN)
    login(client, principal)

    page = client.get(f"/children/{world.child.pk}/", headers={"accept-language": "en"}).content.decode()

    assert "Good man (god man)" in page


def test_language_and_school_form_codes_are_shown_as_names(client, world, teacher) -> None:  # type: ignore[no-untyped-def]
    """A code Django does not know ("ti", Tigrinya) is named too, and never breaks the page."""
    from kring.people.models import Custody

    world.child.languages = ["ti", "sv", "xx"]
    world.child.save(update_fields=["languages"])
    guardian = Custody.objects.filter(child=world.child).select_related("guardian").get().guardian
    guardian.language = "so"
    guardian.save(update_fields=["language"])
    world.child.placements.update(school_form="GR")
    login(client, teacher)
    body = client.get(f"/children/{world.child.pk}/", headers={"accept-language": "en"}).content.decode()
    assert "Tigrinya, Swedish, xx" in body and "<td>Somali</td>" in body and "Compulsory school" in body

from __future__ import annotations

from django.test import Client

from tests.conftest import login


def test_teacher_sees_pupil_in_search_and_overview(client: Client, teacher, world) -> None:
    login(client, teacher)
    response = client.post("/children/", {"q": "Alva"})
    assert response.status_code == 200
    assert "Testsson" in response.content.decode()
    assert "Annansson" not in response.content.decode()
    overview = client.get(f"/children/{world.child.pk}/")
    assert overview.status_code == 200
    assert client.get(f"/units/{world.school.pk}/").status_code == 200
    assert client.get("/").status_code == 200

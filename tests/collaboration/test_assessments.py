"""Child impact assessments: Barnombudsmannen's steps as a checklist, the consequences per option and article,
versions, PDF; kept by coordinators, read by all staff of the municipality."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from kring.access.models import AuditEvent
from kring.collaboration import crc
from kring.collaboration.assessments.actions import AssessmentInput, save_assessment
from kring.collaboration.assessments.steps import steps
from kring.collaboration.models import AssessmentVersion, ImpactAssessment
from kring.directory.models import User
from tests.conftest import World, login

COMPLETE = {
    "texts": {
        "children_affected": "Alla barn 0–20 år i kommunen som möter en samverkansgrupp.",
        "vulnerable_children": "Barn med funktionsnedsättning och barn placerade i familjehem.",
        "views_method": "Samtal i fyra klasser och en enkät till ungdomsrådet.",
        "views_summary": "”Jag vill att det är samma vuxna som pratar med mig.”",
        "guardians_views": "Föräldrar vill ha en kontaktväg in.",
        "weighing": "Barnens bästa: färre möten och en kontaktperson väger tyngst.",
        "compensating_measures": "En kontaktperson per skola under övergången.",
        "decision": "Tre grupper slås ihop till en barncentrerad struktur.",
        "decided_by": "Kommunstyrelsen",
        "feedback_how": "Ungdomsrådet och klasserna får beskedet av sina mentorer.",
    },
    "views_count": 84,
    "decided_on": date(2026, 10, 1),
    "feedback_on": date(2026, 10, 15),
    "follow_up_on": date(2027, 10, 1),
}


def _input(by: User, **changes) -> AssessmentInput:  # type: ignore[no-untyped-def]
    values = {
        "title": "Barnkonsekvensanalys av samverkansstrukturen",
        "responsible": by,
        "matter": "Kommunen har elva samverkansgrupper med överlappande uppdrag.",
        "decision_to_make": "Ska grupperna ersättas av en barncentrerad struktur?",
        "articles": [2, 3, 6, 12],
        "options": [{"name": "Behåll", "description": "dagens grupper"}, {"name": "Slå ihop", "description": ""}],
    }
    values.update(changes)
    return AssessmentInput(**values)


def _all_cells(effect: str = "strengthened") -> list[dict]:  # type: ignore[type-arg]
    return [{"option": o, "article": a, "effect": effect, "term": "long"} for o in (0, 1) for a in (2, 3, 6, 12)]


def test_the_convention_has_54_articles_with_short_titles() -> None:
    assert sorted(crc.ARTICLES) == list(range(1, 55))
    assert crc.ARTICLES[3][0] == "Barnets bästa" and crc.ARTICLES[12][1] == "Respect for the views of the child"
    assert all(swedish and english for swedish, english in crc.ARTICLES.values())


def test_the_checklist_shows_the_steps_still_missing(world: World, coordinator: User) -> None:
    first = save_assessment(given=_input(coordinator), by=coordinator)
    missing = {step.key for step in steps(first) if not step.done}
    assert missing == {
        "children", "views", "guardians", "consequences", "weighing", "measures", "decision", "feedback", "follow_up"
    }  # fmt: skip
    done = save_assessment(
        given=_input(coordinator, consequences=_all_cells(), **COMPLETE), by=coordinator, assessment=first.assessment
    )
    assert all(step.done for step in steps(done))
    assert done.number == 2 and AssessmentVersion.objects.get(pk=first.pk).consequences == []


def test_the_general_principles_must_be_among_the_articles(world: World, coordinator: User) -> None:
    version = save_assessment(given=_input(coordinator, articles=[3, 12, 28]), by=coordinator)
    assert not next(step for step in steps(version) if step.key == "articles").done


def test_departing_from_the_childrens_views_needs_its_reasons(world: World, coordinator: User) -> None:
    version = save_assessment(
        given=_input(coordinator, departs_from_views=True, consequences=_all_cells(), **COMPLETE), by=coordinator
    )
    assert not next(step for step in steps(version) if step.key == "weighing").done


def test_consequences_outside_the_options_and_articles_are_dropped(world: World, coordinator: User) -> None:
    cells = [*_all_cells(), {"option": 5, "article": 2, "effect": "weakened"}, {"option": 0, "article": 28,
             "effect": "weakened"}, {"option": 0, "article": 2, "effect": "nonsense"}]  # fmt: skip
    version = save_assessment(given=_input(coordinator, consequences=cells), by=coordinator)
    assert len(version.consequences) == 8


def test_only_coordinators_keep_assessments(world: World, principal: User, coordinator: User) -> None:
    with pytest.raises(PermissionDenied):
        save_assessment(given=_input(principal, responsible=coordinator), by=principal)


def test_the_form_builds_the_consequence_grid_and_keeps_what_was_typed(
    client: Client, world: World, coordinator: User
) -> None:
    login(client, coordinator)
    data = {
        "title": "Ny struktur", "responsible": coordinator.pk, "matter": "Ärendet.", "decision_to_make": "Beslutet.",
        "articles": ["2", "3", "6", "12"], "options": "Behåll: som i dag\nSlå ihop",
    }  # fmt: skip
    response = client.post(reverse("collaboration_assessment_new"), data)
    assert response.status_code == 302
    assessment = ImpactAssessment.objects.get(title="Ny struktur")
    edit = reverse("collaboration_assessment_edit", args=[assessment.pk])
    page = client.get(edit).content.decode()
    assert 'name="effect_0_3"' in page and 'name="effect_1_12"' in page
    bad = {**data, "effect_0_3": "weakened", "term_0_3": "short", "departs_from_views": "on", "weighing": "Vägt."}
    page = client.post(edit, bad, headers={"accept-language": "en"}).content.decode()
    assert "Say why the decision departs from the children&#x27;s views." in page and "Vägt." in page
    bad["departure_reasons"] = "Säkerheten väger tyngre."
    assert client.post(edit, bad).status_code == 302
    newest = assessment.versions.order_by("-number").first()
    assert newest is not None and newest.number == 2
    assert {"option": 0, "article": 3, "effect": "weakened", "term": "short", "note": ""} in newest.consequences


def test_every_member_of_staff_reads_an_assessment_and_its_pdf_is_audited(
    client: Client, world: World, coordinator: User, teacher: User, outsider: User
) -> None:
    version = save_assessment(given=_input(coordinator, consequences=_all_cells(), **COMPLETE), by=coordinator)
    login(client, teacher)
    page = client.get(reverse("collaboration_assessment", args=[version.assessment_id])).content.decode()
    assert "Barnkonsekvensanalys av samverkansstrukturen" in page and "Jag vill att det är samma vuxna" in page
    pdf = client.get(reverse("collaboration_assessment_pdf", args=[version.assessment_id, 1]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(target_type="impact_assessment_pdf", actor_id=teacher.pk).count() == 1
    assert client.get(reverse("collaboration_assessment_edit", args=[version.assessment_id])).status_code == 404
    client.logout()
    login(client, outsider)
    assert client.get(reverse("collaboration_assessment", args=[version.assessment_id])).status_code == 404
    assert "samverkansstrukturen" not in client.get(reverse("collaboration_assessments")).content.decode()

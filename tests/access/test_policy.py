from __future__ import annotations

import datetime as dt

import pytest

from kring.access.policy import bases_for_children, basis_for, can, child_model_info, units_where, visible_to
from kring.access.roles import Origin, Permission
from kring.directory.models import Membership, Unit
from kring.people.models import Child, Custody, Placement
from tests.conftest import World


def test_visible_to_refuses_an_unregistered_model(teacher) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LookupError):
        visible_to(teacher, Unit.objects.all())
    with pytest.raises(LookupError):
        child_model_info(Membership)


def test_visible_to_gives_teachers_only_their_schools_unprotected_pupils(world: World, teacher) -> None:  # type: ignore[no-untyped-def]
    assert list(visible_to(teacher, Child.objects.all())) == [world.child]
    assert {c.child_id for c in visible_to(teacher, Custody.objects.all())} == {world.child.pk}
    assert {p.child_id for p in visible_to(teacher, Placement.objects.all())} == {world.child.pk}


def test_visible_to_is_empty_without_a_basis(world: World, social_worker, police_officer, administrator) -> None:  # type: ignore[no-untyped-def]
    for user in (social_worker, police_officer, administrator):
        assert visible_to(user, Child.objects.all()).count() == 0


def test_visible_to_is_empty_for_inactive_or_anonymous_users(world: World, teacher) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    assert visible_to(AnonymousUser(), Child.objects.all()).count() == 0
    teacher.is_active = False
    assert visible_to(teacher, Child.objects.all()).count() == 0


def test_an_ended_placement_ends_the_basis(world: World, teacher) -> None:  # type: ignore[no-untyped-def]
    Placement.objects.filter(child=world.child).update(end_date=dt.date(2021, 6, 15))
    assert visible_to(teacher, Child.objects.all()).count() == 0
    assert basis_for(teacher, world.child) is None


def test_an_ended_membership_ends_the_basis(world: World, teacher) -> None:  # type: ignore[no-untyped-def]
    Membership.objects.filter(user=teacher).update(active=False)
    assert basis_for(teacher, world.child) is None
    assert not can(teacher, Permission.CHILD_SEARCH)


def test_basis_for_names_role_unit_and_scope(world: World, teacher, kurator) -> None:  # type: ignore[no-untyped-def]
    basis = basis_for(teacher, world.child)
    assert basis is not None
    assert basis.kind == "placement"
    assert "Ekskolan" in basis.reason
    assert basis.origins == frozenset({Origin.SCHOOL})
    assert basis.covers(Origin.SCHOOL, "attendance")
    assert not basis.covers(Origin.SCHOOL, "concern")  # another teacher's concern goes to principal and student health
    assert not basis.covers(Origin.STUDENT_HEALTH, "concern")
    assert not basis.covers(Origin.SOCIAL_SERVICES, "concern")

    counsellor_basis = basis_for(kurator, world.child)
    assert counsellor_basis is not None
    assert counsellor_basis.covers(Origin.STUDENT_HEALTH, "case_note")
    assert "OSL 23 kap 2 §" in counsellor_basis.legal_reference


def test_basis_for_another_municipalitys_child_is_none(world: World, teacher, outsider) -> None:  # type: ignore[no-untyped-def]
    assert basis_for(teacher, world.other_municipality_child) is None
    assert basis_for(outsider, world.child) is None
    assert basis_for(outsider, world.other_municipality_child) is not None


def test_bases_for_children_answers_many_children_in_constant_queries(
    world: World, teacher, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    # One query for the role grants, and at most one per registered provider (placement, case team, requesting
    # school, concern, report) whatever the number of children.
    teacher._kring_role_grants = None
    with django_assert_max_num_queries(6):
        bases = bases_for_children(
            teacher, [world.child.pk, world.protected_child.pk, world.other_municipality_child.pk]
        )
    assert len(bases[world.child.pk]) == 1
    assert bases[world.protected_child.pk] == []
    assert bases[world.other_municipality_child.pk] == []


def test_can_checks_role_permission_tenant_and_basis(world: World, teacher, administrator, outsider) -> None:  # type: ignore[no-untyped-def]
    assert can(teacher, Permission.CHILD_VIEW, world.child)
    assert not can(teacher, Permission.CHILD_VIEW, world.protected_child)
    assert not can(teacher, Permission.AUDIT_REVIEW)
    assert can(administrator, Permission.AUDIT_REVIEW)
    assert not can(administrator, Permission.CHILD_VIEW, world.child)
    assert can(administrator, Permission.UNIT_VIEW, world.school)
    assert not can(outsider, Permission.UNIT_VIEW, world.school)


def test_units_where_picks_the_units_of_the_given_roles_only(world: World, principal, kurator) -> None:  # type: ignore[no-untyped-def]
    Membership.objects.create(user=principal, unit=world.other_school, role="teacher")

    assert units_where(principal, {"principal"}) == [world.school.pk]
    assert units_where(principal) == sorted([world.school.pk, world.other_school.pk])
    assert units_where(kurator, {"principal"}) == []

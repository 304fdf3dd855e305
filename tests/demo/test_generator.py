"""What the generated municipality contains: every role, contact persons, custody, protected identity, classes."""

from __future__ import annotations

from collections import Counter

import pytest

from kring.access.roles import INTEGRATION_ROLES, Role
from kring.demo.generator import DemoResult
from kring.demo.names import EMAIL_DOMAIN, FICTIONAL_MOBILE_NUMBERS, HOME_EMAIL_DOMAINS
from kring.demo.plan import GRADES
from kring.directory.models import SCHOOL_KINDS, ContactPerson, Membership, OrganisationKind, SchoolForm, Unit, UnitKind
from kring.people.models import Child, CustodyKind, Guardian, Placement, name_key


@pytest.fixture
def small_demo(shared_small_demo: DemoResult) -> DemoResult:
    """Every test here reads the small demo and seeds nothing itself: one seed for the module."""
    return shared_small_demo


def test_small_seed_has_three_schools_two_preschools_and_about_600_children(small_demo: DemoResult) -> None:
    units = Unit.objects.filter(municipality=small_demo.municipality)

    assert units.filter(kind=UnitKind.SCHOOL).count() == 3
    assert units.filter(kind=UnitKind.PRESCHOOL).count() == 2
    assert 550 <= Child.objects.filter(municipality=small_demo.municipality).count() <= 700


def test_small_seed_has_every_kind_of_organisation_and_unit(small_demo: DemoResult) -> None:
    municipality = small_demo.municipality

    kinds = set(municipality.organisations.values_list("kind", flat=True))
    unit_kinds = set(Unit.objects.filter(municipality=municipality).values_list("kind", flat=True))

    assert kinds == set(OrganisationKind.values)
    assert unit_kinds == set(UnitKind.values)


def test_small_seed_has_staff_in_every_role_and_a_demo_login_for_each(small_demo: DemoResult) -> None:
    roles = set(Membership.objects.filter(unit__municipality=small_demo.municipality).values_list("role", flat=True))

    people = set(Role.values) - INTEGRATION_ROLES  # an integration's role is held by a system user (kring.api)
    assert roles == people
    assert sorted(login.role for login in small_demo.logins) == sorted(people)
    assert all(login.email.endswith(f"@{EMAIL_DOMAIN}") for login in small_demo.logins)


def test_every_school_and_preschool_has_two_social_worker_contact_persons(small_demo: DemoResult) -> None:
    schools = Unit.objects.filter(municipality=small_demo.municipality, kind__in=SCHOOL_KINDS)
    social_workers = set(
        Membership.objects.filter(role=Role.SOCIAL_WORKER, unit__kind=UnitKind.SOCIAL_SERVICES_UNIT).values_list(
            "user_id", flat=True
        )
    )

    for school in schools:
        contacts = list(ContactPerson.objects.filter(school=school).order_by("position"))
        assert [contact.position for contact in contacts] == [1, 2]
        assert len({contact.user_id for contact in contacts}) == 2
        assert {contact.user_id for contact in contacts} <= social_workers


def test_demo_social_worker_is_contact_person_of_the_demo_teachers_school(small_demo: DemoResult) -> None:
    teacher = Membership.objects.get(user__email=small_demo.login_for(Role.TEACHER).email)
    social_worker_email = small_demo.login_for(Role.SOCIAL_WORKER).email

    contact = ContactPerson.objects.get(school=teacher.unit, user__email=social_worker_email)

    assert contact.position == 1


def test_joint_tsi_team_is_owned_by_education_and_social_services(small_demo: DemoResult) -> None:
    team = Unit.objects.get(municipality=small_demo.municipality, kind=UnitKind.JOINT_TEAM)

    assert team.organisation.kind == OrganisationKind.EDUCATION
    assert team.co_organisation is not None
    assert team.co_organisation.kind == OrganisationKind.SOCIAL_SERVICES
    assert team.memberships.filter(role=Role.TSI_TEAM_MEMBER).count() >= 4


def test_schools_have_forms_grades_unit_codes_and_classes(small_demo: DemoResult) -> None:
    schools = Unit.objects.filter(municipality=small_demo.municipality, kind=UnitKind.SCHOOL)

    for school in schools:
        assert len(school.school_unit_code) == 8
        assert SchoolForm.COMPULSORY in school.school_forms
        assert set(school.grades) <= set(GRADES)
        assert {group.name[:1] for group in school.groups.all()} == {grade[:1] for grade in school.grades}
    assert any(school.grades == list(GRADES) for school in schools)  # an F-9 school


def test_every_child_is_placed_in_a_class_with_a_grade(small_demo: DemoResult) -> None:
    placements = Placement.objects.filter(child__municipality=small_demo.municipality).select_related("unit")

    assert placements.count() == Child.objects.filter(municipality=small_demo.municipality).count()
    for placement in placements:
        assert placement.group_id is not None
        assert placement.end_date is None
        if placement.unit.kind == UnitKind.SCHOOL:
            assert placement.grade in GRADES
            assert placement.school_form == ("FKLASS" if placement.grade == "F" else "GR")
        else:
            assert (placement.grade, placement.school_form) == ("", "FS")


def test_custody_is_mostly_joint_sometimes_sole_and_some_guardians_live_elsewhere(small_demo: DemoResult) -> None:
    children = Child.objects.filter(municipality=small_demo.municipality).prefetch_related("custodies__guardian")
    patterns: Counter[str] = Counter()

    for child in children:
        custodies = list(child.custodies.all())
        kinds = sorted(custody.kind for custody in custodies)
        assert kinds in ([CustodyKind.JOINT, CustodyKind.JOINT], [CustodyKind.SOLE])
        if len(custodies) == 1:
            patterns["sole"] += 1
        elif len({custody.guardian.street_address for custody in custodies}) == 2:
            patterns["apart"] += 1
        else:
            patterns["together"] += 1

    assert patterns["together"] > patterns["sole"] > 0
    assert patterns["apart"] > 0


def test_siblings_share_guardians_and_surname(small_demo: DemoResult) -> None:
    guardians = Guardian.objects.filter(municipality=small_demo.municipality)
    with_several = [guardian for guardian in guardians if guardian.custodies.count() > 1]

    assert with_several
    for guardian in with_several[:20]:
        surnames = {custody.child.last_name for custody in guardian.custodies.select_related("child")}
        assert len(surnames) == 1


def test_some_children_have_protected_identity_and_no_address(small_demo: DemoResult) -> None:
    protected = Child.objects.filter(municipality=small_demo.municipality, protected_identity=True)

    assert protected.exists()
    assert not protected.exclude(street_address="").exists()
    assert protected.count() < Child.objects.filter(municipality=small_demo.municipality).count() / 20


def test_children_speak_varied_languages(small_demo: DemoResult) -> None:
    languages = Counter(
        language
        for languages in Child.objects.filter(municipality=small_demo.municipality).values_list("languages", flat=True)
        for language in languages
    )

    assert languages["sv"] > len(languages) > 3


def test_contact_details_are_fictional(small_demo: DemoResult) -> None:
    guardians = Guardian.objects.filter(municipality=small_demo.municipality)

    for guardian in guardians:
        assert guardian.phone in FICTIONAL_MOBILE_NUMBERS
        assert not guardian.email or guardian.email.rsplit("@", 1)[1] in HOME_EMAIL_DOMAINS
    assert not small_demo.municipality.users.exclude(email__endswith=".example").exists()


def test_bulk_created_children_have_their_search_key(small_demo: DemoResult) -> None:
    for child in Child.objects.filter(municipality=small_demo.municipality)[:100]:
        assert child.name_key == name_key(child.first_name, child.last_name)

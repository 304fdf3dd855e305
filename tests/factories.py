"""factory_boy factories with generated Swedish people (never real ones)."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory
from faker import Faker

from kring.directory.models import (
    ContactPerson,
    Membership,
    Municipality,
    Organisation,
    OrganisationKind,
    Unit,
    UnitKind,
    User,
)
from kring.people.identity import make_identity_number
from kring.people.models import Child, Custody, CustodyKind, Group, Guardian, Placement

# The named people of the tests' world and fixtures, whose names the tests look for on pages (and make sure are not
# there): a generated person never has a name that contains one of these.
NAMED_IN_TESTS = ("Alva", "Testsson", "Sigge", "Skyddad", "Nils", "Klassson", "Annansson", "Ulla", "Förstasson",
                  "Bengt", "Andrasson", "Maja", "Mentorsson")  # fmt: skip
_FAKE = Faker("sv_SE")


def _generated(kind: str) -> str:
    """A generated first or last name (`kind`) that none of the tests' named people could be mistaken for."""
    while True:
        name = str(getattr(_FAKE, kind)())
        if not any(named in name for named in NAMED_IN_TESTS):
            return name


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Testkommun {n}")
    code = factory.Sequence(lambda n: f"{9000 + n:04d}")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Förvaltning {n}")
    kind = OrganisationKind.EDUCATION


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    municipality = factory.SelfAttribute("organisation.municipality")
    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Enhet {n}")
    kind = UnitKind.SCHOOL
    school_forms = factory.LazyFunction(lambda: ["GR"])
    grades = factory.LazyFunction(lambda: ["F", "1", "2", "3", "4", "5", "6"])


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@kommun.example")
    first_name = factory.LazyFunction(lambda: _generated("first_name"))
    last_name = factory.LazyFunction(lambda: _generated("last_name"))
    municipality = factory.SubFactory(MunicipalityFactory)
    password = factory.PostGenerationMethodCall("set_password", "lösenord-för-test-1")

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = "teacher"


class ContactPersonFactory(DjangoModelFactory):
    class Meta:
        model = ContactPerson

    school = factory.SubFactory(UnitFactory)
    user = factory.SubFactory(UserFactory)


def _test_series_number(n: int, first_birth_date: dt.date) -> tuple[dt.date, str]:
    """The n-th valid personnummer in Skatteverket's test series (birth numbers 980-999) from a date."""
    day_offset, serial = divmod(n, 20)
    birth_date = first_birth_date + dt.timedelta(days=day_offset)
    return birth_date, make_identity_number(birth_date, 980 + serial)


class ChildFactory(DjangoModelFactory):
    class Meta:
        model = Child

    municipality = factory.SubFactory(MunicipalityFactory)
    first_name = factory.LazyFunction(lambda: _generated("first_name"))
    last_name = factory.LazyFunction(lambda: _generated("last_name"))
    birth_date = factory.Sequence(lambda n: _test_series_number(n, dt.date(2012, 1, 1))[0])
    identity_number = factory.Sequence(lambda n: _test_series_number(n, dt.date(2012, 1, 1))[1])
    languages = factory.LazyFunction(lambda: ["sv"])
    street_address = "Påhittade vägen 1"
    postal_code = "999 99"
    city = "Testby"


class GuardianFactory(DjangoModelFactory):
    class Meta:
        model = Guardian

    municipality = factory.SubFactory(MunicipalityFactory)
    first_name = factory.LazyFunction(lambda: _generated("first_name"))
    last_name = factory.LazyFunction(lambda: _generated("last_name"))
    identity_number = factory.Sequence(lambda n: _test_series_number(n, dt.date(1980, 1, 1))[1])
    phone = "070-000 00 00"
    email = factory.Sequence(lambda n: f"vardnadshavare{n}@hem.example")


class CustodyFactory(DjangoModelFactory):
    class Meta:
        model = Custody

    child = factory.SubFactory(ChildFactory)
    guardian = factory.SubFactory(GuardianFactory, municipality=factory.SelfAttribute("..child.municipality"))
    municipality = factory.SelfAttribute("child.municipality")
    kind = CustodyKind.JOINT


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = Group

    unit = factory.SubFactory(UnitFactory)
    municipality = factory.SelfAttribute("unit.municipality")
    name = factory.Sequence(lambda n: f"{n % 9 + 1}{chr(65 + n // 9 % 26)}{n // 234 or ''}")
    school_year = "2026/27"


class PlacementFactory(DjangoModelFactory):
    class Meta:
        model = Placement

    child = factory.SubFactory(ChildFactory)
    municipality = factory.SelfAttribute("child.municipality")
    unit = factory.SubFactory(UnitFactory)
    school_form = "GR"
    grade = "5"
    start_date = dt.date(2020, 8, 15)
    end_date = None

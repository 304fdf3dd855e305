"""The SS 12000 (v2.1) resources Kring reads, modelled field by field for what we use (not the standard's text).

Every record is validated one by one: a malformed record is rejected with its reason and the rest of the page
goes on. Unknown fields are ignored, so that a newer server does not break the import.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = [
    "RESOURCES",
    "Absence",
    "Duty",
    "Group",
    "Organisation",
    "Person",
    "Placement",
    "ValidationError",
    "describe_error",
]


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class Reference(_Record):
    id: str = Field(min_length=1, max_length=64)


class Meta(_Record):
    created: datetime | None = None
    modified: datetime | None = None


class Organisation(_Record):
    """An organisation: a principal organiser (Huvudman), an administration, or a school unit (Skolenhet)."""

    id: str = Field(min_length=1, max_length=64)
    meta: Meta | None = None
    display_name: str = Field(alias="displayName", min_length=1, max_length=150)
    organisation_type: str = Field(alias="organisationType")
    school_unit_code: str | None = Field(default=None, alias="schoolUnitCode", pattern=r"^\d{8}$")
    municipality_code: str | None = Field(default=None, alias="municipalityCode", pattern=r"^\d{4}$")
    school_types: list[str] = Field(default_factory=list, alias="schoolTypes")
    parent_organisation: Reference | None = Field(default=None, alias="parentOrganisation")

    @property
    def is_school_unit(self) -> bool:
        return self.organisation_type == "Skolenhet"


class CivicNo(_Record):
    value: str = Field(pattern=r"^\d{12}$")
    nationality: str = "SE"


class Address(_Record):
    type: str | None = None
    street_address: str | None = Field(default=None, alias="streetAddress", max_length=200)
    locality: str | None = Field(default=None, max_length=100)
    postal_code: str | None = Field(default=None, alias="postalCode", max_length=10)


class Email(_Record):
    value: str = Field(max_length=254)
    type: str | None = None


class Phone(_Record):
    value: str = Field(max_length=40)
    type: str | None = None


class Responsible(_Record):
    person: Reference
    relation_type: str = Field(alias="relationType")

    @property
    def has_custody(self) -> bool:
        return self.relation_type == "Vårdnadshavare"


class Enrolment(_Record):
    """A pupil's enrolment at a school unit, in a school year (grade) of a school form."""

    enroled_at: Reference = Field(alias="enroledAt")
    school_year: int | None = Field(default=None, alias="schoolYear", ge=0, le=13)
    school_type: str = Field(alias="schoolType")
    start_date: date = Field(alias="startDate")
    end_date: date | None = Field(default=None, alias="endDate")
    cancelled: bool = False  # "Inskrivningen har avbrutits i förväg": never a placement

    @model_validator(mode="after")
    def _ends_after_start(self) -> Enrolment:
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("endDate is before startDate")
        return self


SecurityMarking = Literal["Ingen", "Sekretessmarkering", "Skyddad folkbokföring"]


class Person(_Record):
    """A person: a pupil (with enrolments or guardians) or a guardian. `_embedded.responsibles` carries the
    guardians' own records when the request asks for `expand=responsibles`."""

    id: str = Field(min_length=1, max_length=64)
    meta: Meta | None = None
    given_name: str = Field(alias="givenName", min_length=1, max_length=100)
    family_name: str = Field(alias="familyName", min_length=1, max_length=100)
    civic_no: CivicNo | None = Field(default=None, alias="civicNo")
    birth_date: date | None = Field(default=None, alias="birthDate")
    security_marking: SecurityMarking = Field(default="Ingen", alias="securityMarking")
    addresses: list[Address] = Field(default_factory=list)
    emails: list[Email] = Field(default_factory=list)
    phone_numbers: list[Phone] = Field(default_factory=list, alias="phoneNumbers")
    responsibles: list[Responsible] = Field(default_factory=list)
    enrolments: list[Enrolment] = Field(default_factory=list)
    embedded: EmbeddedPersons | None = Field(default=None, alias="_embedded")

    @property
    def is_pupil(self) -> bool:
        return bool(self.enrolments or self.responsibles)

    @property
    def protected_identity(self) -> bool:
        return self.security_marking != "Ingen"

    @property
    def home_address(self) -> Address | None:
        return next((a for a in self.addresses if a.type in (None, "Folkbokföring")), None)


class EmbeddedPersons(_Record):
    responsibles: list[Person] = Field(default_factory=list)


class Placement(_Record):
    """A child's placement in a preschool (or leisure-time centre)."""

    id: str = Field(min_length=1, max_length=64)
    meta: Meta | None = None
    placed_at: Reference = Field(alias="placedAt")
    group: Reference | None = None
    child: Reference
    school_type: str = Field(alias="schoolType")
    start_date: date = Field(alias="startDate")
    end_date: date | None = Field(default=None, alias="endDate")


class GroupMembership(_Record):
    person: Reference
    start_date: date | None = Field(default=None, alias="startDate")
    end_date: date | None = Field(default=None, alias="endDate")


class Group(_Record):
    """A class (Klass), a preschool group (Avdelning) or a teaching group, with its members."""

    id: str = Field(min_length=1, max_length=64)
    meta: Meta | None = None
    display_name: str = Field(alias="displayName", min_length=1, max_length=60)
    group_type: str = Field(alias="groupType")
    school_type: str | None = Field(default=None, alias="schoolType")
    organisation: Reference
    start_date: date | None = Field(default=None, alias="startDate")
    end_date: date | None = Field(default=None, alias="endDate")
    group_memberships: list[GroupMembership] = Field(default_factory=list, alias="groupMemberships")

    @property
    def is_class(self) -> bool:
        return self.group_type in ("Klass", "Avdelning")


class Duty(_Record):
    """A member of staff's duty at a unit (read by the client; staff themselves are managed in Kring)."""

    id: str = Field(min_length=1, max_length=64)
    meta: Meta | None = None
    person: Reference
    duty_at: Reference = Field(alias="dutyAt")
    duty_role: str = Field(alias="dutyRole")
    start_date: date | None = Field(default=None, alias="startDate")
    end_date: date | None = Field(default=None, alias="endDate")


AbsenceType = Literal["Anmäld", "Beviljad", "Giltig", "Ogiltig"]


class Absence(_Record):
    """A pupil's absence from a lesson or part of a school day."""

    id: str = Field(min_length=1, max_length=64)
    meta: Meta | None = None
    student: Reference
    organisation: Reference
    start_time: datetime = Field(alias="startTime")
    end_time: datetime = Field(alias="endTime")
    type: AbsenceType

    @model_validator(mode="after")
    def _one_school_day(self) -> Absence:
        if self.end_time <= self.start_time:
            raise ValueError("endTime is not after startTime")
        if self.end_time.date() != self.start_time.date() or self.minutes > 24 * 60:
            raise ValueError("an absence record covers one school day at most")
        return self

    @property
    def minutes(self) -> int:
        return int((self.end_time - self.start_time).total_seconds() // 60)


Person.model_rebuild()

# The resources Kring reads, by their path under the API root, in the order the import takes them.
RESOURCES: dict[str, type[_Record]] = {
    "organisations": Organisation,
    "persons": Person,
    "placements": Placement,
    "groups": Group,
    "duties": Duty,
    "absences": Absence,
}


def describe_error(error: ValidationError) -> str:
    """A validation error as one line naming the fields, never their values (they may be personal data)."""
    parts = []
    for problem in error.errors(include_input=False, include_url=False):
        where = ".".join(str(step) for step in problem["loc"]) or "record"
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)

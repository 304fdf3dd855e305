"""The SS 12000 (v2.1) resources Kring reads, modelled field by field for what we use (not the standard's text).

Every record is validated one by one: a malformed record is rejected with its reason and the rest of the page
goes on. Unknown fields are ignored, so that a newer server does not break the import.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = [
    "RESOURCES",
    "Absence",
    "AggregatedAttendance",
    "Attendance",
    "CalendarEvent",
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
    """An organisation: a principal organiser (Huvudman), an administration, or a school unit (Skolenhet).

    `schoolUnitCode` and `municipalityCode` are read as text: a code that is not the register's shape (8 and 4
    digits) is ignored by the import, which says so, and the unit goes in without it."""

    id: str = Field(min_length=1, max_length=64)
    meta: Meta | None = None
    display_name: str = Field(alias="displayName", min_length=1, max_length=150)
    organisation_type: str = Field(alias="organisationType")
    school_unit_code: str | None = Field(default=None, alias="schoolUnitCode")
    municipality_code: str | None = Field(default=None, alias="municipalityCode")
    school_types: list[str] = Field(default_factory=list, alias="schoolTypes")
    parent_organisation: Reference | None = Field(default=None, alias="parentOrganisation")

    @property
    def is_school_unit(self) -> bool:
        return self.organisation_type == "Skolenhet"

    @property
    def register_code(self) -> str:
        """The school unit code if it is the register's shape (8 digits), else empty."""
        code = (self.school_unit_code or "").strip()
        return code if SCHOOL_UNIT_CODE.fullmatch(code) else ""


SCHOOL_UNIT_CODE = re.compile(r"\d{8}")
# A personal or coordination number (12 digits), or a temporary number a school register gave a pupil who has
# neither: the two places after the date may be letters (the standard's example: 20130101TF01).
CIVIC_NUMBER = re.compile(r"\d{12}")
TEMPORARY_CIVIC_NUMBER = re.compile(r"\d{8}[A-Za-z]{2}\d{2}")


class CivicNo(_Record):
    value: str = Field(min_length=1, max_length=40)
    nationality: str = "SE"

    @property
    def is_temporary(self) -> bool:
        return bool(TEMPORARY_CIVIC_NUMBER.fullmatch(self.value))


class Address(_Record):
    type: str | None = None
    street_address: str | None = Field(default=None, alias="streetAddress")
    locality: str | None = None
    postal_code: str | None = Field(default=None, alias="postalCode")


class Email(_Record):
    value: str
    type: str | None = None


class Phone(_Record):
    value: str
    type: str | None = None


# The standard's relation types (RelationTypesEnum). Custody (vårdnadshavare) and a good man (god man, who takes a
# guardian's place for an unaccompanied child) decide for the child, consent included; the others do not.
GUARDIAN = "Vårdnadshavare"
GOOD_MAN = "God man"
OTHER_RESPONSIBLE = "Annan ansvarig"
APPOINTED = "Utsedd behörig"
RELATION_TYPES = (GUARDIAN, OTHER_RESPONSIBLE, GOOD_MAN, APPOINTED)
DECIDING_RELATIONS = frozenset({GUARDIAN, GOOD_MAN})


class Responsible(_Record):
    person: Reference
    relation_type: str | None = Field(default=None, alias="relationType")

    @property
    def decides_for_the_child(self) -> bool:
        return self.relation_type in DECIDING_RELATIONS


class Enrolment(_Record):
    """A pupil's enrolment at a school unit, in a school year (grade) of a school form."""

    enroled_at: Reference = Field(alias="enroledAt")
    school_year: int | None = Field(default=None, alias="schoolYear", ge=0, le=13)
    school_type: str = Field(alias="schoolType")
    start_date: date = Field(alias="startDate")
    end_date: date | None = Field(default=None, alias="endDate")
    cancelled: bool | None = False  # "Inskrivningen har avbrutits i förväg": never a placement

    @model_validator(mode="after")
    def _ends_after_start(self) -> Enrolment:
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("endDate is before startDate")
        return self


SecurityMarking = Literal["Ingen", "Sekretessmarkering", "Skyddad folkbokföring"]


class Person(_Record):
    """A person: a pupil or preschool child (with enrolments or responsibles), their guardian, or anyone else (staff,
    whom Kring does not read). Guardians are persons of their own, linked from the child by `responsibles`."""

    id: str = Field(min_length=1, max_length=64)
    meta: Meta | None = None
    given_name: str = Field(alias="givenName", min_length=1, max_length=100)
    family_name: str = Field(alias="familyName", min_length=1, max_length=100)
    civic_no: CivicNo | None = Field(default=None, alias="civicNo")
    birth_date: date | None = Field(default=None, alias="birthDate")
    security_marking: SecurityMarking | None = Field(default="Ingen", alias="securityMarking")
    addresses: list[Address] | None = Field(default_factory=list)
    emails: list[Email] | None = Field(default_factory=list)
    phone_numbers: list[Phone] | None = Field(default_factory=list, alias="phoneNumbers")
    responsibles: list[Responsible] | None = Field(default_factory=list)
    enrolments: list[Enrolment] | None = Field(default_factory=list)

    @property
    def protected_identity(self) -> bool:
        return self.security_marking not in (None, "Ingen")

    @property
    def home_address(self) -> Address | None:
        return next((a for a in self.addresses or () if a.type in (None, "Folkbokföring")), None)


def is_child_record(record: dict[str, Any]) -> bool:
    """A person record of a pupil or child: with enrolments or someone responsible for them (read before
    validation, so that a member of staff with a malformed field is skipped, not rejected)."""
    return bool(record.get("enrolments") or record.get("responsibles"))


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


CLASS_GROUP_TYPES = frozenset({"Klass", "Avdelning"})


class Group(_Record):
    """A class (Klass) or a preschool group (Avdelning), with its members. Teaching groups and the rest are skipped
    before validation (`is_class_record`)."""

    id: str = Field(min_length=1, max_length=64)
    meta: Meta | None = None
    display_name: str = Field(alias="displayName", min_length=1, max_length=60)
    group_type: str = Field(alias="groupType")
    school_type: str | None = Field(default=None, alias="schoolType")
    organisation: Reference
    start_date: date | None = Field(default=None, alias="startDate")
    end_date: date | None = Field(default=None, alias="endDate")
    group_memberships: list[GroupMembership] | None = Field(default_factory=list, alias="groupMemberships")


def is_class_record(record: dict[str, Any]) -> bool:
    return record.get("groupType") in CLASS_GROUP_TYPES


class Duty(_Record):
    """A member of staff's duty at a unit (read by the client; staff themselves are managed in Kring)."""

    id: str = Field(min_length=1, max_length=64)
    meta: Meta | None = None
    person: Reference
    duty_at: Reference = Field(alias="dutyAt")
    duty_role: str = Field(alias="dutyRole")
    start_date: date | None = Field(default=None, alias="startDate")
    end_date: date | None = Field(default=None, alias="endDate")


# The standard's absence types (AbsenceEnum): leave the school granted, and absence reported by the pupil or a
# guardian. Neither says how many lessons were missed: that is `/attendances`.
GRANTED_LEAVE = "Beviljad ledighet"
REPORTED_ABSENCE = "Anmäld frånvaro"
AbsenceType = Literal["Beviljad ledighet", "Anmäld frånvaro"]


class Absence(_Record):
    """Absence notified in advance: granted leave or reported absence, from a start to an end time that may span
    days. The school unit is optional (the import takes the pupil's placement that day when it is missing)."""

    id: str = Field(min_length=1, max_length=64)
    meta: Meta | None = None
    student: Reference
    organisation: Reference | None = None
    start_time: datetime = Field(alias="startTime")
    end_time: datetime = Field(alias="endTime")
    type: AbsenceType

    @model_validator(mode="after")
    def _ends_after_start(self) -> Absence:
        if self.end_time <= self.start_time:
            raise ValueError("endTime is not after startTime")
        return self


class CalendarEvent(_Record):
    """A lesson or other scheduled event: Kring reads only when it was (an attendance names its event, not a day)."""

    id: str = Field(min_length=1, max_length=64)
    meta: Meta | None = None
    start_time: datetime = Field(alias="startTime")
    end_time: datetime | None = Field(default=None, alias="endTime")
    cancelled: bool | None = False


class Attendance(_Record):
    """A pupil's attendance at one calendar event: minutes present, minutes of valid (excused) and invalid
    (unexcused) absence."""

    id: str = Field(min_length=1, max_length=64)
    meta: Meta | None = None
    calendar_event: Reference = Field(alias="calendarEvent")
    student: Reference
    is_reported: bool | None = Field(default=None, alias="isReported")
    attendance_minutes: int | None = Field(default=None, alias="attendanceMinutes", ge=0)
    valid_absence_minutes: int | None = Field(default=None, alias="validAbsenceMinutes", ge=0)
    invalid_absence_minutes: int | None = Field(default=None, alias="invalidAbsenceMinutes", ge=0)


class AggregatedAttendance(_Record):
    """A pupil's attendance summed over a period (`/aggregatedAttendance`, asked for one day at a time), per activity:
    for a provider without `/attendances`."""

    student: Reference
    activity: Reference | None = None
    start_date: date = Field(alias="startDate")
    end_date: date = Field(alias="endDate")
    valid_absence_sum: int | None = Field(default=None, alias="validAbsenceSum", ge=0)
    invalid_absence_sum: int | None = Field(default=None, alias="invalidAbsenceSum", ge=0)


# The resources Kring reads, by their path under the API root, in the order the import takes them.
RESOURCES: dict[str, type[_Record]] = {
    "organisations": Organisation,
    "persons": Person,
    "placements": Placement,
    "groups": Group,
    "duties": Duty,
    "absences": Absence,
    "calendarEvents": CalendarEvent,
    "attendances": Attendance,
}


def describe_error(error: ValidationError) -> str:
    """A validation error as one line naming the fields, never their values (they may be personal data)."""
    parts = []
    for problem in error.errors(include_input=False, include_url=False):
        where = ".".join(str(step) for step in problem["loc"]) or "record"
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)

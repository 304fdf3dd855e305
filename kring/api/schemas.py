"""The API's request and response bodies (pydantic, through django-ninja): strict, every field bounded."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ConfigDict, Field, field_validator, model_validator

from kring.people.identity import parse_identity_number


class Strict(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldError] | None = None


# --- units and contact persons ---


class ContactPersonOut(Schema):
    school_id: int
    school: str
    position: int
    name: str
    email: str
    phone: str


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    organisation: str
    school_unit_code: str
    school_forms: list[str]
    address: str
    phone: str
    email: str
    contact_persons: list[ContactPersonOut]


# --- statistics ---


class ScopeOut(Schema):
    key: str
    label: str


class CountTableOut(Schema):
    """A table as published: None for every suppressed number (under 5, or one that would reveal one)."""

    caption: str
    row_header: str
    rows: list[str]
    months: list[date]
    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None


class ComplianceOut(Schema):
    label: str
    on_time: int | None
    late: int | None
    total: int | None


class StatisticsOut(Schema):
    scope: ScopeOut
    scopes: list[ScopeOut]
    first_month: date
    last_month: date
    refreshed_at: datetime | None = Field(description="When the figures were computed; null before the first time")
    threshold: int
    concerns: CountTableOut | None
    reports: CountTableOut | None
    consultations: CountTableOut | None
    compliance: list[ComplianceOut]


class TermTableOut(Schema):
    """A table of a measure by term as published: None for every suppressed number."""

    caption: str
    row_header: str
    rows: list[str]
    terms: list[date] = Field(description="The first day of each term, oldest first")
    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None


class MeasureOut(Schema):
    """A measure's tables, suppressed together: nothing hidden in one can be worked out from another."""

    key: str
    heading: str
    tables: list[TermTableOut]


class TermStatisticsOut(Schema):
    scope: ScopeOut
    scopes: list[ScopeOut]
    terms: list[date]
    term_labels: list[str]
    refreshed_at: datetime | None = Field(description="When the figures were computed; null before the first time")
    threshold: int
    measures: list[MeasureOut]


# --- a report of concern from the public ---


class PublicReporterIn(Strict):
    """The member of the public who reports: anonymous, or with a name and a way to reach them."""

    anonymous: bool
    name: str = Field("", max_length=150)
    phone: str = Field("", max_length=40, pattern=r"^[0-9+\-() ]*$")
    email: str = Field("", max_length=254, pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")

    @model_validator(mode="after")
    def _identified_or_anonymous(self) -> PublicReporterIn:
        if self.anonymous and (self.name or self.phone or self.email):
            raise ValueError(_("An anonymous reporter gives no name, phone or e-mail."))
        if not self.anonymous and (not self.name or not (self.phone or self.email)):
            raise ValueError(_("Give the reporter's name and a phone number or an e-mail address."))
        return self


class ChildIn(Strict):
    """The child, by identity number, or by name and date of birth with what else the reporter knows."""

    identity_number: str = Field("", max_length=13)
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    birth_date: date | None = None
    school: str = Field("", max_length=150)
    known: str = Field("", max_length=2000)

    @field_validator("identity_number")
    @classmethod
    def _valid_number(cls, value: str) -> str:
        if not value:
            return ""
        try:
            return parse_identity_number(value, today=timezone.localdate()).canonical
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from error

    @model_validator(mode="after")
    def _named(self) -> ChildIn:
        if self.identity_number:
            return self
        if not (self.first_name or self.last_name) or self.birth_date is None:
            raise ValueError(_("Give the child's identity number, or the name and date of birth."))
        if self.birth_date > timezone.localdate() or self.birth_date.year < 1900:
            raise ValueError(_("The date of birth is not a possible one."))
        return self


class PublicReportIn(Strict):
    reporter: PublicReporterIn
    child: ChildIn
    what_happened: str = Field(min_length=1, max_length=10000)
    when_and_where: str = Field(min_length=1, max_length=500)
    child_words: str = Field("", max_length=5000)
    guardians_informed: bool
    guardians_not_informed_why: str = Field("", max_length=2000)
    urgency: Literal["acute", "urgent", "normal"]

    @model_validator(mode="after")
    def _why_not_told(self) -> PublicReportIn:
        if not self.guardians_informed and not self.guardians_not_informed_why:
            raise ValueError(_("Say why the guardians have not been told."))
        return self


class ReportFiledOut(Schema):
    """The receipt: the report's number and when it arrived. Nothing about the child or the register."""

    reference: int
    filed_at: datetime


# --- closed TSI cases ---


class ClosedCaseOut(Schema):
    id: int
    team: str
    closed_at: datetime
    closure_reason: str

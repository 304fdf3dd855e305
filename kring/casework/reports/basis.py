"""The bases of concerns and reports of concern.

* **concern**: the person who recorded a concern sees it; the principal and student health staff of the school it
  was recorded at see the school's concerns (they triage them). Other teachers do not.
* **report_receiver**: social workers and unit managers of the receiving social services unit, and the school's
  contact persons in social services for reports from their schools, see the report, the child's register data,
  and social services' assessment (the report travels on the duty to report: OSL 10 kap 28 §, SoL 14 kap 1 §).
* **report_reporter**: the reporter sees their report and the feedback (SoL 14 kap 1 b §) — nothing else of social
  services' work.
* **report_school**: the principal and student health of the unit the report was filed from keep their view of it
  (the feedback is the reporter's), also after the child has moved. A report never follows the child to a new
  school.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.translation import gettext as _

from kring.access.acting import StaffUser
from kring.access.policy import Basis, ChildModel, can, units_where
from kring.access.roles import (
    CASE_SCHOOL_ROLES,
    PROTECTED_IDENTITY_ROLES,
    SOCIAL_SERVICES_ROLES,
    Category,
    Origin,
    Permission,
)
from kring.casework.models import Concern, Consultation, ReportOfConcern
from kring.directory.models import ContactPerson
from kring.legal import cite, cite_all
from kring.people.models import Child, Placement

CONCERN_BASIS = "concern"
RECEIVER_BASIS = "report_receiver"
REPORTER_BASIS = "report_reporter"
REPORTING_UNIT_BASIS = "report_school"
REGISTER_CATEGORIES = frozenset({Category.IDENTITY, Category.GUARDIANS, Category.PLACEMENT})
RECEIVER_CATEGORIES = REGISTER_CATEGORIES | {Category.REPORT, Category.ASSESSMENT, Category.FEEDBACK}
ALL_ORIGINS = frozenset(Origin.values)


def placed_unit_ids(child: Child) -> list[int]:
    """The units where the child is placed now."""
    return list(Placement.objects.current().filter(child=child).values_list("unit_id", flat=True))


def concern_units(user: StaffUser, child: Child) -> list[int]:
    """The schools where the user may record a concern about the child: where the user works and the child is
    placed now (empty without the permission)."""
    if not can(user, Permission.CONCERN_RECORD):
        return []
    return [unit for unit in placed_unit_ids(child) if unit in units_where(user)]


def can_triage_concern(user: StaffUser, concern: Concern) -> bool:
    """The principal and student health of the school where the concern was recorded decide what happens next."""
    return can(user, Permission.CONCERN_TRIAGE) and concern.unit_id in units_where(user, CASE_SCHOOL_ROLES)


def is_contact_person(user: StaffUser, consultation: Consultation) -> bool:
    """Is the user one of the asking school's contact persons in social services?"""
    return (
        bool(units_where(user, SOCIAL_SERVICES_ROLES))
        and ContactPerson.objects.filter(school_id=consultation.unit_id, user_id=user.pk).exists()
    )


def _school_leadership_q(user: StaffUser, unit_field: str, prefix: str = "") -> Q:
    """Records kept by the schools where the user is principal or in student health; a child with protected
    identity only for the roles that may know the child (as for a placement)."""
    protected_ok = units_where(user, CASE_SCHOOL_ROLES & PROTECTED_IDENTITY_ROLES)
    return Q(**{f"{prefix}{unit_field}__in": protected_ok}) | Q(
        **{
            f"{prefix}{unit_field}__in": units_where(user, CASE_SCHOOL_ROLES),
            f"{prefix}child__protected_identity": False,
        }
    )


def _concern_q(user: StaffUser) -> Q:
    """Concerns the user recorded, and those of the schools where they triage."""
    return Q(reported_by_id=user.pk) | _school_leadership_q(user, "unit_id")


def _reporting_unit_q(user: StaffUser) -> Q:
    """Reports filed from the schools where the user is principal or in student health."""
    return _school_leadership_q(user, "reporter_unit_id")


class ConcernBasisProvider:
    kind = CONCERN_BASIS
    routine = True

    def visibility_q(self, user: StaffUser, info: ChildModel) -> Q | None:
        if info.category != Category.CONCERN:
            return None
        return _concern_q(user)

    def bases(self, user: StaffUser, child_ids: list[int]) -> dict[int, list[Basis]]:
        rows = Concern.objects.filter(_concern_q(user), child_id__in=child_ids)
        found: dict[int, list[Basis]] = defaultdict(list)
        for child_id, unit_name in rows.values_list("child_id", "unit__name").distinct():
            reason = _("a concern about the child at %(unit)s") % {"unit": unit_name}
            found[child_id].append(
                Basis(
                    CONCERN_BASIS,
                    child_id,
                    reason,
                    _("own activity, need to know"),
                    frozenset({Origin.SCHOOL}),
                    categories=frozenset({Category.CONCERN}),
                    is_case_basis=True,
                )
            )
        return found


def _receiving(user: StaffUser) -> tuple[list[int], Any]:
    """The social services units whose reports the user receives, and (as a subquery) the schools they are
    contact person for; a contact person needs a social services role too."""
    units = units_where(user, SOCIAL_SERVICES_ROLES)
    contacts = ContactPerson.objects.filter(user_id=user.pk) if units else ContactPerson.objects.none()
    schools = contacts.values("school_id")
    return units, schools


def _received_q(units: list[int], schools: Any, prefix: str = "") -> Q:
    return Q(**{f"{prefix}receiving_unit_id__in": units}) | Q(**{f"{prefix}reporter_unit_id__in": schools})


def received_q(user: StaffUser, prefix: str = "") -> Q:
    """The reports the user handles as a receiver: received by their social services unit, or from a school they
    are contact person for (not those they only filed)."""
    units, schools = _receiving(user)
    return _received_q(units, schools, prefix)


class ReportBasisProvider:
    """The receiving unit's and the contact persons' basis, and the reporter's."""

    kind = RECEIVER_BASIS
    kinds = (RECEIVER_BASIS, REPORTER_BASIS, REPORTING_UNIT_BASIS)
    routine = True

    def visibility_q(self, user: StaffUser, info: ChildModel) -> Q | None:
        units, schools = _receiving(user)
        if info.category == Category.REPORT:
            return Q(reporter_id=user.pk) | _reporting_unit_q(user) | _received_q(units, schools)
        if info.category == Category.FEEDBACK:
            return Q(report__reporter_id=user.pk) | _received_q(units, schools, "report__")
        if not units:
            return None
        if info.category == Category.ASSESSMENT:
            return _received_q(units, schools, "report__")
        if info.category in REGISTER_CATEGORIES and not info.origin and not info.origin_field:
            received = ReportOfConcern.objects.filter(_received_q(units, schools))
            return Q(**{f"{info.child_path}__in": received.values("child_id")})
        return None

    def bases(self, user: StaffUser, child_ids: list[int]) -> dict[int, list[Basis]]:
        units, schools = _receiving(user)
        received = _received_q(units, schools)
        reports = ReportOfConcern.objects.filter(child_id__in=child_ids).filter(
            Q(reporter_id=user.pk) | _reporting_unit_q(user) | received
        )
        found: dict[int, list[Basis]] = defaultdict(list)
        rows = reports.annotate(is_received=ExpressionWrapper(received, output_field=BooleanField())).values_list(
            "pk",
            "child_id",
            "reporter_id",
            "origin",
            "receiving_unit__name",
            "reporter_unit_id",
            "is_received",
            "received_at",
        )
        for report_id, child_id, reporter_id, origin, unit_name, reporter_unit_id, is_received, received_at in rows:
            if is_received:
                found[child_id].append(_receiver_basis(report_id, child_id, unit_name, received_at is not None))
            elif reporter_id == user.pk:
                found[child_id].append(_reporter_basis(report_id, child_id, origin))
            else:
                found[child_id].append(_reporting_unit_basis(report_id, child_id, origin, reporter_unit_id))
        return found


def _receiver_basis(report_id: int, child_id: int, unit_name: str, received: bool) -> Basis:
    """Named as the report stands: "sent to" the unit until it registers the receipt, then "received by"."""
    values = {"report": report_id, "unit": unit_name}
    if received:
        reason = _("report of concern %(report)s, received by %(unit)s") % values
    else:
        reason = _("report of concern %(report)s, sent to %(unit)s (receipt not yet registered)") % values
    return Basis(
        RECEIVER_BASIS,
        child_id,
        reason,
        cite_all("report_disclosure", "report_duty"),
        ALL_ORIGINS,
        RECEIVER_CATEGORIES,
        is_case_basis=True,
    )


def _reporter_basis(report_id: int, child_id: int, origin: str) -> Basis:
    reason = _("you filed report of concern %(report)s") % {"report": report_id}
    return Basis(
        REPORTER_BASIS,
        child_id,
        reason,
        cite("report_feedback"),
        frozenset({origin, Origin.SOCIAL_SERVICES}),
        frozenset({Category.REPORT, Category.FEEDBACK}),
        is_case_basis=True,
    )


def _reporting_unit_basis(report_id: int, child_id: int, origin: str, unit_id: int) -> Basis:
    reason = _("report of concern %(report)s, filed from your school") % {"report": report_id}
    return Basis(
        REPORTING_UNIT_BASIS,
        child_id,
        reason,
        cite("report_feedback"),
        frozenset({origin}),
        frozenset({Category.REPORT}),
        is_case_basis=True,
        unit_ids=frozenset({unit_id}),
    )


def consultation_parties(user: StaffUser) -> Q:
    """An anonymous consultation's parties: whoever asked, the principal and student health of the asking school,
    and the school's contact persons in social services."""
    units, schools = _receiving(user)
    return Q(asked_by_id=user.pk) | Q(unit_id__in=units_where(user, CASE_SCHOOL_ROLES)) | Q(unit_id__in=schools)

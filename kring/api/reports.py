"""A report of concern from a member of the public, passed on by the municipality's e-service through the API.

It is filed by the same action as a report filed in Kring (`file_report_about`: the same routing to social
services' inbox, the same deadlines from its arrival, the same audit), with the e-service's system user as the
reporter. Who the member of the public is (or that they chose to be anonymous) opens the report's text, so that
social services read it where they read the rest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kring.access.policy import can
from kring.access.roles import Permission
from kring.casework.models import ReportOfConcern
from kring.casework.reports.actions import ReportedChild, ReportInput, file_report_about
from kring.directory.models import User


@dataclass(frozen=True)
class PublicReporter:
    anonymous: bool
    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class PublicChild:
    identity_number: str = ""  # canonical, or ""
    first_name: str = ""
    last_name: str = ""
    birth_date: date | None = None
    school: str = ""
    known: str = ""


def _reporter_line(reporter: PublicReporter) -> str:
    if reporter.anonymous:
        return _("Passed on by the municipality's e-service from a member of the public who chose to be anonymous.")
    contact = ", ".join(part for part in (reporter.name, reporter.phone, reporter.email) if part)
    return _("Passed on by the municipality's e-service from a member of the public: %(contact)s.") % {
        "contact": contact
    }


def _known(child: PublicChild) -> str:
    school = _("School or preschool: %(school)s") % {"school": child.school} if child.school else ""
    return "\n".join(part for part in (school, child.known) if part)


def pass_on_public_report(
    *, by: User, reporter: PublicReporter, child: PublicChild, report: ReportInput
) -> ReportOfConcern:
    """File the public's report as the e-service (a token whose role passes on the public's reports)."""
    if not can(by, Permission.REPORT_FILE_PUBLIC):
        raise PermissionDenied
    named = ReportedChild(
        identity_number=child.identity_number,
        first_name=child.first_name,
        last_name=child.last_name,
        birth_date=child.birth_date,
        known=_known(child),
    )
    text = f"{_reporter_line(reporter)}\n\n{report.what_happened}"
    filed = ReportInput(
        what_happened=text,
        when_and_where=report.when_and_where,
        guardians_informed=report.guardians_informed,
        urgency=report.urgency,
        child_words=report.child_words,
        guardians_not_informed_why=report.guardians_not_informed_why,
    )
    return file_report_about(by=by, named=named, report=filed)

"""A decided report of concern (orosanmälan) as the document and metadata of its archive package: the report as
filed, social services' receipt, protection assessment and initial assessment with its decision, and the feedback
to the reporter, as one PDF/A-2b in the municipality's language. Closed when the initial assessment is decided.

No address of the child, and for a child with protected identity not what the reporter knew of the child either."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kring.access.policy import Basis
from kring.casework.models import ReportAssessment, ReportFeedback, ReportOfConcern
from kring.legal import cite
from kring.pdf import render_pdf
from kring.records.archive.common import PDF_VARIANT, Description, archive_basis, local_date
from kring.records.archive.package import Document
from kring.records.models import RecordType

SECRECY_KEYS = ("social_services_secrecy",)


@dataclass(frozen=True)
class ReportFile:
    report: ReportOfConcern
    assessment: ReportAssessment
    feedback: ReportFeedback | None

    def parts(self) -> dict[str, list[Model]]:
        """Each part by the target type the casework audits it under."""
        parts: dict[str, list[Model]] = {"report": [self.report], "reportassessment": [self.assessment]}
        if self.feedback is not None:
            parts["reportfeedback"] = [self.feedback]
        return parts


def _feedback(report: ReportOfConcern) -> ReportFeedback | None:
    try:
        return report.feedback
    except ObjectDoesNotExist:
        return None


def _decided(report: ReportOfConcern) -> datetime:
    return report.assessment.decided_at or report.filed_at


class ReportPackager:
    """A report of concern, closed when its initial assessment is decided."""

    record_type = RecordType.REPORT
    short = "report"
    model = ReportOfConcern

    def closed_rows(self, municipality_id: int) -> QuerySet[ReportOfConcern]:
        return ReportOfConcern.objects.filter(
            municipality_id=municipality_id, assessment__decided_at__isnull=False
        ).select_related("assessment", "receiving_unit", "reporter_unit", "reporter", "child", "municipality")

    def is_closed(self, record: ReportOfConcern) -> bool:
        try:
            return record.assessment.decided_at is not None
        except ObjectDoesNotExist:
            return False

    def label(self, record: ReportOfConcern) -> str:
        return _("Report of concern %(number)s") % {"number": record.pk}

    def row(self, record: ReportOfConcern) -> tuple[str, datetime, datetime, str]:
        return record.receiving_unit.name, record.filed_at, _decided(record), record.assessment.get_decision_display()

    def basis(self, record: ReportOfConcern) -> Basis:
        return archive_basis(record)

    def read(self, record: ReportOfConcern) -> ReportFile:
        return ReportFile(record, record.assessment, _feedback(record))

    def render(self, report_file: ReportFile, printed_by: str) -> list[Document]:
        report = report_file.report
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "file": report_file,
                "report": report,
                "child": report.child,
                "known_about_child": "" if report.child.protected_identity else report.known_about_child,
                "printed_on": timezone.localdate(),
                "printed_by": printed_by,
                "secrecy": [cite(key) for key in SECRECY_KEYS],
            }
            return [
                Document(
                    "01-report.pdf",
                    self.label(report),
                    local_date(_decided(report)).isoformat(),
                    render_pdf("records/archive/report_pdf.html", context, variant=PDF_VARIANT),
                )
            ]

    def describe(self, report_file: ReportFile) -> Description:
        report = report_file.report
        with translation.override(settings.LANGUAGE_CODE):
            return Description(
                record_type=RecordType.REPORT,
                title=self.label(report),
                municipality_name=report.municipality.name,
                municipality_code=report.municipality.code,
                units=_units(report),
                opened=local_date(report.filed_at),
                closed=local_date(_decided(report)),
                closure=report.assessment.get_decision_display(),
                process=_("Report of concern about a child and its initial assessment"),
                secrecy=SECRECY_KEYS,
            )


def _units(report: ReportOfConcern) -> list[tuple[str, str]]:
    """The receiving unit, and the reporter's unit unless the child has protected identity (often the child's school,
    which the package must not name then, OSL 21 kap 3 §)."""
    units = [(report.receiving_unit.name, "receiving_unit")]
    if not report.child.protected_identity:
        units.append((report.reporter_unit.name, "reporter_unit"))
    return units

"""A closed TSI case as the documents and metadata of its archive package: the case file (request, assessment,
consents, stories, needs analysis, interventions, meetings, follow-ups, the child's voice, outcome measures,
closure) and every agreed version of the joint plan, each as PDF/A-2b in the municipality's language, and the
descriptive metadata (record type, dates, units, classification, retention, secrecy).

Like every PDF Kring makes, none holds the child's address, and for a child with protected identity not the school
either. `parts()` names what is read, for the export's audit (one event per kind of part, with the ids)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Model, Prefetch, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kring.access.policy import Basis
from kring.casework.models import (
    CaseStage,
    ChildVoice,
    Consent,
    FollowUp,
    Intervention,
    Meeting,
    Need,
    OutcomeMeasure,
    Participant,
    PlanVersion,
    Story,
    TsiCase,
)
from kring.casework.tsi.documents import PlanDocument, plan_document_of
from kring.legal import cite
from kring.pdf import render_pdf
from kring.records.archive.common import PDF_VARIANT, Description, archive_basis, local_date
from kring.records.archive.package import Document
from kring.records.models import RecordType

SECRECY_KEYS = ("student_health_secrecy", "social_services_secrecy", "secrecy_towards_guardians")


@dataclass(frozen=True)
class CaseFile:
    """Every part of the case the package holds, read once."""

    case: TsiCase
    consents: list[Consent]
    stories: list[Story]
    needs: list[Need]
    interventions: list[Intervention]
    meetings: list[Meeting]
    plans: list[PlanVersion]
    follow_ups: list[FollowUp]
    voices: list[ChildVoice]
    outcomes: list[OutcomeMeasure]

    def parts(self) -> dict[str, list[Model]]:
        """Each kind of part by the target type the casework actions audit its writes under (`tsi_<model>`)."""
        rows: list[list[Model]] = [
            list(self.consents), list(self.stories), list(self.needs), list(self.interventions), list(self.meetings),
            list(self.plans), list(self.follow_ups), list(self.voices), list(self.outcomes),
        ]  # fmt: skip
        return {"tsi_case": [self.case], **{f"tsi_{type(part[0]).__name__.lower()}": part for part in rows if part}}


def _of(model: type[Model], case: TsiCase) -> QuerySet[Any]:
    return model._default_manager.filter(case=case)


def read_case_file(case: TsiCase) -> CaseFile:
    """Every part of the case, in a constant number of queries."""
    return CaseFile(
        case=case,
        consents=list(_of(Consent, case).prefetch_related("givers__guardian").order_by("given_on", "pk")),
        stories=list(_of(Story, case)),
        needs=list(_of(Need, case)),
        interventions=list(_of(Intervention, case)),
        meetings=list(
            _of(Meeting, case).prefetch_related(Prefetch("participants", queryset=Participant.objects.order_by("pk")))
        ),
        plans=list(_of(PlanVersion, case).select_related("meeting").order_by("number")),
        follow_ups=list(_of(FollowUp, case)),
        voices=list(_of(ChildVoice, case)),
        outcomes=list(_of(OutcomeMeasure, case)),
    )


def _plan_document(case_file: CaseFile, plan: PlanVersion, printed_by: str) -> PlanDocument:
    participants = next(
        (list(meeting.participants.all()) for meeting in case_file.meetings if meeting.pk == plan.meeting_id), None
    )
    return plan_document_of(case_file.case, plan, participants=participants, printed_by=printed_by)


def render_documents(case_file: CaseFile, *, printed_by: str) -> list[Document]:
    """The case file and each version of the plan, as PDF/A-2b in the municipality's language."""
    case = case_file.case
    closed = local_date(case.closed_at)
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "file": case_file,
            "case": case,
            "child": case.child,
            "school": None if case.child.protected_identity else case.requesting_unit.name,
            "printed_on": timezone.localdate(),
            "printed_by": printed_by,
            "secrecy": [cite(key) for key in SECRECY_KEYS],
        }
        documents = [
            Document(
                "01-case-file.pdf",
                _("TSI case %(number)s: the case file") % {"number": case.pk},
                closed.isoformat(),
                render_pdf("records/archive/tsi_case_pdf.html", context, variant=PDF_VARIANT),
            )
        ]
        for plan in case_file.plans:
            document = _plan_document(case_file, plan, printed_by)
            documents.append(
                Document(
                    f"{plan.number + 1:02d}-plan-v{plan.number}.pdf",
                    _("Joint plan, version %(number)s") % {"number": plan.number},
                    plan.agreed_on.isoformat(),
                    render_pdf("casework/documents/plan.html", {"plan": document}, variant=PDF_VARIANT),
                )
            )
    return documents


def describe(case_file: CaseFile) -> Description:
    case = case_file.case
    with translation.override(settings.LANGUAGE_CODE):
        units = [(case.team.name, "team")]
        if not case.child.protected_identity:
            units.append((case.requesting_unit.name, "requesting_school"))
        return Description(
            record_type=RecordType.TSI_CASE,
            title=_("TSI case %(number)s") % {"number": case.pk},
            municipality_name=case.municipality.name,
            municipality_code=case.municipality.code,
            units=units,
            opened=local_date(case.requested_at),
            closed=local_date(case.closed_at),
            closure=case.get_closure_reason_display(),
            process=_("Coordinated early support for a child (TSI)"),
            secrecy=SECRECY_KEYS,
        )


class TsiPackager:
    """A TSI case, closed when its stage is closed."""

    record_type = RecordType.TSI_CASE
    short = "tsi"
    model = TsiCase

    def closed_rows(self, municipality_id: int) -> QuerySet[TsiCase]:
        return TsiCase.objects.filter(
            municipality_id=municipality_id, stage=CaseStage.CLOSED, closed_at__isnull=False
        ).select_related("team", "municipality", "requesting_unit", "child")

    def is_closed(self, record: TsiCase) -> bool:
        return record.stage == CaseStage.CLOSED and record.closed_at is not None

    def label(self, record: TsiCase) -> str:
        return _("TSI case %(number)s") % {"number": record.pk}

    def row(self, record: TsiCase) -> tuple[str, datetime, datetime, str]:
        """For the archivist's list: the unit, when it was opened and closed, and how it ended."""
        return (
            record.team.name,
            record.requested_at,
            record.closed_at or record.requested_at,
            record.get_closure_reason_display(),
        )

    def basis(self, record: TsiCase) -> Basis:
        return archive_basis(record, case_id=record.pk)

    def read(self, record: TsiCase) -> CaseFile:
        return read_case_file(record)

    def render(self, case_file: CaseFile, printed_by: str) -> list[Document]:
        return render_documents(case_file, printed_by=printed_by)

    def describe(self, case_file: CaseFile) -> Description:
        return describe(case_file)

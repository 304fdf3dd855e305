"""A closed TSI case as the documents and metadata of its archive package: the case file (request, assessment,
consents, stories, needs analysis, interventions, meetings, follow-ups, the child's voice, outcome measures,
closure) and every agreed version of the joint plan, each as PDF/A-2b in the municipality's language, and the
descriptive metadata (record type, dates, units, classification, retention, secrecy).

Like every PDF Kring makes, none holds the child's address, and for a child with protected identity not the school
either. Reading the parts is audited, one event per kind of part with the ids read, by the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db.models import Model, Prefetch, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kring.access.acting import AuditActor
from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import Basis
from kring.casework.models import (
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
from kring.casework.tsi.documents import PlanDocument, plan_actions, plan_goals
from kring.legal import cite
from kring.pdf import render_pdf
from kring.records.archive.package import RECORD, XSI, Document
from kring.records.models import RecordType, RetentionRule

PDF_VARIANT = "pdf/a-2b"
SECRECY_KEYS = ("student_health_secrecy", "social_services_secrecy", "secrecy_towards_guardians")


def archive_basis(case: TsiCase) -> Basis:
    """The archivist's basis for reading a closed case: the municipality hands its records to its archive."""
    return Basis(
        kind="archive",
        child_id=case.child_id,
        reason=_("The municipality hands the closed case to its archive"),
        legal_reference=cite("archives"),
        origins=frozenset(),
        case_id=case.pk,
    )


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


def audit_reads(*, by: AuditActor | None, case_file: CaseFile, actor_label: str | None) -> None:
    """The export is a read of each part of the case: one event per kind of part, with the ids read."""
    case = case_file.case
    basis = archive_basis(case)
    for target_type, rows in case_file.parts().items():
        record_event(
            actor=by, action=AuditAction.READ, target_type=target_type, target_id=case.pk,
            child_id=case.child_id, basis=basis, municipality_id=case.municipality_id, actor_label=actor_label,
            details={"case": case.pk, "ids": [row.pk for row in rows], "for": "archive_package"},
        )  # fmt: skip


def _plan_document(case_file: CaseFile, plan: PlanVersion, printed_by: str) -> PlanDocument:
    case, child = case_file.case, case_file.case.child
    participants = next(
        (list(meeting.participants.all()) for meeting in case_file.meetings if meeting.pk == plan.meeting_id), None
    )
    return PlanDocument(
        child_name=child.full_name,
        birth_date=child.birth_date,
        school=None if child.protected_identity else case.requesting_unit.name,
        team=case.team.name,
        number=plan.number,
        agreed_on=plan.agreed_on,
        goals=plan_goals(plan),
        actions=plan_actions(plan),
        overall_responsible=plan.overall_responsible,
        next_follow_up=plan.next_follow_up,
        participants=participants,
        meeting_held=bool(plan.meeting and plan.meeting.held),
        printed_on=timezone.localdate(),
        printed_by=printed_by,
    )


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def render_documents(case_file: CaseFile, *, printed_by: str) -> list[Document]:
    """The case file and each version of the plan, as PDF/A-2b in the municipality's language."""
    case = case_file.case
    closed = _local_date(case.closed_at) or timezone.localdate()
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


def _sub(parent: ET.Element, name: str, text: str = "", **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{RECORD}}}{name}", {k: v for k, v in attributes.items() if v})
    element.text = text
    return element


def descriptive_metadata(case_file: CaseFile, objid: str, documents: list[Document], rule: RetentionRule) -> bytes:
    """metadata/descriptive/record.xml (schema `kring-record.xsd`): what the record is, whose, when, how it is
    classified and kept, that it is secret and under which provisions, and its documents."""
    case = case_file.case
    with translation.override(settings.LANGUAGE_CODE):
        record = ET.Element(
            f"{{{RECORD}}}record", {f"{{{XSI}}}schemaLocation": f"{RECORD} ../../schemas/kring-record.xsd"}
        )
        _sub(record, "identifier", objid)
        _sub(record, "recordType", str(RecordType.TSI_CASE.label), code=RecordType.TSI_CASE.value)
        _sub(record, "title", _("TSI case %(number)s") % {"number": case.pk})
        _sub(record, "municipality", case.municipality.name, code=case.municipality.code)
        _sub(record, "unit", case.team.name, role="team")
        if not case.child.protected_identity:
            _sub(record, "unit", case.requesting_unit.name, role="requesting_school")
        _sub(record, "opened", timezone.localdate(case.requested_at).isoformat())
        _sub(record, "closed", (_local_date(case.closed_at) or timezone.localdate()).isoformat())
        _sub(record, "closure", case.get_closure_reason_display())
        classification = _sub(record, "classification")
        _sub(classification, "process", _("Coordinated early support for a child (TSI)"))
        _sub(classification, "retention", f"{rule.keep_years} / {rule.get_counted_from_display()} / "
             f"{rule.get_action_display()} ({rule.source})")  # fmt: skip
        secrecy = _sub(record, "secrecy", secret="true")  # noqa: S106 (a secrecy marking, not a password)
        _sub(secrecy, "marking", _("Secret: contains information about a child covered by secrecy"))
        for key in SECRECY_KEYS:
            _sub(secrecy, "provision", cite(key))
        for document in documents:
            item = _sub(record, "document", href=f"../../representations/rep1/data/{document.name}")
            _sub(item, "title", document.title)
            _sub(item, "date", document.dated)
    ET.indent(record)
    return bytes(ET.tostring(record, encoding="utf-8", xml_declaration=True)) + b"\n"

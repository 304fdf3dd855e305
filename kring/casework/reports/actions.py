"""Writes of concerns, anonymous consultations and reports of concern. Atomic, `by=`, audited, rules here.

The duty to report (SoL 14 kap 1 §) is personal: anyone with the permission files a report, whatever the school's
routine; a consultation never replaces it. A consultation carries no identity of the child: the text is checked
for identity numbers and for the names of the school's pupils, and becoming a report is the audited moment the
child is disclosed.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import Basis, basis_for, can, role_grants, units_where, visible_to
from kring.access.roles import CASE_SCHOOL_ROLES, SOCIAL_SERVICES_ROLES, Origin, Permission, Role
from kring.casework.approvals.actions import needs_approval, request_approval
from kring.casework.models import (
    RISK_CATEGORIES,
    Approval,
    ApprovalKind,
    Concern,
    ConcernStatus,
    Consultation,
    ConsultationMessage,
    ConsultationStatus,
    Decision,
    FeedbackKind,
    ReportAssessment,
    ReportFeedback,
    ReportOfConcern,
    Triage,
)
from kring.casework.reports import deadlines
from kring.casework.reports.basis import (
    can_triage_concern,
    concern_units,
    is_contact_person,
    placed_unit_ids,
    received_q,
)
from kring.casework.workflow import WorkflowError
from kring.directory.models import (
    ContactPerson,
    Membership,
    NotificationKind,
    OrganisationKind,
    Unit,
    UnitKind,
    User,
)
from kring.directory.notifications import notify
from kring.people.identity import parse_identity_number
from kring.people.models import Child, Placement

# Words in what a child said that suggest harm (the child's own words about violence, abuse, neglect, threats).
RISK_WORDS = (
    "slår", "slog", "sparka", "skada", "blåmärk", "rädd", "vågar inte", "tafsa", "tar på mig", "sexuell", "hot",
    "kniv", "inte fått mat", "hungrig", "ensam hemma", "självmord", "ta livet", "hurt", "hit me", "afraid",
)  # fmt: skip
IDENTITY_NUMBER = re.compile(r"(?<!\d)(\d{6}|\d{8})\s*[-+]?\s*\d{4}(?!\d)")


def suggests_harm(category: str, *texts: str) -> bool:
    """Do the recorded facts suggest the child may be harmed? Then the duty to report cannot wait."""
    text = " ".join(texts).casefold()
    return category in RISK_CATEGORIES or any(word in text for word in RISK_WORDS)


def _audit(by: User, target: Any, child_id: int | None, basis: Basis | None, **details: Any) -> None:
    record_event(
        actor=by,
        action=AuditAction.WRITE,
        target_type=type(target).__name__.lower(),
        target_id=target.pk,
        child_id=child_id,
        basis=basis,
        details=details,
    )


# --- concerns ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConcernInput:
    category: str
    observed: str
    observed_on: date
    observed_by: str
    child_words: str = ""


def record_concern(*, by: User, child: Child, concern: ConcernInput) -> Concern:
    """Any member of staff at the child's school records a concern; it goes to the principal and student health."""
    basis = basis_for(by, child)
    units = concern_units(by, child)
    if basis is None or not units:
        raise PermissionDenied
    if concern.observed_on > timezone.localdate():
        raise WorkflowError(_("The date cannot be in the future."), code="future")
    with transaction.atomic():
        row = Concern.objects.create(
            municipality_id=child.municipality_id, child=child, unit_id=units[0], reported_by=by,
            reported_at=timezone.now(), category=concern.category, observed=concern.observed,
            observed_on=concern.observed_on, observed_by=concern.observed_by, child_words=concern.child_words,
        )  # fmt: skip
        _audit(by, row, child.pk, basis, category=concern.category)
    return row


def _triage_basis(by: User, concern: Concern) -> Basis:
    if not can_triage_concern(by, concern):
        raise PermissionDenied
    basis = basis_for(by, concern)
    if basis is None:
        raise PermissionDenied
    return basis


def triage_concern(*, by: User, concern: Concern, triage: str, note: str = "") -> Concern:
    """The principal or student health decide what happens next; "no further action" closes the concern."""
    basis = _triage_basis(by, concern)
    if concern.status == ConcernStatus.CLOSED:
        raise WorkflowError(_("The concern is closed."), code="closed")
    if triage not in Triage.values:
        raise WorkflowError(_("Choose what happens next."), code="triage")
    now = timezone.now()
    with transaction.atomic():
        concern.triage, concern.triage_note, concern.handled_by = triage, note, by
        concern.status = ConcernStatus.CLOSED if triage == Triage.NO_ACTION else ConcernStatus.HANDLING
        concern.closed_at = now if concern.status == ConcernStatus.CLOSED else None
        concern.save()
        _audit(by, concern, concern.child_id, basis, triage=triage)
    return concern


def close_concern(*, by: User, concern: Concern, note: str = "") -> Concern:
    basis = _triage_basis(by, concern)
    with transaction.atomic():
        concern.status, concern.closed_at = ConcernStatus.CLOSED, timezone.now()
        if note:
            concern.triage_note = f"{concern.triage_note}\n{note}".strip()
        concern.save()
        _audit(by, concern, concern.child_id, basis, status="closed")
    return concern


# --- anonymous consultations ------------------------------------------------------------------------------------


def identifying_data(text: str, school: Unit) -> list[str]:
    """What in the text identifies a child: identity numbers, and names of pupils placed at the school — a full
    name, a surname, or a first name written as a name (with a capital letter)."""
    return identifying_in(text, Placement.objects.current().filter(unit=school))


def identifying_in(text: str, pupils: QuerySet[Placement]) -> list[str]:
    """As `identifying_data`, for the pupils of these placements (the schools a collaboration group serves)."""
    found = [match.group(0) for match in IDENTITY_NUMBER.finditer(text)]
    words = re.findall(r"[\w-]+", text)
    folded = f" {' '.join(word.casefold() for word in words)} "
    capitalised = {word.casefold() for word in words if word[:1].isupper()}
    for first, last in pupils.values_list("child__first_name", "child__last_name").distinct():
        full = f"{first.casefold()} {last.casefold()}"
        if f" {full} " in folded:
            found.append(f"{first} {last}")
        elif len(last) > 3 and f" {last.casefold()} " in folded:
            found.append(last)
        elif len(first) > 2 and first.casefold() in capitalised:
            found.append(first)
    return sorted(set(found))


def _check_anonymous(text: str, school: Unit) -> None:
    found = identifying_data(text, school)
    if found:
        raise WorkflowError(
            _(
                "A consultation must not identify the child. Remove the identity number or name "
                "(%(found)s) and describe the situation instead."
            )
            % {"found": ", ".join(found)},
            code="identifying",
        )


def school_contacts(school: Unit) -> list[User]:
    return [contact.user for contact in ContactPerson.objects.filter(school=school).select_related("user")]


def ask_consultation(
    *, by: User, school: Unit, age_band: str, question: str, concern: Concern | None = None
) -> Consultation:
    """The principal or student health ask the school's contact persons for advice, without naming the child."""
    if not can(by, Permission.CONCERN_TRIAGE) or school.pk not in units_where(by, CASE_SCHOOL_ROLES):
        raise PermissionDenied
    if concern is not None and concern.unit_id != school.pk:
        raise PermissionDenied
    if not school_contacts(school):
        raise WorkflowError(
            _("Your school has no contact person in social services yet. Ask your coordinator."), code="no_contact"
        )
    _check_anonymous(question, school)
    now = timezone.now()
    with transaction.atomic():
        consultation = Consultation.objects.create(
            municipality_id=school.municipality_id, unit=school, asked_by=by, asked_at=now, age_band=age_band,
            question=question, concern=concern,
        )  # fmt: skip
        ConsultationMessage.objects.create(
            municipality_id=consultation.municipality_id,
            consultation=consultation,
            author=by,
            written_at=now,
            text=question,
        )
        if concern is not None and concern.triage != Triage.CONSULTATION:
            triage_concern(by=by, concern=concern, triage=Triage.CONSULTATION)
        _audit(by, consultation, None, None, school=school.pk)
    return consultation


def write_in_consultation(*, by: User, consultation: Consultation, text: str) -> ConsultationMessage:
    """A message in the thread: the contact person's advice, or the school's answer (checked to stay anonymous)."""
    if not visible_to(by, Consultation.objects.filter(pk=consultation.pk)).exists():
        raise PermissionDenied
    if consultation.status in (ConsultationStatus.CLOSED, ConsultationStatus.REPORTED):
        raise WorkflowError(_("The consultation is closed."), code="closed")
    from_social_services = is_contact_person(by, consultation)
    if not from_social_services:
        _check_anonymous(text, consultation.unit)
    with transaction.atomic():
        message = ConsultationMessage.objects.create(
            municipality_id=consultation.municipality_id, consultation=consultation, author=by,
            written_at=timezone.now(), text=text,
            from_social_services=from_social_services,
        )  # fmt: skip
        consultation.status = ConsultationStatus.ANSWERED if from_social_services else ConsultationStatus.OPEN
        consultation.save(update_fields=["status"])
        _audit(by, message, None, None, consultation=consultation.pk)
    return message


def close_consultation(*, by: User, consultation: Consultation) -> Consultation:
    if not visible_to(by, Consultation.objects.filter(pk=consultation.pk)).exists():
        raise PermissionDenied
    with transaction.atomic():
        consultation.status = ConsultationStatus.CLOSED
        consultation.save(update_fields=["status"])
        _audit(by, consultation, None, None, status="closed")
    return consultation


# --- reports of concern -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportInput:
    what_happened: str
    when_and_where: str
    guardians_informed: bool
    urgency: str
    child_words: str = ""
    guardians_not_informed_why: str = ""


@dataclass(frozen=True)
class ReportedChild:
    """A child named by the reporter rather than chosen from the register: by identity number, or (no number, another
    municipality, not imported yet) by name and date of birth, with what else the reporter knows."""

    identity_number: str = ""  # canonical, or ""
    first_name: str = ""
    last_name: str = ""
    birth_date: date | None = None
    known: str = ""


def _placeholder_number(municipality_id: int) -> str:
    """A stand-in for the missing identity number: never a valid personnummer (it has a letter), unique."""
    while True:
        candidate = "X" + uuid.uuid4().hex[:11].upper()
        if not Child.objects.filter(municipality_id=municipality_id, identity_number=candidate).exists():
            return candidate


def _reported_child(by: User, named: ReportedChild) -> Child:
    """The registered child with this number, whoever it is (protected identity too: the reporter is never told),
    or a new child outside the register that social services match on receipt."""
    municipality_id = by.municipality_id or 0
    if named.identity_number:
        found = Child.objects.filter(municipality_id=municipality_id, identity_number=named.identity_number).first()
        if found is not None:
            return found
    if not named.first_name.strip() and not named.last_name.strip() and not named.identity_number:
        raise WorkflowError(_("Give the child's identity number, or the name and date of birth."), code="child")
    birth_date = named.birth_date or (
        parse_identity_number(named.identity_number).birth_date if named.identity_number else None
    )
    if birth_date is None:
        raise WorkflowError(_("Give the child's date of birth, or the identity number."), code="birth_date")
    return Child.objects.create(
        municipality_id=municipality_id,
        identity_number=named.identity_number or _placeholder_number(municipality_id),
        first_name=named.first_name.strip() or str(_("Unknown")),
        last_name=named.last_name.strip(),
        birth_date=birth_date,
        in_register=False,
    )


def _named_as(named: ReportedChild) -> str:
    if named.identity_number:
        return f"{named.identity_number[:8]}-{named.identity_number[8:]}"
    born = named.birth_date.isoformat() if named.birth_date else ""
    return ", ".join(part for part in (f"{named.first_name} {named.last_name}".strip(), born) if part)


def file_report_about(*, by: User, named: ReportedChild, report: ReportInput) -> ReportOfConcern:
    """File a report about a child the reporter names (the police, or a school about a child not in the register).

    The reporter learns nothing of the register: a number of a child with protected identity, of another child or
    of nobody gives the same answer. The lookup is audited."""
    if not can(by, Permission.REPORT_FILE):
        raise PermissionDenied
    with transaction.atomic():
        child = _reported_child(by, named)
        record_event(
            actor=by,
            action=AuditAction.SEARCH,
            target_type="child_for_report",
            child_id=child.pk,
            details={"in_register": child.in_register, "by_number": bool(named.identity_number)},
        )
        filed = file_report(by=by, child=child, report=report)
        filed.known_about_child, filed.reported_as = named.known.strip(), _named_as(named)
        filed.save(update_fields=["known_about_child", "reported_as"])
    return filed


def match_reported_child(*, by: User, report: ReportOfConcern, identity_number: str) -> ReportOfConcern:
    """Social services match a report about a child outside the register to the registered child with this number;
    the stand-in is removed once no report names it."""
    basis = _receiver_basis(by, report)
    placeholder = report.child
    if placeholder.in_register:
        raise WorkflowError(_("The report already names a child in the register."), code="registered")
    child = Child.objects.filter(
        municipality_id=report.municipality_id, identity_number=identity_number, in_register=True
    ).first()
    if child is None:
        raise WorkflowError(_("No child in the register has this identity number."), code="unknown")
    with transaction.atomic():
        report.child = child
        report.save(update_fields=["child"])
        _audit(by, report, child.pk, basis, step="matched", stand_in=placeholder.pk)
        if not ReportOfConcern.objects.filter(child=placeholder).exists():
            placeholder.delete()
    return report


_ORIGIN_OF_KIND: dict[str, str] = {
    OrganisationKind.EDUCATION: Origin.SCHOOL,
    OrganisationKind.INDEPENDENT_SCHOOL: Origin.SCHOOL,
    OrganisationKind.STUDENT_HEALTH: Origin.STUDENT_HEALTH,
    OrganisationKind.SOCIAL_SERVICES: Origin.SOCIAL_SERVICES,
    OrganisationKind.POLICE: Origin.POLICE,
    OrganisationKind.HEALTH_CARE: Origin.HEALTH_CARE,
}
_STUDENT_HEALTH_ROLES = {Role.KURATOR, Role.SCHOOL_NURSE, Role.PSYCHOLOGIST, Role.SPECIAL_EDUCATOR}


def _reporter_unit(by: User, child: Child) -> tuple[Unit, str]:
    """The unit the reporter reports from (the child's school when they work there) and its origin."""
    grants = role_grants(by)
    placed = set(placed_unit_ids(child))
    grant = next((g for g in grants if g.unit_id in placed), grants[0] if grants else None)
    if grant is None:
        raise PermissionDenied
    unit = Unit.objects.select_related("organisation").get(pk=grant.unit_id)
    origin = _ORIGIN_OF_KIND.get(unit.organisation.kind, str(Origin.SCHOOL))
    if origin == Origin.SCHOOL and grant.role in _STUDENT_HEALTH_ROLES:
        origin = Origin.STUDENT_HEALTH
    return unit, origin


def handler_candidates(receiving_unit_id: int) -> QuerySet[User]:
    """The social workers and unit managers of the receiving unit, by name (people, never an integration's user)."""
    working = Membership.objects.filter(unit_id=receiving_unit_id, role__in=SOCIAL_SERVICES_ROLES, active=True)
    people = User.objects.filter(pk__in=working.values("user_id"), is_active=True, is_system=False)
    return people.order_by("last_name", "first_name")


def default_handler(child: Child, receiver: Unit) -> User | None:
    """The first contact person of the child's school who works in the receiving unit, or None."""
    contact = (
        ContactPerson.objects.filter(
            school_id__in=placed_unit_ids(child), user__in=handler_candidates(receiver.pk).values("pk")
        )
        .select_related("user")
        .order_by("position", "school_id")
        .first()
    )
    return contact.user if contact is not None else None


def receiving_unit(child: Child) -> Unit | None:
    """Where a report goes: the social services unit of the first contact person of the child's school, or else
    the municipality's first social services unit."""
    contacts = ContactPerson.objects.filter(school_id__in=placed_unit_ids(child)).order_by("position", "school_id")
    social_units = Unit.objects.filter(municipality_id=child.municipality_id, kind=UnitKind.SOCIAL_SERVICES_UNIT)
    memberships = Membership.objects.filter(
        user_id__in=contacts.values("user_id"), role__in=SOCIAL_SERVICES_ROLES, active=True, unit__in=social_units
    ).order_by("unit__name")
    unit_id = memberships.values_list("unit_id", flat=True).first()
    if unit_id is not None:
        return Unit.objects.get(pk=unit_id)
    return social_units.order_by("name").first()


def file_report(
    *,
    by: User,
    child: Child,
    report: ReportInput,
    concern: Concern | None = None,
    consultation: Consultation | None = None,
) -> ReportOfConcern:
    """File a report of concern. The reporter is never anonymous; the form says so before it is sent."""
    if not can(by, Permission.REPORT_FILE) or child.municipality_id != by.municipality_id:
        raise PermissionDenied
    if concern is not None and concern.child_id != child.pk:
        raise PermissionDenied
    if not report.guardians_informed and not report.guardians_not_informed_why.strip():
        raise WorkflowError(_("Say why the guardians have not been told."), code="why_not_told")
    receiver = receiving_unit(child)
    if receiver is None:
        raise WorkflowError(_("The municipality has no social services unit to receive reports."), code="receiver")
    unit, origin = _reporter_unit(by, child)
    handler = default_handler(child, receiver)
    now = timezone.now()
    arrived = timezone.localdate(now)
    with transaction.atomic():
        row = ReportOfConcern.objects.create(
            handler=handler, assigned_at=now if handler else None,
            municipality_id=child.municipality_id, child=child, origin=origin, reporter=by, reporter_unit=unit,
            receiving_unit=receiver, filed_at=now, protection_due=deadlines.protection_due(arrived),
            decision_due=deadlines.decision_due(arrived), feedback_due=deadlines.feedback_due(arrived),
            what_happened=report.what_happened,
            when_and_where=report.when_and_where, child_words=report.child_words,
            guardians_informed=report.guardians_informed,
            guardians_not_informed_why=report.guardians_not_informed_why, urgency=report.urgency, concern=concern,
            consultation=consultation,
        )  # fmt: skip
        _audit(
            by, row, child.pk, basis_for(by, child), urgency=report.urgency, receiver=receiver.pk,
            handler=handler.pk if handler else None,
        )  # fmt: skip
        if concern is not None and concern.status != ConcernStatus.CLOSED:
            concern.triage, concern.status, concern.handled_by = Triage.REPORT, ConcernStatus.HANDLING, by
            concern.save(update_fields=["triage", "status", "handled_by"])
        if handler is not None and handler.pk != by.pk:
            notify(users=[handler], kind=NotificationKind.ASSIGNMENT, url=reverse("report_detail", args=[row.pk]),
                   subject="report", number=row.pk)  # fmt: skip
    return row


def report_from_consultation(
    *, by: User, consultation: Consultation, child: Child, report: ReportInput
) -> ReportOfConcern:
    """The advice was to report: one step that names the child — the audited moment of disclosure."""
    if consultation.asked_by_id != by.pk and consultation.unit_id not in units_where(by, CASE_SCHOOL_ROLES):
        raise PermissionDenied
    if consultation.status == ConsultationStatus.REPORTED:
        raise WorkflowError(_("The consultation has already become a report."), code="reported")
    if consultation.unit_id not in placed_unit_ids(child):
        raise WorkflowError(_("Choose a pupil of the school that asked."), code="pupil")
    with transaction.atomic():
        row = file_report(by=by, child=child, report=report, concern=consultation.concern, consultation=consultation)
        consultation.status = ConsultationStatus.REPORTED
        consultation.save(update_fields=["status"])
        record_event(
            actor=by,
            action=AuditAction.WRITE,
            target_type="consultation_disclosure",
            target_id=consultation.pk,
            child_id=child.pk,
            details={"consultation": consultation.pk, "report": row.pk},
        )
    return row


def _receiver_basis(by: User, report: ReportOfConcern) -> Basis:
    """The receiver's basis, checked for this report (a basis is per child: the same person may have filed another
    report about the child, which gives no right to act on this one)."""
    if (
        not can(by, Permission.REPORT_RECEIVE)
        or not ReportOfConcern.objects.filter(received_q(by), pk=report.pk).exists()
    ):
        raise PermissionDenied
    basis = basis_for(by, report)
    if basis is None or basis.kind != "report_receiver":
        raise PermissionDenied
    return basis


def receive_report(*, by: User, report: ReportOfConcern) -> ReportAssessment:
    """Social services register the report as received. The clocks already run: they started when the report came
    in (`file_report`); the reporter now sees "received" instead of "sent"."""
    basis = _receiver_basis(by, report)
    if ReportAssessment.objects.filter(report=report).exists():
        raise WorkflowError(_("The report has already been received."), code="received")
    now = timezone.now()
    with transaction.atomic():
        assessment = ReportAssessment.objects.create(
            municipality_id=report.municipality_id, report=report, received_at=now, received_by=by
        )
        ReportOfConcern.objects.filter(pk=report.pk).update(received_at=now)
        report.received_at = now
        _audit(by, assessment, report.child_id, basis, step="received")
    return assessment


def extend_initial_assessment(*, by: User, report: ReportOfConcern, until: date, reason: str) -> ReportOfConcern:
    """Extend the initial assessment beyond its 14 days: only for exceptional reasons, recorded as a decision with
    its reason (SoL 11 kap 1 a §: "om det finns synnerliga skäl")."""
    basis = _receiver_basis(by, report)
    assessment = _assessment(report)
    if assessment.decided_at is not None:
        raise WorkflowError(_("The decision has already been made."), code="done")
    if not reason.strip():
        raise WorkflowError(_("Say what the exceptional reasons are."), code="reason")
    if until <= report.decision_due:
        raise WorkflowError(_("The new date must be after the current one."), code="until")
    with transaction.atomic():
        previous = report.decision_due
        report.decision_due, report.decision_extension_reason = until, reason.strip()
        report.decision_extended_at, report.decision_extended_by = timezone.now(), by
        report.save(
            update_fields=["decision_due", "decision_extension_reason", "decision_extended_at", "decision_extended_by"]
        )
        _audit(
            by,
            assessment,
            report.child_id,
            basis,
            step="extension",
            previous=previous.isoformat(),
            until=until.isoformat(),
        )
    return report


def _assessment(report: ReportOfConcern) -> ReportAssessment:
    assessment = ReportAssessment.objects.filter(report=report).first()
    if assessment is None:
        raise WorkflowError(_("Register the report as received first."), code="not_received")
    return assessment


def record_protection_assessment(*, by: User, report: ReportOfConcern, outcome: str, note: str) -> ReportAssessment:
    basis = _receiver_basis(by, report)
    assessment = _assessment(report)
    if assessment.protection_assessed_at is not None:
        raise WorkflowError(_("The protection assessment has already been made."), code="done")
    with transaction.atomic():
        assessment.protection_assessed_at, assessment.protection_outcome = timezone.now(), outcome
        assessment.protection_note = note
        assessment.save()
        _audit(by, assessment, report.child_id, basis, step="protection", outcome=outcome)
    return assessment


def record_decision(*, by: User, report: ReportOfConcern, decision: str, note: str) -> ReportAssessment | Approval:
    """The initial assessment's decision: open an investigation, not open one, or one is already open. Where the
    municipality asks for it, a decision not to open one waits for the unit manager's approval (the approval is
    returned then, and the report stays undecided)."""
    basis = _receiver_basis(by, report)
    assessment = _assessment(report)
    if assessment.protection_assessed_at is None:
        raise WorkflowError(_("Make the protection assessment first."), code="no_protection")
    if assessment.decided_at is not None:
        raise WorkflowError(_("The decision has already been made."), code="done")
    if decision not in Decision.values:
        raise WorkflowError(_("Choose a decision."), code="decision")
    if decision == Decision.NOT_OPENED and needs_approval(report.municipality_id, ApprovalKind.REPORT_NOT_OPENED):
        with transaction.atomic():
            return request_approval(by=by, kind=ApprovalKind.REPORT_NOT_OPENED, unit=report.receiving_unit,
                                    payload={"decision": decision, "note": note}, report=report)  # fmt: skip
    now = timezone.now()
    with transaction.atomic():
        assessment.decided_at, assessment.decision, assessment.decision_note = now, decision, note
        if decision == Decision.INVESTIGATION_OPENED:
            assessment.investigation_due = deadlines.investigation_due(timezone.localdate(now))
        assessment.save()
        _audit(by, assessment, report.child_id, basis, step="decision", decision=decision)
    return assessment


def not_opened_approved(approval: Approval, by: User) -> None:
    """The unit manager approved the decision not to open an investigation: it is made now (registered with the
    approvals)."""
    assert approval.report is not None
    assessment = _assessment(approval.report)
    if assessment.decided_at is not None:
        raise WorkflowError(_("The decision has already been made."), code="done")
    assessment.decided_at, assessment.decision = timezone.now(), approval.payload["decision"]
    assessment.decision_note = approval.payload.get("note", "")
    assessment.save()


def give_feedback(*, by: User, report: ReportOfConcern, kind: str) -> ReportFeedback:
    """Tell the reporter whether an investigation was opened, not opened or is already open (or that feedback
    would be inappropriate). Nothing more of social services' work reaches the reporter."""
    basis = _receiver_basis(by, report)
    assessment = _assessment(report)
    if ReportFeedback.objects.filter(report=report).exists():
        raise WorkflowError(_("Feedback has already been given."), code="done")
    if kind != FeedbackKind.NOT_APPROPRIATE and kind != assessment.decision:
        raise WorkflowError(_("The feedback must say what was decided."), code="mismatch")
    with transaction.atomic():
        feedback = ReportFeedback.objects.create(
            municipality_id=report.municipality_id, report=report, kind=kind, given_at=timezone.now(), given_by=by
        )
        _audit(by, feedback, report.child_id, basis, kind=kind)
        if report.reporter_id != by.pk:
            notify(users=[report.reporter], kind=NotificationKind.FEEDBACK,
                   url=reverse("report_detail", args=[report.pk]), subject="report", number=report.pk)  # fmt: skip
    return feedback

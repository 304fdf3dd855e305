"""Reading concerns, consultations and one's own reports of concern through the access policy.

The only way the school-side pages reach these objects: `visible_to` for lists, 404 when an object is not visible
(its existence does not leak), 403 (PermissionDenied) when it is visible but the step is not the user's to take.
Every page that shows a child's data writes one audit event with the basis; consultation pages name no child but
are audited too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_list_read, record_read
from kring.access.policy import (
    Basis,
    bases_for_children,
    basis_among,
    basis_for,
    can,
    units_where,
    visible_to,
)
from kring.access.roles import CASE_SCHOOL_ROLES, Category, Permission
from kring.casework.models import (
    Concern,
    ConcernStatus,
    Consultation,
    ConsultationMessage,
    ConsultationStatus,
    FeedbackKind,
    ReportFeedback,
    ReportOfConcern,
    Triage,
)
from kring.casework.reports.actions import suggests_harm
from kring.casework.reports.basis import can_triage_concern, concern_units, is_contact_person
from kring.directory.models import ContactPerson, Unit, User
from kring.people.models import Child, Placement

LIST_LIMIT = 500


def school_unit_ids(user: User) -> list[int]:
    """The schools where the user is principal or student health: they triage concerns and ask consultations."""
    return units_where(user, CASE_SCHOOL_ROLES)


def _current_pupils(unit_ids: list[int]) -> QuerySet[Placement]:
    return Placement.objects.current().filter(unit_id__in=unit_ids)


def records_concerns_for(user: User, child: Child) -> bool:
    """Staff record a concern about a pupil of a school where they work."""
    return bool(concern_units(user, child))


# --- concerns ---------------------------------------------------------------------------------------------------


can_triage = can_triage_concern


def get_concern_for_user(user: User, pk: int, *, for_triage: bool = False) -> tuple[Concern, Basis]:
    """The concern and the user's basis for it, or 404; for_triage needs the principal or student health (403)."""
    concern = (
        visible_to(user, Concern.objects.filter(pk=pk))
        .select_related("child", "unit", "reported_by", "handled_by")
        .first()
    )
    basis = basis_for(user, concern) if concern is not None else None
    if concern is None or basis is None:
        raise Http404
    if for_triage and not can_triage(user, concern):
        raise PermissionDenied
    return concern, basis


def next_actor(concern: Concern) -> str:
    """Who acts next on the concern, in words for the list."""
    if concern.status == ConcernStatus.CLOSED:
        return "–"
    if concern.status == ConcernStatus.NEW:
        return str(_("The principal or student health: decide what happens next"))
    actors: dict[str, str] = {
        Triage.STUDENT_HEALTH: str(_("Student health")),
        Triage.TSI: str(_("The TSI team")),
        Triage.CONSULTATION: str(_("The school, with advice from social services' contact person")),
        Triage.REPORT: str(_("Social services (a report of concern is filed)")),
    }
    return actors.get(concern.triage, str(_("The principal or student health")))


@dataclass(frozen=True)
class ConcernGroup:
    status: str
    label: str
    rows: list[tuple[Concern, str]]


def concern_list_for_user(user: User) -> list[ConcernGroup]:
    """The concerns the user may see (their school's, or the ones they recorded) by status; one audited read."""
    concerns = list(
        visible_to(user, Concern.objects.all()).select_related("child", "unit", "reported_by", "handled_by")[
            :LIST_LIMIT
        ]
    )
    record_list_read(user, "concern_list", [c.child_id for c in concerns], results=[c.pk for c in concerns])
    return [
        ConcernGroup(value, str(label), [(c, next_actor(c)) for c in concerns if c.status == value])
        for value, label in ConcernStatus.choices
    ]


@dataclass
class ConcernView:
    concern: Concern
    basis: Basis
    suggests_harm: bool
    can_triage: bool
    can_report: bool
    reports: list[ReportOfConcern]
    consultations: list[Consultation]


def concern_view_for_user(user: User, pk: int) -> ConcernView:
    concern, basis = get_concern_for_user(user, pk)
    view = ConcernView(
        concern=concern,
        basis=basis,
        suggests_harm=suggests_harm(concern.category, concern.observed, concern.child_words),
        can_triage=can_triage(user, concern) and concern.status != ConcernStatus.CLOSED,
        can_report=can(user, Permission.REPORT_FILE),
        reports=list(visible_to(user, ReportOfConcern.objects.filter(concern=concern)).select_related("reporter")),
        consultations=list(visible_to(user, Consultation.objects.filter(concern=concern))),
    )
    record_read(user, "concern", concern.pk, child_id=concern.child_id, basis=basis)
    return view


def prefill_concern(user: User, concern_pk: str | None, child: Child) -> Concern | None:
    """The concern a report is prefilled from (?concern=), only if the user sees it and it is about this child."""
    if not concern_pk:
        return None
    if not concern_pk.isdigit():
        raise Http404
    concern, _basis = get_concern_for_user(user, int(concern_pk))
    if concern.child_id != child.pk:
        raise Http404
    return concern


# --- anonymous consultations ------------------------------------------------------------------------------------


is_contact_for = is_contact_person


def is_school_side(user: User, consultation: Consultation) -> bool:
    return consultation.asked_by_id == user.pk or consultation.unit_id in school_unit_ids(user)


def get_consultation_for_user(user: User, pk: int) -> Consultation:
    consultation = visible_to(user, Consultation.objects.filter(pk=pk)).select_related("unit", "asked_by").first()
    if consultation is None:
        raise Http404
    return consultation


@dataclass
class ConsultationView:
    consultation: Consultation
    messages: list[ConsultationMessage]
    school_side: bool
    contact: bool
    open: bool
    concern_visible: bool

    @property
    def can_report(self) -> bool:
        return self.school_side and self.consultation.status != ConsultationStatus.REPORTED


def consultation_view_for_user(user: User, pk: int) -> ConsultationView:
    """The thread. Social services never see which concern it came from; only the school side may."""
    consultation = get_consultation_for_user(user, pk)
    school_side = is_school_side(user, consultation)
    concern_visible = (
        school_side
        and consultation.concern_id is not None
        and visible_to(user, Concern.objects.filter(pk=consultation.concern_id)).exists()
    )
    view = ConsultationView(
        consultation=consultation,
        messages=list(consultation.messages.select_related("author")),
        school_side=school_side,
        contact=is_contact_for(user, consultation),
        open=consultation.status not in (ConsultationStatus.CLOSED, ConsultationStatus.REPORTED),
        concern_visible=concern_visible,
    )
    record_read(user, "consultation", consultation.pk, messages=len(view.messages))
    return view


@dataclass(frozen=True)
class ConsultationGroup:
    status: str
    label: str
    rows: list[Consultation]


def consultation_list_for_user(user: User) -> list[ConsultationGroup]:
    """The consultations of the user's schools, or for a contact person of the schools they answer; audited."""
    consultations = list(
        visible_to(user, Consultation.objects.all())
        .select_related("unit", "asked_by")
        .annotate(message_count=Count("messages"), last_message_at=Max("messages__written_at"))[:LIST_LIMIT]
    )
    record_read(user, "consultation_list", results=[c.pk for c in consultations])
    return [
        ConsultationGroup(value, str(label), [c for c in consultations if c.status == value])
        for value, label in ConsultationStatus.choices
    ]


def consultation_schools(user: User) -> QuerySet[Unit]:
    """The schools the user may ask a consultation for."""
    return Unit.objects.filter(pk__in=school_unit_ids(user)).order_by("name")


def contact_persons_of(schools: QuerySet[Unit]) -> list[ContactPerson]:
    """The schools' contact persons in social services, and how to reach them."""
    contacts = ContactPerson.objects.filter(school__in=schools).select_related("user", "school")
    return list(contacts.order_by("school__name", "position"))


def pupils_for_consultation(user: User, consultation: Consultation) -> QuerySet[Child]:
    """The asking school's current pupils that the user may see: whom the consultation can become a report about."""
    placed = _current_pupils([consultation.unit_id]).values("child_id")
    return visible_to(user, Child.objects.filter(pk__in=placed)).order_by("last_name", "first_name", "pk")


# --- reports of concern -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FiledReport:
    report: ReportOfConcern
    child_label: str
    feedback: ReportFeedback | None

    @property
    def status(self) -> str:
        if self.report.received_at is None:
            return str(_("Sent, not yet received by social services"))
        if self.feedback is None:
            return str(_("Received by social services, no feedback yet"))
        if self.feedback.kind == FeedbackKind.NOT_APPROPRIATE:
            return str(_("No feedback (it would be inappropriate in this case)"))
        return str(_("Feedback: %(kind)s")) % {"kind": self.feedback.get_kind_display()}


DUPLICATE_DAYS = 30


def recent_reports_from_my_units(user: User, child: Child) -> list[ReportOfConcern]:
    """Reports about the child that the user's units filed in the last 30 days and the user may see: the form says
    so, neutrally, before a second one is sent (it may still be needed: something new has happened)."""
    since = timezone.now() - timedelta(days=DUPLICATE_DAYS)
    reports = ReportOfConcern.objects.filter(child=child, reporter_unit_id__in=units_where(user), filed_at__gte=since)
    return list(visible_to(user, reports).select_related("reporter_unit").order_by("-filed_at"))


def reports_filed_by(user: User) -> list[FiledReport]:
    """The user's own reports with the feedback social services gave (never their assessment); audited.

    The child is named when the user's bases reach the child's register data; otherwise (the police) by the
    identity number the reporter gave."""
    reports = list(
        visible_to(user, ReportOfConcern.objects.filter(reporter_id=user.pk)).select_related("child", "receiving_unit")[
            :LIST_LIMIT
        ]
    )
    feedback = visible_to(user, ReportFeedback.objects.filter(report__in=[r.pk for r in reports]))
    by_report = {item.report_id: item for item in feedback}
    bases = bases_for_children(user, [r.child_id for r in reports])
    record_list_read(user, "report_list", [r.child_id for r in reports], results=[r.pk for r in reports])
    return [
        FiledReport(report, _child_label(report, bases[report.child_id]), by_report.get(report.pk))
        for report in reports
    ]


def _child_label(report: ReportOfConcern, bases: list[Basis]) -> str:
    """The child by name and number for a reporter who may see them; otherwise as the reporter named it."""
    child = report.child
    if basis_among(bases, "", Category.IDENTITY) is not None:
        return f"{child.full_name}, {child.formatted_identity_number}"
    return report.reported_as or child.formatted_identity_number

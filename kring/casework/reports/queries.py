"""Reading reports of concern through the access policy: social services' inbox and the report page.

Who sees a report, and which parts of it, is the policy's answer (`kring.casework.reports.basis`): the receiving
unit and the school's contact persons see the report and social services' assessment; the reporter sees the report
and the feedback, nothing else of social services' work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import BooleanField, Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kring.access.audit import record_event, record_list_read, record_read
from kring.access.models import AuditAction
from kring.access.policy import Basis, bases_for_children, basis_among, can, visible_to
from kring.access.roles import Category, Origin, Permission
from kring.casework.models import Decision, ReportAssessment, ReportFeedback, ReportOfConcern, Urgency
from kring.casework.reports import deadlines
from kring.casework.reports.basis import RECEIVER_BASIS, received_q
from kring.casework.reports.deadlines import Clock
from kring.directory.models import User

INBOX_PAGE_SIZE = 50
# What the inbox does not show is not read: the report's texts, the notes, and the child's address.
_NOT_SHOWN = (
    "what_happened", "when_and_where", "child_words", "guardians_not_informed_why", "assessment__protection_note",
    "assessment__decision_note", "child__street_address", "child__postal_code", "child__city",
)  # fmt: skip


class InboxFilter(models.TextChoices):
    NOT_RECEIVED = "not_received", _("Not received")
    IN_ASSESSMENT = "in_assessment", _("In assessment")
    DECIDED = "decided", _("Decided")
    ALL = "all", _("All")


_FILTERS: dict[str, Q] = {
    InboxFilter.NOT_RECEIVED: Q(assessment__isnull=True),
    InboxFilter.IN_ASSESSMENT: Q(assessment__isnull=False, assessment__decided_at__isnull=True),
    InboxFilter.DECIDED: Q(assessment__decided_at__isnull=False),
    InboxFilter.ALL: Q(),
}


receiving_q = received_q


@dataclass(frozen=True)
class ReportClocks:
    """The three clocks of a report. Before receipt the protection assessment counts from the day the report was
    filed (it has arrived), and the other two have not started."""

    protection: Clock
    decision: Clock | None
    feedback: Clock | None

    @property
    def overdue(self) -> bool:
        return any(c is not None and c.overdue for c in (self.protection, self.decision, self.feedback))


def report_clocks(
    report: ReportOfConcern, assessment: ReportAssessment | None, has_feedback: bool, today: date
) -> ReportClocks:
    """The clocks run from the report's arrival, received or not."""
    protected = assessment is not None and assessment.protection_assessed_at is not None
    decided = assessment is not None and assessment.decided_at is not None
    return ReportClocks(
        protection=deadlines.clock(report.protection_due, done=protected, today=today),
        decision=deadlines.clock(report.decision_due, done=decided, today=today),
        feedback=deadlines.clock(report.feedback_due, done=has_feedback, today=today),
    )


@dataclass(frozen=True)
class ClockCell:
    """A clock as the inbox shows it, formatted once (a page has hundreds of them)."""

    due: str  # ISO date; "" when the clock has not started
    label: str
    overdue: bool


def clock_cell(clock: Clock | None) -> ClockCell:
    if clock is None:
        return ClockCell("", str(_("not started")), False)
    return ClockCell(clock.due.isoformat(), clock.label, clock.overdue)


@dataclass(frozen=True)
class InboxRow:
    report: ReportOfConcern
    assessment: ReportAssessment | None
    clocks: ReportClocks
    url: str
    title: str
    filed: str
    urgency: str
    status: str
    cells: tuple[ClockCell, ClockCell, ClockCell]

    @property
    def overdue(self) -> bool:
        return self.clocks.overdue


@dataclass(frozen=True)
class Inbox:
    rows: list[InboxRow]
    counts: dict[str, int]
    shown: str
    page: int
    pages: int
    mine: bool = False

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def tabs(self) -> list[tuple[str, str, int]]:
        return [(value, str(label), self.counts.get(value, 0)) for value, label in InboxFilter.choices]


def overdue_q(today: date) -> Q:
    """The same rule as `ReportClocks.overdue`, in SQL, so that the overdue reports sort first."""
    start_of_today = timezone.make_aware(datetime.combine(today, time.min))
    return (
        Q(assessment__isnull=True, filed_at__lt=start_of_today)
        | Q(assessment__protection_assessed_at__isnull=True, protection_due__lt=today)
        | Q(assessment__decided_at__isnull=True, decision_due__lt=today)
        | Q(feedback__isnull=True, feedback_due__lt=today)
    )


def _received_reports(user: User, mine: bool = False) -> QuerySet[ReportOfConcern]:
    reports = visible_to(user, ReportOfConcern.objects.all()).filter(receiving_q(user))
    return reports.filter(handler_id=user.pk) if mine else reports


def inbox_for_user(user: User, shown: str = InboxFilter.ALL, page: int = 1, *, mine: bool = False) -> Inbox:
    """The reports the user's unit receives (only those the user handles, with `mine`), a page at a time: overdue
    first, then acute, then newest. Constant queries."""
    if not can(user, Permission.REPORT_RECEIVE):
        raise Http404
    shown = shown if shown in _FILTERS else InboxFilter.ALL
    today = timezone.localdate()
    reports = (
        _received_reports(user, mine)
        .filter(_FILTERS[shown])
        .select_related("child", "reporter_unit", "assessment", "feedback", "handler")
        .defer(*_NOT_SHOWN)
        .annotate(
            is_overdue=Case(
                When(overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
            urgency_rank=Case(
                When(urgency=Urgency.ACUTE, then=Value(0)),
                When(urgency=Urgency.URGENT, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
        .order_by("-is_overdue", "urgency_rank", "-filed_at", "-pk")
    )
    counts = _counts(user, mine)
    pages = max(1, -(-counts[shown] // INBOX_PAGE_SIZE))
    page = min(max(page, 1), pages)
    start = (page - 1) * INBOX_PAGE_SIZE
    labels = _Labels.current()
    rows = [_inbox_row(report, today, labels) for report in reports[start : start + INBOX_PAGE_SIZE]]
    record_list_read(
        user, "report_inbox", [row.report.child_id for row in rows], reports=[row.report.pk for row in rows], page=page
    )
    return Inbox(rows=rows, counts=counts, shown=shown, page=page, pages=pages, mine=mine)


def record_report_step_read(user: User, report: ReportOfConcern, bases: list[Basis], page: str) -> None:
    """A step's form shows the report and the child: one read event, under the basis that reaches the report."""
    basis = basis_among(bases, report.origin, Category.REPORT)
    record_read(user, "report_of_concern", report.pk, child_id=report.child_id, basis=basis, page=page)


@dataclass(frozen=True)
class _Labels:
    """The labels of a page of the inbox, translated once (not once a row)."""

    urgency: dict[str, str]
    decision: dict[str, str]
    not_received: str
    in_assessment: str

    @classmethod
    def current(cls) -> _Labels:
        return cls(
            urgency={value: str(label) for value, label in Urgency.choices},
            decision={value: str(label) for value, label in Decision.choices},
            not_received=str(InboxFilter.NOT_RECEIVED.label),
            in_assessment=str(InboxFilter.IN_ASSESSMENT.label),
        )

    def status(self, assessment: ReportAssessment | None) -> str:
        if assessment is None:
            return self.not_received
        return self.decision.get(assessment.decision, self.in_assessment)


def _inbox_row(report: ReportOfConcern, today: date, labels: _Labels) -> InboxRow:
    assessment = getattr(report, "assessment", None)
    has_feedback = getattr(report, "feedback", None) is not None
    clocks = report_clocks(report, assessment, has_feedback, today)
    return InboxRow(
        report=report,
        assessment=assessment,
        clocks=clocks,
        url=reverse("report_detail", args=[report.pk]),
        title=gettext("Report %(number)s") % {"number": report.pk},
        filed=f"{timezone.localtime(report.filed_at):%Y-%m-%d %H:%M}",
        urgency=labels.urgency.get(report.urgency, report.urgency),
        status=labels.status(assessment),
        cells=(clock_cell(clocks.protection), clock_cell(clocks.decision), clock_cell(clocks.feedback)),
    )


def _counts(user: User, mine: bool = False) -> dict[str, int]:
    counts = _received_reports(user, mine).aggregate(
        **{key: Count("pk", filter=q) if key != InboxFilter.ALL else Count("pk") for key, q in _FILTERS.items()}
    )
    return {key: int(value or 0) for key, value in counts.items()}


# --- one report --------------------------------------------------------------------------------------------------


def is_receiver(user: User, report: ReportOfConcern, bases: list[Basis]) -> bool:
    """May the user work on this report (the same test as the actions, narrowed to this very report)?"""
    if not can(user, Permission.REPORT_RECEIVE) or not any(basis.kind == RECEIVER_BASIS for basis in bases):
        return False
    return ReportOfConcern.objects.filter(pk=report.pk).filter(receiving_q(user)).exists()


def get_report_for_user(user: User, pk: int, *, for_write: bool = False) -> tuple[ReportOfConcern, list[Basis]]:
    """The report and the user's bases for its child, or 404; for_write needs the receiving side (else 403)."""
    report = (
        visible_to(user, ReportOfConcern.objects.filter(pk=pk))
        .select_related("child", "reporter", "reporter_unit", "receiving_unit", "handler")
        .first()
    )
    if report is None:
        raise Http404
    bases = bases_for_children(user, [report.child_id])[report.child_id]
    if basis_among(bases, report.origin, Category.REPORT) is None:
        raise Http404
    if for_write and not is_receiver(user, report, bases):
        raise PermissionDenied
    return report, bases


@dataclass
class ReportView:
    """The report page: each part with the basis that lets the user see it (None: the part is not shown)."""

    report: ReportOfConcern
    report_basis: Basis
    is_receiver: bool
    assessment_basis: Basis | None
    assessment: ReportAssessment | None
    feedback_basis: Basis | None
    feedback: ReportFeedback | None
    clocks: ReportClocks | None
    earlier: list[ReportOfConcern] = field(default_factory=list)  # the receivers' reports about the child in 30 days

    @property
    def can_receive(self) -> bool:
        return self.is_receiver and self.assessment is None

    @property
    def can_assess_protection(self) -> bool:
        return self.is_receiver and self.assessment is not None and self.assessment.protection_assessed_at is None

    @property
    def status(self) -> str:
        """Where the report stands, as the reporter may know it: sent, received, or the feedback."""
        if self.report.received_at is None:
            return str(_("Sent, not yet received by social services"))
        if self.feedback is None:
            return str(_("Received by social services, no feedback yet"))
        return str(_("Feedback: %(kind)s")) % {"kind": self.feedback.get_kind_display()}

    @property
    def can_extend(self) -> bool:
        a = self.assessment
        return self.is_receiver and a is not None and a.decided_at is None

    @property
    def can_decide(self) -> bool:
        a = self.assessment
        return self.is_receiver and a is not None and a.protection_assessed_at is not None and a.decided_at is None

    @property
    def can_give_feedback(self) -> bool:
        a = self.assessment
        return self.is_receiver and a is not None and a.decided_at is not None and self.feedback is None

    @property
    def shown_bases(self) -> dict[str, Basis | None]:
        """Each part's basis, said only where it differs from the part before it."""
        shown: dict[str, Basis | None] = {"report": self.report_basis}
        previous: Basis | None = self.report_basis
        for name, basis in (("assessment", self.assessment_basis), ("feedback", self.feedback_basis)):
            if basis is not None:
                shown[name] = None if basis == previous else basis
                previous = basis
        return shown

    @property
    def sections(self) -> list[str]:
        shown = [Category.REPORT, Category.ASSESSMENT, Category.FEEDBACK]
        bases = [self.report_basis, self.assessment_basis, self.feedback_basis]
        return [str(category) for category, basis in zip(shown, bases, strict=True) if basis is not None]


def report_view_for_user(user: User, pk: int) -> ReportView:
    """Everything of the report the user's bases cover; the read is audited with its basis."""
    report, bases = get_report_for_user(user, pk)
    receiver = is_receiver(user, report, bases)
    assessment_basis = basis_among(bases, Origin.SOCIAL_SERVICES, Category.ASSESSMENT) if receiver else None
    feedback_basis = basis_among(bases, Origin.SOCIAL_SERVICES, Category.FEEDBACK)
    assessment = _visible_one(user, ReportAssessment.objects.filter(report=report)) if assessment_basis else None
    feedback = _visible_one(user, ReportFeedback.objects.filter(report=report)) if feedback_basis else None
    clocks = report_clocks(report, assessment, feedback is not None, timezone.localdate()) if receiver else None
    earlier = _earlier_reports(user, report) if receiver else []
    view = ReportView(
        report=report,
        report_basis=basis_among(bases, report.origin, Category.REPORT),  # type: ignore[arg-type]
        is_receiver=receiver,
        assessment_basis=assessment_basis,
        assessment=assessment,
        feedback_basis=feedback_basis,
        feedback=feedback,
        clocks=clocks,
        earlier=earlier,
    )
    record_event(
        actor=user,
        action=AuditAction.READ,
        target_type="report_of_concern",
        target_id=report.pk,
        child_id=report.child_id,
        basis=view.report_basis,
        details={"sections": view.sections},
    )
    return view


DUPLICATE_DAYS = 30


def _earlier_reports(user: User, report: ReportOfConcern) -> list[ReportOfConcern]:
    """Reports about the same child filed in the 30 days before this one that the user receives: a second report
    shows social services the earlier one on receipt."""
    since = report.filed_at - timedelta(days=DUPLICATE_DAYS)
    earlier = ReportOfConcern.objects.filter(
        child_id=report.child_id, filed_at__gte=since, filed_at__lt=report.filed_at
    )
    rows = _received_reports(user).filter(pk__in=earlier.values("pk")).select_related("reporter_unit", "assessment")
    return list(rows.order_by("-filed_at"))


def decision_of(report: ReportOfConcern) -> str:
    """The decision of the initial assessment ("" before it), for a user already let through to the report."""
    return ReportAssessment.objects.filter(report=report).values_list("decision", flat=True).first() or ""


def _visible_one(user: User, queryset: QuerySet[Any]) -> Any:
    return visible_to(user, queryset).first()

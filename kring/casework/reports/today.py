"""The work of the day around concerns, consultations and reports of concern, for the start page.

* social services (the receivers): reports not received, protection assessments due, initial-assessment decisions
  and feedback due within a week, consultations waiting for an answer from the user as a school's contact person;
* the principal and student health: the school's new concerns to decide on;
* everyone who records concerns or files reports: their own concerns and what was decided, and the feedback
  social services gave on their reports in the last two weeks.

Every list reads through the policy (`visible_to`) and is counted in full; constant queries.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from kring.access.policy import can, units_where, visible_to
from kring.access.roles import CASE_SCHOOL_ROLES, Permission, Role
from kring.casework.models import (
    RISK_CATEGORIES,
    Concern,
    ConcernStatus,
    Consultation,
    ConsultationStatus,
    ReportFeedback,
    ReportOfConcern,
    Triage,
    Urgency,
)
from kring.casework.reports.basis import received_q
from kring.casework.reports.queries import overdue_q
from kring.directory.models import ContactPerson, User
from kring.directory.today import (
    GROUP_LIMIT,
    Priority,
    WorkGroup,
    WorkItem,
    count_and_first,
    due_priority,
    due_text,
    since_text,
)

SOON_DAYS = 7
URGENCY_RANK: dict[str, int] = {
    Urgency.ACUTE: 0,
    Urgency.URGENT: 1,
}  # overdue acute reports first: the manager's "by risk"
RECENT_DAYS = 14
OWN_CONCERN_DAYS = 30


def _report_title(report: ReportOfConcern) -> str:
    return _("%(child)s (report %(number)s)") % {"child": report.child.full_name, "number": report.pk}


# --- social services: the reports received ----------------------------------------------------------------------


def _report_steps(today: date) -> dict[str, tuple[str, Q, str]]:
    """Each step of social services with the reports that wait for it and the deadline it has."""
    soon = today + timedelta(days=SOON_DAYS)
    return {
        "reports_not_received": (
            _("Reports not received"),
            Q(assessment__isnull=True),
            "protection_due",
        ),
        "protection_due": (
            _("Protection assessments due"),
            Q(assessment__isnull=False, assessment__protection_assessed_at__isnull=True, protection_due__lte=today),
            "protection_due",
        ),
        "decisions_due": (
            _("Initial assessments to decide within a week"),
            Q(assessment__isnull=False, assessment__decided_at__isnull=True, decision_due__lte=soon),
            "decision_due",
        ),
        "feedback_due": (
            _("Feedback to the reporter due within a week"),
            Q(assessment__decided_at__isnull=False, feedback__isnull=True, feedback_due__lte=soon),
            "feedback_due",
        ),
    }


def _step_label(key: str) -> str:
    labels = {
        "reports_not_received": _("Register the report as received and assess protection"),
        "protection_due": _("Protection assessment"),
        "decisions_due": _("Decide whether to open an investigation"),
        "feedback_due": _("Feedback to the reporter"),
    }
    return str(labels[key])


def received_reports(user: User) -> QuerySet[ReportOfConcern]:
    """The reports the user handles as a receiver, through the policy."""
    return visible_to(user, ReportOfConcern.objects.all()).filter(received_q(user))


def managed_unit_ids(user: User) -> list[int]:
    return units_where(user, {Role.UNIT_MANAGER})


def my_reports(user: User) -> QuerySet[ReportOfConcern]:
    """The received reports that are the user's work: those they handle, those without a handling officer yet,
    and for a unit manager every report of the unit."""
    mine = Q(handler_id=user.pk) | Q(handler__isnull=True) | Q(receiving_unit_id__in=managed_unit_ids(user))
    return received_reports(user).filter(mine)


def _report_groups(user: User, today: date) -> list[WorkGroup]:
    steps = _report_steps(today)
    reports = my_reports(user)
    counts = reports.aggregate(**{key: Count("pk", filter=q) for key, (_label, q, _due) in steps.items()})
    inbox = reverse("report_inbox")
    groups = []
    for key, (label, q, due_field) in steps.items():
        rows = []
        if counts[key]:
            rows = list(
                reports.filter(q)
                .select_related("child")
                .only("pk", "child", "urgency", due_field)
                .order_by(due_field, "pk")[:GROUP_LIMIT]
            )
        items = [_report_item(report, key, getattr(report, due_field), today) for report in rows]
        groups.append(WorkGroup(key, str(label), int(counts[key] or 0), items, inbox))
    return groups


def _report_item(report: ReportOfConcern, key: str, due: date, today: date) -> WorkItem:
    return WorkItem(
        priority=due_priority(due, today, soon_days=SOON_DAYS),
        what=_step_label(key),
        subject=_report_title(report),
        when=due_text(due, today),
        url=reverse("report_detail", args=[report.pk]),
        order=due,
        child_id=report.child_id,
        rank=URGENCY_RANK.get(report.urgency, 2),
    )


def _consultation_group(user: User, today: date) -> WorkGroup:
    """Consultations from the schools the user is contact person for that wait for an answer (no child named)."""
    waiting = _waiting_consultations(user)
    count, rows = count_and_first(waiting.select_related("unit"), "asked_at", "pk")
    items = [
        WorkItem(
            priority=Priority.TO_DO,
            what=str(_("Answer a consultation")),
            subject=_("Consultation %(number)s from %(school)s") % {"number": c.pk, "school": c.unit.name},
            when=since_text(c.asked_at.date(), today),
            url=reverse("consultation_detail", args=[c.pk]),
            order=c.asked_at.date(),
        )
        for c in rows
    ]
    return WorkGroup("consultations_waiting", str(_("Consultations waiting for your answer")), count, items,
                     reverse("consultation_list"))  # fmt: skip


# --- the school: concerns to decide on, one's own concerns, feedback received -----------------------------------


def _concerns_to_triage(user: User, today: date) -> WorkGroup:
    new = visible_to(user, Concern.objects.filter(status=ConcernStatus.NEW)).filter(
        unit_id__in=units_where(user, CASE_SCHOOL_ROLES)
    )
    count, rows = count_and_first(new.select_related("child"), "reported_at", "pk")
    items = [
        WorkItem(
            priority=Priority.TODAY if c.category in RISK_CATEGORIES else Priority.TO_DO,
            what=str(_("Decide what happens with a concern: %(category)s") % {"category": c.get_category_display()}),
            subject=c.child.full_name,
            when=since_text(c.reported_at.date(), today),
            url=reverse("concern_detail", args=[c.pk]),
            order=c.reported_at.date(),
            child_id=c.child_id,
        )
        for c in rows
    ]
    return WorkGroup("concerns_to_triage", str(_("Concerns to decide on")), count, items, reverse("concern_list"))


def _decision_words(concern: Concern) -> str:
    if concern.status == ConcernStatus.NEW:
        return str(_("waiting for the principal or student health to decide"))
    decided = dict(Triage.choices).get(concern.triage, "")
    if concern.status == ConcernStatus.CLOSED:
        return _("closed: %(decision)s") % {"decision": decided or _("no further action")}
    return _("decided: %(decision)s") % {"decision": decided}


def _own_concerns(user: User, today: date) -> WorkGroup:
    since = today - timedelta(days=OWN_CONCERN_DAYS)
    own = visible_to(user, Concern.objects.filter(reported_by_id=user.pk)).filter(
        ~Q(status=ConcernStatus.CLOSED) | Q(closed_at__date__gte=since)
    )
    count, rows = count_and_first(own.select_related("child"), "-reported_at", "-pk")
    items = [
        WorkItem(
            priority=Priority.TO_KNOW,
            what=str(_("Your concern: %(decision)s") % {"decision": _decision_words(c)}),
            subject=c.child.full_name,
            when=_("recorded %(date)s") % {"date": c.reported_at.date().isoformat()},
            url=reverse("concern_detail", args=[c.pk]),
            order=c.reported_at.date(),
            child_id=c.child_id,
        )
        for c in rows
    ]
    return WorkGroup("own_concerns", str(_("Concerns you recorded")), count, items, reverse("concern_list"))


def _feedback_received(user: User, today: date) -> WorkGroup:
    """Feedback on the user's own reports in the last two weeks; the report by its number (a police reporter need
    not see the child's register data)."""
    since = today - timedelta(days=RECENT_DAYS)
    feedback = visible_to(user, ReportFeedback.objects.filter(report__reporter_id=user.pk, given_at__date__gte=since))
    count, rows = count_and_first(feedback.select_related("report"), "-given_at", "-pk")
    items = [
        WorkItem(
            priority=Priority.TO_KNOW,
            what=str(_("Feedback on your report: %(kind)s") % {"kind": f.get_kind_display()}),
            subject=_("Report %(number)s of %(date)s")
            % {"number": f.report_id, "date": f.report.filed_at.date().isoformat()},
            when=_("given %(date)s") % {"date": f.given_at.date().isoformat()},
            url=reverse("report_detail", args=[f.report_id]),
            order=f.given_at.date(),
        )
        for f in rows
    ]
    return WorkGroup("feedback_received", str(_("Feedback on your reports")), count, items, reverse("report_mine"))


# --- the unit manager: reports without a handling officer, the open work per person -------------------------------


def _managed_open_reports(user: User) -> QuerySet[ReportOfConcern]:
    """The reports of the units the user manages that still wait for a step (no feedback yet)."""
    return received_reports(user).filter(receiving_unit_id__in=managed_unit_ids(user), feedback__isnull=True)


def _unassigned(user: User, today: date) -> WorkGroup:
    reports = _managed_open_reports(user).filter(handler__isnull=True)
    count, rows = count_and_first(reports.select_related("child"), "filed_at", "pk")
    items = [
        WorkItem(
            priority=Priority.TODAY,
            what=str(_("Assign a handling officer")),
            subject=_report_title(report),
            when=since_text(report.filed_at.date(), today),
            url=reverse("report_assign", args=[report.pk]),
            order=report.filed_at.date(),
            child_id=report.child_id,
            rank=URGENCY_RANK.get(report.urgency, 2),
        )
        for report in rows
    ]
    return WorkGroup("reports_unassigned", str(_("Reports without a handling officer")), count, items,
                     reverse("report_inbox"))  # fmt: skip


def _work_per_person(user: User, today: date) -> WorkGroup:
    """Each handling officer's open reports and how many of them are overdue, the most overdue first."""
    people = list(
        _managed_open_reports(user)
        .filter(handler__isnull=False)
        .values("handler_id", "handler__first_name", "handler__last_name", "handler__email")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=overdue_q(today)))
        .order_by("-overdue", "-open", "handler__last_name", "handler_id")
    )
    items = [
        WorkItem(
            priority=Priority.OVERDUE if person["overdue"] else Priority.TO_KNOW,
            what=str(
                _("Open reports: %(open)s, of which overdue: %(overdue)s")
                % {"open": person["open"], "overdue": person["overdue"]}
            ),
            subject=f"{person['handler__first_name']} {person['handler__last_name']}".strip()
            or person["handler__email"],
            when="",
            url=reverse("report_inbox"),
            rank=-person["overdue"],
        )
        for person in people[:GROUP_LIMIT]
    ]
    return WorkGroup("work_per_person", str(_("Your unit's open reports per handling officer")), len(people), items,
                     reverse("report_inbox"))  # fmt: skip


def report_work(user: Any, today: date) -> list[WorkGroup]:
    """The start page's groups from concerns, consultations and reports of concern."""
    groups: list[WorkGroup] = []
    if can(user, Permission.REPORT_RECEIVE):
        groups += _report_groups(user, today)
        groups.append(_consultation_group(user, today))
        if managed_unit_ids(user):
            groups += [_unassigned(user, today), _work_per_person(user, today)]
    if can(user, Permission.CONCERN_TRIAGE):
        groups.append(_concerns_to_triage(user, today))
    if can(user, Permission.CONCERN_RECORD):
        groups.append(_own_concerns(user, today))
    if can(user, Permission.REPORT_FILE):
        groups.append(_feedback_received(user, today))
    return groups


# --- counts beside the menu ---------------------------------------------------------------------------------------


def reports_waiting(user: Any) -> QuerySet[ReportOfConcern] | None:
    """Beside "Reports received": the reports not yet received."""
    if not can(user, Permission.REPORT_RECEIVE):
        return None
    return my_reports(user).filter(assessment__isnull=True)


def concerns_waiting(user: Any) -> QuerySet[Concern] | None:
    """Beside "Concerns": the school's new concerns to decide on."""
    if not can(user, Permission.CONCERN_TRIAGE):
        return None
    units = units_where(user, CASE_SCHOOL_ROLES)
    return visible_to(user, Concern.objects.filter(status=ConcernStatus.NEW, unit_id__in=units))


def consultations_waiting(user: Any) -> QuerySet[Consultation] | None:
    """Beside "Consultations": those waiting for the contact person's answer."""
    if not can(user, Permission.REPORT_RECEIVE):
        return None
    return _waiting_consultations(user)


def _waiting_consultations(user: User) -> QuerySet[Consultation]:
    """Consultations from the schools the user is contact person for that wait for an answer."""
    schools = ContactPerson.objects.filter(user_id=user.pk).values("school_id")
    return visible_to(user, Consultation.objects.filter(status=ConsultationStatus.OPEN, unit_id__in=schools))

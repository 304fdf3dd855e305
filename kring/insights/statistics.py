"""Statistics of concerns, anonymous consultations and reports of concern, for the school and social services.

Counts only, made by the database (one aggregate query per table, whatever the size), over the last `MONTHS`
months, each table with small counts suppressed (`kring.suppression`: nothing under 5 is shown, nor
anything that would let a total reveal it). Who sees which counts is the user's *scope*:

* coordinators and administrators: the municipality;
* principals: their schools (the concerns recorded there, the reports filed from there, their consultations);
* social workers and unit managers: their unit (the reports it received, the consultations of the schools its
  members are contact persons for). Concerns are the school's own information and are not counted for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import RoleGrant, role_grants, units_where
from kring.access.roles import SOCIAL_SERVICES_ROLES, Role
from kring.casework.models import (
    Concern,
    ConcernCategory,
    Consultation,
    Decision,
    ReportOfConcern,
)
from kring.database import reading_from_replica
from kring.directory.models import ContactPerson, User
from kring.suppression import SuppressedTable, suppress

MONTHS = 12
THRESHOLD = 5
MUNICIPALITY_ROLES = frozenset({Role.COORDINATOR, Role.ADMINISTRATOR})
NOT_DECIDED = "not_decided"


@dataclass(frozen=True)
class Scope:
    """Whose counts: the rows each table counts (None: the table is not shown in this scope)."""

    key: str
    label: str
    concerns: Q | None
    reports: Q
    consultations: Q
    unit_ids: tuple[int, ...] = ()


def _unit_names(grants: list[RoleGrant], unit_ids: list[int]) -> str:
    return ", ".join(sorted({grant.unit_name for grant in grants if grant.unit_id in unit_ids}))


def scopes_for_user(user: User) -> list[Scope]:
    """The scopes the user's roles give, widest first; none for other roles."""
    grants = role_grants(user)
    tenant = Q(municipality_id=user.municipality_id)
    scopes = []
    if any(grant.role in MUNICIPALITY_ROLES for grant in grants):
        scopes.append(Scope("municipality", _("The whole municipality"), tenant, tenant, tenant))
    schools = units_where(user, {Role.PRINCIPAL})
    if schools:
        at_schools = tenant & Q(unit_id__in=schools)
        label = _("Your schools: %(units)s") % {"units": _unit_names(grants, schools)}
        scopes.append(
            Scope("schools", label, at_schools, tenant & Q(reporter_unit_id__in=schools), at_schools, tuple(schools))
        )
    units = units_where(user, SOCIAL_SERVICES_ROLES)
    if units:
        contacts = ContactPerson.objects.filter(
            user__memberships__unit_id__in=units,
            user__memberships__role__in=SOCIAL_SERVICES_ROLES,
            user__memberships__active=True,
        ).values("school_id")
        label = _("Your unit: %(units)s") % {"units": _unit_names(grants, units)}
        received = tenant & Q(receiving_unit_id__in=units)
        scopes.append(Scope("unit", label, None, received, tenant & Q(unit_id__in=contacts), tuple(units)))
    return scopes


@dataclass(frozen=True)
class CountTable:
    """A table of counts as published: rows, columns, and the suppressed cells and totals."""

    caption: str
    row_header: str
    rows: list[str]
    columns: list[str]
    counts: SuppressedTable

    @property
    def body(self) -> list[tuple[str, list[int | None], int | None]]:
        return list(zip(self.rows, self.counts.cells, self.counts.row_totals, strict=True))


@dataclass(frozen=True)
class ComplianceRow:
    label: str
    on_time: int | None
    late: int | None
    total: int | None

    @property
    def share(self) -> int | None:
        """Per cent within the limit, only from published numbers."""
        if self.on_time is None or not self.total:
            return None
        return round(100 * self.on_time / self.total)


@dataclass(frozen=True)
class Statistics:
    scope: Scope
    scopes: list[Scope]
    first_month: date
    last_month: date
    concerns: CountTable | None
    reports: CountTable
    consultations: CountTable
    compliance: list[ComplianceRow]


def months_until(today: date, count: int = MONTHS) -> list[date]:
    """The first days of the last `count` months, oldest first, ending with the current month."""
    months = []
    year, month = today.year, today.month
    for _step in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _month_label(month: date) -> str:
    return formats.date_format(month, "M Y")


def _month_counts(
    queryset: QuerySet[Any], moment: str, key: str | None, months: list[date]
) -> dict[tuple[Any, date], int]:
    rows = queryset.annotate(month=TruncMonth(moment)).values("month", *([key] if key else [])).annotate(n=Count("pk"))
    found: dict[tuple[Any, date], int] = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime):
            month = timezone.localtime(month).date()
        cell = (row[key] if key else None, month)
        found[cell] = found.get(cell, 0) + row["n"]
    return found


def _table(
    caption: str, row_header: str, keys: list[tuple[Any, str]], months: list[date], counts: dict[tuple[Any, date], int]
) -> CountTable:
    grid = [[counts.get((key, month), 0) for month in months] for key, _label in keys]
    return CountTable(
        caption=caption,
        row_header=row_header,
        rows=[label for _key, label in keys],
        columns=[_month_label(month) for month in months],
        counts=suppress(grid, THRESHOLD),
    )


def _labelled(choices: list[tuple[str, Any]]) -> list[tuple[Any, str]]:
    return [(value, str(label)) for value, label in choices]


def _concern_table(scope: Scope, start: datetime, months: list[date]) -> CountTable | None:
    if scope.concerns is None:
        return None
    rows = Concern.objects.filter(scope.concerns, reported_at__gte=start)
    counts = _month_counts(rows, "reported_at", "category", months)
    categories = _labelled(ConcernCategory.choices)
    return _table(_("Concerns by category and month"), _("Category"), categories, months, counts)


def _report_table(scope: Scope, start: datetime, months: list[date]) -> CountTable:
    rows = ReportOfConcern.objects.filter(scope.reports, filed_at__gte=start)
    raw = _month_counts(rows, "filed_at", "assessment__decision", months)
    counts: dict[tuple[Any, date], int] = {}
    for (decision, month), n in raw.items():
        key = decision or NOT_DECIDED
        counts[(key, month)] = counts.get((key, month), 0) + n
    outcomes = [*_labelled(Decision.choices), (NOT_DECIDED, _("Not decided yet"))]
    return _table(_("Reports of concern filed, by outcome and month"), _("Outcome"), outcomes, months, counts)


def _consultation_table(scope: Scope, start: datetime, months: list[date]) -> CountTable:
    rows = Consultation.objects.filter(scope.consultations, asked_at__gte=start)
    counts = _month_counts(rows, "asked_at", None, months)
    keys = [(None, _("Consultations"))]
    return _table(_("Anonymous consultations by month"), _("Consultations"), keys, months, counts)


def _compliance(scope: Scope, start: datetime, today: date) -> list[ComplianceRow]:
    """Of the reports that came in during the period (received or not) whose deadline has come: how many steps were
    made within it. The clocks start at the report's arrival, as on the report's page."""
    reports = ReportOfConcern.objects.filter(scope.reports, filed_at__gte=start)
    assessed, decided = "assessment__protection_assessed_at__date", "assessment__decided_at__date"
    given = "feedback__given_at__date"
    found = reports.aggregate(
        protection_on_time=Count("pk", filter=Q(**{f"{assessed}__lte": F("protection_due")})),
        protection_late=Count(
            "pk",
            filter=Q(**{f"{assessed}__gt": F("protection_due")})
            | Q(**{f"{assessed}__isnull": True}, protection_due__lt=today),
        ),
        decision_on_time=Count("pk", filter=Q(**{f"{decided}__lte": F("decision_due")})),
        decision_late=Count(
            "pk",
            filter=Q(**{f"{decided}__gt": F("decision_due")})
            | Q(**{f"{decided}__isnull": True}, decision_due__lt=today),
        ),
        feedback_on_time=Count("pk", filter=Q(**{f"{given}__lte": F("feedback_due")})),
        feedback_late=Count(
            "pk",
            filter=Q(**{f"{given}__gt": F("feedback_due")}) | Q(feedback__isnull=True, feedback_due__lt=today),
        ),
    )
    steps = [
        ("protection", _("Protection assessment the same day")),
        ("decision", _("Initial assessment within its limit")),
        ("feedback", _("Feedback to the reporter within its limit")),
    ]
    return [_compliance_row(label, found[f"{step}_on_time"], found[f"{step}_late"]) for step, label in steps]


def _compliance_row(label: str, on_time: int, late: int) -> ComplianceRow:
    """Each deadline is its own small table (the rows count the same reports, so they do not add up)."""
    published = suppress([[on_time, late]], THRESHOLD)
    return ComplianceRow(label, published.cells[0][0], published.cells[0][1], published.row_totals[0])


def statistics_for_user(user: User, scope_key: str = "") -> Statistics:
    """The statistics of the user's scope (the one asked for, or the widest); 404 without a scope. Audited.

    The counts are read from the reporting database (a replica if `DATABASE_REPLICA_URL` is set); the scope and the
    audit event stay on the primary."""
    scopes = scopes_for_user(user)
    if not scopes:
        raise Http404
    scope = next((s for s in scopes if s.key == scope_key), scopes[0])
    today = timezone.localdate()
    months = months_until(today)
    start = timezone.make_aware(datetime.combine(months[0], time.min))
    with reading_from_replica():  # the scope was decided on the primary; the counts may come from a replica
        stats = Statistics(
            scope=scope,
            scopes=scopes,
            first_month=months[0],
            last_month=months[-1],
            concerns=_concern_table(scope, start, months),
            reports=_report_table(scope, start, months),
            consultations=_consultation_table(scope, start, months),
            compliance=_compliance(scope, start, today),
        )
    record_event(
        actor=user,
        action=AuditAction.READ,
        target_type="statistics",
        target_id=scope.key,
        details={"scope": scope.key, "units": list(scope.unit_ids), "from": months[0].isoformat()},
    )
    return stats

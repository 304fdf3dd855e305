"""Statistics of concerns, anonymous consultations and reports of concern, for the school and social services.

Counts only, read from the summary (`kring.insights.models.MonthlyCount`) that `refresh_statistics` recomputes on
a schedule: one query whatever the size, and the page says when its figures are from. Over the last `MONTHS`
months, each table with small counts suppressed (`kring.suppression`: nothing under 5 is shown, nor anything that
would let a total reveal it). Who sees which counts is the user's *scope*, which picks the summary's rows by unit:

* coordinators and administrators: the municipality;
* principals: their schools (the concerns recorded there, the reports filed from there, their consultations);
* social workers and unit managers: their unit (the reports it received, the consultations of the schools its
  members are contact persons for, the TSI cases of a joint team they manage). Concerns are the school's own
  information and are not counted for them.
"""

from __future__ import annotations

import hashlib
import operator
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Q, Sum
from django.http import Http404
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import RoleGrant, role_grants, units_where
from kring.access.roles import SOCIAL_SERVICES_ROLES, Role
from kring.casework.models import ConcernCategory, Decision
from kring.database import reading_from_replica
from kring.directory.models import ContactPerson, User
from kring.insights.models import CountKind, Deadline, Kept, MonthlyCount, StatisticsRefresh
from kring.suppression import SuppressedTable, suppress

MONTHS = 12
CACHE_SECONDS = 2 * 24 * 3600  # a refresh makes new figures long before
THRESHOLD = 5
MUNICIPALITY_ROLES = frozenset({Role.COORDINATOR, Role.ADMINISTRATOR})
NOT_DECIDED = "not_decided"


@dataclass(frozen=True)
class Scope:
    """Whose counts: the summary's rows each table sums (None: the table is not shown in this scope). Every row is
    the municipality's; the scope picks them by unit."""

    key: str
    label: str
    concerns: Q | None
    reports: Q
    consultations: Q
    tsi_cases: Q  # by the asking school, or the team
    unit_ids: tuple[int, ...] = ()


def _unit_names(grants: list[RoleGrant], unit_ids: list[int]) -> str:
    return ", ".join(sorted({grant.unit_name for grant in grants if grant.unit_id in unit_ids}))


def scopes_for_user(user: User) -> list[Scope]:
    """The scopes the user's roles give, widest first; none for other roles."""
    grants = role_grants(user)
    everything = Q()
    scopes = []
    if any(grant.role in MUNICIPALITY_ROLES for grant in grants):
        scopes.append(
            Scope("municipality", _("The whole municipality"), everything, everything, everything, everything)
        )
    schools = units_where(user, {Role.PRINCIPAL})
    if schools:
        at_schools = Q(unit_id__in=schools)  # the concern's or consultation's school, the report's reporter's unit
        label = _("Your schools: %(units)s") % {"units": _unit_names(grants, schools)}
        scopes.append(Scope("schools", label, at_schools, at_schools, at_schools, at_schools, tuple(schools)))
    units = units_where(user, SOCIAL_SERVICES_ROLES)
    if units:
        contacts = ContactPerson.objects.filter(
            user__memberships__unit_id__in=units,
            user__memberships__role__in=SOCIAL_SERVICES_ROLES,
            user__memberships__active=True,
        ).values("school_id")
        label = _("Your unit: %(units)s") % {"units": _unit_names(grants, units)}
        received = Q(receiving_unit_id__in=units)
        scopes.append(Scope("unit", label, None, received, Q(unit_id__in=contacts), received, tuple(units)))
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
    """The published figures of a scope, as of `refreshed_at`; before the first refresh there are none (no tables)."""

    scope: Scope
    scopes: list[Scope]
    first_month: date
    last_month: date
    refreshed_at: datetime | None
    concerns: CountTable | None
    reports: CountTable | None
    consultations: CountTable | None
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


# The summary's sums: kind → (row key, month) → count. A row key is what the kind's table breaks down by.
Sums = dict[str, dict[tuple[Any, date], int]]


def _sums(municipality_id: int, scope: Scope, months: list[date]) -> Sums:
    """One aggregate query over the summary: the scope's rows of the window, summed over the other dimensions."""
    kinds = [
        (CountKind.CONCERNS, scope.concerns),
        (CountKind.REPORTS, scope.reports),
        (CountKind.DEADLINES, scope.reports),
        (CountKind.CONSULTATIONS, scope.consultations),
    ]
    chosen = reduce(operator.or_, [Q(kind=kind) & where for kind, where in kinds if where is not None])
    rows = (
        MonthlyCount.objects.filter(municipality_id=municipality_id, month__gte=months[0], month__lte=months[-1])
        .filter(chosen)
        .values("kind", "month", "category", "decision", "deadline", "kept")
        .annotate(n=Sum("count"))
        .order_by()
    )
    sums: Sums = defaultdict(dict)
    for row in rows:
        key = _row_key(row)
        cells = sums[row["kind"]]
        cells[(key, row["month"])] = cells.get((key, row["month"]), 0) + row["n"]
    return sums


def _row_key(row: Mapping[str, Any]) -> Any:
    kind = row["kind"]
    if kind == CountKind.CONCERNS:
        return row["category"]
    if kind == CountKind.REPORTS:
        return row["decision"] or NOT_DECIDED
    if kind == CountKind.DEADLINES:
        return (row["deadline"], row["kept"])
    return None


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


def _concern_table(sums: Sums, months: list[date]) -> CountTable:
    categories = _labelled(ConcernCategory.choices)
    counts = sums[CountKind.CONCERNS]
    return _table(_("Concerns by category and month"), _("Category"), categories, months, counts)


def _report_table(sums: Sums, months: list[date]) -> CountTable:
    outcomes = [*_labelled(Decision.choices), (NOT_DECIDED, _("Not decided yet"))]
    counts = sums[CountKind.REPORTS]
    return _table(_("Reports of concern filed, by outcome and month"), _("Outcome"), outcomes, months, counts)


def _consultation_table(sums: Sums, months: list[date]) -> CountTable:
    keys = [(None, _("Consultations"))]
    counts = sums[CountKind.CONSULTATIONS]
    return _table(_("Anonymous consultations by month"), _("Consultations"), keys, months, counts)


def _compliance(sums: Sums) -> list[ComplianceRow]:
    """Of the reports that came in during the period (received or not) whose deadline had come by the refresh: how
    many steps were made within it. The clocks start at the report's arrival, as on the report's page."""
    kept: dict[tuple[str, str], int] = defaultdict(int)
    for (key, _month), n in sums[CountKind.DEADLINES].items():
        kept[key] += n
    return [
        _compliance_row(str(label), kept[(step, Kept.ON_TIME)], kept[(step, Kept.LATE)])
        for step, label in Deadline.choices
    ]


def _compliance_row(label: str, on_time: int, late: int) -> ComplianceRow:
    """Each deadline is its own small table (the rows count the same reports, so they do not add up)."""
    published = suppress([[on_time, late]], THRESHOLD)
    return ComplianceRow(label, published.cells[0][0], published.cells[0][1], published.row_totals[0])


Tables = tuple[CountTable | None, CountTable, CountTable, list[ComplianceRow]]
T = TypeVar("T")


def _tables(municipality_id: int, scope: Scope, months: list[date]) -> Tables:
    """The scope's tables as published, from one aggregate query over the summary."""
    with reading_from_replica():
        sums = _sums(municipality_id, scope, months)
    concerns = _concern_table(sums, months) if scope.concerns is not None else None
    return concerns, _report_table(sums, months), _consultation_table(sums, months), _compliance(sums)


def published_once(municipality_id: int, view: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """A view's published figures, computed once per refresh of the municipality's summary (and language) and kept
    in the cache: the figures change only when the summary does, and working out the suppression is most of a
    view's time. They are published numbers only, the same for everyone with the scope."""
    generation = cache.get(_generation_key(municipality_id)) or new_statistics_generation(municipality_id)
    described = repr((municipality_id, generation, translation.get_language(), *view))
    key = "kring-statistics:" + hashlib.sha256(described.encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found


def new_statistics_generation(municipality_id: int) -> str:
    """Forget the figures kept for the municipality (a refresh of its summary calls this)."""
    generation = uuid.uuid4().hex
    cache.set(_generation_key(municipality_id), generation, None)
    return generation


def _generation_key(municipality_id: int) -> str:
    return f"kring-statistics-generation:{municipality_id}"


def chosen_scope(user: User, scope_key: str) -> tuple[Scope, list[Scope], int, StatisticsRefresh | None]:
    """The scope asked for (or the widest), all the user's scopes, their municipality and its summary's last refresh
    (read from the reporting database); 404 without a scope."""
    scopes = scopes_for_user(user)
    municipality_id = user.municipality_id
    if not scopes or municipality_id is None:
        raise Http404
    scope = next((s for s in scopes if s.key == scope_key), scopes[0])
    with reading_from_replica():  # the scope was decided on the primary; the summary may come from a replica
        refresh = StatisticsRefresh.objects.filter(municipality_id=municipality_id).first()
    return scope, scopes, municipality_id, refresh


def statistics_for_user(user: User, scope_key: str = "") -> Statistics:
    """The statistics of the user's scope (the one asked for, or the widest) from the summary, as of its last
    refresh; 404 without a scope. Audited.

    The summary is read from the reporting database (a replica if `DATABASE_REPLICA_URL` is set); the scope and the
    audit event stay on the primary."""
    scope, scopes, municipality_id, refresh = chosen_scope(user, scope_key)
    months = months_until(timezone.localdate())
    if refresh is None:
        stats = Statistics(scope, scopes, months[0], months[-1], None, None, None, None, [])
    else:
        concerns, reports, consultations, compliance = published_once(
            municipality_id,
            ("months", scope.key, scope.unit_ids, months[0]),
            lambda: _tables(municipality_id, scope, months),
        )
        stats = Statistics(
            scope=scope,
            scopes=scopes,
            first_month=months[0],
            last_month=months[-1],
            refreshed_at=refresh.refreshed_at,
            concerns=concerns,
            reports=reports,
            consultations=consultations,
            compliance=compliance,
        )
    record_event(
        actor=user,
        action=AuditAction.READ,
        target_type="statistics",
        target_id=scope.key,
        details={
            "scope": scope.key,
            "units": list(scope.unit_ids),
            "from": months[0].isoformat(),
            "as_of": refresh.refreshed_at.isoformat() if refresh else None,
        },
    )
    return stats

"""Refreshing the statistics' summary (`MonthlyCount`) of a municipality: what the statistics page reads.

Three aggregate queries (concerns, consultations, reports with their deadlines) over the last `MONTHS` months,
then the municipality's rows are replaced in one transaction, so the page sees the old figures or the new, never
half. The number of queries does not grow with the data (the insert is batched by `BATCH` rows of the summary,
which grows with units × months × categories, not with the children). Audited as a system action, with counts only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.casework.models import Concern, Consultation, ReportOfConcern
from kring.directory.models import Municipality
from kring.insights.models import CountKind, Deadline, Kept, MonthlyCount, StatisticsRefresh
from kring.insights.statistics import MONTHS, months_until

BATCH = 2000
Key = tuple[Any, ...]  # (kind, month, unit, receiving unit, category, decision, deadline, kept)


def refresh_statistics(
    *, municipality: Municipality, by_label: str = "kring refresh-statistics", at: datetime | None = None
) -> StatisticsRefresh:
    """Recompute the municipality's summary as of `at` (now): what was recorded in the last `MONTHS` months up to
    then, and the deadlines as of that day."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    first = months_until(today, MONTHS)[0]
    start = timezone.make_aware(datetime.combine(first, time.min))
    with transaction.atomic():
        refresh = _locked_refresh(municipality, at, first)
        counts = _counts(municipality, (start, at), today)
        MonthlyCount.objects.filter(municipality=municipality).delete()
        MonthlyCount.objects.bulk_create(_rows(municipality, counts), batch_size=BATCH)
        refresh.refreshed_at, refresh.first_month, refresh.rows = at, first, len(counts)
        refresh.save(update_fields=["refreshed_at", "first_month", "rows"])
        kinds = Counter[str]()
        for key, n in counts.items():
            kinds[key[0]] += n
        record_event(
            actor=None, action=AuditAction.WRITE, target_type="statistics_refresh", target_id=municipality.pk,
            municipality_id=municipality.pk, actor_label=by_label,
            details={"from": first.isoformat(), "as_of": today.isoformat(), "rows": len(counts),
                     "counted": dict(sorted(kinds.items()))},
        )  # fmt: skip
    return refresh


def _locked_refresh(municipality: Municipality, at: datetime, first: date) -> StatisticsRefresh:
    """The municipality's refresh record, locked: two refreshes at once wait for each other."""
    refresh, _created = StatisticsRefresh.objects.select_for_update().get_or_create(
        municipality=municipality, defaults={"refreshed_at": at, "first_month": first, "rows": 0}
    )
    return refresh


def _counts(municipality: Municipality, period: tuple[datetime, datetime], today: date) -> dict[Key, int]:
    """The summary's counts of what was recorded in the period (its first month's start, and the refresh's time)."""
    counts: dict[Key, int] = {}
    concerns = Concern.objects.filter(municipality=municipality, reported_at__range=period)
    for row in _by_month(concerns, "reported_at", "unit_id", "category"):
        _add(counts, (CountKind.CONCERNS, row["month"], row["unit_id"], None, row["category"], "", "", ""), row["n"])
    consultations = Consultation.objects.filter(municipality=municipality, asked_at__range=period)
    for row in _by_month(consultations, "asked_at", "unit_id"):
        _add(counts, (CountKind.CONSULTATIONS, row["month"], row["unit_id"], None, "", "", "", ""), row["n"])
    reports = ReportOfConcern.objects.filter(municipality=municipality, filed_at__range=period)
    for row in _by_month(reports, "filed_at", "reporter_unit_id", "receiving_unit_id", "assessment__decision", **(
        _deadline_counts(today)
    )):  # fmt: skip
        units = (row["month"], row["reporter_unit_id"], row["receiving_unit_id"])
        _add(counts, (CountKind.REPORTS, *units, "", row["assessment__decision"] or "", "", ""), row["n"])
        for deadline in Deadline.values:
            for kept in Kept.values:
                _add(counts, (CountKind.DEADLINES, *units, "", "", deadline, kept), row[f"{deadline}_{kept}"])
    return counts


def _by_month(rows: QuerySet[Any], moment: str, *keys: str, **aggregates: Any) -> Iterable[dict[str, Any]]:
    """One aggregate query: the count (and `aggregates`) by local month and `keys`."""
    grouped = rows.annotate(month=TruncMonth(moment)).values("month", *keys)
    for row in grouped.annotate(n=Count("pk"), **aggregates).order_by():
        month = row["month"]
        row["month"] = timezone.localtime(month).date() if isinstance(month, datetime) else month
        yield row


def _deadline_counts(today: date) -> dict[str, Count]:
    """Of the reports whose deadline has come by `today`: the steps made within it, and those late or not made.
    The clocks start at the report's arrival, as on the report's page."""
    assessed, decided = "assessment__protection_assessed_at__date", "assessment__decided_at__date"
    given = "feedback__given_at__date"
    return {
        "protection_on_time": Count("pk", filter=Q(**{f"{assessed}__lte": F("protection_due")})),
        "protection_late": Count(
            "pk",
            filter=Q(**{f"{assessed}__gt": F("protection_due")})
            | Q(**{f"{assessed}__isnull": True}, protection_due__lt=today),
        ),
        "decision_on_time": Count("pk", filter=Q(**{f"{decided}__lte": F("decision_due")})),
        "decision_late": Count(
            "pk",
            filter=Q(**{f"{decided}__gt": F("decision_due")})
            | Q(**{f"{decided}__isnull": True}, decision_due__lt=today),
        ),
        "feedback_on_time": Count("pk", filter=Q(**{f"{given}__lte": F("feedback_due")})),
        "feedback_late": Count(
            "pk",
            filter=Q(**{f"{given}__gt": F("feedback_due")}) | Q(feedback__isnull=True, feedback_due__lt=today),
        ),
    }


def _add(counts: dict[Key, int], key: Key, n: int) -> None:
    if n:
        counts[key] = counts.get(key, 0) + n


def _rows(municipality: Municipality, counts: dict[Key, int]) -> list[MonthlyCount]:
    return [
        MonthlyCount(
            municipality=municipality,
            kind=kind,
            month=month,
            unit_id=unit,
            receiving_unit_id=receiving,
            category=category,
            decision=decision,
            deadline=deadline,
            kept=kept,
            count=n,
        )  # fmt: skip
        for (kind, month, unit, receiving, category, decision, deadline, kept), n in counts.items()
    ]

"""Refreshing the statistics' summary (`MonthlyCount`) of a municipality: what the statistics page reads.

Six queries over the last `MONTHS` months or `TERMS` terms (the longer): the concerns, the reports and the TSI cases
(requested, closed) read in chunks with their child's grade, age band and sex that day (worked out here and counted,
never stored), the consultations and the reports' deadlines aggregated in the database; then the municipality's rows
are replaced in one transaction, so the page sees the old figures or the new, never half. The number of queries does
not grow with the data (the insert is batched by `BATCH` rows of the summary, which grows with units × months ×
categories × grades × age bands, not with the children). Audited as a system action, with counts only.
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
from kring.casework.models import CaseStage, Concern, Consultation, ReportOfConcern, TsiCase
from kring.directory.models import Municipality
from kring.insights.breakdowns import first_month_of_terms, terms_until
from kring.insights.children import about_children, child_dimensions, high_absence
from kring.insights.evaluation.panel import evaluation_rows
from kring.insights.models import (
    ComparisonPupil,
    CountKind,
    Deadline,
    EvaluatedCase,
    Kept,
    MonthlyCount,
    RequestStatus,
    StatisticsRefresh,
)
from kring.insights.research.actions import end_studies
from kring.insights.statistics import MONTHS, months_until, new_statistics_generation
from kring.schooldata.models import AbsenceInvestigation, AbsenceSettings

BATCH = 2000
Key = tuple[Any, ...]  # (kind, month, unit, receiving unit, category, decision, deadline, kept, grade, age band, sex)


def refresh_statistics(
    *, municipality: Municipality, by_label: str = "kring refresh-statistics", at: datetime | None = None
) -> StatisticsRefresh:
    """Recompute the municipality's summary as of `at` (now): what was recorded in the last `MONTHS` months and
    the last `TERMS` terms up to then, and the deadlines as of that day."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    first = min(months_until(today, MONTHS)[0], first_month_of_terms(today))
    start = timezone.make_aware(datetime.combine(first, time.min))
    with transaction.atomic():
        refresh = _locked_refresh(municipality, at, first)
        counts = _counts(municipality, (start, at), today)
        MonthlyCount.objects.filter(municipality=municipality).delete()
        MonthlyCount.objects.bulk_create(_rows(municipality, counts), batch_size=BATCH)
        evaluated = _refresh_evaluation(municipality, today)
        refresh.refreshed_at, refresh.first_month, refresh.rows = at, first, len(counts)
        refresh.save(update_fields=["refreshed_at", "first_month", "rows"])
        kinds = Counter[str]()
        for key, n in counts.items():
            kinds[key[0]] += n
        new_statistics_generation(municipality.pk)  # and once more when it is committed (a page read in between)
        transaction.on_commit(lambda: new_statistics_generation(municipality.pk))
        record_event(
            actor=None, action=AuditAction.WRITE, target_type="statistics_refresh", target_id=municipality.pk,
            municipality_id=municipality.pk, actor_label=by_label,
            details={"from": first.isoformat(), "as_of": today.isoformat(), "rows": len(counts),
                     "counted": dict(sorted(kinds.items())), "evaluated": evaluated},
        )  # fmt: skip
    end_studies(municipality=municipality, by_label=by_label)  # the nightly run wipes the keys of ended studies
    return refresh


def _refresh_evaluation(municipality: Municipality, today: date) -> dict[str, int]:
    """Replace the municipality's evaluation panel (`kring.insights.evaluation.panel`): cases and comparisons."""
    panel = evaluation_rows(municipality, today)
    ComparisonPupil.objects.filter(municipality=municipality).delete()
    EvaluatedCase.objects.filter(municipality=municipality).delete()
    EvaluatedCase.objects.bulk_create([row.case for row in panel], batch_size=BATCH)
    comparisons = [_with_case(pupil, row.case) for row in panel for _child, pupil in row.comparisons]
    ComparisonPupil.objects.bulk_create(comparisons, batch_size=BATCH)
    return {"cases": len(panel), "comparisons": len(comparisons)}


def _with_case(pupil: ComparisonPupil, case: EvaluatedCase) -> ComparisonPupil:
    pupil.case = case  # saved by now: its primary key set by bulk_create
    return pupil


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
    for row in about_children(concerns, "reported_at", "unit_id", "category"):
        child = child_dimensions(row, today)
        _add(counts, (CountKind.CONCERNS, row["month"], row["unit_id"], None, row["category"], "", "", "", *child), 1)
    consultations = Consultation.objects.filter(municipality=municipality, asked_at__range=period)
    for row in _by_month(consultations, "asked_at", "unit_id", "age_band"):
        key = (CountKind.CONSULTATIONS, row["month"], row["unit_id"], None, "", "", "", "", "", row["age_band"], "")
        _add(counts, key, row["n"])
    reports = ReportOfConcern.objects.filter(municipality=municipality, filed_at__range=period)
    for row in about_children(reports, "filed_at", "reporter_unit_id", "receiving_unit_id", "assessment__decision"):
        units = (row["month"], row["reporter_unit_id"], row["receiving_unit_id"])
        decision = row["assessment__decision"] or ""
        _add(counts, (CountKind.REPORTS, *units, "", decision, "", "", *child_dimensions(row, today)), 1)
    _count_tsi_cases(counts, municipality, period, today)
    _count_absence(counts, municipality, period, today)
    for row in _by_month(reports, "filed_at", "reporter_unit_id", "receiving_unit_id", **_deadline_counts(today)):
        units = (row["month"], row["reporter_unit_id"], row["receiving_unit_id"])
        for deadline in Deadline.values:
            for kept in Kept.values:
                _add(
                    counts, (CountKind.DEADLINES, *units, "", "", deadline, kept, "", "", ""), row[f"{deadline}_{kept}"]
                )
    return counts


def _count_tsi_cases(
    counts: dict[Key, int], municipality: Municipality, period: tuple[datetime, datetime], today: date
) -> None:
    """The TSI cases requested in the period by what became of the request, and those closed by their reason, each
    by the asking school and the team, with the child's grade, age band and sex that day."""
    requested = TsiCase.objects.filter(municipality=municipality, requested_at__range=period)
    for row in about_children(requested, "requested_at", "requesting_unit_id", "team_id", "stage"):
        units = (row["month"], row["requesting_unit_id"], row["team_id"])
        key = (CountKind.TSI_REQUESTS, *units, "", _request_status(row["stage"]), "", "")
        _add(counts, (*key, *child_dimensions(row, today)), 1)
    closed = TsiCase.objects.filter(municipality=municipality, closed_at__range=period)
    for row in about_children(closed, "closed_at", "requesting_unit_id", "team_id", "closure_reason"):
        units = (row["month"], row["requesting_unit_id"], row["team_id"])
        key = (CountKind.TSI_CLOSED, *units, row["closure_reason"], "", "", "")
        _add(counts, (*key, *child_dimensions(row, today)), 1)


def _count_absence(
    counts: dict[Key, int], municipality: Municipality, period: tuple[datetime, datetime], today: date
) -> None:
    """The investigations of absence opened in the period by school, and the pupils absent more than the term's
    threshold in each term, counted in the term's first month, each with the child's grade, age band and sex."""
    opened = AbsenceInvestigation.objects.filter(municipality=municipality, opened_at__range=period)
    for row in about_children(opened, "opened_at", "unit_id"):
        key = (CountKind.ABSENCE_INVESTIGATIONS, row["month"], row["unit_id"], None, "", "", "", "")
        _add(counts, (*key, *child_dimensions(row, today)), 1)
    settings = AbsenceSettings.objects.filter(municipality=municipality).first() or AbsenceSettings()
    for term in terms_until(today):
        for row in high_absence(municipality, term, today, settings):
            key = (CountKind.HIGH_ABSENCE, term.replace(day=1), row["unit_id"], None, "", "", "", "")
            _add(counts, (*key, *child_dimensions(row, today)), 1)


def _request_status(stage: str) -> str:
    if stage == CaseStage.DECLINED:
        return RequestStatus.DECLINED
    return RequestStatus.WAITING if stage in (CaseStage.REQUESTED, CaseStage.MORE_INFO) else RequestStatus.ACCEPTED


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
            grade=grade,
            age_band=age_band,
            sex=sex,
            count=n,
        )  # fmt: skip
        for (
            kind,
            month,
            unit,
            receiving,
            category,
            decision,
            deadline,
            kept,
            grade,
            age_band,
            sex,
        ), n in counts.items()
    ]

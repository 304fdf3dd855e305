"""The SS 12000 import: every resource Kring uses, page by page, each page committed with its checkpoint.

- **Resumable**: after each page the checkpoint stores the token of the next page in the same transaction as the
  page's rows, so an import that is killed carries on from the page after the last one committed.
- **Incremental**: a finished pass remembers when it started; the next asks only for records modified after that.
- **Idempotent**: records are upserted on their SS 12000 ids and rows already as the source says are not touched.
- **Row by row**: a malformed record is rejected with its reason (never its content) and the rest go in.
- **As the standard has it**: guardians are persons of their own (and looked up by id when a pass did not bring
  them); lessons missed come from `/calendarEvents` and `/attendances` (or `/aggregatedAttendance`), notified absence
  from `/absences`; a resource the provider does not offer is a warning in the run, and the rest goes on.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.directory.models import Municipality, User
from kring.schooldata.client import Page, Ss12000Client, Ss12000Error
from kring.schooldata.indicators import UNEXCUSED_DAYS_SPAN
from kring.schooldata.models import (
    AbsenceRecord,
    ImportRejection,
    ImportRun,
    ImportSource,
    ImportStatus,
    SyncCheckpoint,
)
from kring.schooldata.partitions import maintain_absence_partitions
from kring.schooldata.school_calendar import last_term_day, term_start
from kring.schooldata.upserts import (
    AGGREGATED_PREFIX,
    APPLY,
    SWEDISH_TIME,
    Lookup,
    PageResult,
    apply_aggregated_attendance,
    apply_deletions,
    apply_persons,
    missing_guardians,
)

# The order matters: units before the pupils enrolled there, pupils before their groups and absences, lessons before
# the attendance at them.
IMPORT_ORDER = ("organisations", "persons", "placements", "groups", "absences", "calendarEvents", "attendances")
DELETIONS = "deletedEntities"
AGGREGATED = "aggregatedAttendance"  # read only when /attendances is not offered
LOOKUP_BATCH = 100  # ids in one POST /persons/lookup
# Lessons are read for the days the absence indicators look at (the term, or 30 days back if longer), and on later
# runs again from a week before the last day read: lessons are planned long before they are held, so asking only
# for what changed since the last run would miss the days that have come since.
LESSON_DAYS_BACK = 7
# The warnings a run may carry (`ImportRun.warnings`; `import_views.describe_warning` says them).
NOT_OFFERED = "not_offered"  # a resource the provider does not offer or the client may not read: resource, status
LOOKUP_NOT_OFFERED = "lookup_not_offered"  # no POST /persons/lookup: status
GUARDIANS_MISSING = "guardians_missing"  # adults linked from children and never found: count
NO_ABSENCE = "no_absence"  # neither /absences nor /attendances


@dataclass
class Progress:
    """Called after each committed page: resource, records read in this pass so far, and the page's result."""

    callback: Callable[[str, int, PageResult], None] | None = None
    read: Counter[str] = field(default_factory=Counter)

    def page(self, resource: str, records: int, result: PageResult) -> None:
        self.read[resource] += records
        if self.callback is not None:
            self.callback(resource, self.read[resource], result)


def _save_page(run: ImportRun, resource: str, result: PageResult, row_offset: int | None = None) -> None:
    counts = run.counts.setdefault(resource, {})
    for name, number in result.counts.items():
        counts[name] = counts.get(name, 0) + number
    run.rejected += len(result.rejections)
    ImportRejection.objects.bulk_create(
        [
            ImportRejection(
                municipality_id=run.municipality_id,
                run=run,
                resource=resource,
                source_id=r.source_id,
                row_number=r.row_number,
                reason=r.reason[:2000],
            )
            for r in result.rejections
        ]
    )
    run.save(update_fields=["counts", "rejected"])


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A page holds tens of thousands of JSON dicts and pydantic records without reference cycles; Python's cyclic
    garbage collector would walk them all about once a page (some 30 % of the import's time, bench/README.md)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def latest_modified(records: list[dict[str, Any]], latest: datetime | None, zone: tzinfo = UTC) -> datetime | None:
    """The latest `meta.modified` among the records (the server's clock), or `latest` if none is later. A time
    without an offset is in the provider's time zone."""
    for record in records:
        meta = record.get("meta")
        text = meta.get("modified") if isinstance(meta, dict) else None
        if not isinstance(text, str):
            continue
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        if latest is None or moment > latest:
            latest = moment
    return latest


def lesson_window(
    checkpoint: SyncCheckpoint, today: date, *, full: bool, since: date | None = None
) -> tuple[date, date]:
    """The days whose calendar events (or summed attendance) are read: see LESSON_DAYS_BACK. `since` asks for more
    (a first import of the whole school year, say)."""
    first = min(term_start(last_term_day(today)), today - timedelta(days=UNEXCUSED_DAYS_SPAN))
    if checkpoint.read_until is not None and not full:
        first = max(first, checkpoint.read_until - timedelta(days=LESSON_DAYS_BACK))
    if since is not None:
        first = min(first, since)
    return first, today


def _import_resource(
    client: Ss12000Client,
    run: ImportRun,
    lookup: Lookup,
    resource: str,
    progress: Progress,
    *,
    full: bool,
    today: date,
    lessons_from: date | None = None,
) -> set[int] | None:
    """The resource's changes, page by page; None if the provider does not offer it (a warning in the run)."""
    checkpoint, _ = SyncCheckpoint.objects.get_or_create(municipality_id=run.municipality_id, resource=resource)
    if not checkpoint.page_token:
        checkpoint.pass_latest_modified = checkpoint.modified_after
    modified_after = None if full else checkpoint.modified_after
    params = None
    if resource == "calendarEvents":
        first, last = lesson_window(checkpoint, today, full=full, since=lessons_from)
        params = {
            "startTime.onOrAfter": _day_start(first),
            "startTime.onOrBefore": _day_start(last + timedelta(days=1)),
        }
        modified_after = None
    units: set[int] = set()
    pages = client.pages(
        resource, modified_after=modified_after, page_token=checkpoint.page_token or None, required=params
    )
    try:
        for page in pages:
            units |= _commit_page(run, lookup, resource, page, checkpoint, progress, today=today)
    except Ss12000Error as error:
        if not error.not_offered or checkpoint.page_token:  # a failure half-way is not a missing resource
            raise
        warn(run, NOT_OFFERED, resource=resource, status=error.status)
        return None
    return units


def _day_start(day: date) -> str:
    return datetime.combine(day, datetime.min.time(), tzinfo=SWEDISH_TIME).isoformat()


def warn(run: ImportRun, code: str, **values: Any) -> None:
    """Note in the run what it went on without (the report says it in the reader's language)."""
    run.warnings = [*run.warnings, {"code": code, **values}]
    run.save(update_fields=["warnings"])


def _commit_page(
    run: ImportRun,
    lookup: Lookup,
    resource: str,
    page: Page,
    checkpoint: SyncCheckpoint,
    progress: Progress,
    *,
    today: date,
) -> set[int]:
    with transaction.atomic(), _collector_paused():
        result = APPLY[resource](page.records, lookup)
        _save_page(run, resource, result)
        checkpoint.page_token = page.next_token or ""
        checkpoint.pass_latest_modified = latest_modified(page.records, checkpoint.pass_latest_modified, lookup.zone)
        if page.next_token is None:
            checkpoint.modified_after = checkpoint.pass_latest_modified
            checkpoint.read_until = today
        checkpoint.save()
        _audit_page(run, resource, len(page.records), result)
    progress.page(resource, len(page.records), result)
    return result.unit_ids


def _audit_page(run: ImportRun, resource: str, records: int, result: PageResult) -> None:
    """The audit event of a committed page: what was written, never the personal data."""
    record_event(
        actor=run.started_by,
        actor_label=run.started_by_label or None,
        action=AuditAction.WRITE,
        target_type="schooldata_import",
        target_id=run.pk,
        municipality_id=run.municipality_id,
        details={"resource": resource, "records": records, **result.counts},
    )


def _drop_aggregated(run: ImportRun, lookup: Lookup) -> set[int]:
    """With /attendances offered, the days summed from /aggregatedAttendance before are replaced by the lessons (kept,
    they would count the same absence twice). Only after a run that read them (its checkpoint says so): the rows
    are found by their prefix, which no index serves."""
    checkpoint = SyncCheckpoint.objects.filter(
        municipality_id=run.municipality_id, resource=AGGREGATED, read_until__isnull=False
    ).first()
    if checkpoint is None:
        return set()
    rows = AbsenceRecord.objects.filter(
        unit_id__in=list(lookup.units.values()), source_id__startswith=AGGREGATED_PREFIX
    )
    with transaction.atomic():
        units = set(rows.values_list("unit_id", flat=True).distinct())
        result = PageResult()
        result.counts["deleted"] = rows.delete()[0]
        _save_page(run, AGGREGATED, result)
        _audit_page(run, AGGREGATED, 0, result)
        checkpoint.read_until = None
        checkpoint.save(update_fields=["read_until"])
    return units


def _import_aggregated(
    client: Ss12000Client,
    run: ImportRun,
    lookup: Lookup,
    progress: Progress,
    *,
    full: bool,
    today: date,
    lessons_from: date | None = None,
) -> set[int] | None:
    """Attendance summed a school day at a time from /aggregatedAttendance, for a provider without /attendances (or
    without the lessons they name), over the same days as the lessons would be read; None if it is not offered
    either. Each day is read whole and committed with its checkpoint."""
    checkpoint, _ = SyncCheckpoint.objects.get_or_create(municipality_id=run.municipality_id, resource=AGGREGATED)
    first, last = lesson_window(checkpoint, today, full=full, since=lessons_from)
    units: set[int] = set()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    for number, day in enumerate(d for d in days if d.weekday() < 5):
        params = {"startDate": day.isoformat(), "endDate": day.isoformat()}
        try:
            records = [record for page in client.pages(AGGREGATED, required=params) for record in page.records]
        except Ss12000Error as error:
            if not error.not_offered or number > 0:
                raise
            warn(run, NOT_OFFERED, resource=AGGREGATED, status=error.status)
            return None
        with transaction.atomic(), _collector_paused():
            result = apply_aggregated_attendance(records, lookup, day)
            _save_page(run, AGGREGATED, result)
            checkpoint.read_until = day
            checkpoint.save()
            _audit_page(run, AGGREGATED, len(records), result)
        units |= result.unit_ids
        progress.page(AGGREGATED, len(records), result)
    return units


def _import_deletions(client: Ss12000Client, run: ImportRun, lookup: Lookup, progress: Progress) -> set[int]:
    checkpoint, _ = SyncCheckpoint.objects.get_or_create(municipality_id=run.municipality_id, resource=DELETIONS)
    # The server's clock: the latest change seen in any resource. Deletions after it are asked for next time too
    # (deleting twice changes nothing), so none is lost whatever the difference between the clocks.
    horizon = (
        SyncCheckpoint.objects.filter(municipality_id=run.municipality_id)
        .exclude(resource=DELETIONS)
        .aggregate(latest=Max("modified_after"))["latest"]
    )
    deleted = client.deleted_entities(checkpoint.modified_after)
    with transaction.atomic():
        result = apply_deletions(deleted, lookup)
        _save_page(run, DELETIONS, result)
        checkpoint.modified_after = horizon
        checkpoint.save()
        record_event(
            actor=run.started_by,
            actor_label=run.started_by_label or None,
            action=AuditAction.WRITE,
            target_type="schooldata_import",
            target_id=run.pk,
            municipality_id=run.municipality_id,
            details={"resource": DELETIONS, **result.counts},
        )
    progress.page(DELETIONS, sum(len(ids) for ids in deleted.values()), result)
    return result.unit_ids


def start_run(
    *, municipality: Municipality, source: str, source_label: str, by: User | None = None, by_label: str = ""
) -> ImportRun:
    return ImportRun.objects.create(
        municipality=municipality,
        source=source,
        source_label=source_label[:300],
        started_by=by if getattr(by, "pk", None) else None,
        started_by_label=by_label[:100],
    )


def finish_run(run: ImportRun, *, error: str = "") -> ImportRun:
    run.status = ImportStatus.FAILED if error else ImportStatus.COMPLETED
    run.error = error[:2000]
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    return run


# After this many new or changed rows the database's planner statistics are refreshed before the indicators are
# recomputed: PostgreSQL otherwise plans the first recompute after a large import on an empty table's statistics
# (125 s instead of 7 s for a whole municipality after a school year's absences, see bench/README.md).
ANALYZE_AFTER_ROWS = 50_000


def _rows_written(run: ImportRun) -> int:
    return sum(
        number
        for counts in run.counts.values()
        for name, number in counts.items()
        if isinstance(number, int) and name.endswith(("created", "updated", "deleted"))
    )


def update_statistics(model: type[Model]) -> None:
    """ANALYZE one table (SQLite and PostgreSQL both know the statement)."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def recompute_after_import(
    municipality_id: int, unit_ids: set[int], run: ImportRun, *, today: date | None = None
) -> None:
    from kring.schooldata.indicators import recompute_indicators

    # The coming school year's partition made ahead, and rows of a year that had none moved out of DEFAULT.
    maintain_absence_partitions(today or timezone.localdate())
    if not unit_ids:
        return
    started = time.perf_counter()
    if _rows_written(run) >= ANALYZE_AFTER_ROWS:
        update_statistics(AbsenceRecord)
    written = recompute_indicators(municipality_id, unit_ids=sorted(unit_ids), today=today)
    run.counts["indicators"] = {"recomputed": written, "seconds": round(time.perf_counter() - started, 2)}
    run.save(update_fields=["counts"])


def _import_guardians(client: Ss12000Client, run: ImportRun, lookup: Lookup, progress: Progress) -> None:
    """The guardians linked from pupils whose own person records the pass over /persons did not bring (a provider
    may leave them out of /persons, or they changed before the link did): asked for by id, a batch at a time."""
    missing = missing_guardians(lookup)
    try:
        for start in range(0, len(missing), LOOKUP_BATCH):
            records = client.lookup_persons(missing[start : start + LOOKUP_BATCH])
            with transaction.atomic(), _collector_paused():
                result = apply_persons(records, lookup)
                _save_page(run, "persons", result)
                _audit_page(run, "persons/lookup", len(records), result)
            progress.page("persons", len(records), result)
    except Ss12000Error as error:
        if not error.not_offered:
            raise
        warn(run, LOOKUP_NOT_OFFERED, status=error.status)
    if still := len(missing_guardians(lookup)):
        warn(run, GUARDIANS_MISSING, count=still)


def import_ss12000(
    *,
    municipality: Municipality,
    client: Ss12000Client,
    by: User | None = None,
    by_label: str = "kring import-ss12000",
    full: bool = False,
    progress: Callable[[str, int, PageResult], None] | None = None,
    resources: tuple[str, ...] = IMPORT_ORDER,
    today: date | None = None,
    lessons_from: date | None = None,
) -> ImportRun:
    """Import from an SS 12000 API into the municipality. A resource the provider does not offer becomes a warning
    in the run. Lessons are read from `lessons_from` if it is earlier than the days they are read for anyway.
    Raises `Ss12000Error` (after recording the run as failed) when the server cannot be read; run it again to carry
    on from the last committed page."""
    today = today or timezone.localdate()
    run = start_run(
        municipality=municipality,
        source=ImportSource.SS12000,
        source_label=client.settings.base_url,
        by=by,
        by_label=by_label,
    )
    # The school years the import may write, from the one before (or `lessons_from`'s) to the next, partitioned first.
    maintain_absence_partitions(today, since=min(lessons_from or today, today - timedelta(days=366)))
    lookup = Lookup.load(municipality.pk, zone=ZoneInfo(client.settings.time_zone))
    tracker = Progress(progress)
    units: set[int] = set()
    missing: set[str] = set()
    try:
        for resource in resources:
            if resource == "attendances" and "calendarEvents" in missing:
                missing.add(resource)  # no lessons to put them on days: summed attendance instead
                continue
            found = _import_resource(
                client, run, lookup, resource, tracker, full=full, today=today, lessons_from=lessons_from
            )
            if found is None:
                missing.add(resource)
            else:
                units |= found
            if resource == "persons":
                _import_guardians(client, run, lookup, tracker)
        if "attendances" in missing:
            found = _import_aggregated(client, run, lookup, tracker, full=full, today=today, lessons_from=lessons_from)
            if found is None:
                missing.add(AGGREGATED)
            else:
                units |= found
                missing.discard("attendances")
        elif "attendances" in resources:
            units |= _drop_aggregated(run, lookup)
        if {"absences", "attendances"} & set(resources) and not {"absences", "attendances"} & (
            set(resources) - missing
        ):
            warn(run, NO_ABSENCE)
        units |= _import_deletions(client, run, lookup, tracker)
    except (Ss12000Error, KeyboardInterrupt) as error:
        finish_run(run, error=str(error) or type(error).__name__)
        raise
    recompute_after_import(municipality.pk, units, run, today=today)
    return finish_run(run)

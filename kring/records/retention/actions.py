"""Clearing (gallring): what is due under each rule, and deleting it in batches, each batch atomic and audited with
what was cleared (record type, how many, under which rule), never what the records said. A run interrupted half-way
is resumed by the next: what is left is still due."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import CharField, Count, F, Model, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import can
from kring.access.roles import Permission
from kring.casework.workflow import WorkflowError
from kring.directory.models import Municipality, User
from kring.records.archive.actions import ARCHIVABLE, hand_over
from kring.records.models import AnonymousCount, RetentionAction, RetentionRule
from kring.records.retention.kinds import KINDS, due
from kring.records.retention.rules import rules_of

BATCH = 500


@dataclass(frozen=True)
class Due:
    rule: RetentionRule
    count: int


def due_now(municipality: Municipality, today: date) -> list[Due]:
    """Every rule of the municipality and how many records it makes due today (a kept type: none)."""
    return [
        Due(rule, 0 if rule.action == RetentionAction.KEEP else _due(rule, today).count())
        for rule in rules_of(municipality)
    ]


def _due(rule: RetentionRule, today: date) -> QuerySet[Model]:
    return due(rule.record_type, rule.municipality_id, rule.counted_from, rule.keep_years, today)


def clear(
    *, municipality: Municipality, today: date, batch: int = BATCH, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Delete what is due, type by type, `batch` records at a time; returns how many of each type were cleared."""
    cleared: dict[str, int] = {}
    for item in due_now(municipality, today):
        if item.count:
            cleared[item.rule.record_type] = _clear_rule(item.rule, today, batch, progress)
    return cleared


def _clear_rule(rule: RetentionRule, today: date, batch: int, progress: Callable[[str, int], None] | None) -> int:
    """Delete what the rule makes due, a batch at a time; a rule that says "archive" first hands each record of the
    batch to the archive as a package (in KRING_ARCHIVE_DIR), one that says "anonymise" keeps how many there were
    by year and kind (in the same transaction as the deletion), then clears it."""
    total = 0
    while True:
        ids = list(_due(rule, today).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return total
        if rule.action == RetentionAction.ARCHIVE:
            hand_over(
                municipality_id=rule.municipality_id, record_type=rule.record_type, ids=ids,
                parent=Path(settings.KRING_ARCHIVE_DIR),
            )  # fmt: skip
        with transaction.atomic():
            if rule.action == RetentionAction.ANONYMISE:
                _keep_counts(rule, ids)
            KINDS[rule.record_type].model._default_manager.filter(pk__in=ids).delete()
            total += len(ids)
            record_event(
                actor=None, action=AuditAction.WRITE, target_type="retention", target_id=rule.pk,
                municipality_id=rule.municipality_id, actor_label="kring retention",
                details={"record_type": rule.record_type, "count": len(ids), "rule": _described(rule),
                         "today": today.isoformat()},
            )  # fmt: skip
        if progress is not None:
            progress(rule.record_type, total)


def _keep_counts(rule: RetentionRule, ids: list[int]) -> None:
    """Before the rows go: add how many there were, by year and kind, to the municipality's anonymous counts."""
    tally = KINDS[rule.record_type].tally
    if tally is None:
        raise WorkflowError(_("This record type cannot be anonymised."), code="anonymise")
    rows = KINDS[rule.record_type].model._default_manager.filter(pk__in=ids)
    kind = F(tally.kind_path) if tally.kind_path else Value("")
    grouped = rows.annotate(
        tally_year=ExtractYear(tally.year_path), tally_kind=Coalesce(Cast(kind, CharField()), Value(""))
    )
    for row in grouped.values("tally_year", "tally_kind").annotate(n=Count("pk")).order_by():
        counted, _created = AnonymousCount.objects.select_for_update().get_or_create(
            municipality_id=rule.municipality_id, record_type=rule.record_type, year=row["tally_year"],
            kind=row["tally_kind"],
        )  # fmt: skip
        AnonymousCount.objects.filter(pk=counted.pk).update(count=F("count") + row["n"])


def _described(rule: RetentionRule) -> str:
    return f"{rule.keep_years} years after {rule.counted_from}, {rule.action}; source: {rule.source}"


@dataclass(frozen=True)
class RuleInput:
    keep_years: int
    counted_from: str
    action: str
    source: str


def save_rule(*, by: User, rule: RetentionRule, given: RuleInput) -> RetentionRule:
    """The archivist changes a rule to what the municipality's plan says; audited with the old and the new."""
    if not can(by, Permission.RECORDS_MANAGE) or by.municipality_id != rule.municipality_id:
        raise PermissionDenied
    if given.counted_from not in KINDS[rule.record_type].anchors:
        raise WorkflowError(_("This record type cannot be counted from that event."), code="anchor")
    if given.action == RetentionAction.ANONYMISE and KINDS[rule.record_type].tally is None:
        raise WorkflowError(_("This record type cannot be anonymised."), code="anonymise")
    if given.action == RetentionAction.ARCHIVE and rule.record_type not in ARCHIVABLE:
        raise WorkflowError(_("Kring cannot yet hand this record type to the archive as a package."), code="archive")
    if not given.source.strip():
        raise WorkflowError(_("Say where the rule comes from (the plan and its item)."), code="source")
    before = _described(rule)
    with transaction.atomic():
        rule.keep_years, rule.counted_from, rule.action = given.keep_years, given.counted_from, given.action
        rule.source, rule.changed_by, rule.changed_at = given.source.strip(), by, timezone.now()
        rule.save()
        record_event(
            actor=by, action=AuditAction.WRITE, target_type="retention_rule", target_id=rule.pk,
            details={"record_type": rule.record_type, "before": before, "after": _described(rule)},
        )  # fmt: skip
    return rule

"""Who keeps the retention rules: the municipality's archivist (permission `records.manage`), for their own
municipality only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import Http404

from kring.access.policy import can
from kring.access.roles import Permission
from kring.directory.models import Municipality, User
from kring.records.models import AnonymousCount, RecordType, RetentionRule
from kring.records.retention.actions import Due, due_now
from kring.records.retention.kinds import KINDS
from kring.records.retention.rules import rules_of
from kring.suppression import suppress


def may_keep_rules(user: User) -> bool:
    return can(user, Permission.RECORDS_MANAGE) and user.municipality_id is not None


def _municipality(user: User) -> Municipality:
    if not may_keep_rules(user) or user.municipality is None:
        raise Http404
    return user.municipality


def rules_for_user(user: User, today: date) -> list[Due]:
    """The archivist's municipality's rules, each with how many records it makes due today; 404 for anyone else."""
    return due_now(_municipality(user), today)


def rule_for_user(user: User, record_type: str) -> RetentionRule:
    municipality = _municipality(user)
    if record_type not in RecordType.values:
        raise Http404
    return next(rule for rule in rules_of(municipality) if rule.record_type == record_type)


@dataclass(frozen=True)
class CountsTable:
    """One record type's anonymous counts: kinds (rows) by years (columns), small counts suppressed."""

    record_type: str
    label: str
    years: list[int]
    rows: list[tuple[str, list[int | None], int | None]]  # kind's label, its counts by year, its total
    year_totals: list[int | None]
    total: int | None


def anonymous_counts_for_user(user: User) -> list[CountsTable]:
    """What the municipality's anonymising rules have kept, one table per record type (one query for all)."""
    municipality = _municipality(user)
    counts = AnonymousCount.objects.filter(municipality=municipality).values_list(
        "record_type", "year", "kind", "count"
    )
    by_type: dict[str, dict[tuple[str, int], int]] = {}
    for record_type, year, kind, count in counts:
        by_type.setdefault(record_type, {})[(kind, year)] = count
    return [_table(record_type, cells) for record_type, cells in sorted(by_type.items())]


def _table(record_type: str, cells: dict[tuple[str, int], int]) -> CountsTable:
    years = sorted({year for _kind, year in cells})
    kinds = sorted({kind for kind, _year in cells})
    published = suppress([[cells.get((kind, year), 0) for year in years] for kind in kinds])
    labels, label = _kind_labels(record_type), str(RecordType(record_type).label)
    rows = [
        (labels.get(kind, kind) or label, published.cells[index], published.row_totals[index])
        for index, kind in enumerate(kinds)
    ]
    return CountsTable(record_type, label, years, rows, published.column_totals, published.total)


def _kind_labels(record_type: str) -> dict[str, str]:
    """The kinds' labels: the choices of the field the record type's tally counts by."""
    tally = KINDS[record_type].tally
    if tally is None or not tally.kind_path:
        return {}
    model: Any = KINDS[record_type].model
    field: Any = None
    for part in tally.kind_path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model
    return {str(value): str(label) for value, label in (field.choices or [])}

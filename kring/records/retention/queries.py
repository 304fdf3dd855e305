"""Who keeps the retention rules: the municipality's archivist (permission `records.manage`), for their own
municipality only."""

from __future__ import annotations

from datetime import date

from django.http import Http404

from kring.access.policy import can
from kring.access.roles import Permission
from kring.directory.models import Municipality, User
from kring.records.models import RecordType, RetentionRule
from kring.records.retention.actions import Due, due_now
from kring.records.retention.rules import rules_of


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

"""The archivist's start page: rules still on Kring's defaults to check against the municipality's plan, and what
tonight's clearing will remove. No child data (counts only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kring.directory.today import GROUP_LIMIT, Priority, WorkGroup, WorkItem
from kring.records.retention.queries import may_keep_rules, rules_for_user


def retention_work(user: Any, today: date) -> list[WorkGroup]:
    if not may_keep_rules(user):
        return []
    items = []
    for item in rules_for_user(user, today):
        rule = item.rule
        label = str(rule.get_record_type_display())
        if rule.changed_at is None:
            items.append(
                WorkItem(Priority.TO_DO, _("Check the rule against the municipality's plan"), label, "",
                         reverse("records_rule", args=[rule.record_type]), rank=1)
            )  # fmt: skip
        if item.count:
            what = _("%(count)d records due to be cleared tonight") % {"count": item.count}
            items.append(WorkItem(Priority.TO_KNOW, what, label, "", reverse("records_retention"), rank=2))
    items.sort(key=lambda work: (work.priority, work.rank))
    return [WorkGroup("retention", _("Retention"), len(items), items[:GROUP_LIMIT], reverse("records_retention"))]

"""The start page's "to do today": each app that holds work registers a source of it; the start page merges them.

A source answers, for one person and one day, the groups of work it knows of (reports not received, concerns to
triage, follow-ups due, ...), each group with its full count and at most `GROUP_LIMIT` items. A source reads only
through the access policy: what a person has no basis for is neither listed nor counted. Sources keep a constant
number of queries whatever the data size.

The apps above the directory (casework, schooldata) cannot be imported here; they register in their `ready()`, as
the people app's overview sources do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any

from django.db.models import Count, IntegerField, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

GROUP_LIMIT = 10
PAGE_LIMIT = 40


class Priority(IntEnum):
    """How soon an item needs the person: the start page lists the most urgent first."""

    OVERDUE = 0
    TODAY = 1
    SOON = 2
    TO_DO = 3
    TO_KNOW = 4

    @property
    def label(self) -> str:
        labels = {
            Priority.OVERDUE: _("Overdue"),
            Priority.TODAY: _("Today"),
            Priority.SOON: _("Soon"),
            Priority.TO_DO: _("To do"),
            Priority.TO_KNOW: _("For your information"),
        }
        return str(labels[self])

    @property
    def css(self) -> str:
        return self.name.lower().replace("_", "-")


def due_priority(due: date, today: date, *, soon_days: int = 7) -> Priority:
    """A deadline's priority: overdue, today, within `soon_days`, or later (to do)."""
    if due < today:
        return Priority.OVERDUE
    if due == today:
        return Priority.TODAY
    return Priority.SOON if (due - today).days <= soon_days else Priority.TO_DO


def due_text(due: date, today: date) -> str:
    """A deadline in words, relative to today."""
    days = (due - today).days
    if days == 0:
        return _("due today")
    if days > 0:
        return ngettext("due in %(days)s day (%(date)s)", "due in %(days)s days (%(date)s)", days) % {
            "days": days,
            "date": due.isoformat(),
        }
    return ngettext("%(days)s day overdue (%(date)s)", "%(days)s days overdue (%(date)s)", -days) % {
        "days": -days,
        "date": due.isoformat(),
    }


def since_text(day: date, today: date) -> str:
    """How long ago something began, in words."""
    days = max((today - day).days, 0)
    if days == 0:
        return _("since today")
    return ngettext("for %(days)s day (since %(date)s)", "for %(days)s days (since %(date)s)", days) % {
        "days": days,
        "date": day.isoformat(),
    }


@dataclass(frozen=True)
class WorkItem:
    """One thing to do or to know, linking to the thing itself."""

    priority: Priority
    what: str  # the step: "Protection assessment", "Concern to decide on"
    subject: str  # whom or what it is about: the child's name, "Consultation 12"
    when: str  # "due today", "3 days overdue (2026-12-03)", "for 12 days"
    url: str
    order: date | None = None  # within a priority, the earlier first ...
    child_id: int | None = None  # the child whose data the row shows (audited as read)
    rank: int = 9  # ... and before that, the lower rank first (an acute report before a normal one)


@dataclass(frozen=True)
class WorkGroup:
    """A kind of work with its full count and its first items; `url` leads to the whole list."""

    key: str
    label: str
    count: int
    items: list[WorkItem]
    url: str = ""


WorkSource = Callable[[Any, date], list[WorkGroup]]
_sources: list[WorkSource] = []


def register_work_source(source: WorkSource) -> None:
    if source not in _sources:
        _sources.append(source)


def count_and_first(rows: QuerySet[Any], *order: str) -> tuple[int, list[Any]]:
    """The full count of a kind of work and its first `GROUP_LIMIT` rows in this order, in one query: each row
    carries the count of all rows (a window over the whole result, worked out before the limit)."""
    if rows.query.distinct or rows.query.group_by is not None:  # a window would count before DISTINCT/GROUP BY
        count = rows.count()
        return count, (list(rows.order_by(*order)[:GROUP_LIMIT]) if count else [])
    first = list(rows.annotate(kring_total=Window(Count("pk"))).order_by(*order)[:GROUP_LIMIT])
    return (first[0].kring_total if first else 0), first


def work_groups(user: Any, today: date) -> list[WorkGroup]:
    """Every registered source's groups for the person, in the order the apps registered them; empty groups left
    out."""
    return [group for source in _sources for group in source(user, today) if group.count]


def most_urgent(groups: list[WorkGroup], limit: int = PAGE_LIMIT) -> list[WorkItem]:
    """The items of all groups, most urgent first (within a priority by rank, then the earliest date first)."""
    items = [item for group in groups for item in group.items]
    items.sort(key=lambda item: (item.priority, item.rank, item.order or date.max, item.what, item.subject))
    return items[:limit]


# --- counts beside the menu --------------------------------------------------------------------------------------

MenuCount = Callable[[Any], "QuerySet[Any] | None"]
_menu_counts: dict[str, MenuCount] = {}


def register_menu_count(key: str, rows: MenuCount) -> None:
    """`rows(user)` is the queryset (through the policy) whose count appears beside the menu item `key`, or None."""
    _menu_counts[key] = rows


def count_of(rows: QuerySet[Any]) -> Subquery:
    """The number of rows, as a subquery (an aggregate without GROUP BY answers one row, 0 when there are none)."""
    counted = rows.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)  # type: ignore[return-value]


def menu_counts(user: Any) -> dict[str, int]:
    """All the menu's counts in one query."""
    from kring.directory.models import User

    subqueries = {
        f"count_{key}": count_of(rows) for key, source in _menu_counts.items() if (rows := source(user)) is not None
    }
    if not subqueries:
        return {}
    values = User.objects.filter(pk=user.pk).values(**subqueries).first() or {}
    return {key.removeprefix("count_"): int(str(value or 0)) for key, value in values.items()}

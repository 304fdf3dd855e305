"""The start page's trygg-bas work:

* an adult asked to build a relation with a pupil: the pupil, and when to follow it up;
* the school's leadership: assignments past their follow-up date that nobody followed up;
* whoever the class review named for a yellow or red pupil's next step: the step and its date;
* the mentor and the teachers: their classes whose inventory this term is not complete.

Rows are read through the policy (`visible_to`) and counted in full; constant queries."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kring.access.policy import can, visible_to
from kring.access.roles import Permission
from kring.directory.models import User
from kring.directory.today import Priority, WorkGroup, WorkItem, count_and_first, due_priority, due_text
from kring.prevention.models import AgreedRating, RelationAssignment, Wellbeing
from kring.prevention.terms import term_label, term_of
from kring.prevention.tryggbas.queries import inventory_progress, lead_unit_ids


def _relations_to_build(user: User, today: date) -> WorkGroup:
    rows = visible_to(user, RelationAssignment.objects.filter(adult_id=user.pk, followed_up_at__isnull=True))
    count, first = count_and_first(rows.select_related("child"), "follow_up_on", "pk")
    items = [
        WorkItem(
            priority=due_priority(assignment.follow_up_on, today),
            what=_("Build a relation (trygg bas): follow up"),
            subject=assignment.child.full_name,
            when=due_text(assignment.follow_up_on, today),
            url=reverse("prevention_follow_up", args=[assignment.pk]),
            order=assignment.follow_up_on,
            child_id=assignment.child_id,
        )
        for assignment in first
    ]
    return WorkGroup("relations_to_build", _("Relations to build"), count, items)


def _follow_ups_due(user: User, today: date) -> WorkGroup:
    rows = visible_to(
        user,
        RelationAssignment.objects.filter(
            unit_id__in=lead_unit_ids(user), followed_up_at__isnull=True, follow_up_on__lt=today
        ).exclude(adult_id=user.pk),
    )
    count, first = count_and_first(rows.select_related("child", "adult"), "follow_up_on", "pk")
    items = [
        WorkItem(
            priority=Priority.OVERDUE,
            what=_("Safe adult not followed up (%(adult)s)") % {"adult": assignment.adult.get_full_name()},
            subject=assignment.child.full_name,
            when=due_text(assignment.follow_up_on, today),
            url=reverse("prevention_follow_up", args=[assignment.pk]),
            order=assignment.follow_up_on,
            child_id=assignment.child_id,
        )
        for assignment in first
    ]
    return WorkGroup("safe_adult_follow_ups", _("Safe adults to follow up"), count, items)


def _next_steps(user: User, today: date) -> WorkGroup:
    rows = visible_to(
        user,
        AgreedRating.objects.filter(responsible_id=user.pk, step_done_at__isnull=True).exclude(rating=Wellbeing.GREEN),
    )
    count, first = count_and_first(rows.select_related("child", "review"), "next_step_by", "pk")
    items = [
        WorkItem(
            priority=due_priority(agreed.next_step_by, today) if agreed.next_step_by else Priority.TO_DO,
            what=_("Class review: %(step)s") % {"step": agreed.get_next_step_display()},
            subject=agreed.child.full_name,
            when=due_text(agreed.next_step_by, today) if agreed.next_step_by else "",
            url=reverse("prevention_class_review", args=[agreed.review.group_id]),
            order=agreed.next_step_by,
            child_id=agreed.child_id,
        )
        for agreed in first
    ]
    return WorkGroup("wellbeing_next_steps", _("Next steps from class reviews"), count, items)


def _inventories(user: User, today: date) -> WorkGroup:
    unfinished = [(group, pupils, done) for group, pupils, done in inventory_progress(user, today) if done < pupils]
    term = term_label(term_of(today))
    items = [
        WorkItem(
            priority=Priority.TO_DO,
            what=_("Safe adults this term (%(term)s)") % {"term": term},
            subject=_("Class %(group)s, %(school)s") % {"group": group.name, "school": group.unit.name},
            when=_("%(done)s of %(pupils)s pupils") % {"done": done, "pupils": pupils},
            url=reverse("prevention_class", args=[group.pk]),
        )
        for group, pupils, done in unfinished[:10]
    ]
    return WorkGroup(
        "safe_adult_inventories", _("Inventories of safe adults"), len(unfinished), items, reverse("prevention_home")
    )


def trygg_bas_work(user: Any, today: date) -> list[WorkGroup]:
    """The start page's groups from trygg bas and the class reviews."""
    if not can(user, Permission.PREVENTION_CLASS):
        return []
    groups = [_relations_to_build(user, today), _next_steps(user, today)]
    if can(user, Permission.PREVENTION_LEAD):
        groups.append(_follow_ups_due(user, today))
    else:
        groups.append(_inventories(user, today))  # the leadership's classes are every class: not work of the day
    return groups

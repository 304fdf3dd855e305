"""The start page's reviews: the agreements (for the person responsible for the review, and for the coordinators)
and the collaboration groups (for the coordinators) whose review date is near or past. No child data."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kring.collaboration.agreements.queries import due_for_review
from kring.collaboration.groups.queries import may_keep, may_read
from kring.directory.today import GROUP_LIMIT, WorkGroup, WorkItem, due_priority, due_text


def agreement_work(user: Any, today: date) -> list[WorkGroup]:
    if not may_read(user):
        return []
    keeps = may_keep(user)
    agreements, groups = due_for_review(user, today, details=False)
    agreements = [v for v in agreements if keeps or v.agreement.responsible_id == user.pk]
    items = [
        WorkItem(
            priority=due_priority(version.review_on, today, soon_days=30),
            what=_("Review the agreement"),
            subject=version.agreement.title,
            when=due_text(version.review_on, today),
            url=reverse("collaboration_agreement", args=[version.agreement_id]),
            order=version.review_on,
        )
        for version in agreements
    ]
    if keeps:
        items += [
            WorkItem(
                priority=due_priority(group.review_on, today, soon_days=30),
                what=_("Review the collaboration group"),
                subject=group.name,
                when=due_text(group.review_on, today),
                url=reverse("collaboration_group", args=[group.pk]),
                order=group.review_on,
            )
            for group in groups
            if group.review_on is not None
        ]
    items.sort(key=lambda item: (item.priority, item.order))
    return [WorkGroup("reviews", _("Reviews due"), len(items), items[:GROUP_LIMIT], reverse("collaboration_reviews"))]

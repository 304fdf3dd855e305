"""The data protection coordinator's start page: the requests not yet answered, the nearest deadline first."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kring.directory.today import GROUP_LIMIT, Priority, WorkGroup, WorkItem
from kring.records.extracts.queries import may_handle_extracts, open_extracts_for_user
from kring.records.models import ExtractStatus

_NEXT_STEP = {
    ExtractStatus.RECEIVED: gettext_lazy("Compile the register extract"),
    ExtractStatus.COMPILED: gettext_lazy("Review the register extract for secrecy"),
    ExtractStatus.REVIEWED: gettext_lazy("Release the register extract"),
}


def extract_work(user: Any, today: date) -> list[WorkGroup]:
    if not may_handle_extracts(user):
        return []
    items = []
    for extract in open_extracts_for_user(user):
        late = extract.due_on < today
        due = _("Late: due %(date)s") if late else _("Due %(date)s")
        items.append(
            WorkItem(
                Priority.OVERDUE if late else Priority.TO_DO,
                str(_NEXT_STEP.get(ExtractStatus(extract.status), "")),
                str(extract.get_subject_kind_display()),
                due % {"date": extract.due_on.isoformat()},
                reverse("records_extract", args=[extract.pk]),
                order=extract.due_on,
            )
        )
    items.sort(key=lambda work: (work.priority, work.order or today))
    return [WorkGroup("extracts", _("Register extracts"), len(items), items[:GROUP_LIMIT], reverse("records_extracts"))]

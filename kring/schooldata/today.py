"""The work of the day around absence, for the start page of the principal and student health.

* pupils over an absence threshold at the user's schools that nothing has been started for yet (no investigation
  of absence, no open concern at the school, no open TSI case the user can see): the principal must start an
  investigation promptly (skollagen 7 kap 19 a §);
* the investigations of absence that are open, and for how long.

Lists read through the policy (`visible_to`) and are counted in full; constant queries.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.policy import can, visible_to
from kring.access.roles import Permission
from kring.casework.models import OPEN_STAGES, Concern, ConcernStatus, TsiCase
from kring.directory.models import User
from kring.directory.today import Priority, WorkGroup, WorkItem, count_and_first, since_text
from kring.schooldata.models import AbsenceIndicator, AbsenceInvestigation, AbsenceLevel, InvestigationStatus
from kring.schooldata.queries import early_warning_unit_ids


def unattended_pupils(user: User) -> QuerySet[AbsenceIndicator]:
    """Indicators over a threshold at the user's schools with nothing started for the pupil."""
    units = early_warning_unit_ids(user)
    started_investigation = AbsenceInvestigation.objects.filter(
        child_id=OuterRef("child_id"), unit_id=OuterRef("unit_id"), status=InvestigationStatus.OPEN
    )
    open_concern = visible_to(
        user, Concern.objects.filter(child_id=OuterRef("child_id"), unit_id=OuterRef("unit_id"))
    ).exclude(status=ConcernStatus.CLOSED)
    open_case = visible_to(user, TsiCase.objects.filter(child_id=OuterRef("child_id"), stage__in=OPEN_STAGES))
    return (
        visible_to(user, AbsenceIndicator.objects.filter(unit_id__in=units, level__gte=AbsenceLevel.SIGNAL))
        .exclude(Exists(started_investigation))
        .exclude(Exists(open_concern))
        .exclude(Exists(open_case))
    )


def _unattended_group(user: User, today: date) -> WorkGroup:
    indicators = unattended_pupils(user).select_related("child", "unit")
    count, rows = count_and_first(indicators, "-level", "-term_percent", "pk")
    items = [
        WorkItem(
            priority=Priority.TODAY if indicator.level >= AbsenceLevel.HIGH else Priority.TO_DO,
            what=str(
                _("Absence over the threshold (%(level)s): nothing started yet")
                % {"level": indicator.get_level_display()}
            ),
            subject=indicator.child.full_name,
            when=_("%(percent)s %% this term, %(school)s")
            % {"percent": round(indicator.term_percent), "school": indicator.unit.name},
            url=reverse("absence_early_warning", args=[indicator.unit_id]),
            child_id=indicator.child_id,
        )
        for indicator in rows
    ]
    return WorkGroup("absence_unattended", str(_("Pupils over an absence threshold")), count, items,
                     reverse("absence_units"))  # fmt: skip


def _open_investigations(user: User, today: date) -> WorkGroup:
    investigations = visible_to(
        user,
        AbsenceInvestigation.objects.filter(unit_id__in=early_warning_unit_ids(user), status=InvestigationStatus.OPEN),
    )
    count, rows = count_and_first(investigations.select_related("child"), "opened_at", "pk")
    items = [
        WorkItem(
            priority=Priority.TO_DO,
            what=str(_("Investigation of absence open")),
            subject=investigation.child.full_name,
            when=since_text(timezone.localdate(investigation.opened_at), today),
            url=reverse("absence_investigation", args=[investigation.pk]),
            order=timezone.localdate(investigation.opened_at),
            child_id=investigation.child_id,
        )
        for investigation in rows
    ]
    return WorkGroup("investigations_open", str(_("Investigations of absence open")), count, items)


def absence_work(user: Any, today: date) -> list[WorkGroup]:
    """The start page's groups from the school's absence."""
    if not can(user, Permission.ABSENCE_OVERSEE):
        return []
    return [_unattended_group(user, today), _open_investigations(user, today)]

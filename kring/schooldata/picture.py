"""The child's investigations of absence and absence over a threshold in the overview's whole picture and
chronology: the school's records, for the principal and student health of the school that keeps them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kring.access.policy import Basis, basis_for_among, visible_to
from kring.access.roles import Origin
from kring.people.picture import ChronologyEvent, Picture, PictureRow, on_day
from kring.schooldata.models import AbsenceIndicator, AbsenceInvestigation, AbsenceLevel


def _investigations(user: Any, child: Any, bases: list[Basis]) -> Picture:
    picture = Picture()
    investigations = visible_to(user, AbsenceInvestigation.objects.filter(child=child)).select_related(
        "unit__organisation"
    )
    for investigation in investigations.order_by("opened_at", "pk"):
        basis = basis_for_among(bases, investigation)
        if basis is None:
            continue
        url = reverse("absence_investigation", args=[investigation.pk])
        school = investigation.unit.name
        picture.rows.append(
            PictureRow(f"absence_investigation:{investigation.pk}", str(_("Investigation of absence")), school,
                       investigation.get_status_display(), investigation.opened_at.date(), basis, url)
        )  # fmt: skip
        opened = _("Investigation of absence opened at %(school)s") % {"school": school}
        picture.events.append(ChronologyEvent(investigation.opened_at, Origin.SCHOOL, opened, basis, url))
        if investigation.closed_at:
            closed = _("Investigation of absence closed")
            picture.events.append(ChronologyEvent(investigation.closed_at, Origin.SCHOOL, closed, basis, url))
    return picture


def _indicators(user: Any, child: Any, bases: list[Basis]) -> Picture:
    picture = Picture()
    indicators = visible_to(
        user, AbsenceIndicator.objects.filter(child=child, level__gte=AbsenceLevel.SIGNAL)
    ).select_related("unit__organisation")
    for indicator in indicators.order_by("unit_id"):
        basis = basis_for_among(bases, indicator)
        if basis is None:
            continue
        url = reverse("absence_child", args=[child.pk])
        status = _("%(level)s: %(percent)s %% this term") % {
            "level": indicator.get_level_display(),
            "percent": round(indicator.term_percent),
        }
        picture.rows.append(
            PictureRow(f"absence_indicator:{indicator.pk}", str(_("Absence over a threshold")), indicator.unit.name,
                       status, indicator.computed_on, basis, url)
        )  # fmt: skip
        text = _("Absence over a threshold at %(school)s (%(status)s), as of this day") % {
            "school": indicator.unit.name,
            "status": status,
        }
        moment = on_day(indicator.computed_on)
        picture.events.append(ChronologyEvent(moment, Origin.SCHOOL, text, basis, url, with_time=False))
    return picture


def absence_picture(user: Any, child: Any, bases: list[Basis]) -> Picture:
    """The child's investigations of absence and absence indicators over a threshold that the user may see."""
    picture = _investigations(user, child, bases)
    picture.extend(_indicators(user, child, bases))
    return picture

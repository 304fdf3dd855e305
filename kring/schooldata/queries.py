"""Reading the early warning of absence and the investigations of absence through the access policy.

The early warning is for those who follow a school's absence (Permission.ABSENCE_OVERSEE: the principal and student
health) and only at the schools where they hold such a role; anyone else gets 404. Lists go through `visible_to`,
with a constant number of queries whatever the number of pupils, and every view of a list is audited with the
children it showed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, QuerySet
from django.http import Http404
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import (
    Basis,
    bases_for_children,
    basis_among,
    basis_for,
    can,
    units_with_permission,
    visible_to,
)
from kring.access.roles import Category, Origin, Permission
from kring.casework.models import OPEN_STAGES, CaseStage, Concern, ConcernStatus, TsiCase
from kring.casework.reports.concern_queries import next_actor
from kring.directory.models import Unit, UnitKind, User
from kring.people.models import Child, Placement
from kring.people.queries import get_child_for_user
from kring.people.views import OverviewPart
from kring.schooldata.indicators import REASON_STREAK, REASON_TERM, REASON_UNEXCUSED, REASON_WINDOW
from kring.schooldata.models import (
    AbsenceIndicator,
    AbsenceInvestigation,
    AbsenceLevel,
    AbsenceSettings,
    InvestigationStatus,
)

REASON_LABELS = {
    REASON_TERM: gettext_lazy("absence this term"),
    REASON_STREAK: gettext_lazy("consecutive days"),
    REASON_WINDOW: gettext_lazy("recent absence"),
    REASON_UNEXCUSED: gettext_lazy("unexcused absence"),
}

# Who acts next while a TSI case is open, by its stage.
TSI_NEXT: dict[str, Any] = {
    CaseStage.REQUESTED: gettext_lazy("TSI team: assessing the request"),
    CaseStage.MORE_INFO: gettext_lazy("The school: answer the TSI team's questions"),
    CaseStage.INFORMATION: gettext_lazy("TSI team: informing the family and asking for consent"),
    CaseStage.ACTIVE: gettext_lazy("TSI team, family and school: analysis and planning"),
    CaseStage.FOLLOW_UP: gettext_lazy("TSI team: following up the plan"),
}


# --- the schools -------------------------------------------------------------------------------------------------


def early_warning_unit_ids(user: User) -> list[int]:
    """The units where the user has an active role that grants Permission.ABSENCE_OVERSEE."""
    return units_with_permission(user, Permission.ABSENCE_OVERSEE)


def early_warning_units(user: User) -> QuerySet[Unit]:
    """The schools whose early warning of absence the user follows."""
    return Unit.objects.filter(pk__in=early_warning_unit_ids(user), kind=UnitKind.SCHOOL).order_by("name")


def get_early_warning_unit_for_user(user: User, unit_id: int) -> Unit:
    """The school, or 404 when the user does not follow its absence (whether or not it exists)."""
    unit = early_warning_units(user).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


@dataclass(frozen=True)
class UnitSummary:
    unit: Unit
    signal: int
    high: int


def unit_summaries(user: User) -> list[UnitSummary]:
    """The user's schools with the number of pupils at each level (counts only: no child is shown)."""
    units = list(early_warning_units(user))
    counts: dict[tuple[int, int], int] = {}
    rows = (
        visible_to(user, AbsenceIndicator.objects.filter(unit__in=[unit.pk for unit in units]))
        .filter(level__gte=AbsenceLevel.SIGNAL)
        .values("unit_id", "level")
        .annotate(pupils=Count("pk"))
        .values_list("unit_id", "level", "pupils")
    )
    for unit_id, level, pupils in rows:
        counts[(unit_id, level)] = pupils
    return [
        UnitSummary(unit, counts.get((unit.pk, AbsenceLevel.SIGNAL), 0), counts.get((unit.pk, AbsenceLevel.HIGH), 0))
        for unit in units
    ]


def absence_settings_for(municipality_id: int) -> AbsenceSettings:
    """The municipality's thresholds (the defaults, unsaved, when none are set yet)."""
    settings = AbsenceSettings.objects.filter(municipality_id=municipality_id).first()
    return settings or AbsenceSettings(municipality_id=municipality_id)


def computed_on(user: User, unit: Unit) -> date | None:
    """When the school's indicators were last computed."""
    result: date | None = visible_to(user, AbsenceIndicator.objects.filter(unit=unit)).aggregate(
        last=Max("computed_on")
    )["last"]
    return result


# --- the early warning -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Done:
    """Something already done for the pupil, and where to read it."""

    text: str
    url: str = ""


@dataclass(frozen=True)
class ColumnCell:
    """One cell of a column that another app adds to the early warning (the class review's wellbeing rating)."""

    text: str
    css: str = ""  # a tag's modifier: "tag--alert", "tag--warning", "tag--ok"
    hint: str = ""


@dataclass(frozen=True)
class Column:
    heading: str
    cells: dict[int, ColumnCell]  # by child id; a pupil without a cell shows "–"


# (user, school, the pupils shown) -> the column, read through the policy and audited by its source; None: none.
ColumnSource = Callable[[User, Unit, list[int]], Column | None]
_column_sources: list[ColumnSource] = []


def register_early_warning_column(source: ColumnSource) -> None:
    if source not in _column_sources:
        _column_sources.append(source)


def early_warning_columns(user: User, unit: Unit, rows: list[EarlyWarningRow]) -> list[Column]:
    """The registered columns for the pupils shown; each row gets its cells (`row.extra`) in the same order."""
    child_ids = [row.child.pk for row in rows]
    columns = [column for source in _column_sources if (column := source(user, unit, child_ids)) is not None]
    for row in rows:
        row.extra = [column.cells.get(row.child.pk) for column in columns]
    return columns


@dataclass
class EarlyWarningRow:
    indicator: AbsenceIndicator
    child: Child
    group: str
    done: list[Done] = field(default_factory=list)
    next_step: str = ""
    open_investigation: AbsenceInvestigation | None = None
    can_investigate: bool = False
    extra: list[ColumnCell | None] = field(default_factory=list)
    window_days: int = 0  # the municipality's threshold window

    # Worked out here rather than in the template, once a row (the page lists 50): the same words (msgids) and the
    # same number formats (`floatformat`) as the template's tags gave, the links by `reverse`.

    @property
    def figures(self) -> list[str]:
        """The pupil's absence figures, as lines of the cell (numbers only: nothing to escape)."""
        indicator = self.indicator
        window = _("last %(days)s days: <strong>%(percent)s %%</strong>") % {
            "days": self.window_days,
            "percent": floatformat(indicator.window_percent, 1),
        }
        return [
            mark_safe(window),  # noqa: S308 - the words of our own catalogue and two numbers
            _("this term: %(percent)s %%") % {"percent": floatformat(indicator.term_percent, 1)},
            _("unexcused, last 30 days: %(days)s days") % {"days": indicator.unexcused_month},
            _("days in a row: %(now)s now, %(longest)s at most")
            % {"now": indicator.current_streak, "longest": indicator.longest_streak},
        ]

    @property
    def child_url(self) -> str:
        return reverse("child_overview", args=[self.child.pk])

    @property
    def concern_url(self) -> str:
        return reverse("concern_new", args=[self.child.pk])

    @property
    def investigation_url(self) -> str:
        """The open investigation's page, or where to start one."""
        if self.open_investigation is not None:
            return reverse("absence_investigation", args=[self.open_investigation.pk])
        return reverse("absence_investigation_start", args=[self.indicator.unit_id, self.child.pk])

    @property
    def reasons(self) -> list[str]:
        return [str(REASON_LABELS.get(code, code)) for code in self.indicator.reasons]

    @property
    def trend_arrow(self) -> str:
        trend = round(self.indicator.trend, 1)
        return "↑" if trend > 0 else "↓" if trend < 0 else "→"

    @property
    def trend_text(self) -> str:
        trend = round(self.indicator.trend, 1)
        points = number_format(abs(trend), 1)
        if trend > 0:
            return _("up %(points)s points") % {"points": points}
        if trend < 0:
            return _("down %(points)s points") % {"points": points}
        return pgettext("trend", "unchanged")


def _current_placements(unit: Unit, child_ids: list[int]) -> QuerySet[Placement]:
    return Placement.objects.current().filter(unit=unit, child_id__in=child_ids)


def _groups(user: User, unit: Unit, child_ids: list[int]) -> dict[int, str]:
    placements = visible_to(user, _current_placements(unit, child_ids)).values_list("child_id", "group__name", "grade")
    return {child_id: group or grade for child_id, group, grade in placements}


def _latest_investigations(user: User, unit: Unit, child_ids: list[int]) -> dict[int, AbsenceInvestigation]:
    """Each pupil's open investigation at the school, or else the latest closed one."""
    found: dict[int, AbsenceInvestigation] = {}
    investigations = visible_to(
        user, AbsenceInvestigation.objects.filter(unit=unit, child_id__in=child_ids)
    ).select_related("opened_by")
    for investigation in investigations.order_by("child_id", "-opened_at", "-pk"):
        current = found.get(investigation.child_id)
        if current is None or (
            current.status != InvestigationStatus.OPEN and investigation.status == InvestigationStatus.OPEN
        ):
            found[investigation.child_id] = investigation
    return found


def _open_concerns(user: User, unit: Unit, child_ids: list[int]) -> dict[int, Concern]:
    """Each pupil's latest concern at the school that is not closed."""
    concerns = visible_to(
        user, Concern.objects.filter(unit=unit, child_id__in=child_ids).exclude(status=ConcernStatus.CLOSED)
    )
    found: dict[int, Concern] = {}
    for concern in concerns.order_by("child_id", "-reported_at", "-pk"):
        found.setdefault(concern.child_id, concern)
    return found


def _open_cases(user: User, child_ids: list[int]) -> dict[int, TsiCase]:
    """Each pupil's open TSI case that the user may see (the school asked for it, or student health follows it)."""
    cases = visible_to(user, TsiCase.objects.filter(child_id__in=child_ids, stage__in=OPEN_STAGES))
    found: dict[int, TsiCase] = {}
    for case in cases.order_by("child_id", "-requested_at", "-pk"):
        found.setdefault(case.child_id, case)
    return found


def _day(moment: datetime | None) -> str:
    return timezone.localdate(moment).isoformat() if moment else "–"


def _what_was_done(
    investigation: AbsenceInvestigation | None, concern: Concern | None, case: TsiCase | None
) -> tuple[list[Done], str]:
    """What has been done for the pupil, and who acts next (in words for the table)."""
    done: list[Done] = []
    next_step = ""
    if investigation is not None:
        url = reverse("absence_investigation", args=[investigation.pk])
        leader = str(investigation.opened_by)
        if investigation.status == InvestigationStatus.OPEN:
            since = _day(investigation.opened_at)
            done.append(Done(_("Investigation of absence open since %(date)s") % {"date": since}, url))
            next_step = _("Investigation open since %(date)s, led by %(name)s") % {"date": since, "name": leader}
        else:
            closed = _day(investigation.closed_at)
            done.append(Done(_("Investigation of absence closed %(date)s") % {"date": closed}, url))
    if case is not None:
        since = _day(case.requested_at)
        stage = case.get_stage_display()
        url = reverse("casework_case", args=[case.pk])
        done.append(Done(_("TSI: %(stage)s (asked %(date)s)") % {"stage": stage, "date": since}, url))
        next_step = next_step or str(TSI_NEXT.get(case.stage, stage))
    if concern is not None:
        url = reverse("concern_detail", args=[concern.pk])
        recorded = _day(concern.reported_at)
        label = _("Concern recorded %(date)s: %(status)s") % {"date": recorded, "status": concern.get_status_display()}
        done.append(Done(label, url))
        next_step = next_step or next_actor(concern)
    if not next_step:
        if investigation is not None:
            next_step = _("Principal: decide whether to investigate again (the last investigation is closed)")
        else:
            next_step = _("Principal: start an investigation of the absence")
    return done, next_step


def _audit_list(
    user: User, unit: Unit, child_ids: list[int], bases: dict[int, list[Basis]], level_min: int, page: int
) -> None:
    record_event(
        actor=user,
        action=AuditAction.READ,
        target_type="early_warning",
        target_id=unit.pk,
        details={
            "children": child_ids,
            "count": len(child_ids),
            "level_min": level_min,
            "page": page,
            "bases": {str(child_id): bases[child_id][0].describe() for child_id in child_ids if bases[child_id]},
        },
    )


EARLY_WARNING_PAGE_SIZE = 50


@dataclass
class EarlyWarningPage:
    rows: list[EarlyWarningRow]
    page: Page[AbsenceIndicator]


def early_warning_rows(
    user: User,
    unit: Unit,
    *,
    level_min: int = AbsenceLevel.SIGNAL,
    page_number: str | int | None = 1,
    window_days: int = 0,
) -> EarlyWarningPage:
    """The school's pupils at or above the level, the most serious first (the highest level, then the longest
    current run of absent days, the longest run this term, the largest share lately and this term), a page at a
    time, each with what has been done and who acts next; the read of the page is audited. The caller has checked
    the unit (`get_early_warning_unit_for_user`). Constant queries, whatever the size of the school."""
    severity = ("-level", "-current_streak", "-longest_streak", "-window_percent", "-term_percent")
    ordered = (
        visible_to(user, AbsenceIndicator.objects.filter(unit=unit, level__gte=level_min))
        .select_related("child")
        .order_by(*severity, "child__last_name", "child__first_name", "pk")
    )
    page = Paginator(ordered, EARLY_WARNING_PAGE_SIZE).get_page(page_number)
    indicators = list(page.object_list)
    child_ids = [indicator.child_id for indicator in indicators]
    groups = _groups(user, unit, child_ids)
    investigations = _latest_investigations(user, unit, child_ids)
    concerns = _open_concerns(user, unit, child_ids)
    cases = _open_cases(user, child_ids)
    bases = bases_for_children(user, child_ids)
    rows = []
    for indicator in indicators:
        child_id = indicator.child_id
        investigation = investigations.get(child_id)
        done, next_step = _what_was_done(investigation, concerns.get(child_id), cases.get(child_id))
        is_open = investigation is not None and investigation.status == InvestigationStatus.OPEN
        rows.append(
            EarlyWarningRow(
                indicator=indicator,
                child=indicator.child,
                group=groups.get(child_id, ""),
                done=done,
                next_step=next_step,
                open_investigation=investigation if is_open else None,
                can_investigate=basis_among(bases[child_id], Origin.SCHOOL, Category.ABSENCE_INVESTIGATION) is not None,
                window_days=window_days,
            )
        )
    _audit_list(user, unit, child_ids, bases, level_min, page.number)
    return EarlyWarningPage(rows, page)


# --- investigations ----------------------------------------------------------------------------------------------


def oversees(user: User, unit_id: int) -> bool:
    """Does the user follow this school's absence (and so lead its investigations of absence)?"""
    return can(user, Permission.ABSENCE_OVERSEE) and unit_id in early_warning_unit_ids(user)


def get_investigation_for_user(user: User, pk: int) -> tuple[AbsenceInvestigation, Basis]:
    """The investigation and the user's basis for it, or 404 (also when it exists but the user has no basis)."""
    investigation = (
        visible_to(user, AbsenceInvestigation.objects.filter(pk=pk))
        .select_related("child", "unit", "opened_by")
        .first()
    )
    basis = basis_for(user, investigation) if investigation is not None else None
    if investigation is None or basis is None:
        raise Http404
    return investigation, basis


def get_pupil_for_user(user: User, unit: Unit, child_id: int) -> Child:
    """A pupil placed at the school today whom the user may see, or 404."""
    placed = _current_placements(unit, [child_id]).values("child_id")
    child = visible_to(user, Child.objects.filter(pk=child_id, pk__in=placed)).first()
    if child is None:
        raise Http404
    return child


def audit_investigation_read(user: User, investigation: AbsenceInvestigation, basis: Basis) -> None:
    record_event(
        actor=user,
        action=AuditAction.READ,
        target_type="absence_investigation",
        target_id=investigation.pk,
        child_id=investigation.child_id,
        basis=basis,
    )


# --- the child overview ------------------------------------------------------------------------------------------


def child_absence_part(user: User, child: Child) -> OverviewPart:
    """The Absence section of the child overview, loaded after the page (htmx) so that the overview itself keeps
    its queries: the section asks the policy for its own basis and audits its own read (`child_absence_for_user`)."""
    return OverviewPart("schooldata/_child_absence_loader.html", {"url": reverse("absence_child", args=[child.pk])})


@dataclass(frozen=True)
class ChildAbsence:
    child: Child
    basis: Basis
    rows: list[EarlyWarningRow]


def child_absence_for_user(user: User, child_pk: int) -> ChildAbsence | None:
    """The pupil's absence indicators at their schools, for a user whose basis reaches the school's attendance (not,
    say, a TSI team without the guardians' consent to it); the read is audited. 404 without any basis for the child,
    None with a basis that does not reach the attendance."""
    child, bases = get_child_for_user(user, child_pk)
    basis = basis_among(bases, Origin.SCHOOL, Category.ATTENDANCE)
    if basis is None:
        return None
    indicators = list(
        visible_to(user, AbsenceIndicator.objects.filter(child=child)).select_related("unit").order_by("unit__name")
    )
    record_event(
        actor=user,
        action=AuditAction.READ,
        target_type="absence_indicator",
        target_id=child.pk,
        child_id=child.pk,
        basis=basis,
        details={"indicators": [indicator.pk for indicator in indicators]},
    )
    rows = [EarlyWarningRow(indicator=indicator, child=child, group="") for indicator in indicators]
    return ChildAbsence(child, basis, rows)

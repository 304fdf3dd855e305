"""Reading handovers: the policy reaches them as a party model (no child is named on them); who the parties are
is decided here. The sender, the named receiver, the receiving unit's members in a receiving role when nobody is
named, and the unit managers of both units see a handover; nobody else, and no one learns of the child from it
before accepting (the page names the case or report by its number)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from kring.access.audit import record_read
from kring.access.policy import units_where, visible_to
from kring.access.roles import CASE_TEAM_ROLES, SOCIAL_SERVICES_ROLES, Role
from kring.casework.handovers.actions import is_receiver
from kring.casework.models import Handover, ReportOfConcern, TsiCase
from kring.directory.models import OrganisationKind, Unit, UnitKind, User
from kring.directory.today import GROUP_LIMIT, Priority, WorkGroup, WorkItem, since_text


def handover_parties(user: Any) -> Q:
    """The handovers the user is a party to (registered with the policy as the party model's parties)."""
    managed = units_where(user, {Role.UNIT_MANAGER})
    unit_receiver = Q(to_user__isnull=True) & (
        Q(kind="handover", case__isnull=False, to_unit_id__in=units_where(user, CASE_TEAM_ROLES))
        | Q(kind="handover", report__isnull=False, to_unit_id__in=units_where(user, SOCIAL_SERVICES_ROLES))
        | Q(kind="referral", to_unit_id__in=units_where(user))
    )
    return (
        Q(from_user_id=user.pk)
        | Q(to_user_id=user.pk)
        | unit_receiver
        | Q(from_unit_id__in=managed)
        | Q(to_unit_id__in=managed)
    )


def subject_of(handover: Handover) -> str:
    """The case or report by its number: the handover (or referral) names no child."""
    if handover.case_id:
        return _("TSI case %(number)s") % {"number": handover.case_id}
    return _("Report of concern %(number)s") % {"number": handover.report_id}


def get_handover_for_user(user: User, pk: int) -> Handover:
    handover = (
        visible_to(user, Handover.objects.filter(pk=pk))
        .select_related("from_user", "from_unit", "to_user", "to_unit", "answered_by")
        .first()
    )
    if handover is None:
        raise Http404
    return handover


@dataclass(frozen=True)
class HandoverView:
    handover: Handover
    subject: str
    can_answer: bool
    can_revoke: bool
    subject_url: str  # the case or report page, for those who may see it now ("" otherwise)


def handover_view_for_user(user: User, pk: int) -> HandoverView:
    handover = get_handover_for_user(user, pk)
    subject_model: Any = TsiCase if handover.case_id else ReportOfConcern
    subject_pk = handover.case_id or handover.report_id
    visible = visible_to(user, subject_model.objects.filter(pk=subject_pk)).exists()
    url_name = "casework_case" if handover.case_id else "report_detail"
    view = HandoverView(
        handover=handover,
        subject=subject_of(handover),
        can_answer=handover.is_open and is_receiver(user, handover),
        can_revoke=handover.is_open and handover.from_user_id == user.pk,
        subject_url=reverse(url_name, args=[subject_pk]) if visible else "",
    )
    record_read(user, "handover", handover.pk, case=handover.case_id, report=handover.report_id)
    return view


def open_handover(user: User, **subject: Any) -> Handover | None:
    """The handover of this case or report that waits for an answer, if the user is a party to it."""
    return (
        visible_to(user, Handover.objects.filter(status="offered", kind="handover", **subject))
        .select_related("to_user", "to_unit", "from_user")
        .first()
    )


# --- the start page ------------------------------------------------------------------------------------------------


def _waiting(user: User) -> QuerySet[Handover]:
    return visible_to(user, Handover.objects.filter(status="offered")).select_related("from_unit", "to_unit", "to_user")


def handover_work(user: Any, today: date) -> list[WorkGroup]:
    """Handovers the user is to accept or decline, and those the user offered that wait for an answer."""
    waiting = list(_waiting(user).order_by("offered_at", "pk")[: GROUP_LIMIT * 3])
    to_answer = [h for h in waiting if is_receiver(user, h)]
    sent = [h for h in waiting if h.from_user_id == user.pk]
    answer_items = [
        WorkItem(
            priority=Priority.TODAY,
            what=str(
                (
                    _("Record the receipt of a referral from %(unit)s")
                    if h.is_referral
                    else _("Accept or decline a handover from %(unit)s")
                )
                % {"unit": h.from_unit.name}
            ),
            subject=subject_of(h),
            when=since_text(h.offered_at.date(), today),
            url=reverse("handover_detail", args=[h.pk]),
            order=h.offered_at.date(),
        )
        for h in to_answer[:GROUP_LIMIT]
    ]
    sent_items = [
        WorkItem(
            priority=Priority.TO_KNOW,
            what=str(
                _("Waiting for %(receiver)s to accept")
                % {"receiver": h.to_user.get_full_name() if h.to_user else h.to_unit.name}
            ),
            subject=subject_of(h),
            when=since_text(h.offered_at.date(), today),
            url=reverse("handover_detail", args=[h.pk]),
            order=h.offered_at.date(),
        )
        for h in sent[:GROUP_LIMIT]
    ]
    return [
        WorkGroup("handovers_to_answer", str(_("Handovers to accept or decline")), len(to_answer), answer_items),
        WorkGroup("handovers_sent", str(_("Your handovers waiting for an answer")), len(sent), sent_items),
    ]


def referrals_of(user: User, case: TsiCase) -> list[Handover]:
    """The referrals out of the case the user is a party to, newest first."""
    referrals = Handover.objects.filter(case=case, kind="referral").select_related("to_unit", "answered_by")
    return list(visible_to(user, referrals))


def referral_units(user: User) -> QuerySet[Unit]:
    """Where a TSI case may be referred: the municipality's social services units and the region's health care."""
    reach = Q(kind=UnitKind.SOCIAL_SERVICES_UNIT) | Q(organisation__kind=OrganisationKind.HEALTH_CARE)
    return Unit.objects.filter(reach, municipality_id=user.municipality_id or 0).order_by("name")


def other_units(user: User, kind: str, exclude: int) -> QuerySet[Unit]:
    """The municipality's units of this kind but one: where a case or a report may be transferred."""
    units = Unit.objects.filter(municipality_id=user.municipality_id or 0, kind=kind).exclude(pk=exclude)
    return units.order_by("name")

"""The child's TSI cases in the overview's whole picture and chronology.

The case (the request) reaches the team and the school that asked; the case's records (consent, meetings, plan
versions, follow-ups) the team, and the school only as far as the guardians' consent covers them. Each is read
through `visible_to`, and a basis from one case never reaches another case's records.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kring.access.policy import Basis, basis_for_among, visible_to
from kring.access.roles import Origin
from kring.casework.models import Consent, FollowUp, Meeting, PlanVersion, TsiCase
from kring.people.picture import ChronologyEvent, Picture, PictureRow, on_day


def _case_url(case_id: int) -> str:
    return reverse("casework_case", args=[case_id])


def _cases(user: Any, child: Any, bases: list[Basis]) -> tuple[Picture, dict[int, TsiCase]]:
    picture = Picture()
    seen: dict[int, TsiCase] = {}
    for case in visible_to(user, TsiCase.objects.filter(child=child)).select_related("team").order_by("requested_at"):
        basis = basis_for_among(bases, case)
        if basis is None:
            continue
        seen[case.pk] = case
        url = _case_url(case.pk)
        picture.rows.append(
            PictureRow(f"tsi_case:{case.pk}", str(_("TSI case")), case.team.name, case.get_stage_display(),
                       case.requested_at.date(), basis, url, is_open_case=case.is_open)
        )  # fmt: skip
        asked = _("Request for help to the TSI team %(team)s") % {"team": case.team.name}
        picture.events.append(ChronologyEvent(case.requested_at, Origin.STUDENT_HEALTH, asked, basis, url))
        if case.closed_at:
            closed = _("TSI case closed: %(reason)s") % {"reason": case.get_closure_reason_display() or "–"}
            picture.events.append(ChronologyEvent(case.closed_at, Origin.JOINT_TEAM, closed, basis, url))
    return picture, seen


def _records(user: Any, child: Any, bases: list[Basis], cases: dict[int, TsiCase]) -> list[ChronologyEvent]:
    events: list[ChronologyEvent] = []
    for consent in visible_to(user, Consent.objects.filter(case__child=child, case_id__in=list(cases))):
        basis = basis_for_among(bases, consent)
        if basis is None:
            continue
        url = _case_url(consent.case_id)
        given = _("Consent given, valid until %(date)s") % {"date": consent.valid_until.isoformat()}
        events.append(ChronologyEvent(on_day(consent.given_on), Origin.JOINT_TEAM, given, basis, url, with_time=False))
        if consent.withdrawn_at:
            events.append(ChronologyEvent(consent.withdrawn_at, Origin.JOINT_TEAM, _("Consent withdrawn"), basis, url))
    for meeting in visible_to(user, Meeting.objects.filter(case__child=child, case_id__in=list(cases))):
        basis = basis_for_among(bases, meeting)
        if basis is not None:
            text = (_("Meeting held: %(kind)s") if meeting.held else _("Meeting booked: %(kind)s")) % {
                "kind": meeting.get_kind_display()
            }
            events.append(
                ChronologyEvent(meeting.starts_at, Origin.JOINT_TEAM, text, basis, _case_url(meeting.case_id))
            )
    for plan in visible_to(user, PlanVersion.objects.filter(case__child=child, case_id__in=list(cases))):
        basis = basis_for_among(bases, plan)
        if basis is not None:
            text = _("Joint plan, version %(number)s, agreed") % {"number": plan.number}
            url = _case_url(plan.case_id)
            events.append(ChronologyEvent(on_day(plan.agreed_on), Origin.JOINT_TEAM, text, basis, url, with_time=False))
    done = FollowUp.objects.filter(case__child=child, case_id__in=list(cases), done_on__isnull=False)
    for follow_up in visible_to(user, done):
        basis = basis_for_among(bases, follow_up)
        if basis is not None and follow_up.done_on is not None:
            url = _case_url(follow_up.case_id)
            moment = on_day(follow_up.done_on)
            events.append(
                ChronologyEvent(moment, Origin.JOINT_TEAM, _("Follow-up of the plan"), basis, url, with_time=False)
            )
    return events


def case_picture(user: Any, child: Any, bases: list[Basis]) -> Picture:
    """The child's TSI cases the user may see, and the events of their records the user may see."""
    picture, cases = _cases(user, child, bases)
    if cases:
        picture.events.extend(_records(user, child, bases, cases))
    return picture

"""The child's concerns and reports of concern in the overview's whole picture and chronology.

Concerns reach the person who recorded them and the school's principal and student health; a report reaches its
reporter, the school it was filed from and social services (the receivers); social services' assessment only the
receivers, the feedback the reporter and the receivers. Each part is read through `visible_to`, so a user who may
see a report but not its assessment sees neither the decision nor that one was made.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kring.access.policy import Basis, basis_for_among, visible_to
from kring.access.roles import Origin
from kring.casework.models import Concern, ConcernStatus, ReportAssessment, ReportFeedback, ReportOfConcern, Triage
from kring.people.picture import ChronologyEvent, Picture, PictureRow


def _concerns(user: Any, child: Any, bases: list[Basis]) -> Picture:
    picture = Picture()
    concerns = visible_to(user, Concern.objects.filter(child=child)).select_related("unit__organisation")
    triages = dict(Triage.choices)
    for concern in concerns.order_by("reported_at", "pk"):
        basis = basis_for_among(bases, concern)
        if basis is None:
            continue
        url = reverse("concern_detail", args=[concern.pk])
        category = concern.get_category_display()
        status = concern.get_status_display()
        if concern.triage:
            status = f"{status}: {triages.get(concern.triage, concern.triage)}"
        picture.rows.append(
            PictureRow(f"concern:{concern.pk}", str(_("Concern")), f"{category}, {concern.unit.name}", status,
                       concern.reported_at.date(), basis, url)
        )  # fmt: skip
        text = _("Concern recorded at %(school)s: %(category)s") % {"school": concern.unit.name, "category": category}
        picture.events.append(ChronologyEvent(concern.reported_at, Origin.SCHOOL, text, basis, url))
        if concern.status == ConcernStatus.CLOSED and concern.closed_at:
            closed = _("Concern closed: %(decision)s") % {"decision": triages.get(concern.triage, "–")}
            picture.events.append(ChronologyEvent(concern.closed_at, Origin.SCHOOL, closed, basis, url))
    return picture


def _report_status(
    report: ReportOfConcern, assessment: ReportAssessment | None, feedback: ReportFeedback | None
) -> str:
    if assessment is not None and assessment.decided_at is not None:
        return assessment.get_decision_display()
    if feedback is not None:
        return str(_("Feedback: %(kind)s") % {"kind": feedback.get_kind_display()})
    if report.received_at is None:
        return str(_("Sent, not yet received by social services"))
    return str(_("Received by social services"))


def _reports(user: Any, child: Any, bases: list[Basis]) -> Picture:
    picture = Picture()
    reports = list(
        visible_to(user, ReportOfConcern.objects.filter(child=child))
        .select_related("reporter_unit__organisation")
        .order_by("filed_at", "pk")
    )
    if not reports:
        return picture
    ids = [report.pk for report in reports]
    assessments = {a.report_id: a for a in visible_to(user, ReportAssessment.objects.filter(report_id__in=ids))}
    feedback = {f.report_id: f for f in visible_to(user, ReportFeedback.objects.filter(report_id__in=ids))}
    for report in reports:
        basis = basis_for_among(bases, report)
        if basis is None:
            continue
        assessment, given = assessments.get(report.pk), feedback.get(report.pk)
        picture.extend(_report_picture(report, basis, assessment, given, bases))
    return picture


def _report_picture(
    report: ReportOfConcern,
    basis: Basis,
    assessment: ReportAssessment | None,
    feedback: ReportFeedback | None,
    bases: list[Basis],
) -> Picture:
    url = reverse("report_detail", args=[report.pk])
    title = _("Report %(number)s from %(unit)s") % {"number": report.pk, "unit": report.reporter_unit.name}
    if report.consultation_id:
        title += " " + _("(after consultation %(number)s)") % {"number": report.consultation_id}
    status = _report_status(report, assessment, feedback)
    row = PictureRow(f"report_of_concern:{report.pk}", str(_("Report of concern")), title, status,
                     report.filed_at.date(), basis, url)  # fmt: skip
    events = [ChronologyEvent(report.filed_at, report.origin, _("Report of concern filed by %(unit)s")
                              % {"unit": report.reporter_unit.name}, basis, url)]  # fmt: skip
    if report.received_at:
        events.append(
            ChronologyEvent(report.received_at, Origin.SOCIAL_SERVICES, _("Received by social services"), basis, url)
        )
    assessed = basis_for_among(bases, assessment) if assessment is not None else None
    if assessment is not None and assessed is not None and assessment.protection_assessed_at:
        text = _("Protection assessment: %(outcome)s") % {"outcome": assessment.get_protection_outcome_display()}
        events.append(ChronologyEvent(assessment.protection_assessed_at, Origin.SOCIAL_SERVICES, text, assessed, url))
    if assessment is not None and assessed is not None and assessment.decided_at:
        text = _("Initial assessment decided: %(decision)s") % {"decision": assessment.get_decision_display()}
        events.append(ChronologyEvent(assessment.decided_at, Origin.SOCIAL_SERVICES, text, assessed, url))
    fed_back = basis_for_among(bases, feedback) if feedback is not None else None
    if feedback is not None and fed_back is not None:
        text = _("Feedback to the reporter: %(kind)s") % {"kind": feedback.get_kind_display()}
        events.append(ChronologyEvent(feedback.given_at, Origin.SOCIAL_SERVICES, text, fed_back, url))
    return Picture([row], events)


def report_picture(user: Any, child: Any, bases: list[Basis]) -> Picture:
    """The child's concerns and reports of concern the user may see, and their events."""
    picture = _concerns(user, child, bases)
    picture.extend(_reports(user, child, bases))
    return picture

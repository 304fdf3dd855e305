"""Child impact assessments: thin typed views over `queries`, `steps` and `actions`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import municipality_of
from kring.casework.workflow import run_action
from kring.collaboration import crc
from kring.collaboration.agreements.queries import responsibles
from kring.collaboration.assessments import actions, queries
from kring.collaboration.assessments.forms import AssessmentForm
from kring.collaboration.assessments.steps import matrix, steps
from kring.collaboration.groups.queries import may_keep, may_read
from kring.collaboration.models import Agreement, AssessmentVersion, CollaborationGroup, ImpactAssessment
from kring.directory.http import AuthenticatedRequest
from kring.pdf import pdf_response, render_pdf


@login_required
def assessment_list(request: AuthenticatedRequest) -> HttpResponse:
    if not may_read(request.user):
        raise Http404
    rows = []
    for version in queries.latest_versions(request.user):
        checklist = steps(version)
        rows.append((version, sum(step.done for step in checklist), len(checklist)))
    context = {"rows": rows, "can_edit": may_keep(request.user)}
    return render(request, "collaboration/assessment_list.html", context)


def _version(request: AuthenticatedRequest, assessment: ImpactAssessment) -> tuple[AssessmentVersion, list]:  # type: ignore[type-arg]
    versions = list(queries.versions_of(assessment))
    asked = request.GET.get("version", "")
    chosen = next((v for v in versions if str(v.number) == asked), None) if asked.isdigit() else versions[-1]
    if chosen is None:
        raise Http404
    return chosen, versions


def _document(version: AssessmentVersion) -> dict[str, object]:
    return {
        "version": version,
        "assessment": version.assessment,
        "steps": steps(version),
        "matrix": matrix(version),
        "articles": [crc.label(article) for article in version.articles],
    }


@login_required
def assessment_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assessment = queries.get_assessment_for_user(request.user, pk)
    version, versions = _version(request, assessment)
    context = {**_document(version), "versions": versions, "is_newest": version == versions[-1],
               "can_edit": may_keep(request.user)}  # fmt: skip
    return render(request, "collaboration/assessment_detail.html", context)


@login_required
def assessment_pdf(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    assessment = queries.get_assessment_for_user(request.user, pk)
    version = queries.versions_of(assessment).filter(number=number).first()
    if version is None:
        raise Http404
    context = {**_document(version), "printed_on": timezone.localdate(), "printed_by": request.user.get_full_name()}
    pdf = render_pdf("collaboration/assessment_pdf.html", context)
    record_event(
        actor=request.user, action=AuditAction.EXPORT, target_type="impact_assessment_pdf", target_id=assessment.pk,
        details={"version": number},
    )  # fmt: skip
    return pdf_response(pdf, f"barnkonsekvensanalys-{assessment.pk}-v{number}.pdf")


def _form(request: AuthenticatedRequest, assessment: ImpactAssessment | None) -> HttpResponse:
    user = request.user
    base = queries.versions_of(assessment).last() if assessment else None
    municipality = municipality_of(user)
    form = AssessmentForm(
        request.POST or None,
        initial=AssessmentForm.initial_of(base)
        if base
        else {"articles": list(crc.GENERAL_PRINCIPLES), "responsible": user},
        base=base,
        responsibles=responsibles(user),
        groups=CollaborationGroup.objects.filter(municipality_id=municipality).order_by("name"),
        agreements=Agreement.objects.filter(municipality_id=municipality).order_by("title"),
    )
    if request.method == "POST" and form.is_valid():
        given = form.assessment_input()
        saved = run_action(form, lambda: actions.save_assessment(given=given, by=user, assessment=assessment))
        if saved is not None:
            messages.success(request, _("Version %(number)s of the assessment is saved.") % {"number": saved.number})
            return redirect("collaboration_assessment", saved.assessment_id)
    return render(request, "collaboration/assessment_form.html", {"form": form, "assessment": assessment})


@login_required
def assessment_new(request: AuthenticatedRequest) -> HttpResponse:
    if not may_keep(request.user):
        raise Http404
    return _form(request, None)


@login_required
def assessment_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _form(request, queries.get_assessment_for_user(request.user, pk, for_write=True))

"""Agreements (överenskommelser): thin typed views over `queries` and `actions`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.casework.workflow import run_action
from kring.collaboration.agreements import actions, queries
from kring.collaboration.agreements.forms import (
    AgreementForm,
    CommitmentFormSet,
    SignatoryFormSet,
    agreement_input,
    commitment_initial,
    signatory_initial,
)
from kring.collaboration.groups.queries import may_keep, may_read, organisations_of
from kring.collaboration.models import Agreement, AgreementVersion
from kring.directory.http import AuthenticatedRequest
from kring.pdf import pdf_response, render_pdf


@login_required
def agreement_list(request: AuthenticatedRequest) -> HttpResponse:
    if not may_read(request.user):
        raise Http404
    today = timezone.localdate()
    context = {
        "versions": queries.agreements_for_user(request.user),
        "today": today,
        "notice_until": today + timedelta(days=queries.REVIEW_NOTICE_DAYS),
        "can_edit": may_keep(request.user),
    }
    return render(request, "collaboration/agreement_list.html", context)


@login_required
def reviews_due(request: AuthenticatedRequest) -> HttpResponse:
    """Agreements and groups whose review is near or past."""
    if not may_read(request.user):
        raise Http404
    today = timezone.localdate()
    agreements, groups = queries.due_for_review(request.user, today)
    context = {"agreements": agreements, "groups": groups, "today": today, "days": queries.REVIEW_NOTICE_DAYS}
    return render(request, "collaboration/reviews_due.html", context)


def _shown_version(request: AuthenticatedRequest, versions: list[AgreementVersion]) -> tuple[AgreementVersion, Any]:
    """The version asked for: by number, by a day ("what did we agree on …"), or the newest."""
    asked_day = parse_date(request.GET.get("on", "") or "") if request.GET.get("on") else None
    if request.GET.get("version", "").isdigit():
        chosen = next((v for v in versions if v.number == int(request.GET["version"])), None)
    elif asked_day is not None:
        chosen = queries.version_on(versions, asked_day)
    else:
        chosen = versions[-1]
    if chosen is None and asked_day is None:
        raise Http404
    return chosen or versions[0], asked_day


@login_required
def agreement_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    agreement = queries.get_agreement_for_user(request.user, pk)
    versions = queries.versions_of(agreement)
    version, asked_day = _shown_version(request, versions)
    today = timezone.localdate()
    before_first = asked_day is not None and asked_day < versions[0].valid_from
    context = {
        "agreement": agreement,
        "version": version,
        "versions": versions,
        "asked_day": asked_day,
        "before_first": before_first,
        "is_newest": version.number == versions[-1].number,
        "in_force": version.in_force_on(today),
        "review_due": version.review_on <= today + timedelta(days=queries.REVIEW_NOTICE_DAYS),
        "today": today,
        "can_edit": may_keep(request.user),
    }
    return render(request, "collaboration/agreement_detail.html", context)


@login_required
def agreement_pdf(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    agreement = queries.get_agreement_for_user(request.user, pk)
    version = next((v for v in queries.versions_of(agreement) if v.number == number), None)
    if version is None:
        raise Http404
    context = {"version": version, "printed_on": timezone.localdate(), "printed_by": request.user.get_full_name()}
    pdf = render_pdf("collaboration/agreement_pdf.html", context)
    record_event(
        actor=request.user, action=AuditAction.EXPORT, target_type="agreement_pdf", target_id=agreement.pk,
        details={"version": number},
    )  # fmt: skip
    return pdf_response(pdf, f"overenskommelse-{agreement.pk}-v{number}.pdf")


def _agreement_form(request: AuthenticatedRequest, agreement: Agreement | None) -> HttpResponse:
    user = request.user
    latest = queries.versions_of(agreement)[-1] if agreement else None
    organisations = organisations_of(user)
    data = request.POST if request.method == "POST" else None
    form = AgreementForm(
        data,
        initial=AgreementForm.initial_of(latest) if latest else {"responsible": user},
        organisations=organisations,
        groups=queries.groups_to_choose(user),
        responsibles=queries.responsibles(user),
    )
    row_kwargs = {"organisations": organisations}
    commitments = CommitmentFormSet(
        data, prefix="commitments", initial=commitment_initial(latest) if latest else None, form_kwargs=row_kwargs
    )
    signatories = SignatoryFormSet(
        data, prefix="signatories", initial=signatory_initial(latest) if latest else None, form_kwargs=row_kwargs
    )
    if data is not None and all(f.is_valid() for f in (form, commitments, signatories)):
        given = agreement_input(form, commitments, signatories)
        saved = run_action(form, lambda: actions.save_agreement(given=given, by=user, agreement=agreement))
        if saved is not None:
            messages.success(request, _("Version %(number)s of the agreement is saved.") % {"number": saved.number})
            return redirect("collaboration_agreement", saved.agreement_id)
    context = {"form": form, "commitments": commitments, "signatories": signatories, "agreement": agreement}
    return render(request, "collaboration/agreement_form.html", context)


@login_required
def agreement_new(request: AuthenticatedRequest) -> HttpResponse:
    if not may_keep(request.user):
        raise Http404
    return _agreement_form(request, None)


@login_required
def agreement_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _agreement_form(request, queries.get_agreement_for_user(request.user, pk, for_write=True))

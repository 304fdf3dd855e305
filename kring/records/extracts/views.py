"""The data protection coordinator's pages: requests for register extracts, the draft, the review, the release and
corrections. Thin: the officer's scope is in `queries`, every step in `actions`, every page a read in the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kring.access.audit import record_read
from kring.casework.workflow import WorkflowError, run_action
from kring.directory.http import AuthenticatedRequest
from kring.pdf import pdf_response
from kring.records.extracts import actions, documents, queries
from kring.records.extracts.details import detail_label
from kring.records.extracts.forms import CorrectionForm, ReleaseForm, RequestForm, ReviewForm
from kring.records.models import ExtractStatus, RegisterExtract


@login_required
def extracts(request: AuthenticatedRequest) -> HttpResponse:
    rows = queries.extracts_for_user(request.user)
    children = sorted({row.child_id for row in rows if row.child_id is not None})
    record_read(request.user, "register_extract_list", children=children)
    return render(request, "records/extracts.html", {"extracts": rows, "today": timezone.localdate()})


@login_required
@require_http_methods(["GET", "POST"])
def new_request(request: AuthenticatedRequest) -> HttpResponse:
    municipality = queries.municipality_for_user(request.user)
    form = RequestForm(request.POST or None, user=request.user, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        given = actions.ExtractInput(
            municipality, data["subject_kind"], form.person, data["requested_by"], data["by_guardian"],
            data["received_on"],
        )  # fmt: skip
        extract = run_action(form, lambda: actions.register_request(by=request.user, given=given))
        if extract is not None:
            messages.success(request, _("The request is registered. Compile the extract next."))
            return redirect("records_extract", extract.pk)
    return render(request, "records/extract_new.html", {"form": form}, status=400 if form.errors else 200)


def _version(extract: RegisterExtract) -> str:
    return extract.compiled_at.isoformat() if extract.compiled_at else ""


def _page(request: AuthenticatedRequest, extract: RegisterExtract, **forms: object) -> HttpResponse:
    record_read(request.user, "register_extract", extract.pk, child_id=extract.child_id)
    context = {
        "extract": extract,
        "review_form": forms.get("review_form") or ReviewForm(content=extract.content, compiled=_version(extract)),
        "release_form": forms.get("release_form") or ReleaseForm(),
        "correction_form": forms.get("correction_form") or CorrectionForm(subject_kind=extract.subject_kind),
        "corrections": [
            (correction, detail_label(extract.subject_kind, correction.field))
            for correction in extract.corrections.select_related("made_by")
        ],
        "today": timezone.localdate(),
        "statuses": ExtractStatus,
    }
    status = 400 if any(getattr(form, "errors", None) for form in forms.values()) else 200
    return render(request, "records/extract.html", context, status=status)


@login_required
def extract(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _page(request, queries.extract_for_user(request.user, pk))


@login_required
@require_POST
def compile_extract(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = queries.extract_for_user(request.user, pk)
    try:
        actions.compile_request(by=request.user, extract=found)
    except WorkflowError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The extract is compiled. Review every item before it is released."))
    return redirect("records_extract", pk)


@login_required
@require_POST
def review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = queries.extract_for_user(request.user, pk)
    form = ReviewForm(request.POST, content=found.content, compiled=_version(found))
    if form.is_valid():
        done = run_action(
            form,
            lambda: actions.review(by=request.user, extract=found, withheld=form.withheld(),
                                   note=form.cleaned_data["note"]),
        )  # fmt: skip
        if done is not None:
            messages.success(request, _("The review is saved. The extract may now be released."))
            return redirect("records_extract", pk)
    return _page(request, found, review_form=form)


@login_required
@require_POST
def release(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = queries.extract_for_user(request.user, pk)
    form = ReleaseForm(request.POST)
    if form.is_valid():
        done = run_action(form, lambda: actions.release(by=request.user, extract=found, how=form.cleaned_data["how"]))
        if done is not None:
            messages.success(request, _("The extract is recorded as released."))
            return redirect("records_extract", pk)
    return _page(request, found, release_form=form)


@login_required
@require_POST
def correct(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = queries.extract_for_user(request.user, pk)
    form = CorrectionForm(request.POST, subject_kind=found.subject_kind)
    if form.is_valid():
        data = form.cleaned_data
        done = run_action(
            form,
            lambda: actions.correct(by=request.user, extract=found, field=data["field"],
                                    new_value=data["new_value"], reason=data["reason"]),
        )  # fmt: skip
        if done is not None:
            messages.success(request, _("The correction is made; the old value is kept in its history."))
            return redirect("records_extract", pk)
    return _page(request, found, correction_form=form)


@login_required
def download(request: AuthenticatedRequest, pk: int, file_format: str) -> HttpResponse:
    found = queries.extract_for_user(request.user, pk)
    if file_format not in ("pdf", "json"):
        raise Http404
    try:
        actions.record_download(by=request.user, extract=found, file_format=file_format)
    except WorkflowError as error:
        raise Http404 from error
    name = f"registerutdrag-{found.pk}"
    if file_format == "json":
        response = HttpResponse(documents.extract_json(found), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    return pdf_response(documents.extract_pdf(found), f"{name}.pdf")

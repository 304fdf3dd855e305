"""Printable documents of a TSI case: the joint plan as PDF and its history, the information letter to the
guardians, and the outcome chart. Access and audit are in `kring.casework.tsi.documents`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, get_language_info

from kring.casework.tsi import documents
from kring.casework.tsi.document_forms import LetterLanguageForm, PlanOnForm
from kring.directory.http import AuthenticatedRequest
from kring.pdf import pdf_response


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    return pdf_response(pdf, filename, disposition="inline")


@login_required
def plan_pdf(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    case, pdf = documents.plan_pdf_for_user(request.user, pk, number)
    return _pdf_response(pdf, f"tsi-{case.pk}-plan-v{number}.pdf")


@login_required
def plan_history(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    form = PlanOnForm(request.GET if "on" in request.GET else None)
    day = form.cleaned_data["on"] if form.is_valid() else None
    history = documents.plan_history_for_user(request.user, pk, day)
    context = {"case": history.case, "history": history, "form": form}
    return render(request, "casework/documents/plan_history.html", context)


def _letter_language(request: AuthenticatedRequest) -> str:
    """`?lang=en` or `?lang=sv`; otherwise the user's current language."""
    form = LetterLanguageForm(request.GET)
    chosen = form.cleaned_data["lang"] if form.is_valid() else ""
    current = (get_language() or "").split("-")[0]
    return chosen or (current if current in documents.LETTER_LANGUAGES else documents.LETTER_LANGUAGES[0])


@login_required
def information_letter(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    letter, body = documents.letter_page_for_user(request.user, pk, _letter_language(request))
    languages = [(code, get_language_info(code)["name_local"].capitalize()) for code in documents.LETTER_LANGUAGES]
    context = {"letter": letter, "body": body, "languages": languages}
    return render(request, "casework/documents/letter.html", context)


@login_required
def information_letter_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    letter, pdf = documents.letter_pdf_for_user(request.user, pk, _letter_language(request))
    return _pdf_response(pdf, f"tsi-{letter.case.pk}-information-{letter.language}.pdf")


@login_required
def outcome_chart(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return HttpResponse(documents.outcome_chart_for_user(request.user, pk), content_type="image/svg+xml")

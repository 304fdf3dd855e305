"""The family's pages: log in with e-ID, my children, a case, its plan, meetings and consent, the child's voice.

Every page is the family member's own: its data comes through kring.family.queries, and each read is audited as
theirs. The page is in the family's language (their choice, else the one the team chose on the case)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods, require_POST

from kring.access.audit import record_event
from kring.access.auth import FAMILY_SESSION_KEY
from kring.access.models import AuditAction
from kring.access.oidc import new_nonce
from kring.casework.tsi.actions import VoiceInput
from kring.casework.workflow import WorkflowError
from kring.family import actions, documents, queries
from kring.family.eid.oidc import ACCEPTED_ASSURANCE, EID_PROVIDER_ID, NONCE_STATE_KEY, EidAdapter
from kring.family.forms import ConsentAnswerForm, HomeRatingForm, LanguageForm, VoiceForm
from kring.family.middleware import is_family_session
from kring.family.models import FamilyAccount
from kring.pdf import pdf_response
from kring.people.languages import FAMILY_LANGUAGE_CODES, FAMILY_LANGUAGES, family_language

LANGUAGE_SESSION_KEY = "kring_family_language"
View = Callable[..., HttpResponse]


def _language(request: HttpRequest, account: FamilyAccount | None, fallback: str = "sv") -> str:
    chosen = request.session.get(LANGUAGE_SESSION_KEY) or (account.language if account else "")
    return chosen if chosen in FAMILY_LANGUAGE_CODES else fallback


def _in_language(request: HttpRequest, code: str, template: str, context: dict[str, Any], status: int = 200) -> Any:
    language = family_language(code)
    with translation.override(language.code):
        context = {"family_language": language, "family_languages": FAMILY_LANGUAGES, **context}
        response = render(request, template, context, status=status)
    response["Content-Language"] = language.code
    return response


def family_page(view: View) -> View:
    """A page for a logged-in family member: anyone else is sent to the e-ID login (staff get a 404)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not is_family_session(request):
            raise Http404
        if not is_family_session(request):
            return redirect("family:login")
        account = FamilyAccount.objects.filter(
            pk=request.session[FAMILY_SESSION_KEY], user_id=request.user.pk or 0
        ).first()
        if account is None:
            raise Http404
        return view(request, account, *args, **kwargs)

    return wrapper


def _audit_read(request: HttpRequest, case_or_child: Any, page: str, *, export: bool = False) -> None:
    child_id = getattr(case_or_child, "child_id", None) or case_or_child.pk
    record_event(
        actor=request.user,  # type: ignore[arg-type]
        action=AuditAction.EXPORT if export else AuditAction.READ,
        target_type=f"family_{page}",
        target_id=case_or_child.pk,
        child_id=child_id,
        municipality_id=case_or_child.municipality_id,
        details={"page": page},
    )


def _audit_list(request: HttpRequest, children: list[Any]) -> None:
    """One read event per municipality for the list of the family member's children: which were shown."""
    by_municipality: dict[int, list[Any]] = {}
    for child in children:
        by_municipality.setdefault(child.municipality_id, []).append(child)
    for municipality_id, shown in by_municipality.items():
        record_event(
            actor=request.user,  # type: ignore[arg-type]
            action=AuditAction.READ,
            target_type="family_children",
            child_id=shown[0].pk if len(shown) == 1 else None,
            municipality_id=municipality_id,
            details={"page": "children", "children": sorted(child.pk for child in shown)},
        )


# --- logging in ---------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """The start page for families: log in with BankID or Freja eID."""
    if is_family_session(request):
        return redirect("family:home")
    if not settings.KRING_EID_SERVER_URL:
        raise Http404  # this Kring has no e-ID provider configured: no family login
    if request.method == "POST":
        provider = get_adapter().get_provider(request, EID_PROVIDER_ID)
        nonce = new_nonce()
        params = {"nonce": nonce, "acr_values": " ".join(ACCEPTED_ASSURANCE[:2])}
        return provider.redirect(  # type: ignore[no-any-return]
            request, "login", next_url="/family/", auth_params=params, **{NONCE_STATE_KEY: nonce}
        )
    response = _in_language(request, _language(request, None), "family/login.html", {})
    # The login form's answer is a redirect to the e-ID provider: the page's CSP must let a form lead there.
    response._csp_update = {"form-action": [_provider_origin(request)]}  # type: ignore[attr-defined]
    return response


def _provider_origin(request: HttpRequest) -> str:
    provider = get_adapter().get_provider(request, EID_PROVIDER_ID)
    parts = urlsplit(str(provider.app.settings["server_url"]))
    return f"{parts.scheme}://{parts.netloc}"


class _EidCallbackView(OAuth2CallbackView):
    def _get_state(self, request: HttpRequest, provider: Any) -> Any:
        state, response = super()._get_state(request, provider)
        if state is not None and isinstance(self.adapter, EidAdapter):
            self.adapter.expected_nonce = str(state.get(NONCE_STATE_KEY) or "")
        return state, response


def callback(request: HttpRequest) -> HttpResponse:
    view = _EidCallbackView.adapter_view(EidAdapter(request, EID_PROVIDER_ID))
    return view(request)  # type: ignore[no-any-return]


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    if form.is_valid():
        language = form.cleaned_data["language"]
        request.session[LANGUAGE_SESSION_KEY] = language
        if is_family_session(request):
            account = FamilyAccount.objects.filter(user_id=request.user.pk or 0).first()
            if account is not None:
                actions.choose_language(by=request.user, account=account, language=language)  # type: ignore[arg-type]
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/family/") else "family:home")


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    language = request.session.get(LANGUAGE_SESSION_KEY)
    if is_family_session(request):
        auth_logout(request)
    if language:
        request.session[LANGUAGE_SESSION_KEY] = language
    return redirect("family:login")


# --- the family's pages -------------------------------------------------------------------------------------------


@family_page
def home(request: HttpRequest, account: FamilyAccount) -> HttpResponse:
    today = timezone.localdate()
    children = queries.children_with_cases(account, today)
    _audit_list(request, [item.child for item, _cases in children])
    fallback = next((case.family_language for _item, cases in children for case in cases), "sv")
    context = {"children": children, "account": account}
    return _in_language(request, _language(request, account, fallback), "family/home.html", context)


@family_page
def case(request: HttpRequest, account: FamilyAccount, pk: int) -> HttpResponse:
    view = queries.family_case(account, pk, timezone.localdate())
    _audit_read(request, view.case, "case")
    context = {"view": view, "rating_form": HomeRatingForm()}
    return _in_language(request, _language(request, account, view.case.family_language), "family/case.html", context)


@family_page
def plan_pdf(request: HttpRequest, account: FamilyAccount, pk: int) -> HttpResponse:
    view = queries.family_case(account, pk, timezone.localdate())
    if view.plan is None:
        raise Http404
    with translation.override(_language(request, account, view.case.family_language)):
        pdf = documents.plan_pdf(view)
    _audit_read(request, view.case, "plan_pdf", export=True)
    return pdf_response(pdf, f"plan-{view.case.pk}-v{view.plan.number}.pdf")


@family_page
def letter(request: HttpRequest, account: FamilyAccount, pk: int) -> HttpResponse:
    view = queries.family_case(account, pk, timezone.localdate())
    _audit_read(request, view.case, "letter")
    context = {"view": view, "case": view.case, "team": view.case.team, "lead": view.case.lead}
    code = _language(request, account, view.case.family_language)
    return _in_language(request, code, "family/letter.html", context)


@family_page
def meeting_ics(request: HttpRequest, account: FamilyAccount, pk: int, meeting_pk: int) -> HttpResponse:
    view, meeting = queries.family_meeting(account, pk, meeting_pk, timezone.localdate())
    with translation.override(_language(request, account, view.case.family_language)):
        text = documents.meeting_ics(view, meeting, request.get_host())
    _audit_read(request, view.case, "meeting_ics", export=True)
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@family_page
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, account: FamilyAccount, pk: int) -> HttpResponse:
    view = queries.family_case(account, pk, timezone.localdate())
    code = _language(request, account, view.case.family_language)
    if not view.may_withdraw:
        return redirect("family:case", pk=view.case.pk)
    error = ""
    if request.method == "POST":
        try:
            actions.withdraw_consent(by=request.user, view=view)  # type: ignore[arg-type]
        except WorkflowError as problem:
            error = str(problem)
        else:
            return redirect("family:case", pk=view.case.pk)
    _audit_read(request, view.case, "withdraw")
    return _in_language(request, code, "family/withdraw.html", {"view": view, "error": error})


@family_page
@require_http_methods(["GET", "POST"])
def consent_answer(request: HttpRequest, account: FamilyAccount, pk: int) -> HttpResponse:
    """The consent the team proposes, in plain words, and the family member's own yes or no."""
    view = queries.family_case(account, pk, timezone.localdate())
    if not view.may_answer:
        return redirect("family:case", pk=view.case.pk)
    form = ConsentAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.answer_consent(by=request.user, view=view, answer=form.cleaned_data["answer"])  # type: ignore[arg-type]
        except WorkflowError as problem:
            form.add_error(None, str(problem))
        else:
            return redirect("family:case", pk=view.case.pk)
    _audit_read(request, view.case, "consent_answer")
    code = _language(request, account, view.case.family_language)
    context = {"view": view, "form": form, "proposal": view.open_request}
    return _in_language(request, code, "family/consent_answer.html", context, status=400 if form.errors else 200)


@family_page
@require_POST
def rate(request: HttpRequest, account: FamilyAccount, pk: int) -> HttpResponse:
    view = queries.family_case(account, pk, timezone.localdate())
    form = HomeRatingForm(request.POST)
    code = _language(request, account, view.case.family_language)
    if form.is_valid():
        try:
            actions.rate_home(by=request.user, view=view, home_conflicts=form.cleaned_data["home_conflicts"])  # type: ignore[arg-type]
        except WorkflowError as problem:
            form.add_error(None, str(problem))
        else:
            return redirect("family:case", pk=view.case.pk)
    _audit_read(request, view.case, "case")
    return _in_language(request, code, "family/case.html", {"view": view, "rating_form": form}, status=400)


@family_page
@require_http_methods(["GET", "POST"])
def voice(request: HttpRequest, account: FamilyAccount, pk: int) -> HttpResponse:
    """The young person's own "how is it going?"."""
    view = queries.family_case(account, pk, timezone.localdate())
    if not view.viewer.young_person:
        raise Http404
    form = VoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = VoiceInput(
            how_it_goes=data["how_it_goes"], listened_to=data["listened_to"], words=data["words"].strip(),
            secret_from_guardians=data["secret_from_guardians"], occasion=data["occasion"],
        )  # fmt: skip
        try:
            actions.give_own_voice(by=request.user, view=view, voice=entry)  # type: ignore[arg-type]
        except WorkflowError as problem:
            form.add_error(None, str(problem))
        else:
            return redirect("family:case", pk=view.case.pk)
    _audit_read(request, view.case, "voice")
    code = _language(request, account, view.case.family_language)
    context = {"view": view, "form": form, "case": view.case}
    return _in_language(request, code, "family/voice.html", context, status=400 if form.errors else 200)

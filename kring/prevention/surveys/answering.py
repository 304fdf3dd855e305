"""The pupil's side of a survey: no login, a one-time code, one question a screen, in the pupil's language, read
aloud on request by the browser's own speech synthesis.

The page keeps no state on the server: the answers given so far travel in the form from screen to screen, and are
saved once, when the pupil sends them (`actions.submit_response`). The page shows the questionnaire and nothing
else: no name, no school, no class. A wrong, used or closed code all get the same answer."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kring.casework.workflow import WorkflowError
from kring.prevention.models import BankQuestion, Scale
from kring.prevention.surveys import actions
from kring.prevention.surveys.forms import CodeForm

LANGUAGES = {"sv": "Svenska", "en": "English", "ar": "العربية", "so": "Soomaali"}
AGREE_CHOICES = [
    (4, gettext_lazy("Completely true")),
    (3, gettext_lazy("Fairly true")),
    (2, gettext_lazy("Not very true")),
    (1, gettext_lazy("Not true at all")),
    (0, gettext_lazy("Don't know")),
]
SEX_CHOICES = [
    (1, gettext_lazy("Girl")),
    (2, gettext_lazy("Boy")),
    (3, gettext_lazy("Other")),
    (4, gettext_lazy("Rather not say")),
]
LINK_PARTS = [
    gettext_lazy("The second letter of your first name"),
    gettext_lazy("The day of the month you were born (1–31)"),
    gettext_lazy("The first letter of the name of someone in your family"),
]


# Wrong codes from one address in ten minutes before it must wait: a class's typing errors pass, guessing does not
# (a code is one of 31**8). The address is only hashed into a short-lived cache key, never kept with an answer.
WRONG_CODES_LIMIT = 60
WRONG_CODES_SECONDS = 600


def _wrong_key(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    return "kring-survey-wrong:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def _too_many_wrong(request: HttpRequest) -> bool:
    return int(cache.get(_wrong_key(request), 0)) >= WRONG_CODES_LIMIT


def _count_wrong(request: HttpRequest) -> None:
    key = _wrong_key(request)
    if not cache.add(key, 1, WRONG_CODES_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # it expired in between
            cache.set(key, 1, WRONG_CODES_SECONDS)


def _refusal(request: HttpRequest) -> str:
    if _too_many_wrong(request):
        return _("Too many wrong codes from this device. Wait a few minutes and try again.")
    _count_wrong(request)
    return _("The code is not valid, or has been used already.")


def _language(request: HttpRequest) -> str:
    chosen = (request.POST.get("lang") or request.GET.get("lang") or "").strip()
    return chosen if chosen in LANGUAGES else "sv"


@dataclass
class _State:
    code: str
    language: str
    questions: list[BankQuestion]
    answers: dict[int, str]  # question id -> what was answered (a value, or the text)
    link: bool
    step: int

    @property
    def last_step(self) -> int:
        return len(self.questions) if self.link else len(self.questions) - 1


def _state(request: HttpRequest, found: Any, language: str) -> _State:
    wave = found.wave_class.wave
    items = wave.series.questionnaire.items.select_related("question").order_by("position")
    questions = [item.question for item in items]
    answers = {q.pk: request.POST.get(f"q{q.pk}", "") for q in questions}
    try:
        step = int(request.POST.get("step", "0"))
    except ValueError:
        step = 0
    code = request.POST.get("code", "")
    return _State(code, language, questions, answers, wave.series.link_answers, max(step, 0))


def _choices(question: BankQuestion) -> list[tuple[int, Any]]:
    return SEX_CHOICES if question.scale == Scale.SEX else AGREE_CHOICES if question.scale == Scale.AGREE4 else []


def _render_step(request: HttpRequest, state: _State, error: str = "") -> HttpResponse:
    step = min(state.step, state.last_step)
    question = state.questions[step] if step < len(state.questions) else None
    context = {
        "state": state,
        "step": step,
        "question": question,
        "number": step + 1,
        "count": state.last_step + 1,
        "question_text": question.text(state.language) if question else "",
        "choices": _choices(question) if question else [],
        "current": state.answers.get(question.pk, "") if question else "",
        "is_last": step == state.last_step,
        "link_parts": LINK_PARTS if question is None else [],
        "others": [
            (pk, value) for pk, value in state.answers.items() if value and (question is None or pk != question.pk)
        ],
        "error": error,
        "languages": LANGUAGES,
    }
    return render(request, "prevention/survey_answer.html", context)


def _render_start(request: HttpRequest, form: CodeForm, language: str) -> HttpResponse:
    return render(request, "prevention/survey_start.html", {"form": form, "lang": language, "languages": LANGUAGES})


@require_http_methods(["GET", "POST"])
def survey_start(request: HttpRequest) -> HttpResponse:
    """Type the code from the slip (and choose a language); then the first question."""
    language = _language(request)
    with translation.override(language):
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            blocked = _too_many_wrong(request)
            found = None if blocked else actions.open_code(form.cleaned_data["code"], timezone.localdate())
            if found is not None:
                state = _state(request, found, language)
                state.code, state.step = form.cleaned_data["code"], 0
                return _render_step(request, state)
            form.add_error("code", _refusal(request))
        return _render_start(request, form, language)


@require_http_methods(["POST"])
def survey_step(request: HttpRequest) -> HttpResponse:
    """The next or the previous screen, or, on the last one, send the answers."""
    language = _language(request)
    with translation.override(language):
        blocked = _too_many_wrong(request)
        found = None if blocked else actions.open_code(request.POST.get("code", ""), timezone.localdate())
        if found is None:
            form = CodeForm()
            form.errors["code"] = form.error_class([_refusal(request)])
            return _render_start(request, form, language)
        state = _state(request, found, language)
        move = request.POST.get("go", "next")
        if move == "back":
            state.step = max(state.step - 1, 0)
            return _render_step(request, state)
        if move != "send" or state.step < state.last_step:
            state.step += 1
            return _render_step(request, state)
        return _send(request, state)


def _given(state: _State) -> list[actions.GivenAnswer]:
    given = []
    for question in state.questions:
        raw = state.answers.get(question.pk, "").strip()
        if question.scale == Scale.FREE_TEXT:
            given.append(actions.GivenAnswer(question, None, raw))
        elif raw.isdigit() and int(raw) in dict(_choices(question)):
            given.append(actions.GivenAnswer(question, int(raw)))
    return given


def _send(request: HttpRequest, state: _State) -> HttpResponse:
    parts = [request.POST.get(f"link{i}", "") for i in range(len(LINK_PARTS))] if state.link else []
    try:
        actions.submit_response(
            code=state.code,
            language=state.language,
            answers=_given(state),
            link_parts=parts,
            today=timezone.localdate(),
        )
    except WorkflowError as error:
        return _render_step(request, state, str(error.message))
    return render(request, "prevention/survey_thanks.html", {"lang": state.language})

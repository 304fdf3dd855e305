"""The pupil surveys, staff side: questionnaires from the bank, surveys with their waves and classes, printed
codes, the guardians' letter, and the results (aggregates only, with disclosure control). Thin typed views over
`queries` and `actions`."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kring.access.policy import municipality_of
from kring.casework.workflow import run_action
from kring.directory.http import AuthenticatedRequest
from kring.prevention import charts
from kring.prevention.models import Programme, Questionnaire
from kring.prevention.surveys import actions, codes, queries
from kring.prevention.surveys.forms import AddClassForm, CodesForm, QuestionnaireForm, SeriesForm, WaveForm


@login_required
def survey_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    context = {"surveys": list(queries.series_for_user(user)), "can_set_up": queries.follows(user)}
    return render(request, "prevention/survey_list.html", context)


def _require_follow(request: AuthenticatedRequest) -> None:
    if not queries.follows(request.user):
        raise Http404


@login_required
def questionnaire_new(request: AuthenticatedRequest) -> HttpResponse:
    _require_follow(request)
    form = QuestionnaireForm(request.POST or None, language=get_language() or "sv")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        questions = list(data["questions"])
        done = run_action(
            form, lambda: actions.create_questionnaire(name=data["name"], questions=questions, by=request.user)
        )
        if done is not None:
            messages.success(request, _("The questionnaire is saved."))
            return redirect("prevention_survey_new")
    return render(request, "prevention/questionnaire_form.html", {"form": form})


@login_required
def series_new(request: AuthenticatedRequest) -> HttpResponse:
    _require_follow(request)
    user = request.user
    form = SeriesForm(
        request.POST or None,
        questionnaires=Questionnaire.objects.filter(municipality_id=municipality_of(user)),
        programmes=Programme.objects.filter(municipality_id=municipality_of(user)),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        series = run_action(form, lambda: actions.create_series(by=user, **data))
        if series is not None:
            messages.success(request, _("The survey is saved. Add its waves and classes."))
            return redirect("prevention_survey", series.pk)
    return render(request, "prevention/series_form.html", {"form": form})


@login_required
def series_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The survey's waves and classes; the coordinator adds waves, the schools add their classes."""
    user, today = request.user, timezone.localdate()
    series = queries.get_series_for_user(user, pk)
    wave_form = WaveForm(request.POST if request.POST.get("form") == "wave" else None, prefix="wave")
    if request.POST.get("form") == "wave":
        _require_follow(request)
        if wave_form.is_valid():
            done = run_action(wave_form, lambda: actions.add_wave(series=series, by=user, **wave_form.cleaned_data))
            if done is not None:
                messages.success(request, _("The wave is added."))
                return redirect("prevention_survey", series.pk)
    context = {
        "series": series,
        "waves": queries.waves_of(user, series),
        "wave_form": wave_form,
        "class_form": AddClassForm(prefix="class", groups=queries.classes_to_add(user, today)),
        "codes_form": CodesForm(prefix="codes", initial={"count": 30}),
        "can_set_up": queries.follows(user),
        "questions": queries.questions_of(series),
    }
    return render(request, "prevention/series_detail.html", context)


@login_required
@require_POST
def wave_add_class(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    wave = queries.get_wave_for_user(user, pk)
    form = AddClassForm(request.POST, prefix="class", groups=queries.classes_to_add(user, timezone.localdate()))
    if form.is_valid():
        group = form.cleaned_data["group"]
        if run_action(form, lambda: actions.add_class(wave=wave, group=group, by=user, today=timezone.localdate())):
            messages.success(request, _("The class is added. Print its codes."))
            return redirect("prevention_survey", wave.series_id)
    for errors in form.errors.values():
        messages.error(request, " ".join(str(error) for error in errors))
    return redirect("prevention_survey", wave.series_id)


@login_required
@require_POST
def class_codes(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """New one-time codes for the class, shown once as slips to print and cut (Kring keeps only their hashes)."""
    wave_class = queries.get_wave_class_for_user(request.user, pk)
    form = CodesForm(request.POST, prefix="codes")
    if not form.is_valid():
        messages.error(request, _("Between 1 and 60 codes at a time."))
        return redirect("prevention_survey", wave_class.wave.series_id)
    plain = actions.make_codes(wave_class=wave_class, count=form.cleaned_data["count"], by=request.user)
    context = {
        "wave_class": wave_class,
        "codes": [codes.formatted(code) for code in plain],
        "address": request.build_absolute_uri("/enkat/"),
    }
    return render(request, "prevention/code_slips.html", context)


@login_required
def guardian_letter(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The information letter to the guardians, with their right to say no, to print."""
    series = queries.get_series_for_user(request.user, pk)
    waves = list(series.waves.order_by("opens_on"))
    language = get_language() or "sv"
    texts = [question.text(language) for question in queries.questions_of(series)]
    return render(
        request, "prevention/guardian_letter.html", {"series": series, "waves": waves, "question_texts": texts}
    )


@login_required
def results(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    series = queries.get_series_for_user(request.user, pk)
    report = queries.survey_results(request.user, series)
    return render(request, "prevention/survey_results.html", {"series": series, "report": report})


@login_required
def results_chart(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    series = queries.get_series_for_user(request.user, pk)
    report = queries.survey_results(request.user, series)
    language = get_language() or "sv"
    labels = [question.text(language) for question in report.questions]
    series_values: dict[str, list[int | None]] = {}
    for wave in report.waves:
        values = []
        for question in report.questions:
            total = next((f for f in wave.items.get(question.pk, []) if f.kind == "total"), None)
            values.append(round(100 * total.interval.estimate) if total and total.interval else None)
        series_values[wave.wave.get_kind_display()] = values
    svg = charts.grouped_bars_svg(labels, series_values, _("Share positive, all pupils"), _("Per cent"))
    return HttpResponse(svg, content_type="image/svg+xml")


@login_required
def results_csv(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The aggregates shown, as CSV: never a row of answers; a suppressed figure is ".." as on the page."""
    series = queries.get_series_for_user(request.user, pk)
    report = queries.survey_results(request.user, series)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{series.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [_("Wave"), _("Question"), _("Group"), _("Answered"), _("Positive"), _("Share"), _("Low"), _("High")]
    )
    language = get_language() or "sv"
    for wave in report.waves:
        for question in report.questions:
            for figure in wave.items.get(question.pk, []):
                writer.writerow(_csv_row(wave.wave.get_kind_display(), question.text(language), figure))
    return response


def _csv_row(wave: str, question: str, figure: Any) -> list[str]:
    if not figure.shown:
        return [wave, question, figure.label, "..", "..", "..", "..", ".."]
    interval = figure.interval
    return [
        wave,
        question,
        figure.label,
        str(figure.answered),
        str(figure.positive),
        f"{interval.estimate:.3f}",
        f"{interval.low:.3f}",
        f"{interval.high:.3f}",
    ]

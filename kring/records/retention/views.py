"""The archivist's page: the retention rules of the municipality, what each makes due today, and changing one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kring.casework.workflow import run_action
from kring.directory.http import AuthenticatedRequest
from kring.records.retention import actions, queries
from kring.records.retention.forms import RuleForm


@login_required
def retention(request: AuthenticatedRequest) -> HttpResponse:
    rules = queries.rules_for_user(request.user, timezone.localdate())
    counts = queries.anonymous_counts_for_user(request.user)
    return render(request, "records/retention.html", {"rules": rules, "counts": counts})


@login_required
@require_http_methods(["GET", "POST"])
def edit_rule(request: AuthenticatedRequest, record_type: str) -> HttpResponse:
    rule = queries.rule_for_user(request.user, record_type)
    form = RuleForm(request.POST or None, rule=rule)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        given = actions.RuleInput(data["keep_years"], data["counted_from"], data["action"], data["source"])
        if run_action(form, lambda: actions.save_rule(by=request.user, rule=rule, given=given)) is not None:
            messages.success(request, _("The rule is saved. The next clearing follows it."))
            return redirect("records_retention")
    return render(request, "records/rule_form.html", {"rule": rule, "form": form}, status=400 if form.errors else 200)

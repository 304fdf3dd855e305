"""The page where the municipality sets its thresholds for problematic school absence.

Only for roles with the permission to import school data (administrator, coordinator), and only the settings of their
own municipality; everyone else gets 404. Saving recomputes every pupil's absence indicator (see
`settings_actions.update_absence_settings`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import can
from kring.access.roles import Permission
from kring.directory.http import AuthenticatedRequest
from kring.schooldata.import_views import import_permission_required
from kring.schooldata.settings_actions import current_values, default_values, settings_for, update_absence_settings
from kring.schooldata.settings_forms import AbsenceSettingsForm

RESTORE = "restore-defaults"  # the name of the button that restores the defaults


@login_required
@import_permission_required
def absence_settings(request: AuthenticatedRequest) -> HttpResponse:
    """Show the thresholds (the defaults until any are saved); save new ones, or restore the defaults."""
    municipality = request.user.municipality
    if municipality is None:  # can() lets no one without a municipality in; this tells mypy so
        raise Http404
    settings = settings_for(municipality)
    if not can(request.user, Permission.SCHOOLDATA_IMPORT, settings):
        raise Http404
    if request.method == "POST" and RESTORE in request.POST:
        update_absence_settings(municipality=municipality, by=request.user, **default_values())
        messages.success(request, _("The default thresholds were restored and every pupil's absence recomputed."))
        return redirect("schooldata_absence_settings")
    if request.method == "POST":
        form = AbsenceSettingsForm(request.POST)
        if form.is_valid():
            update_absence_settings(municipality=municipality, by=request.user, **form.cleaned_data)
            messages.success(request, _("The thresholds were saved and every pupil's absence recomputed."))
            return redirect("schooldata_absence_settings")
    else:
        form = AbsenceSettingsForm(initial=current_values(settings))
        record_event(
            actor=request.user,
            action=AuditAction.READ,
            target_type="absence_settings",
            target_id=settings.pk or "",
            details={"page": "absence settings"},
        )
    defaults = default_values()
    context = {
        "form": form,
        "fieldsets": form.fieldsets(),
        "saved": settings.pk is not None,
        "is_default": current_values(settings) == defaults,
        "defaults": [(field.label, defaults[field.name]) for field in form],
    }
    return render(request, "schooldata/absence_settings.html", context)

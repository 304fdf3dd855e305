"""The import history of the municipality's school data, a run's refused records, and the CSV upload.

Only for roles with the permission to import school data (administrator, coordinator), and only the runs of their
own municipality; everyone else gets 404. The pages hold no child data (a refused record is named by its line and
id, never its content), but every view is audited all the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import can, municipality_of
from kring.access.roles import Permission
from kring.directory.http import AuthenticatedRequest
from kring.directory.models import User
from kring.schooldata.csv_import import import_csv
from kring.schooldata.import_forms import CsvUploadForm
from kring.schooldata.importer import GUARDIANS_MISSING, LOOKUP_NOT_OFFERED, NO_ABSENCE, NOT_OFFERED
from kring.schooldata.models import ImportRejection, ImportRun, ImportStatus

RUNS_PER_PAGE = 50
REJECTIONS_PER_PAGE = 100
REJECTIONS_ON_UPLOAD = 100

RESOURCE_LABELS = {
    "rows": gettext_lazy("Lines"),
    "pupils": gettext_lazy("Pupils"),
    "organisations": gettext_lazy("School units"),
    "persons": gettext_lazy("Pupils and guardians"),
    "placements": gettext_lazy("Preschool placements"),
    "groups": gettext_lazy("Classes"),
    "absences": gettext_lazy("Absences"),
    "calendarEvents": gettext_lazy("Lessons"),
    "attendances": gettext_lazy("Attendance"),
    "aggregatedAttendance": gettext_lazy("Attendance summed by day"),
    "deletedEntities": gettext_lazy("Deletions"),
    "indicators": gettext_lazy("Absence indicators"),
}
# Each count in words, singular and plural ("1 new guardian", "3 new guardians").
COUNT_LABELS: dict[str, Any] = {
    "read": ngettext_lazy("%(number)s read", "%(number)s read", "number"),
    "created": ngettext_lazy("%(number)s new", "%(number)s new", "number"),
    "updated": ngettext_lazy("%(number)s changed", "%(number)s changed", "number"),
    "unchanged": ngettext_lazy("%(number)s unchanged", "%(number)s unchanged", "number"),
    "skipped": ngettext_lazy("%(number)s skipped", "%(number)s skipped", "number"),
    "rejected": ngettext_lazy("%(number)s refused", "%(number)s refused", "number"),
    "recomputed": ngettext_lazy("%(number)s recomputed", "%(number)s recomputed", "number"),
    "guardians created": ngettext_lazy("%(number)s new guardian", "%(number)s new guardians", "number"),
    "guardians updated": ngettext_lazy("%(number)s changed guardian", "%(number)s changed guardians", "number"),
    "guardians unchanged": ngettext_lazy("%(number)s unchanged guardian", "%(number)s unchanged guardians", "number"),
    "placements created": ngettext_lazy("%(number)s new placement", "%(number)s new placements", "number"),
    "placements updated": ngettext_lazy("%(number)s changed placement", "%(number)s changed placements", "number"),
    "placements unchanged": ngettext_lazy(
        "%(number)s unchanged placement", "%(number)s unchanged placements", "number"
    ),
    "placements deleted": ngettext_lazy("%(number)s ended placement", "%(number)s ended placements", "number"),
    "placements grouped": ngettext_lazy(
        "%(number)s placement moved to a class", "%(number)s placements moved to a class", "number"
    ),
    "absences deleted": ngettext_lazy("%(number)s absence deleted", "%(number)s absences deleted", "number"),
    "groups deleted": ngettext_lazy("%(number)s class deleted", "%(number)s classes deleted", "number"),
    "custody deleted": ngettext_lazy("%(number)s custody deleted", "%(number)s custodies deleted", "number"),
    "custody created": ngettext_lazy("%(number)s new custody", "%(number)s new custodies", "number"),
    "custody updated": ngettext_lazy("%(number)s changed custody", "%(number)s changed custodies", "number"),
    "deleted": ngettext_lazy("%(number)s deleted", "%(number)s deleted", "number"),
    "lessons deleted": ngettext_lazy("%(number)s lesson deleted", "%(number)s lessons deleted", "number"),
    "present": ngettext_lazy("%(number)s without absence", "%(number)s without absence", "number"),
    "no school day": ngettext_lazy(
        "%(number)s on no school day (a weekend)", "%(number)s on no school day (a weekend)", "number"
    ),
    "temporary civicNo": ngettext_lazy(
        "%(number)s pupil with a temporary identity number",
        "%(number)s pupils with a temporary identity number",
        "number",
    ),
    "without civicNo": ngettext_lazy(
        "%(number)s pupil without an identity number", "%(number)s pupils without an identity number", "number"
    ),
    "foreign civicNo not used": ngettext_lazy(
        "%(number)s foreign identity number not used", "%(number)s foreign identity numbers not used", "number"
    ),
    "responsibles without custody": ngettext_lazy(
        "%(number)s responsible adult without custody, not imported",
        "%(number)s responsible adults without custody, not imported",
        "number",
    ),
    "schoolUnitCode not 8 digits, left out": ngettext_lazy(
        "%(number)s school unit code not of eight digits, left out",
        "%(number)s school unit codes not of eight digits, left out",
        "number",
    ),
}
_NOT_SHOWN = {"seconds"}

View = Callable[..., HttpResponse]


def import_permission_required(view: View) -> View:
    """404 for anyone who may not import school data. Goes under @login_required."""

    @wraps(view)
    def wrapped(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can(request.user, Permission.SCHOOLDATA_IMPORT):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def import_runs_for_user(user: User) -> QuerySet[ImportRun]:
    """The import runs of the user's municipality, newest first, if they may import school data; else none."""
    if not can(user, Permission.SCHOOLDATA_IMPORT):
        return ImportRun.objects.none()
    return ImportRun.objects.filter(municipality_id=municipality_of(user)).select_related("started_by")


def get_import_run_for_user(user: User, pk: int) -> ImportRun:
    run = import_runs_for_user(user).filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def _count_in_words(name: str, number: int) -> str:
    label = COUNT_LABELS.get(name)
    return str(label % {"number": number}) if label is not None else f"{number} {name}"


def count_summary(counts: dict[str, Any]) -> list[tuple[str, str]]:
    """A run's counts as (resource, "12 new, 3 changed") pairs, leaving out the zeros."""
    summary = []
    for resource, numbers in counts.items():
        if not isinstance(numbers, dict):
            continue
        parts = [_count_in_words(name, number) for name, number in numbers.items() if number and name not in _NOT_SHOWN]
        if parts:
            summary.append((str(RESOURCE_LABELS.get(resource, resource)), ", ".join(parts)))
    return summary


def describe_warning(warning: dict[str, Any]) -> str:
    """A run's warning (`importer.warn`) in the reader's language."""
    code, status = warning.get("code"), warning.get("status")
    if code == NOT_OFFERED:
        resource = str(RESOURCE_LABELS.get(warning.get("resource", ""), warning.get("resource", "")))
        return _(
            "%(resource)s: the provider does not offer it, or Kring may not read it (HTTP %(status)s). The import "
            "went on without it."
        ) % {"resource": resource, "status": status}
    if code == LOOKUP_NOT_OFFERED:
        return _("The provider does not let Kring look up guardians by id (HTTP %(status)s).") % {"status": status}
    if code == GUARDIANS_MISSING:
        count = int(warning.get("count") or 0)
        return ngettext(
            "%(number)s guardian linked from a pupil was not found among the provider's persons: the pupil is "
            "imported without that custody until the guardian is.",
            "%(number)s guardians linked from pupils were not found among the provider's persons: the pupils are "
            "imported without that custody until the guardians are.",
            count,
        ) % {"number": count}
    if code == NO_ABSENCE:
        return _("No absence at all came from the provider: the early warning has nothing to work from.")
    return str(warning)


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return _("%(seconds)s s") % {"seconds": f"{seconds:.1f}"}
    minutes, rest = divmod(round(seconds), 60)
    return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": rest}


@dataclass(frozen=True)
class RunRow:
    """One run as the pages show it: labels and numbers worked out once, not in the template."""

    run: ImportRun
    by: str
    duration: str
    counts: list[tuple[str, str]]
    failed: bool
    warnings: list[str]

    @classmethod
    def of(cls, run: ImportRun) -> RunRow:
        by = str(run.started_by) if run.started_by else run.started_by_label
        failed = run.status == ImportStatus.FAILED
        warnings = [describe_warning(w) for w in run.warnings if isinstance(w, dict)]
        return cls(run, by, duration(run.seconds), count_summary(run.counts), failed, warnings)


@dataclass(frozen=True)
class RejectionRow:
    line: int | None
    resource: str
    source_id: str
    reason: str


def rejection_rows(rejections: Iterable[ImportRejection]) -> list[RejectionRow]:
    return [
        RejectionRow(r.row_number, str(RESOURCE_LABELS.get(r.resource, r.resource)), r.source_id, r.reason)
        for r in rejections
    ]


def _audit_read(request: AuthenticatedRequest, target_id: object, details: dict[str, Any]) -> None:
    record_event(
        actor=request.user,
        action=AuditAction.READ,
        target_type="schooldata_import",
        target_id=target_id,
        details=details,
    )


@login_required
@import_permission_required
def import_list(request: AuthenticatedRequest) -> HttpResponse:
    """The municipality's imports, newest first."""
    page = Paginator(import_runs_for_user(request.user), RUNS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [RunRow.of(run) for run in page]
    _audit_read(request, "", {"page": "import history", "page_number": page.number})
    return render(request, "schooldata/imports/import_list.html", {"page": page, "rows": rows})


@login_required
@import_permission_required
def import_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One run: what it did, and every record or line it refused."""
    run = get_import_run_for_user(request.user, pk)
    rejections = Paginator(run.rejections.all(), REJECTIONS_PER_PAGE).get_page(request.GET.get("page"))
    _audit_read(request, run.pk, {"page": "import", "page_number": rejections.number})
    context = {"row": RunRow.of(run), "page": rejections, "rejections": rejection_rows(rejections)}
    return render(request, "schooldata/imports/import_detail.html", context)


@login_required
@import_permission_required
def csv_upload(request: AuthenticatedRequest) -> HttpResponse:
    """Upload a CSV file of pupils or absences: imported whole, or not at all with every refused line shown."""
    form = CsvUploadForm(request.POST, request.FILES) if request.method == "POST" else CsvUploadForm()
    run, rejections = None, []
    municipality = request.user.municipality
    if municipality is None:  # can() lets no one without a municipality in; this tells mypy so
        raise Http404
    if form.is_valid():
        run = import_csv(
            municipality=municipality,
            kind=form.cleaned_data["kind"],
            file=form.cleaned_data["file"],
            by=request.user,
        )
        if run.status == ImportStatus.COMPLETED:
            messages.success(request, _("The file was imported."))
            return redirect("schooldata_import_detail", pk=run.pk)
        form.refuse_file(run.error)
        rejections = rejection_rows(run.rejections.all()[:REJECTIONS_ON_UPLOAD])
    context = {"form": form, "run": run, "rejections": rejections}
    return render(request, "schooldata/imports/csv_upload.html", context)

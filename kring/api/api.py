"""Kring's open REST API, version 1, under /api/v1/ (django-ninja, OpenAPI 3.1 at /api/v1/openapi.json).

Every operation acts as the calling token's system user: the same `get_<thing>_for_user` helpers, policy and audit
as a person at a page. Errors are RFC 9457 problem details."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from kring.api import queries
from kring.api.auth import TokenAuth
from kring.api.bundle import closed_case_bundle_for_user
from kring.api.problems import (
    PROBLEM_CONTENT_TYPE,
    RATE_LIMITED,
    UNAUTHENTICATED,
    VALIDATION,
    Conflict,
    RateLimited,
    field_errors,
    problem,
)
from kring.api.reports import PublicChild, PublicReporter, pass_on_public_report
from kring.api.schemas import (
    ClosedCaseOut,
    ComplianceOut,
    ContactPersonOut,
    CountTableOut,
    MeasureOut,
    Problem,
    PublicReportIn,
    ReportFiledOut,
    ScopeOut,
    StatisticsOut,
    TermStatisticsOut,
    TermTableOut,
    UnitOut,
)
from kring.casework.models import TsiCase
from kring.casework.reports.actions import ReportInput
from kring.casework.workflow import WorkflowError
from kring.directory.models import ContactPerson, Unit, User
from kring.insights.breakdowns import term_statistics_for_user
from kring.insights.statistics import THRESHOLD, CountTable, months_until, statistics_for_user

logger = logging.getLogger(__name__)


class KringAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Errors are documented as what they are: `application/problem+json`."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if "application/zip" in content:
                        content.pop("application/json", None)
                    if str(status)[0] in "45" and "application/json" in content:
                        content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")
        return schema


api = KringAPI(
    title="Kring API",
    version="1",
    description=(
        "The open API of Kring. Every call is made with a token of one integration (`Authorization: Bearer …`), "
        "acting as the token's system user: the same access policy and audit log as a person. Errors are RFC 9457 "
        "problem details. See docs/api.md."
    ),
    urls_namespace="api-v1",
    docs_url=None,
    auth=TokenAuth(),
)

_READ_ERRORS: dict[int, type[Problem]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}
_WHO = {"WWW-Authenticate": 'Bearer realm="kring"'}


def _user(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    return user


# --- errors ---------------------------------------------------------------------------------------------------


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = _("Give a valid API token as 'Authorization: Bearer <token>'; it may have expired or been revoked.")
    return problem(request, 401, detail=detail, problem_type=UNAUTHENTICATED, headers=_WHO)


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    detail = _("This token has made too many calls this minute. Try again after %(seconds)s seconds.") % {
        "seconds": exc.retry_after
    }
    return problem(
        request, 429, detail=detail, problem_type=RATE_LIMITED, headers={"Retry-After": str(exc.retry_after)}
    )


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = field_errors(list(exc.errors))
    detail = _("The request is not valid: see the errors of each field.")
    return problem(request, 422, detail=detail, problem_type=VALIDATION, errors=errors)


@api.exception_handler(WorkflowError)
def _refused(request: HttpRequest, exc: WorkflowError) -> HttpResponse:
    errors = [{"field": "", "message": message} for message in exc.messages]
    return problem(request, 422, detail=" ".join(exc.messages), problem_type=VALIDATION, errors=errors)


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return problem(request, 409, detail=exc.detail, problem_type=exc.problem_type)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, detail=_("There is nothing here, or nothing this token may see."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(request, 403, detail=_("The token's role does not allow this."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code)


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error at %s", request.path, exc_info=exc)
    return problem(request, 500, detail=_("Something went wrong in Kring. The error has been logged."))


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other path under /api/v1/: a 404 problem, not the HTML page."""
    return problem(request, 404, detail=_("There is no such operation in this API."))


# --- units and contact persons --------------------------------------------------------------------------------


def _contact(contact: ContactPerson) -> ContactPersonOut:
    person = contact.user
    return ContactPersonOut(
        school_id=contact.school_id,
        school=contact.school.name,
        position=contact.position,
        name=person.get_full_name() or person.email,
        email=person.email,
        phone=person.phone,
    )


def _unit(unit: Unit) -> UnitOut:
    return UnitOut(
        id=unit.pk,
        name=unit.name,
        kind=unit.kind,
        organisation=unit.organisation.name,
        school_unit_code=unit.school_unit_code,
        school_forms=[str(form) for form in unit.school_forms],
        address=unit.address,
        phone=unit.phone,
        email=unit.email,
        contact_persons=[_contact(contact) for contact in unit.contact_persons.all()],
    )


@api.get("/units", response={200: list[UnitOut], **_READ_ERRORS}, tags=["directory"], operation_id="list_units")
def list_units(request: HttpRequest) -> list[UnitOut]:
    """The units of the token's municipality (schools, social services, teams) with their contact persons."""
    return [_unit(unit) for unit in queries.units_for_api(_user(request))]


@api.get("/units/{unit_id}", response={200: UnitOut, **_READ_ERRORS}, tags=["directory"], operation_id="get_unit")
def get_unit(request: HttpRequest, unit_id: int) -> UnitOut:
    """One unit of the token's municipality with its contact persons."""
    return _unit(queries.unit_for_api(_user(request), unit_id))


@api.get(
    "/contact-persons",
    response={200: list[ContactPersonOut], **_READ_ERRORS},
    tags=["directory"],
    operation_id="list_contact_persons",
)
def list_contact_persons(request: HttpRequest) -> list[ContactPersonOut]:
    """Every school's and preschool's contact persons in social services, school by school."""
    return [_contact(contact) for contact in queries.contact_persons_for_api(_user(request))]


# --- reports of concern from the public -----------------------------------------------------------------------


@api.post(
    "/reports-of-concern",
    response={201: ReportFiledOut, **_READ_ERRORS},
    tags=["reports of concern"],
    operation_id="file_public_report",
)
def file_public_report(request: HttpRequest, payload: PublicReportIn) -> Status:
    """A report of concern from a member of the public, passed on by the municipality's e-service. It reaches
    social services' inbox as a report filed in Kring does. The answer says nothing of the child or the register."""
    reporter = PublicReporter(**payload.reporter.model_dump())
    child = PublicChild(**payload.child.model_dump())
    report = ReportInput(
        what_happened=payload.what_happened,
        when_and_where=payload.when_and_where,
        guardians_informed=payload.guardians_informed,
        urgency=payload.urgency,
        child_words=payload.child_words,
        guardians_not_informed_why=payload.guardians_not_informed_why,
    )
    filed = pass_on_public_report(by=_user(request), reporter=reporter, child=child, report=report)
    return Status(201, ReportFiledOut(reference=filed.pk, filed_at=filed.filed_at))


# --- statistics -----------------------------------------------------------------------------------------------


def _table(table: CountTable, months: list[Any]) -> CountTableOut:
    counts = table.counts
    return CountTableOut(
        caption=table.caption,
        row_header=table.row_header,
        rows=table.rows,
        months=months,
        cells=counts.cells,
        row_totals=counts.row_totals,
        column_totals=counts.column_totals,
        total=counts.total,
    )


@api.get("/statistics", response={200: StatisticsOut, **_READ_ERRORS}, tags=["statistics"], operation_id="statistics")
def statistics(request: HttpRequest, scope: str = "") -> StatisticsOut:
    """The statistics page's figures for the token's scope, as of the last refresh of the summary (`refreshed_at`;
    before the first one, null and no tables), with the same small-count suppression: a suppressed number is null,
    and no count under the threshold can be recomputed from the rest."""
    stats = statistics_for_user(_user(request), scope[:40])
    months = months_until(stats.last_month)
    return StatisticsOut(
        scope=ScopeOut(key=stats.scope.key, label=stats.scope.label),
        scopes=[ScopeOut(key=s.key, label=s.label) for s in stats.scopes],
        first_month=stats.first_month,
        last_month=stats.last_month,
        refreshed_at=stats.refreshed_at,
        threshold=THRESHOLD,
        concerns=_table(stats.concerns, months) if stats.concerns else None,
        reports=_table(stats.reports, months) if stats.reports else None,
        consultations=_table(stats.consultations, months) if stats.consultations else None,
        compliance=[
            ComplianceOut(label=r.label, on_time=r.on_time, late=r.late, total=r.total) for r in stats.compliance
        ],
    )


@api.get(
    "/statistics/terms",
    response={200: TermStatisticsOut, **_READ_ERRORS},
    tags=["statistics"],
    operation_id="statistics_by_term",
)
def statistics_by_term(request: HttpRequest, scope: str = "") -> TermStatisticsOut:
    """The term statistics page's figures for the token's scope: each measure's tables by term (category or
    outcome, school, grade, age band, sex), suppressed together as on the page; a suppressed number is null."""
    stats = term_statistics_for_user(_user(request), scope[:40])
    return TermStatisticsOut(
        scope=ScopeOut(key=stats.scope.key, label=stats.scope.label),
        scopes=[ScopeOut(key=s.key, label=s.label) for s in stats.scopes],
        terms=stats.terms,
        term_labels=stats.term_labels,
        refreshed_at=stats.refreshed_at,
        threshold=THRESHOLD,
        measures=[
            MeasureOut(key=m.key, heading=m.heading, tables=[_term_table(t, stats.terms) for t in m.tables])
            for m in stats.measures
        ],
    )


def _term_table(table: CountTable, terms: list[Any]) -> TermTableOut:
    counts = table.counts
    return TermTableOut(
        caption=table.caption, row_header=table.row_header, rows=table.rows, terms=terms, cells=counts.cells,
        row_totals=counts.row_totals, column_totals=counts.column_totals, total=counts.total,
    )  # fmt: skip


# --- closed TSI cases -----------------------------------------------------------------------------------------


def _closed(case: TsiCase) -> ClosedCaseOut:
    closed_at = case.closed_at or timezone.now()
    return ClosedCaseOut(id=case.pk, team=case.team.name, closed_at=closed_at, closure_reason=case.closure_reason)


@api.get(
    "/tsi-cases/closed",
    response={200: list[ClosedCaseOut], **_READ_ERRORS},
    tags=["tsi cases"],
    operation_id="list_closed_tsi_cases",
)
def list_closed_cases(request: HttpRequest) -> list[ClosedCaseOut]:
    """The closed TSI cases the token's user has a basis for (at most 500, newest first). Audited."""
    return [_closed(case) for case in queries.closed_cases_for_api(_user(request))]


@api.get(
    "/tsi-cases/{case_id}/bundle",
    response={200: bytes, 409: Problem, **_READ_ERRORS},
    tags=["tsi cases"],
    operation_id="closed_tsi_case_bundle",
    openapi_extra={
        "responses": {
            200: {
                "description": "A ZIP of the case's PDFs and index.json",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def closed_case_bundle(request: HttpRequest, case_id: int) -> HttpResponse:
    """A closed case's documents as one ZIP: the plan's versions and the information letter as PDFs, and
    index.json. Audited as an export."""
    bundle = closed_case_bundle_for_user(_user(request), case_id)
    response = HttpResponse(bundle.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{bundle.filename}"'
    return response

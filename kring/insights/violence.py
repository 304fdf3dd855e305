"""The follow-up of violence prevention (Botkyrka's MVP): concerns of violence, threats and abuse per school and
term, the schools running a prevention programme beside the others, as rates per hundred pupils with their 95 %
intervals; the programme's reach; the trygg-bas coverage beside it for those who follow the municipality's
prevention; and the way to the pupil surveys' results.

Counts from the statistics' summary (`MonthlyCount`) in the user's scope: the table by school and term suppressed as
every statistics table (`kring.suppression`: nothing under 5, nor what would let the totals reveal it); a group's
count is the sum of its schools' published numbers, shown only when all of them are, and its rate only with it. A
fixed number of queries whatever the size: the scope, the programmes and their runs, the summary, the pupils of
each term, the schools."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import can
from kring.access.roles import Permission
from kring.casework.models import ConcernCategory
from kring.database import reading_from_replica
from kring.directory.models import Unit, UnitKind, User
from kring.insights.breakdowns import term_of_month, terms_until
from kring.insights.evaluation.estimates import Estimate, rate_with_interval
from kring.insights.models import CountKind, MonthlyCount
from kring.insights.statistics import THRESHOLD, CountTable, Scope, chosen_scope, published_once
from kring.people.models import Placement
from kring.prevention.models import Programme, ProgrammeRun
from kring.prevention.surveys.queries import may_use_surveys, series_for_user, survey_results
from kring.prevention.surveys.results import SurveyResults
from kring.prevention.terms import term_label
from kring.prevention.tryggbas.coverage import MunicipalityCoverage, municipality_coverage
from kring.suppression import suppress

VIOLENCE_CATEGORIES = (ConcernCategory.VIOLENCE, ConcernCategory.ABUSE, ConcernCategory.HONOUR)
MID_TERM = timedelta(days=45)  # the pupils of a term: those placed six weeks or so into it


@dataclass(frozen=True)
class GroupRow:
    """One term: the concerns of violence and the rate per hundred pupils at the programme's schools and at the
    others (None: a school of the group has its number hidden, or the group has no school)."""

    term: str
    with_programme: int | None
    others: int | None
    schools_with_programme: int
    rate_with: Estimate | None
    rate_others: Estimate | None


@dataclass(frozen=True)
class Violence:
    scope: Scope
    scopes: list[Scope]
    refreshed_at: datetime | None
    programmes: list[Programme]
    programme: Programme | None
    term_labels: list[str]
    groups: list[GroupRow]
    schools: CountTable | None
    coverage: MunicipalityCoverage | None
    survey: SurveyResults | None  # the programme's latest pupil survey (or the latest), for who may read it


def violence_for_user(user: User, scope_key: str = "", programme_id: str = "") -> Violence:
    """The follow-up in the user's statistics scope (404 without one); audited."""
    scope, scopes, municipality_id, refresh = chosen_scope(user, scope_key)
    today = timezone.localdate()
    terms = terms_until(today)
    programmes = list(Programme.objects.filter(municipality_id=municipality_id).order_by("name"))
    programme = _chosen(programmes, programme_id)
    runs = set(ProgrammeRun.objects.filter(programme=programme, term__in=terms).values_list("unit_id", "term")) \
        if programme else set()  # fmt: skip
    schools = _schools(municipality_id, scope)
    counted = refresh is not None and scope.concerns is not None  # concerns are the school's: not for social services
    table: CountTable | None = None
    pupils: dict[tuple[int, date], int] = {}
    if counted:  # the suppressed table and the pupils of each term, kept until the next refresh
        view = ("violence", scope.key, scope.unit_ids, terms[0])
        table, pupils = published_once(
            municipality_id, view, lambda: _published(municipality_id, scope, terms, schools)
        )
    groups = [_group(i, term, schools, runs, table, pupils) for i, term in enumerate(terms)] if table else []
    coverage = municipality_coverage(user, today) if can(user, Permission.PREVENTION_FOLLOW) else None
    survey = _survey(user, programme)
    record_event(actor=user, action=AuditAction.READ, target_type="violence_follow_up", target_id=scope.key,
                 details={"scope": scope.key, "units": list(scope.unit_ids),
                          "programme": programme.pk if programme else None})  # fmt: skip
    return Violence(scope, scopes, refresh.refreshed_at if refresh else None, programmes, programme,
                    [term_label(t) for t in terms], groups, table, coverage, survey)  # fmt: skip


def _published(
    municipality_id: int, scope: Scope, terms: list[date], schools: list[tuple[int, str]]
) -> tuple[CountTable, dict[tuple[int, date], int]]:
    return _school_table(schools, terms, _counts(municipality_id, scope, terms)), _pupils(municipality_id, terms)


def _survey(user: User, programme: Programme | None) -> SurveyResults | None:
    """The results of the programme's latest pupil survey, else of the latest survey, as the survey's own page shows
    them (with its disclosure control, audited there); None for who may not read them."""
    if not may_use_surveys(user):
        return None
    series = series_for_user(user).order_by("-pk")
    found = (series.filter(programme=programme).first() if programme else None) or series.first()
    return survey_results(user, found) if found else None


def _chosen(programmes: list[Programme], asked: str) -> Programme | None:
    by_pk = {str(p.pk): p for p in programmes}
    if asked in by_pk:
        return by_pk[asked]
    return next((p for p in programmes if p.name.upper().startswith("MVP")), programmes[0] if programmes else None)


def _schools(municipality_id: int, scope: Scope) -> list[tuple[int, str]]:
    """The schools of the scope (a principal's own; everyone's for the municipality)."""
    units = Unit.objects.filter(municipality_id=municipality_id, kind=UnitKind.SCHOOL)
    if scope.unit_ids and scope.key == "schools":
        units = units.filter(pk__in=scope.unit_ids)
    return list(units.order_by("name").values_list("pk", "name"))


def _counts(municipality_id: int, scope: Scope, terms: list[date]) -> dict[tuple[int, date], int]:
    """Concerns of violence per school and term, from the summary (one query)."""
    assert scope.concerns is not None
    with reading_from_replica():
        rows = (
            MonthlyCount.objects.filter(municipality_id=municipality_id, kind=CountKind.CONCERNS,
                                        category__in=VIOLENCE_CATEGORIES, month__gte=terms[0].replace(day=1))
            .filter(scope.concerns).values("unit_id", "month").annotate(n=Sum("count")).order_by()
        )  # fmt: skip
        found: dict[tuple[int, date], int] = defaultdict(int)
        for row in rows:
            found[(row["unit_id"], term_of_month(row["month"]))] += row["n"]
    return found


def _pupils(municipality_id: int, terms: list[date]) -> dict[tuple[int, date], int]:
    """The pupils placed at each school some six weeks into each term (one query a term)."""
    found: dict[tuple[int, date], int] = {}
    for term in terms:
        placed = Placement.objects.current(term + MID_TERM).filter(
            municipality_id=municipality_id, unit__kind=UnitKind.SCHOOL
        )
        for unit_id, n in placed.values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n").order_by():
            found[(unit_id, term)] = n
    return found


def _group(
    index: int, term: date, schools: list[tuple[int, str]], runs: set[tuple[int, date]], table: CountTable,
    pupils: dict[tuple[int, date], int],
) -> GroupRow:  # fmt: skip
    """The term's two groups, each the sum of its schools' *published* numbers: shown only when every one of them is
    (a sum of published numbers tells nothing new; a group with a hidden school would reveal it)."""
    cells = {pk: row[index] for (pk, _name), row in zip(schools, table.counts.cells, strict=True)}
    running = [pk for pk, _name in schools if (pk, term) in runs]
    others = [pk for pk, _name in schools if (pk, term) not in runs]
    with_count, other_count = _published_sum(cells, running), _published_sum(cells, others)
    return GroupRow(
        term_label(term), with_count, other_count, len(running),
        _rate(with_count, sum(pupils.get((pk, term), 0) for pk in running)),
        _rate(other_count, sum(pupils.get((pk, term), 0) for pk in others)),
    )  # fmt: skip


def _published_sum(cells: dict[int, int | None], schools: list[int]) -> int | None:
    values = [cells[pk] for pk in schools]
    return None if not values or any(value is None for value in values) else sum(v for v in values if v is not None)


def _rate(count: int | None, pupils: int) -> Estimate | None:
    return rate_with_interval(count, pupils) if count is not None else None


def _school_table(schools: list[tuple[int, str]], terms: list[date], counts: dict[tuple[int, date], int]) -> CountTable:
    grid = [[counts.get((pk, term), 0) for term in terms] for pk, _name in schools]
    return CountTable(
        caption=_("Concerns of violence, threats or abuse by school and term"), row_header=_("School"),
        rows=[name for _pk, name in schools], columns=[term_label(term) for term in terms],
        counts=suppress(grid, THRESHOLD),
    )  # fmt: skip

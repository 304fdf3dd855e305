"""What the archivist may hand to the archive: the closed cases of their own municipality (nobody else sees them:
404), each with when it was last exported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import can
from kring.access.roles import Permission
from kring.casework.models import CaseStage, TsiCase
from kring.directory.models import User
from kring.records.models import ArchiveTransfer, RecordType

PER_PAGE = 50


def may_archive(user: User) -> bool:
    """The municipality's archivist (permission `records.manage`) hands its closed records to the archive."""
    return can(user, Permission.RECORDS_MANAGE) and user.municipality_id is not None


def _closed_cases(user: User) -> QuerySet[TsiCase]:
    if not may_archive(user) or user.municipality is None:
        raise Http404
    return TsiCase.objects.filter(
        municipality=user.municipality, stage=CaseStage.CLOSED, closed_at__isnull=False
    ).select_related("team", "municipality", "requesting_unit", "child")


@dataclass(frozen=True)
class Candidate:
    """A closed case as the archivist's list shows it: no name of the child, only the case and its dates."""

    pk: int
    team: str
    requested_at: datetime
    closed_at: datetime
    closure: str
    exported_at: datetime | None


@dataclass(frozen=True)
class Candidates:
    page: Page[Any]  # for the page links
    rows: list[Candidate]


def closed_cases_for_user(user: User, page_number: str | None) -> Candidates:
    """One page of the municipality's closed cases, newest closed first, with their last export; audited."""
    last_export = (
        ArchiveTransfer.objects.filter(
            municipality_id=OuterRef("municipality_id"), record_type=RecordType.TSI_CASE, record_id=OuterRef("pk")
        )
        .order_by("-exported_at")
        .values("exported_at")[:1]
    )
    cases = _closed_cases(user).annotate(exported_at=Subquery(last_export)).order_by("-closed_at", "-pk")
    page = Paginator(cases, PER_PAGE).get_page(page_number)
    rows = list(page.object_list)
    candidates = [_candidate(case) for case in rows]
    if rows:
        record_event(
            actor=user, action=AuditAction.READ, target_type="archive_candidates",
            details={"cases": [c.pk for c in rows], "children": sorted({c.child_id for c in rows}),
                     "page": page.number},
        )  # fmt: skip
    return Candidates(page, candidates)


def _candidate(case: Any) -> Candidate:  # a TsiCase annotated with `exported_at`
    closed = case.closed_at or case.requested_at
    return Candidate(
        case.pk, case.team.name, case.requested_at, closed, case.get_closure_reason_display(), case.exported_at
    )


def closed_case_for_user(user: User, pk: int) -> TsiCase:
    """A closed case of the archivist's municipality, to hand to the archive; 404 for anyone else or any other."""
    case = _closed_cases(user).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def case_for_system(pk: int) -> TsiCase | None:
    """The case, for Kring handing it to the archive itself (`kring archive-export`); None if there is none."""
    return TsiCase.objects.select_related("team", "municipality", "requesting_unit", "child").filter(pk=pk).first()

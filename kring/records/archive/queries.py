"""What the archivist may hand to the archive: the closed records (TSI cases, decided reports of concern) of their
own municipality (nobody else sees them: 404), each with when it was last exported."""

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
from kring.directory.models import User
from kring.records.archive.packagers import PACKAGERS, Packager
from kring.records.models import ArchiveTransfer

PER_PAGE = 50


def may_archive(user: User) -> bool:
    """The municipality's archivist (permission `records.manage`) hands its closed records to the archive."""
    return can(user, Permission.RECORDS_MANAGE) and user.municipality_id is not None


def _closed(user: User, record_type: str) -> tuple[Packager, QuerySet[Any]]:
    if not may_archive(user) or user.municipality_id is None or record_type not in PACKAGERS:
        raise Http404
    packager = PACKAGERS[record_type]
    return packager, packager.closed_rows(user.municipality_id)


@dataclass(frozen=True)
class Candidate:
    """A closed record as the archivist's list shows it: no name of the child, only the record and its dates."""

    pk: int
    label: str
    unit: str
    opened: datetime
    closed: datetime
    closure: str
    exported_at: datetime | None


@dataclass(frozen=True)
class Candidates:
    record_type: str
    page: Page[Any]  # for the page links
    rows: list[Candidate]


def closed_records_for_user(user: User, record_type: str, page_number: str | None) -> Candidates:
    """One page of the municipality's closed records of a type, newest first, with their last export; audited."""
    packager, rows = _closed(user, record_type)
    last_export = (
        ArchiveTransfer.objects.filter(
            municipality_id=OuterRef("municipality_id"), record_type=record_type, record_id=OuterRef("pk")
        )
        .order_by("-exported_at")
        .values("exported_at")[:1]
    )
    page = Paginator(rows.annotate(exported_at=Subquery(last_export)).order_by("-pk"), PER_PAGE).get_page(page_number)
    records = list(page.object_list)
    candidates = [Candidate(r.pk, packager.label(r), *packager.row(r), r.exported_at) for r in records]
    if records:
        record_event(
            actor=user, action=AuditAction.READ, target_type="archive_candidates",
            details={"record_type": record_type, "records": [r.pk for r in records],
                     "children": sorted({r.child_id for r in records}), "page": page.number},
        )  # fmt: skip
    return Candidates(record_type, page, candidates)


def closed_record_for_user(user: User, record_type: str, pk: int) -> Any:
    """A closed record of the archivist's municipality, to hand to the archive; 404 for anyone else or any other."""
    record = _closed(user, record_type)[1].filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def record_for_system(record_type: str, pk: int) -> Any | None:
    """The record, for Kring handing it to the archive itself (`kring archive-export`); None if there is none."""
    return PACKAGERS[record_type].model._default_manager.filter(pk=pk).first()

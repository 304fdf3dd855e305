"""Handing a closed record to the archive: its archive package written to a folder, the reads of every part and the
export audited, and the transfer remembered (`ArchiveTransfer`), all in one transaction; a package whose
transaction fails is removed again."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from datetime import timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import can
from kring.access.roles import Permission
from kring.casework.models import TsiCase
from kring.casework.workflow import WorkflowError
from kring.directory.models import User
from kring.records.archive import queries
from kring.records.archive.common import descriptive_xml
from kring.records.archive.package import Source, Written, write_package
from kring.records.archive.packagers import PACKAGERS, Packager
from kring.records.models import ArchiveTransfer, RecordType, TransferDestination
from kring.records.retention.rules import rules_of

SYSTEM_LABEL = "kring archive"
# The record types Kring can hand to the archive as a package: a retention rule may say "archive" only for these.
ARCHIVABLE = frozenset(PACKAGERS)


def software_version() -> str:
    try:
        return version("kring")
    except PackageNotFoundError:  # pragma: no cover - run from a checkout that was never installed
        return "unknown"


@dataclass(frozen=True)
class Export:
    transfer: ArchiveTransfer
    package: Written


def package_id(packager: Packager, record: Any) -> str:
    """The package's OBJID and the name of its root folder (CSIP1, CSIPSTR2): municipality, record, time, and a
    random part, so that two exports of one record never share an id."""
    stamp = timezone.localtime().strftime("%Y%m%dT%H%M%S")
    return f"kring-{record.municipality.code}-{packager.short}-{record.pk}-{stamp}-{uuid.uuid4().hex[:8]}"


def _check(by: User | None, packager: Packager, record: Any) -> None:
    if by is not None and (not can(by, Permission.RECORDS_MANAGE) or by.municipality_id != record.municipality_id):
        raise PermissionDenied
    if not packager.is_closed(record):
        raise WorkflowError(_("Only a closed record can be handed to the archive."), code="open")


def _audit_reads(by: User | None, packager: Packager, record: Any, parts: dict[str, Any], label: str | None) -> None:
    """The export is a read of each part of the record: one event per kind of part, with the ids read."""
    for target_type, rows in parts.items():
        record_event(
            actor=by, action=AuditAction.READ, target_type=target_type, target_id=record.pk,
            child_id=record.child_id, basis=packager.basis(record), municipality_id=record.municipality_id,
            actor_label=label, details={"record": record.pk, "ids": [row.pk for row in rows], "for": "archive_package"},
        )  # fmt: skip


def export_record(*, by: User | None, record_type: str, record: Any, parent: Path, destination: str) -> Export:
    """Write the closed record's archive package into `parent`, audited: a read of each part and the export itself.

    `by` is the archivist, or None when Kring hands the record over itself (`kring archive-export`, a retention rule
    that hands records to the archive)."""
    packager = PACKAGERS[record_type]
    _check(by, packager, record)
    label = None if by is not None else SYSTEM_LABEL
    rule = next(rule for rule in rules_of(record.municipality) if rule.record_type == record_type)
    objid = package_id(packager, record)
    written: Written | None = None
    try:
        with transaction.atomic():
            record_file = packager.read(record)
            _audit_reads(by, packager, record, record_file.parts(), label)
            documents = packager.render(record_file, str(by) if by is not None else SYSTEM_LABEL)
            source = Source(
                objid=objid,
                label=packager.label(record),
                organisation=record.municipality.name,
                created=timezone.localtime(),
                software_version=software_version(),
                descriptive=descriptive_xml(packager.describe(record_file), objid, documents, rule),
                documents=documents,
            )
            written = write_package(source, parent)
            transfer = ArchiveTransfer.objects.create(
                municipality_id=record.municipality_id, record_type=record_type, record_id=record.pk,
                objid=objid, mets_sha256=written.checksums["METS.xml"], documents=len(documents),
                destination=destination, exported_at=timezone.now(), exported_by=by,
            )  # fmt: skip
            record_event(
                actor=by, action=AuditAction.EXPORT, target_type="archive_package", target_id=record.pk,
                child_id=record.child_id, basis=packager.basis(record), municipality_id=record.municipality_id,
                actor_label=label,
                details={"record_type": record_type, "record": record.pk, "package": objid,
                         "mets_sha256": transfer.mets_sha256, "documents": len(documents),
                         "destination": destination},
            )  # fmt: skip
    except BaseException:
        if written is not None:
            shutil.rmtree(written.root, ignore_errors=True)
        raise
    return Export(transfer, written)


def export_case(*, by: User | None, case: TsiCase, parent: Path, destination: str) -> Export:
    """A closed TSI case's package (see `export_record`)."""
    return export_record(by=by, record_type=RecordType.TSI_CASE, record=case, parent=parent, destination=destination)


RESUME_WITHIN = timedelta(days=1)  # a transfer this recent is the stopped run's own, not an older copy


def hand_over(*, municipality_id: int, record_type: str, ids: list[int], parent: Path) -> int:
    """Kring hands these due records to the archive (a retention rule that says "archive"): a package each, written
    to `parent`, each its own audited transaction; a record handed to the archive directory in the last day is not
    written again (a run stopped between the export and the clearing is resumed by the next), but one handed over
    earlier is: it may have changed since (feedback given after the decision). Returns how many it wrote."""
    if record_type not in ARCHIVABLE:
        raise ValueError(f"{record_type} cannot be handed to the archive")
    done = set(
        ArchiveTransfer.objects.filter(
            municipality_id=municipality_id, record_type=record_type, record_id__in=ids,
            destination=TransferDestination.ARCHIVE_DIR, exported_at__gte=timezone.now() - RESUME_WITHIN,
        ).values_list("record_id", flat=True)
    )  # fmt: skip
    written = 0
    for pk in sorted(set(ids) - done):
        record = queries.record_for_system(record_type, pk)
        if record is not None and record.municipality_id == municipality_id:
            export_record(
                by=None, record_type=record_type, record=record, parent=parent,
                destination=TransferDestination.ARCHIVE_DIR,
            )  # fmt: skip
            written += 1
    return written

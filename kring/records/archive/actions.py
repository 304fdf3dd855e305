"""Handing a closed record to the archive: its archive package written to a folder, the reads of every part and the
export audited, and the transfer remembered (`ArchiveTransfer`), all in one transaction; a package whose
transaction fails is removed again."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import can
from kring.access.roles import Permission
from kring.casework.models import CaseStage, TsiCase
from kring.casework.workflow import WorkflowError
from kring.directory.models import User
from kring.records.archive import queries, tsi
from kring.records.archive.package import Source, Written, write_package
from kring.records.models import ArchiveTransfer, RecordType, TransferDestination
from kring.records.retention.rules import rules_of

SYSTEM_LABEL = "kring archive"


def software_version() -> str:
    try:
        return version("kring")
    except PackageNotFoundError:  # pragma: no cover - run from a checkout that was never installed
        return "unknown"


@dataclass(frozen=True)
class Export:
    transfer: ArchiveTransfer
    package: Written


def package_id(case: TsiCase) -> str:
    """The package's OBJID and the name of its root folder (CSIP1, CSIPSTR2): municipality, record, time, and a
    random part, so that two exports of one case never share an id."""
    stamp = timezone.localtime().strftime("%Y%m%dT%H%M%S")
    return f"kring-{case.municipality.code}-tsi-{case.pk}-{stamp}-{uuid.uuid4().hex[:8]}"


def _check(by: User | None, case: TsiCase) -> None:
    if by is not None and (not can(by, Permission.RECORDS_MANAGE) or by.municipality_id != case.municipality_id):
        raise PermissionDenied
    if case.stage != CaseStage.CLOSED or case.closed_at is None:
        raise WorkflowError(_("Only a closed case can be handed to the archive."), code="open")


def export_case(*, by: User | None, case: TsiCase, parent: Path, destination: str) -> Export:
    """Write the closed case's archive package into `parent`, audited: a read of each part and the export itself.

    `by` is the archivist, or None when Kring hands the case over itself (`kring archive-export`, a retention rule
    that hands records to the archive)."""
    _check(by, case)
    label = None if by is not None else SYSTEM_LABEL
    rule = next(rule for rule in rules_of(case.municipality) if rule.record_type == RecordType.TSI_CASE)
    objid = package_id(case)
    written: Written | None = None
    try:
        with transaction.atomic():
            case_file = tsi.read_case_file(case)
            tsi.audit_reads(by=by, case_file=case_file, actor_label=label)
            documents = tsi.render_documents(case_file, printed_by=str(by) if by is not None else SYSTEM_LABEL)
            source = Source(
                objid=objid,
                label=_("TSI case %(number)s") % {"number": case.pk},
                organisation=case.municipality.name,
                created=timezone.localtime(),
                software_version=software_version(),
                descriptive=tsi.descriptive_metadata(case_file, objid, documents, rule),
                documents=documents,
            )
            written = write_package(source, parent)
            transfer = ArchiveTransfer.objects.create(
                municipality_id=case.municipality_id, record_type=RecordType.TSI_CASE, record_id=case.pk,
                objid=objid, mets_sha256=written.checksums["METS.xml"], documents=len(documents),
                destination=destination, exported_at=timezone.now(), exported_by=by,
            )  # fmt: skip
            record_event(
                actor=by, action=AuditAction.EXPORT, target_type="archive_package", target_id=case.pk,
                child_id=case.child_id, basis=tsi.archive_basis(case), municipality_id=case.municipality_id,
                actor_label=label,
                details={"record_type": RecordType.TSI_CASE.value, "case": case.pk, "package": objid,
                         "mets_sha256": transfer.mets_sha256, "documents": len(documents),
                         "destination": destination},
            )  # fmt: skip
    except BaseException:
        if written is not None:
            shutil.rmtree(written.root, ignore_errors=True)
        raise
    return Export(transfer, written)


# The record types Kring can hand to the archive as a package: a retention rule may say "archive" only for these.
ARCHIVABLE = frozenset({RecordType.TSI_CASE})


def hand_over(*, municipality_id: int, record_type: str, ids: list[int], parent: Path) -> int:
    """Kring hands these due records to the archive (a retention rule that says "archive"): a package each, written
    to `parent`, each its own audited transaction; a record already handed to the archive directory is not written
    again (a run stopped between the export and the clearing is resumed by the next). Returns how many it wrote."""
    if record_type not in ARCHIVABLE:
        raise ValueError(f"{record_type} cannot be handed to the archive")
    done = set(
        ArchiveTransfer.objects.filter(
            municipality_id=municipality_id, record_type=record_type, record_id__in=ids,
            destination=TransferDestination.ARCHIVE_DIR,
        ).values_list("record_id", flat=True)
    )  # fmt: skip
    written = 0
    for pk in sorted(set(ids) - done):
        case = queries.case_for_system(pk)
        if case is not None and case.municipality_id == municipality_id:
            export_case(by=None, case=case, parent=parent, destination=TransferDestination.ARCHIVE_DIR)
            written += 1
    return written

"""A retention rule may hand records to the archive (issue 18, 1): on the due day each record is written as an
archive package to KRING_ARCHIVE_DIR, then cleared; audited with type, count and rule, never content."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kring.access.audit import verify_chain
from kring.access.models import AuditEvent
from kring.casework.models import ReportOfConcern, TsiCase
from kring.directory.models import User
from kring.records.models import ArchiveTransfer, RecordType, RetentionAction, RetentionRule
from kring.records.retention.rules import rules_of
from tests.conftest import World, login
from tests.records.archive_fixtures import checksum_problems
from tests.records.conftest import SECRET_STORY

pytestmark = pytest.mark.django_db


def _rule(world: World, record_type: str) -> RetentionRule:
    return next(rule for rule in rules_of(world.municipality) if rule.record_type == record_type)


def test_a_rule_that_archives_writes_the_package_then_clears_the_case(
    world: World, closed_case: TsiCase, tmp_path: Path, settings: Any
) -> None:
    settings.KRING_ARCHIVE_DIR = str(tmp_path)
    rule = _rule(world, RecordType.TSI_CASE)
    RetentionRule.objects.filter(pk=rule.pk).update(keep_years=0, action=RetentionAction.ARCHIVE)
    before = StringIO()
    call_command("retention", "--dry-run", municipality=world.municipality.code, stdout=before)
    assert TsiCase.objects.filter(pk=closed_case.pk).exists() and list(tmp_path.iterdir()) == []

    call_command("retention", municipality=world.municipality.code, stdout=StringIO())

    assert not TsiCase.objects.filter(pk=closed_case.pk).exists()
    transfer = ArchiveTransfer.objects.get(record_id=closed_case.pk)
    assert transfer.destination == "archive_dir" and transfer.exported_by is None
    assert [p.name for p in tmp_path.iterdir()] == [transfer.objid]
    assert checksum_problems(tmp_path / transfer.objid) == []
    cleared = AuditEvent.objects.get(target_type="retention", details__record_type=RecordType.TSI_CASE)
    assert set(cleared.details) == {"record_type", "count", "rule", "today"} and cleared.details["count"] == 1
    assert "archive" in cleared.details["rule"]
    export = AuditEvent.objects.get(action="export", target_type="archive_package")
    assert export.sequence < cleared.sequence  # written before cleared
    assert SECRET_STORY not in str(list(AuditEvent.objects.values_list("details", flat=True)))
    assert verify_chain().ok


def test_a_run_stopped_after_the_export_does_not_write_it_again(
    world: World, closed_case: TsiCase, tmp_path: Path, settings: Any
) -> None:
    from kring.records.archive.actions import hand_over

    settings.KRING_ARCHIVE_DIR = str(tmp_path)
    args = {"municipality_id": world.municipality.pk, "record_type": RecordType.TSI_CASE, "ids": [closed_case.pk]}
    assert hand_over(parent=tmp_path, **args) == 1  # type: ignore[arg-type]
    assert hand_over(parent=tmp_path, **args) == 0  # type: ignore[arg-type]
    assert ArchiveTransfer.objects.count() == 1 and len(list(tmp_path.iterdir())) == 1


def test_a_record_handed_over_long_ago_is_written_afresh_it_may_have_changed(
    world: World, closed_case: TsiCase, tmp_path: Path, settings: Any, time_machine: Any
) -> None:
    from kring.records.archive.actions import hand_over

    settings.KRING_ARCHIVE_DIR = str(tmp_path)
    args = {"municipality_id": world.municipality.pk, "record_type": RecordType.TSI_CASE, "ids": [closed_case.pk]}
    assert hand_over(parent=tmp_path, **args) == 1  # type: ignore[arg-type]
    time_machine.move_to(timezone.now() + timedelta(days=3))
    assert hand_over(parent=tmp_path, **args) == 1  # type: ignore[arg-type]
    assert ArchiveTransfer.objects.count() == 2


def test_only_a_type_kring_can_package_may_be_handed_to_the_archive(
    client: Client, world: World, archivist: User
) -> None:
    login(client, archivist)
    concern = client.post(
        reverse("records_rule", args=[RecordType.CONCERN]),
        {"keep_years": "5", "counted_from": "closed", "action": "archive", "source": "DHP 1.1"},
    )
    assert concern.status_code == 400
    assert _rule(world, RecordType.CONCERN).action == RetentionAction.DELETE
    case = client.post(
        reverse("records_rule", args=[RecordType.TSI_CASE]),
        {"keep_years": "5", "counted_from": "closed", "action": "archive", "source": "DHP 2.3"},
    )
    assert case.status_code == 302
    assert _rule(world, RecordType.TSI_CASE).action == RetentionAction.ARCHIVE


def test_a_rule_that_archives_reports_writes_each_then_clears_it(
    world: World, decided_report: ReportOfConcern, tmp_path: Path, settings: Any
) -> None:
    settings.KRING_ARCHIVE_DIR = str(tmp_path)
    rule = _rule(world, RecordType.REPORT)
    RetentionRule.objects.filter(pk=rule.pk).update(keep_years=0, action=RetentionAction.ARCHIVE)
    call_command("retention", municipality=world.municipality.code, stdout=StringIO())
    assert not ReportOfConcern.objects.filter(pk=decided_report.pk).exists()
    transfer = ArchiveTransfer.objects.get(record_type=RecordType.REPORT, record_id=decided_report.pk)
    assert checksum_problems(tmp_path / transfer.objid) == []
    assert (tmp_path / transfer.objid / "representations" / "rep1" / "data" / "01-report.pdf").is_file()

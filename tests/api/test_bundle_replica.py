"""The closed TSI case's bundle reads its documents from the replica when one is configured (docs/adr/0019), once
the case's basis has been found on the primary; its audit events land on the primary."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kring.access.models import AuditEvent
from kring.casework.models import TsiCase
from kring.database import REPLICA
from tests.api.conftest import Issued
from tests.replica import replicate


@pytest.mark.django_db(databases=["default", REPLICA])
def test_the_bundle_reads_its_documents_from_the_replica_and_audits_on_the_primary(
    client: Client, closed_case: TsiCase, case_system: Issued, settings: Any
) -> None:
    settings.KRING_REPORTING_DATABASE = REPLICA
    replicate()
    on_replica_before = AuditEvent.objects.using(REPLICA).count()

    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        answer = client.get(f"/api/v1/tsi-cases/{closed_case.pk}/bundle", **case_system.headers())

    assert answer.status_code == 200
    index = json.loads(zipfile.ZipFile(io.BytesIO(answer.content)).read("index.json"))
    assert [document["file"] for document in index["documents"]] == ["plan-v1.pdf", "information-letter.pdf"]
    read_there = " ".join(query["sql"] for query in on_replica.captured_queries)
    assert "casework_planversion" in read_there and "INSERT" not in read_there and "UPDATE" not in read_there
    assert AuditEvent.objects.filter(target_type="tsi_case_bundle").count() == 1
    assert AuditEvent.objects.using(REPLICA).count() == on_replica_before

"""The import against a schema-driven mock of the official SS 12000 description: Stoplight's Prism in its dynamic
mode on the loopback answers every request with random but schema-valid data (so no relation between records
holds). The import must complete without a crash, and every record it refuses must be refused with a reason that
names the field.

Prism comes from npm (`npm ci --prefix tools/prism`); the document from `../shared/ss12000/`. Where either is
absent the test is skipped and says so, unless KRING_REQUIRE_PRISM is set (CI sets it).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from kring.schooldata.client import ClientSettings, Ss12000Client
from kring.schooldata.importer import import_ss12000
from kring.schooldata.models import ImportStatus
from tests.conftest import World
from tests.schooldata.official import spec_path

pytestmark = pytest.mark.conformance

PRISM = Path(__file__).resolve().parents[2] / "tools" / "prism" / "node_modules" / ".bin" / "prism"
TODAY = date(2026, 9, 21)
# A refusal names the field (or fields) it is about, then says what is wrong: "student: unknown person …".
NAMES_A_FIELD = re.compile(r"^[A-Za-z_][\w.\[\]]*(, [A-Za-z_][\w.\[\]]*)*: \S")


def _missing(reason: str) -> None:
    if os.environ.get("KRING_REQUIRE_PRISM"):
        pytest.fail(reason)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def prism() -> Iterator[str]:
    """The base URL of Prism mocking the official document, dynamic, on a free loopback port."""
    if not spec_path().is_file():
        _missing(f"the official SS 12000 OpenAPI description is not at {spec_path()}")
    if not PRISM.exists() or shutil.which("node") is None:
        _missing(f"Prism is not installed at {PRISM}: npm ci --prefix tools/prism")
    port = _free_port()
    command = [str(PRISM), "mock", "--dynamic", "--host", "127.0.0.1", "--port", str(port), str(spec_path())]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                httpx.get(f"{base_url}/organisations", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.25)
        else:
            pytest.fail("Prism did not start within 30 seconds")
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("seed", range(3))
def test_the_import_completes_against_the_standards_mock_and_names_the_field_of_every_refusal(
    prism: str, world: World, seed: int
) -> None:
    settings = ClientSettings(base_url=prism, token="any-token", page_size=5, max_pages=2, retries=0, timeout=10)
    with Ss12000Client(settings) as client:
        run = import_ss12000(municipality=world.municipality, client=client, full=True, today=TODAY)

    assert run.status == ImportStatus.COMPLETED, run.error
    reasons = list(run.rejections.values_list("resource", "reason"))
    assert all(NAMES_A_FIELD.match(reason) for _resource, reason in reasons), [
        (resource, reason) for resource, reason in reasons if not NAMES_A_FIELD.match(reason)
    ]
    read = set(run.counts)  # every resource whose pages were committed, whatever they held
    assert {"organisations", "persons", "placements", "groups", "absences", "calendarEvents", "attendances"} <= read

"""The official OpenAPI description of SS 12000 v2.1 (SIS TK 450), for tests that check Kring against the standard.

It is not part of the project: it is read from `../shared/ss12000/` beside the checkout (or from the file that
`KRING_SS12000_OPENAPI` names). Where it is absent, the tests that need it are skipped and say why.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

FILE_NAME = "openapi_ss12000_version2_1_0.yaml"
SERVER = "http://some.server.se"  # the document's server: /v2.0 is its base path
BASE_PATH = "/v2.0"


def spec_path() -> Path:
    configured = os.environ.get("KRING_SS12000_OPENAPI")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2].parent / "shared" / "ss12000" / FILE_NAME


@cache
def _openapi() -> Any:
    from openapi_core import OpenAPI

    return OpenAPI.from_file_path(str(spec_path()))


def official() -> Any:
    """The document, or the test is skipped with where it was looked for."""
    if not spec_path().is_file():
        pytest.skip(f"the official SS 12000 OpenAPI description is not at {spec_path()} (set KRING_SS12000_OPENAPI)")
    return _openapi()


def problems(
    method: str, path: str, query: dict[str, str], status: int, body: Any, *, request_body: Any = None
) -> list[str]:
    """What is wrong with an answer by the official document: each problem with where it is (empty: valid)."""
    from openapi_core.exceptions import OpenAPIError
    from openapi_core.testing import MockRequest, MockResponse

    request = MockRequest(
        SERVER,
        method.lower(),
        BASE_PATH + path,
        args=query,
        data=json.dumps(request_body).encode() if request_body is not None else None,
    )
    response = MockResponse(json.dumps(body, ensure_ascii=False).encode(), status_code=status)
    try:
        official().validate_response(request, response)
    except OpenAPIError as error:
        found = getattr(error, "schema_errors", None) or getattr(error.__cause__, "schema_errors", None) or []
        return [f"{'.'.join(str(step) for step in e.absolute_path)}: {e.message}" for e in found] or [str(error)]
    return []

"""A thin SS 12000 (v2.1) client: OAuth2 client credentials or a fixed bearer token, `pageToken` paging,
`meta.modified.after` for incremental sync, `/deletedEntities`, retries with backoff, and timeouts.

Records come back as plain dicts; the import validates them one by one (`kring.schooldata.schemas`), so that one
malformed record is rejected with its reason and the rest are imported.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class Ss12000Error(Exception):
    """The server could not be reached or answered with an error, after the retries."""


@dataclass(frozen=True)
class Page:
    resource: str
    records: list[dict[str, Any]]
    next_token: str | None


@dataclass
class ClientSettings:
    base_url: str
    token: str | None = None  # a fixed bearer token, or
    token_url: str | None = None  # OAuth2 client credentials
    client_id: str | None = None
    client_secret: str | None = None
    scope: str | None = None
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 0.5  # seconds, doubled for each retry
    page_size: int = 1000
    extra_headers: dict[str, str] = field(default_factory=dict)


def _isoformat(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class Ss12000Client:
    def __init__(self, settings: ClientSettings, *, transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        self._http = httpx.Client(
            base_url=settings.base_url.rstrip("/") + "/",
            timeout=settings.timeout,
            transport=transport,
            headers={"Accept": "application/json", **settings.extra_headers},
        )
        self._token: str | None = settings.token

    def __enter__(self) -> Ss12000Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- authentication --------------------------------------------------------------------------------------

    def _fetch_token(self) -> str:
        s = self.settings
        if not s.token_url:
            raise Ss12000Error("no bearer token and no token URL for client credentials")
        data = {"grant_type": "client_credentials"}
        if s.scope:
            data["scope"] = s.scope
        response = self._send(
            "POST", s.token_url, data=data, auth=(s.client_id or "", s.client_secret or ""), authenticate=False
        )
        try:
            body = response.json()
        except ValueError as error:
            raise Ss12000Error(f"POST {s.token_url}: the answer is not JSON") from error
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise Ss12000Error("the token endpoint answered without an access_token")
        return token

    def _auth_header(self) -> dict[str, str]:
        if self._token is None:
            self._token = self._fetch_token()
        return {"Authorization": f"Bearer {self._token}"}

    # -- requests --------------------------------------------------------------------------------------------

    def _send(self, method: str, url: str, *, authenticate: bool = True, **kwargs: Any) -> httpx.Response:
        """One request with retries: timeouts, connection errors, 429 and 5xx are retried with backoff; a 401 gets
        a fresh token once."""
        refreshed = False
        attempt = 0
        while True:
            headers = self._auth_header() if authenticate else {}
            try:
                response = self._http.request(method, url, headers=headers, **kwargs)
            except httpx.TransportError as error:  # timeouts and connection errors
                if attempt >= self.settings.retries:
                    raise Ss12000Error(f"{method} {url}: {type(error).__name__} after {attempt + 1} tries") from error
                self._wait(attempt, None, f"{type(error).__name__}")
                attempt += 1
                continue
            if response.status_code == 401 and authenticate and self.settings.token_url and not refreshed:
                self._token, refreshed = None, True
                continue
            if response.status_code in RETRY_STATUSES and attempt < self.settings.retries:
                self._wait(attempt, response.headers.get("Retry-After"), str(response.status_code))
                attempt += 1
                continue
            if response.is_error:
                raise Ss12000Error(f"{method} {url}: HTTP {response.status_code}")
            return response

    def _wait(self, attempt: int, retry_after: str | None, why: str) -> None:
        delay = self.settings.backoff * (2**attempt)
        if retry_after and retry_after.isdigit():
            delay = max(delay, min(float(retry_after), 60.0))
        logger.warning("SS 12000: %s, retrying in %.1f s", why, delay)
        time.sleep(delay)

    def _get_json(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        response = self._send("GET", path, params=params)
        try:
            body = response.json()
        except ValueError as error:
            raise Ss12000Error(f"GET {path}: the answer is not JSON") from error
        if not isinstance(body, dict):
            raise Ss12000Error(f"GET {path}: the answer is not a JSON object")
        return body

    # -- resources -------------------------------------------------------------------------------------------

    def page(
        self,
        resource: str,
        *,
        modified_after: datetime | None = None,
        page_token: str | None = None,
        params: dict[str, str] | None = None,
    ) -> Page:
        """One page of a resource. With a page token the server already knows the filters, so only the token is
        sent."""
        if page_token:
            query = {"pageToken": page_token}
        else:
            query = {"limit": str(self.settings.page_size), **(params or {})}
            if modified_after is not None:
                query["meta.modified.after"] = _isoformat(modified_after)
        body = self._get_json(resource, query)
        data = body.get("data")
        if not isinstance(data, list):
            raise Ss12000Error(f"GET {resource}: the answer has no data list")
        records = [record for record in data if isinstance(record, dict)]
        if len(records) != len(data):
            # Keep the count honest: a non-object entry becomes an empty record, which validation rejects.
            records = [record if isinstance(record, dict) else {} for record in data]
        token = body.get("pageToken")
        return Page(resource, records, token if isinstance(token, str) and token else None)

    def pages(
        self,
        resource: str,
        *,
        modified_after: datetime | None = None,
        page_token: str | None = None,
        params: dict[str, str] | None = None,
    ) -> Iterator[Page]:
        """Every page of a resource, from `page_token` if given (to resume an interrupted pass)."""
        page = self.page(resource, modified_after=modified_after, page_token=page_token, params=params)
        yield page
        while page.next_token:
            page = self.page(resource, page_token=page.next_token)
            yield page

    def deleted_entities(self, after: datetime | None) -> dict[str, list[str]]:
        """The ids deleted since `after`, by resource (every page of them)."""
        found: dict[str, list[str]] = {}
        query: dict[str, str] = {"after": _isoformat(after)} if after is not None else {}
        while True:
            body = self._get_json("deletedEntities", query)
            data = body.get("data") or {}
            if not isinstance(data, dict):
                raise Ss12000Error("GET deletedEntities: the answer has no data object")
            for resource, ids in data.items():
                if isinstance(ids, list):
                    found.setdefault(resource, []).extend(str(i) for i in ids if isinstance(i, str | int))
            token = body.get("pageToken")
            if not (isinstance(token, str) and token):
                return found
            query = {"pageToken": token}

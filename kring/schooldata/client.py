"""A thin SS 12000 (v2.1) client: a fixed bearer token or OAuth2 client credentials (the secret in HTTP Basic,
`client_secret_basic`, or in the form, `client_secret_post`; with a `scope` if the provider wants one; the token
fetched again before it expires), mutual TLS with a client certificate, `pageToken` paging, `meta.modified.after`
for incremental sync, `/persons/lookup`, `/deletedEntities`, retries with backoff, and timeouts.

Records come back as plain dicts; the import validates them one by one (`kring.schooldata.schemas`), so that one
malformed record is rejected with its reason and the rest are imported.
"""

from __future__ import annotations

import itertools
import logging
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class Ss12000Error(Exception):
    """The server could not be reached or answered with an error, after the retries (`status`: the HTTP status of
    the answer, if there was one)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def not_offered(self) -> bool:
        """The provider does not offer this resource (404, 405, 501) or the client may not read it (403)."""
        return self.status in (403, 404, 405, 501)


AUTH_METHODS = ("client_secret_basic", "client_secret_post")
EXPIRY_MARGIN = 60  # seconds: a token is fetched again this long before it expires


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
    auth_method: str = "client_secret_basic"  # or client_secret_post
    client_cert: str | None = None  # mutual TLS: the client certificate (PEM file), and
    client_key: str | None = None  # its private key (PEM file), if not in the certificate's file
    ca_bundle: str | None = None  # the provider's CA (PEM file), if not a public one
    time_zone: str = "Europe/Stockholm"  # the provider's, for times it sends without an offset
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 0.5  # seconds, doubled for each retry
    page_size: int = 1000
    max_pages: int | None = None  # stop a resource after this many pages (a mock whose every page has a next one)
    extra_headers: dict[str, str] = field(default_factory=dict)


def _isoformat(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class Ss12000Client:
    def __init__(self, settings: ClientSettings, *, transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        if settings.auth_method not in AUTH_METHODS:
            raise ValueError(f"auth_method is one of {', '.join(AUTH_METHODS)}")
        self._http = httpx.Client(
            base_url=settings.base_url.rstrip("/") + "/",
            timeout=settings.timeout,
            transport=transport,
            headers={"Accept": "application/json", **settings.extra_headers},
            verify=_tls_context(settings),
        )
        self._token: str | None = settings.token
        self._token_expires: float | None = None  # time.monotonic() when the fetched token expires

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
        extra: dict[str, Any] = {}
        if s.auth_method == "client_secret_post":
            data |= {"client_id": s.client_id or "", "client_secret": s.client_secret or ""}
        else:
            extra["auth"] = (s.client_id or "", s.client_secret or "")
        response = self._send("POST", s.token_url, data=data, authenticate=False, **extra)
        try:
            body = response.json()
        except ValueError as error:
            raise Ss12000Error(f"POST {s.token_url}: the answer is not JSON") from error
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise Ss12000Error("the token endpoint answered without an access_token")
        lifetime = body.get("expires_in")
        if isinstance(lifetime, int | float) and lifetime > 0:
            self._token_expires = time.monotonic() + max(float(lifetime) - EXPIRY_MARGIN, float(lifetime) / 2)
        else:
            self._token_expires = None
        return token

    def _auth_header(self) -> dict[str, str]:
        expired = self._token_expires is not None and time.monotonic() >= self._token_expires
        if self._token is None or (expired and self.settings.token_url):
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
                raise Ss12000Error(f"{method} {url}: HTTP {response.status_code}", status=response.status_code)
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
        required: dict[str, str] | None = None,
    ) -> Page:
        """One page of a resource. With a page token the server already knows the filters, so only the token is
        sent, with the parameters the standard requires on every request (`required`: /calendarEvents' window)."""
        if page_token:
            query = {"pageToken": page_token, **(required or {})}
        else:
            query = {"limit": str(self.settings.page_size), **(params or {}), **(required or {})}
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
        required: dict[str, str] | None = None,
    ) -> Iterator[Page]:
        """Every page of a resource, from `page_token` if given (to resume an interrupted pass)."""
        page = self.page(
            resource, modified_after=modified_after, page_token=page_token, params=params, required=required
        )
        seen = {page_token} if page_token else set()
        for number in itertools.count(1):
            token = page.next_token
            if token is not None and token in seen:  # it would never end: said, not looped on
                raise Ss12000Error(f"GET {resource}: the server gave the same pageToken twice")
            if token is None or self._enough(number):
                yield page if token is None else Page(page.resource, page.records, None)
                return
            yield page
            seen.add(token)
            page = self.page(resource, page_token=token, required=required)

    def lookup_persons(self, ids: list[str]) -> list[dict[str, Any]]:
        """The persons with these ids, in one request (`POST /persons/lookup`, whose answer is a plain list)."""
        response = self._send("POST", "persons/lookup", json={"ids": ids})
        try:
            body = response.json()
        except ValueError as error:
            raise Ss12000Error("POST persons/lookup: the answer is not JSON") from error
        if isinstance(body, dict) and isinstance(body.get("data"), list):  # some providers wrap it as a page
            body = body["data"]
        if not isinstance(body, list):
            raise Ss12000Error("POST persons/lookup: the answer is not a list")
        return [record if isinstance(record, dict) else {} for record in body]

    def _enough(self, pages: int) -> bool:
        return self.settings.max_pages is not None and pages >= self.settings.max_pages

    def deleted_entities(self, after: datetime | None) -> dict[str, list[str]]:
        """The ids deleted since `after`, by resource (every page of them)."""
        found: dict[str, list[str]] = {}
        query: dict[str, str] = {"after": _isoformat(after)} if after is not None else {}
        pages = 0
        while True:
            body = self._get_json("deletedEntities", query)
            data = body.get("data") or {}
            if not isinstance(data, dict):
                raise Ss12000Error("GET deletedEntities: the answer has no data object")
            for resource, ids in data.items():
                if isinstance(ids, list):
                    found.setdefault(resource, []).extend(str(i) for i in ids if isinstance(i, str | int))
            token = body.get("pageToken")
            pages += 1
            if not (isinstance(token, str) and token) or self._enough(pages):
                return found
            query = {"pageToken": token}


def _tls_context(settings: ClientSettings) -> ssl.SSLContext | bool:
    """Certificate checks as usual, with the provider's own CA if given, and the client certificate for mutual TLS."""
    if not (settings.client_cert or settings.ca_bundle):
        return True
    context = ssl.create_default_context(cafile=settings.ca_bundle or None)
    if settings.client_cert:
        context.load_cert_chain(settings.client_cert, settings.client_key or None)
    return context

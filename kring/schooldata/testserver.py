"""A local SS 12000 (v2.1) server over a dataset (`kring.schooldata.dataset`), for tests and development: plain
WSGI on the standard library's `wsgiref`, with OAuth2 client credentials (`client_secret_basic` and
`client_secret_post`), `pageToken` paging, `meta.modified.after`, `/persons/lookup`, the time window that
`/calendarEvents` requires, `/deletedEntities`, and faults to inject (errors and delays). Its answers follow the
official OpenAPI description of SS 12000 v2.1 (a test validates them against it).

    with serve(dataset) as server:
        client = Ss12000Client(ClientSettings(base_url=server.base_url, token_url=server.token_url,
                                              client_id=server.client_id, client_secret=server.client_secret))
        server.app.fail_next(1, status=503)

A page token is base64url (unpadded) of JSON: the resource, the cursor after the last record given (for a stored
resource its (modified, id), so that records changed between pages are neither skipped nor lost), the filter, the
expansions and the page size. A token of another resource is refused with 400.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import secrets
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from zoneinfo import ZoneInfo

from kring.schooldata.dataset import BadCursor, Ss12000Dataset, isoformat, parse_time
from kring.schooldata.schemas import RESOURCES

__all__ = ["LoggedRequest", "RunningServer", "Ss12000App", "serve"]

logger = logging.getLogger(__name__)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
EXPANSIONS: dict[str, frozenset[str]] = {}  # the stand-in embeds nothing: asking for it is refused (400)
DELETED = "deletedEntities"
LOOKUP = "persons/lookup"
AGGREGATED = "aggregatedAttendance"
LOOKUP_MAX = 1000
WINDOWED = {"calendarEvents": ("startTime.onOrAfter", "startTime.onOrBefore")}  # required by the standard

StartResponse = Callable[..., Any]


class _HttpError(Exception):
    def __init__(self, status: int, code: str, message: str, *, headers: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, list(headers)


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    query: dict[str, str]  # the last value of each parameter


@dataclass
class _Fault:
    remaining: int
    path: str | None
    status: int = 500
    seconds: float = 0.0
    body: str | None = None


_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed"}


class Ss12000App:
    """The WSGI application. Thread-safe: the server answers each request in a thread of its own."""

    def __init__(
        self, dataset: Ss12000Dataset, *, client_id: str, client_secret: str, token_lifetime: int = 3600
    ) -> None:
        self.dataset = dataset
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_lifetime = token_lifetime
        self.requests: list[LoggedRequest] = []
        self._tokens: dict[str, float] = {}  # token: when it expires (time.monotonic)
        self._failures: list[_Fault] = []
        self._delays: list[_Fault] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()

    # -- for tests -------------------------------------------------------------------------------------------

    def fail_next(self, n: int = 1, status: int = 500, *, path: str | None = None, body: str | None = None) -> None:
        """Answer the next `n` requests (to `path` only, e.g. "/persons", if given) with `status`: a JSON error,
        or `body` as HTML (a proxy's or a login page's answer: with status 200 too)."""
        with self._lock:
            self._failures.append(_Fault(n, path, status=status, body=body))

    def delay_next(self, n: int = 1, seconds: float = 1.0, *, path: str | None = None) -> None:
        """Hold the next `n` requests (to `path` only, if given) for `seconds` before answering them."""
        with self._lock:
            self._delays.append(_Fault(n, path, seconds=seconds))

    def issue_token(self) -> str:
        """A valid bearer token, as the token endpoint would give (for a client with a fixed token)."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = time.monotonic() + self.token_lifetime
        return token

    def expire_tokens(self) -> None:
        """Every token given so far stops working."""
        with self._lock:
            self._tokens.clear()

    def requests_to(self, path: str) -> list[LoggedRequest]:
        return [request for request in self.requests if request.path == path]

    def close(self) -> None:
        """Let delayed requests go at once (at shutdown)."""
        self._closing.set()

    # -- WSGI ------------------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO") or "/"
        query = {key: values[-1] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
        self.requests.append(LoggedRequest(method, path, query))
        if delay := self._take(self._delays, path):
            self._closing.wait(delay.seconds)
        content_type, headers = "application/json; charset=utf-8", []
        body: Any
        try:
            if failure := self._take(self._failures, path):
                if failure.body is not None:
                    content_type, status, body = "text/html; charset=utf-8", failure.status, failure.body
                else:
                    raise _HttpError(failure.status, "injected", "a fault injected by the test")
            else:
                status, body = 200, self._route(method, path, query, environ)
        except _HttpError as error:
            status, headers = error.status, error.headers
            body = {"code": error.code, "message": error.message}
            if path == "/token":
                body = {"error": error.code, "error_description": error.message}
        except Exception:
            logger.exception("SS 12000 test server: %s %s failed", method, path)
            status, body = 500, {"code": "internal", "message": "the test server failed"}
        payload = (body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)).encode()
        start_response(
            f"{status} {_REASONS.get(status, 'Error')}",
            [("Content-Type", content_type), ("Content-Length", str(len(payload))), *headers],
        )
        return [payload]

    def _take(self, faults: list[_Fault], path: str) -> _Fault | None:
        with self._lock:
            for fault in faults:
                if fault.remaining > 0 and fault.path in (None, path):
                    fault.remaining -= 1
                    return fault
        return None

    def _route(self, method: str, path: str, query: dict[str, str], environ: dict[str, Any]) -> Any:
        name = path.strip("/")
        if name == "token":
            _allow(method, "POST")
            return self._token(environ)
        if name == LOOKUP:
            _allow(method, "POST")
            self._authenticate(environ)
            return self._lookup(environ)
        if name == AGGREGATED:
            _allow(method, "GET")
            self._authenticate(environ)
            return self._aggregated(query)
        if name != DELETED and name not in RESOURCES:
            raise _HttpError(404, "not_found", f"no such resource: {path}")
        _allow(method, "GET")
        self._authenticate(environ)
        if name == DELETED:
            return self._deleted(query)
        return self._resource(name, query)

    # -- authentication --------------------------------------------------------------------------------------

    def _token(self, environ: dict[str, Any]) -> dict[str, Any]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        form = {key: values[-1] for key, values in parse_qs(environ["wsgi.input"].read(length).decode()).items()}
        client_id, client_secret = _basic_credentials(environ) or (
            form.get("client_id", ""),
            form.get("client_secret", ""),
        )
        if not (
            hmac.compare_digest(client_id.encode(), self.client_id.encode())
            and hmac.compare_digest(client_secret.encode(), self.client_secret.encode())
        ):
            raise _HttpError(401, "invalid_client", "unknown client or wrong secret")
        if form.get("grant_type") != "client_credentials":
            raise _HttpError(400, "unsupported_grant_type", "only client_credentials")
        return {"access_token": self.issue_token(), "token_type": "Bearer", "expires_in": self.token_lifetime}

    def _authenticate(self, environ: dict[str, Any]) -> None:
        scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        with self._lock:
            expires = self._tokens.get(token) if scheme.lower() == "bearer" else None
        if expires is None or expires < time.monotonic():
            raise _HttpError(
                401, "unauthorized", "a valid bearer token is needed", headers=[("WWW-Authenticate", "Bearer")]
            )

    # -- resources -------------------------------------------------------------------------------------------

    def _resource(self, resource: str, query: dict[str, str]) -> dict[str, Any]:
        if "pageToken" in query:
            state = _decode_token(query["pageToken"], resource)
        else:
            state = {
                "resource": resource,
                "after": None,
                "filter": _filter(query.get("meta.modified.after"), "meta.modified.after"),
                "expand": _expand(resource, query.get("expand")),
                "limit": _limit(query.get("limit")),
            }
            if resource in WINDOWED:
                state["window"] = [_required_time(query, name) for name in WINDOWED[resource]]
        modified_after = parse_time(state["filter"]) if state["filter"] else None
        try:
            records, cursor = self.dataset.page(
                resource, after=state["after"], limit=state["limit"], modified_after=modified_after
            )
        except BadCursor as error:
            raise _HttpError(400, "invalid_page_token", "the pageToken is not valid") from error
        if window := state.get("window"):  # a page may come out shorter than the limit: the token goes on
            first, last = parse_time(window[0]), parse_time(window[1])
            records = [r for r in records if first <= parse_time(r["startTime"]) <= last]
        body: dict[str, Any] = {"data": records}
        if cursor is not None:
            body["pageToken"] = _encode_token(state | {"after": cursor})
        return body

    def _aggregated(self, query: dict[str, str]) -> dict[str, Any]:
        """GET /aggregatedAttendance: each pupil's attendance summed per activity over the days asked for (both
        required), from the stored attendances and the calendar events they name, in one page."""
        try:
            first, last = date.fromisoformat(query["startDate"]), date.fromisoformat(query["endDate"])
        except (KeyError, ValueError) as error:
            raise _HttpError(400, "invalid_parameter", "startDate and endDate are required dates") from error
        lessons = {
            event["id"]: (parse_time(event["startTime"]).astimezone(STOCKHOLM).date(), event["activity"]["id"])
            for event in self.dataset.records("calendarEvents")
        }
        sums: dict[tuple[str, str], dict[str, int]] = {}
        for attendance in self.dataset.records("attendances"):
            day, activity = lessons.get(attendance["calendarEvent"]["id"], (None, ""))
            if day is None or not first <= day <= last:
                continue
            total = sums.setdefault((attendance["student"]["id"], activity), dict.fromkeys(AGGREGATED_SUMS, 0))
            for name, field in AGGREGATED_SUMS.items():
                total[name] += attendance.get(field) or 0
        data = [
            {"student": {"id": student}, "activity": {"id": activity}, "startDate": first.isoformat(),
             "endDate": last.isoformat(), **total}
            for (student, activity), total in sorted(sums.items())
        ]  # fmt: skip
        return {"data": data}

    def _lookup(self, environ: dict[str, Any]) -> list[dict[str, Any]]:
        """POST /persons/lookup: the persons with the ids (or civic numbers) asked for, as a plain list."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = json.loads(environ["wsgi.input"].read(length) or b"{}")
        except ValueError as error:
            raise _HttpError(400, "invalid_body", "the body is a JSON object with ids or civicNos") from error
        ids = body.get("ids") if isinstance(body, dict) else None
        numbers = body.get("civicNos") if isinstance(body, dict) else None
        if not isinstance(ids, list | type(None)) or not isinstance(numbers, list | type(None)):
            raise _HttpError(400, "invalid_body", "ids and civicNos are lists")
        if len(ids or []) + len(numbers or []) > LOOKUP_MAX:
            raise _HttpError(400, "too_many", f"at most {LOOKUP_MAX} at a time")
        found = [self.dataset.get("persons", str(person_id)) for person_id in ids or []]
        if numbers:
            wanted = {str(number) for number in numbers}
            found += [r for r in self.dataset.records("persons") if (r.get("civicNo") or {}).get("value") in wanted]
        return [record for record in found if record is not None]

    def _deleted(self, query: dict[str, str]) -> dict[str, Any]:
        if "pageToken" in query:
            state = _decode_token(query["pageToken"], DELETED)
        else:
            state = {
                "resource": DELETED,
                "after": None,
                "filter": _filter(query.get("after"), "after"),
                "expand": [],
                "limit": _limit(query.get("limit")),
            }
        after = parse_time(state["filter"]) if state["filter"] else None
        try:
            data, cursor = self.dataset.deleted_page(after=after, cursor=state["after"], limit=state["limit"])
        except BadCursor as error:
            raise _HttpError(400, "invalid_page_token", "the pageToken is not valid") from error
        body: dict[str, Any] = {"data": data}
        if cursor is not None:
            body["pageToken"] = _encode_token(state | {"after": cursor})
        return body


# Each sum of /aggregatedAttendance and the field of an attendance it adds up.
AGGREGATED_SUMS = {
    "attendanceSum": "attendanceMinutes",
    "validAbsenceSum": "validAbsenceMinutes",
    "invalidAbsenceSum": "invalidAbsenceMinutes",
}


def _allow(method: str, allowed: str) -> None:
    if method != allowed:
        raise _HttpError(405, "method_not_allowed", f"use {allowed}", headers=[("Allow", allowed)])


def _basic_credentials(environ: dict[str, Any]) -> tuple[str, str] | None:
    scheme, _, encoded = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _, client_secret = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as error:
        raise _HttpError(401, "invalid_client", "malformed basic credentials") from error
    return client_id, client_secret


def _limit(text: str | None) -> int:
    if text is None:
        return DEFAULT_LIMIT
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise _HttpError(400, "invalid_limit", f"limit is a whole number from 1 to {MAX_LIMIT}")
    return int(text)


def _filter(text: str | None, name: str) -> str | None:
    """A time filter, normalised to UTC; refused unless ISO 8601 with an offset."""
    if text is None:
        return None
    try:
        return isoformat(parse_time(text))
    except ValueError as error:
        raise _HttpError(400, "invalid_filter", f"{name} is an ISO 8601 time with an offset or Z") from error


def _required_time(query: dict[str, str], name: str) -> str:
    if name not in query:
        raise _HttpError(400, "missing_parameter", f"{name} is required")
    value = _filter(query[name], name)
    assert value is not None
    return value


def _expand(resource: str, text: str | None) -> list[str]:
    wanted = sorted({part.strip() for part in (text or "").split(",") if part.strip()})
    unknown = set(wanted) - EXPANSIONS.get(resource, frozenset())
    if unknown:
        raise _HttpError(400, "invalid_expand", f"{resource} cannot expand {', '.join(sorted(unknown))}")
    return wanted


def _encode_token(state: dict[str, Any]) -> str:
    raw = json.dumps(state, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decode_token(token: str, resource: str) -> dict[str, Any]:
    try:
        state = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        valid = (
            isinstance(state, dict)
            and isinstance(state.get("after"), list)
            and isinstance(state.get("limit"), int)
            and 1 <= state["limit"] <= MAX_LIMIT
            and isinstance(state.get("expand"), list)
            and (state.get("filter") is None or isinstance(parse_time(state["filter"]), datetime))
        )
    except (binascii.Error, ValueError, TypeError) as error:
        raise _HttpError(400, "invalid_page_token", "the pageToken is not valid") from error
    if not valid:
        raise _HttpError(400, "invalid_page_token", "the pageToken is not valid")
    if state.get("resource") != resource:
        raise _HttpError(400, "invalid_page_token", f"the pageToken is not one of {resource}")
    return state


# -- running it ----------------------------------------------------------------------------------------------


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a delayed answer never holds up shutdown

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out and left is what the delay is for; anything else is worth a log line.
        logger.debug("SS 12000 test server: a request from %s broke off", client_address, exc_info=True)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("SS 12000 test server: " + format, *args)


@dataclass(frozen=True)
class RunningServer:
    base_url: str
    token_url: str
    client_id: str
    client_secret: str
    app: Ss12000App

    @property
    def dataset(self) -> Ss12000Dataset:
        return self.app.dataset


@contextmanager
def serve(
    dataset: Ss12000Dataset,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    client_id: str = "kring-test",
    client_secret: str | None = None,
    token_lifetime: int = 3600,
    tls: ssl.SSLContext | None = None,
) -> Iterator[RunningServer]:
    """Serve the dataset on `host`:`port` (0: a free port) in a background thread until the block ends; over HTTPS
    with `tls` (a server context, which may require a client certificate: mutual TLS)."""
    app = Ss12000App(
        dataset,
        client_id=client_id,
        client_secret=client_secret or secrets.token_urlsafe(16),
        token_lifetime=token_lifetime,
    )
    server = make_server(host, port, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    base_url = f"{'https' if tls else 'http'}://{host}:{server.server_port}"
    try:
        yield RunningServer(base_url, f"{base_url}/token", app.client_id, app.client_secret, app)
    finally:
        app.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

"""What Kring's local stand-ins for outside identity services share (the test e-ID, `kring serve-eid`; the test
single sign-on, `kring serve-sso`): reading a WSGI request's query and form, and serving a provider on a threading
WSGI server in the background. Only stand-ins use it: never part of a production request."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from socketserver import ThreadingMixIn
from typing import Any, Protocol
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

Params = dict[str, list[str]]
StartResponse = Callable[..., Any]
logger = logging.getLogger(__name__)


class FormError(ValueError):
    """The request's body is not a form a provider reads; the message says why (for an OAuth error answer)."""


class Provider(Protocol):
    issuer: str

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]: ...


def query_params(environ: dict[str, Any]) -> Params:
    params: Params = {}
    for name, value in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True):
        params.setdefault(name, []).append(value)
    return params


def form_params(environ: dict[str, Any], max_body: int) -> Params:
    """The url-encoded form of a POST, at most `max_body` bytes; FormError otherwise."""
    content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise FormError("the body must be application/x-www-form-urlencoded")
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError as error:
        raise FormError("bad Content-Length") from error
    if not 0 <= length <= max_body:
        raise FormError("the body is too large")
    body = environ["wsgi.input"].read(length).decode("utf-8", errors="replace") if length else ""
    params: Params = {}
    for name, value in parse_qsl(body, keep_blank_values=True):
        params.setdefault(name, []).append(value)
    return params


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("Stand-in: " + format, *args)


def make_provider_server(provider: Provider, host: str = "127.0.0.1", port: int = 0) -> WSGIServer:
    """A threading WSGI server for `provider`, bound but not yet serving; sets `provider.issuer` if it is empty."""
    server = make_server(host, port, provider, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    if not provider.issuer:
        provider.issuer = f"http://{host}:{server.server_port}"
    return server


def serve_in_thread(provider: Provider, host: str = "127.0.0.1", port: int = 0) -> tuple[Any, str]:
    """Serve `provider` in a daemon thread; returns (server, base URL).

    Stop it with `server.shutdown(); server.server_close()`."""
    server = make_provider_server(provider, host, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server, f"http://{host}:{server.server_port}"

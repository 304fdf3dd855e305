"""Structured logs without personal data: one JSON object per line, and a filter that strips what must never reach a
log line (docs/operations.md, "Logs"; docs/adr/0018-logs-without-personal-data.md).

Kring itself logs no names, identity numbers or typed text; the filter is the second line of defence for what
Django and the libraries log: the query string of a URL (a search for a child's name, `?q=...`) is cut off, and
anything shaped like a personal identity number or an e-mail address is replaced, in the message and in a
traceback alike, and a traceback never holds an exception's message. Log records also carry the request's id, the
same as the audit log's events, so that a log line and an audit event of one request can be matched."""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from datetime import UTC, datetime
from types import TracebackType


def _request_id(record: logging.LogRecord) -> str:
    """The id of the request the record is about (Django attaches the request to its records, logged after the
    middleware is done) or of the current one (kring.access.audit, imported by the middleware that sets it; not
    imported here, as logging is configured before the models can be)."""
    attached = getattr(getattr(record, "request", None), "kring_request_id", None)
    if isinstance(attached, str):
        return attached
    audit = sys.modules.get("kring.access.audit")
    return audit.current_request_id.get() if audit is not None else ""


# A personal identity or coordination number, with or without the century, a dash or a plus (DOMAIN.md).
IDENTITY_NUMBER = re.compile(r"(?<![\w-])(?:\d{2})?\d{6}[-+]?\d{4}(?![\w-])")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A query string (a "?" after a path or a word): in a request line everything to " HTTP/", elsewhere to the next
# quote or the end of the line (a line may lose some words after a question mark rather than keep a search's text).
QUERY_STRING = re.compile(r"(?<=[\w/.-])\?(?:[^\"'\n]*?(?= HTTP/\d)|[^\"'\n]*)")
REDACTED_IDENTITY = "[identity number]"
REDACTED_EMAIL = "[e-mail]"
REDACTED_QUERY = "?[query]"


ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


def format_exception(exc_info: ExcInfo) -> str:
    """A traceback with where each exception was raised and its type, but never its message: an exception's
    message may quote data (a database error quotes the values of a row, a form's error what was typed)."""
    return "".join(_exception_lines(exc_info[1], set())) if exc_info[1] is not None else ""


def _exception_lines(error: BaseException, seen: set[int]) -> list[str]:
    seen.add(id(error))
    lines: list[str] = []
    cause, why = error.__cause__, "The above exception was the direct cause of the following exception:"
    if cause is None and not error.__suppress_context__:
        cause, why = error.__context__, "During handling of the above exception, another exception occurred:"
    if cause is not None and id(cause) not in seen:
        lines += [*_exception_lines(cause, seen), f"\n{why}\n\n"]
    lines.append("Traceback (most recent call last):\n")
    lines += traceback.format_tb(error.__traceback__)
    lines.append(f"{type(error).__module__}.{type(error).__qualname__} (its message is not logged)\n")
    return lines


def redact(text: str) -> str:
    """The text without query strings, identity numbers or e-mail addresses."""
    text = QUERY_STRING.sub(REDACTED_QUERY, text)
    text = EMAIL.sub(REDACTED_EMAIL, text)
    return IDENTITY_NUMBER.sub(REDACTED_IDENTITY, text)


class RedactPersonalData(logging.Filter):
    """On a handler: formats the record's message and traceback once, redacted, and adds the request id."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the message: log the message alone
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = format_exception(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.stack_info = redact(record.stack_info) if record.stack_info else None
        record.request_id = _request_id(record) or None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, the request id, the HTTP status of a request
    logged by Django, and the traceback if any. Nothing else of the record (Django attaches the request itself,
    which holds the query string and the session: never written)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None) or _request_id(record)
        if request_id:
            line["request_id"] = request_id
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            line["status"] = status
        if record.exc_info and not record.exc_text:
            record.exc_text = format_exception(record.exc_info)
        if record.exc_text:
            line["exception"] = redact(record.exc_text)
        if record.stack_info:
            line["stack"] = redact(record.stack_info)
        return json.dumps(line, ensure_ascii=False)

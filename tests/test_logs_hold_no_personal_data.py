"""No log line holds personal data: no names, identity numbers, e-mail addresses or typed text (issue 19, section 4).

The requests below run with the log handler the settings install (kring.access.logs: JSON lines, redacted) writing to
a buffer, at INFO, and every line is searched for what the requests carried: a search for a child's name, a page
that is not there (with the name in its query string), a form with errors, a failed login and a view that fails
with the child's data in its exception."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import sys
from collections.abc import Iterator

import pytest
from django.test import Client

from kring.access.logs import JsonFormatter, RedactPersonalData, redact
from kring.directory.models import User
from tests.conftest import World, login
from tests.factories import make_identity_number

FREE_TEXT = "Eleven berättade om bråk hemma igår kväll"
NAME = "Alva Testsson"
NUMBER = make_identity_number(dt.date(2012, 3, 15), 981)


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """The settings' console handler (on the root and on Django's loggers), writing into a buffer, at INFO."""
    handlers = {h for name in ("", "django", "django.server") for h in logging.getLogger(name).handlers}
    console = [h for h in handlers if isinstance(h, logging.StreamHandler) and isinstance(h.formatter, JsonFormatter)]
    assert console, "the settings install a JSON console handler"
    buffer = io.StringIO()
    loggers = [logging.getLogger(name) for name in ("", "django")]
    levels = [logger.level for logger in loggers]
    streams = [handler.setStream(buffer) for handler in console]
    for logger in loggers:
        logger.setLevel(logging.INFO)
    yield buffer
    for handler, stream in zip(console, streams, strict=True):
        handler.setStream(stream)  # type: ignore[arg-type]
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def _personal_data(world: World, teacher: User) -> list[str]:
    child = world.child
    return [
        child.first_name,
        child.last_name,
        child.identity_number,
        child.identity_number[2:],
        f"{child.identity_number[2:8]}-{child.identity_number[8:]}",
        teacher.email,
        FREE_TEXT,
    ]


@pytest.mark.django_db
def test_the_logs_of_requests_that_carry_personal_data_hold_none_of_it(
    client: Client, world: World, teacher: User, log_lines: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = world.child
    login(client, teacher)
    # A search for the child's name and identity number, by GET (a query string) and by POST.
    assert client.get("/children/", {"q": f"{child.first_name} {child.last_name}"}).status_code == 200
    assert client.post("/children/", {"q": child.identity_number}).status_code == 200
    # Pages that are not there, with the name in the query string.
    assert client.get("/no-such-page/", {"q": child.first_name, "email": teacher.email}).status_code == 404
    assert client.get("/children/999999/", {"note": FREE_TEXT}).status_code == 404
    # A form with errors (no category), with typed text in it.
    form = client.post(f"/concerns/new/{child.pk}/", {"observed": FREE_TEXT, "observed_by": child.first_name})
    assert form.status_code == 200
    # A failed login with the person's e-mail address.
    client.logout()
    failed = client.post("/accounts/login/", {"login": teacher.email, "password": "fel-lösenord-" + FREE_TEXT})
    assert failed.status_code == 200
    # A view that fails with the child's data in its exception (a 500, logged by Django with its traceback).
    login(client, teacher)

    def fails(*args: object, **kwargs: object) -> None:
        raise ValueError(f"{child.first_name} {child.last_name} {child.identity_number}: {FREE_TEXT}")

    monkeypatch.setattr("kring.directory.views.role_grants", fails)
    client.raise_request_exception = False
    assert client.get("/", {"q": child.last_name}).status_code == 500

    lines = log_lines.getvalue().splitlines()
    records = [json.loads(line) for line in lines]
    assert any(r["logger"] == "django.request" and r["level"] == "ERROR" and "exception" in r for r in records)
    assert any(r["message"].startswith("Not Found: /no-such-page/") for r in records)
    assert all(r.get("request_id") for r in records if r["logger"] == "django.request")
    text = log_lines.getvalue()
    for value in _personal_data(world, teacher):
        assert value not in text, f"a log line holds {value!r}"
    assert "ValueError (its message is not logged)" in text


def test_the_filter_redacts_query_strings_identity_numbers_and_e_mail_addresses() -> None:
    short = f"{NUMBER[2:8]}-{NUMBER[8:]}"
    line = f'"GET /children/?q=Alva+Testsson&page=2 HTTP/1.1" 200 512 by anna.a@skola.example about {NUMBER}'
    assert redact(line) == '"GET /children/?[query] HTTP/1.1" 200 512 by [e-mail] about [identity number]'
    assert redact(f"Not Found: /children/?q={NAME}\nnext") == "Not Found: /children/?[query]\nnext"
    for number in (NUMBER, NUMBER[2:], short, short.replace("-", "+"), f"{NUMBER[:8]}-{NUMBER[8:]}"):
        assert redact(f"x {number} y") == "x [identity number] y"
    # Other numbers stay: a request id, a sequence, a status, a date.
    for kept in ("#1234567", "3f2a9c0d1e2b4c5d6e7f8a9b0c1d2e3f", "2026-11-18", "status 503"):
        assert redact(kept) == kept


def test_a_record_from_any_logger_is_one_json_line_without_the_exceptions_message() -> None:
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s', (f"GET /children/?q={NAME} HTTP/1.1", 200), None
    )
    try:
        try:
            raise KeyError(NAME)
        except KeyError as error:
            raise ValueError(f"{NUMBER} {FREE_TEXT}") from error
    except ValueError:
        record.exc_info = sys.exc_info()
    assert RedactPersonalData().filter(record)
    line = JsonFormatter().format(record)

    parsed = json.loads(line)
    assert "\n" not in line and parsed["message"] == '"GET /children/?[query] HTTP/1.1" 200'
    assert parsed["level"] == "INFO" and parsed["logger"] == "django.server"
    assert NAME not in line and NUMBER not in line and FREE_TEXT not in line
    assert "builtins.KeyError (its message is not logged)" in parsed["exception"]
    assert "direct cause" in parsed["exception"] and "raise ValueError" in parsed["exception"]


def test_the_text_format_is_redacted_too() -> None:
    record = logging.LogRecord("kring", logging.WARNING, __file__, 1, "for %s at %s", (NUMBER, "a@b.example"), None)
    try:
        raise RuntimeError(NAME)
    except RuntimeError:
        record.exc_info = sys.exc_info()
    assert RedactPersonalData().filter(record)

    text = logging.Formatter("%(levelname)s %(name)s [%(request_id)s] %(message)s").format(record)

    assert text.startswith("WARNING kring [None] for [identity number] at [e-mail]")
    assert "Traceback (most recent call last)" in text and __file__ in text and "builtins.RuntimeError" in text
    assert NAME not in text and NUMBER not in text


def test_a_message_whose_arguments_do_not_fit_is_still_logged_without_them() -> None:
    record = logging.LogRecord("kring", logging.WARNING, __file__, 1, "one %s and %s", (NUMBER,), None)

    assert RedactPersonalData().filter(record)

    assert json.loads(JsonFormatter().format(record))["message"] == "one %s and %s"

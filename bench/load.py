"""Load: many logged-in people on the daily pages at once, against a real gunicorn. Never part of the test suite.

    .venv/bin/python bench/load.py --matrix [--seconds 20] [--minimal-seconds 10]   # the matrix: 10-25 min
    .venv/bin/python bench/load.py [--database-url URL] [--server sync|gthread|runserver] [--workers 4]
                                   [--threads 32] [--users 32] [--seconds 20]

One cell: a fresh database (PostgreSQL: the database named in the URL is dropped and created again; SQLite: a new
file), migrated, the small demo municipality seeded, the cache table created (`KRING_CACHE=database`: the rate
limits shared by the workers) and one session per user in the database's session table (force_login, so no login
form and no login rate limit: the demo logins round robin: teachers, principals, student health, social services,
the TSI team, the police, administrators). Kring then runs under gunicorn (`sync`: `--workers` processes of one
thread; `gthread`: `--workers` × `--threads`) or Django's development server, on loopback, and `--users` people
work as fast as it answers, each on their own keep-alive connection and session:

* 90 % reads across the daily pages each person may use (the start page, child search by POST, a pupil's overview,
  the concern inbox and a concern, the report inbox and a report, "my reports", the TSI work list and a case page,
  log review, the organisation admin, the forms below);
* 10 % writes, each as a person does it: open the form, take the CSRF token and the fields from the page's form,
  fill them and post: **a new concern** about a pupil (school staff), **a story** (a note) on a TSI case, and
  **a consent** on a TSI case (the TSI team). A write counts only if it answered 302 to the page it must go to;
  200 with the form again (errors) is an error.

Then the same users on the minimal authenticated view alone (`/accounts/2fa/`) against the same server, for the
ratio of throughput. Errors by kind: connection refused/reset, timeouts, 5xx, any other unexpected status, a write
not saved. Prints requests a second, p50/p95/p99, errors, the client's own CPU, and with `--matrix` a markdown
table (32, 64 and 128 users × sync and gthread × SQLite and PostgreSQL). Any error exits 1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse
from zoneinfo import ZoneInfo

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
KRING = str(Path(PYTHON).with_name("kring"))
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/kring_load"
MINIMAL = "minimal view"
MINIMAL_PATH = "/accounts/2fa/"
WRITE_SHARE = 0.10
LOAD_TEXT = "Lasttest: eleven verkade ledsen på rasten."


# --- forms, as a browser sees them -------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    fields: list[dict[str, Any]] = field(default_factory=list)


class _FormParser(HTMLParser):
    """The POST forms of a page with their fields: inputs, selects with their options, textareas."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: dict[str, Any] | None = None
        self._textarea: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", "")) if a.get("method", "get").lower() == "post" else None
            if self._form is not None:
                self.forms.append(self._form)
        if self._form is None or ("name" not in a and tag != "option"):
            return
        required = "required" in a
        if tag == "input" and a.get("type", "text") not in ("submit", "button", "reset", "file"):
            kind = a.get("type", "text")
            self._form.fields.append(
                {"tag": "input", "type": kind, "name": a["name"], "value": a.get("value", "on" if kind in
                 ("checkbox", "radio") else ""), "checked": "checked" in a, "required": required}
            )  # fmt: skip
        elif tag == "select":
            self._select = {"tag": "select", "name": a["name"], "options": [], "selected": [],
                            "multiple": "multiple" in a, "required": required}  # fmt: skip
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))
            if "selected" in a:
                self._select["selected"].append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = {"tag": "textarea", "name": a["name"], "value": "", "required": required}
            self._form.fields.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._textarea["value"] = self._textarea["value"].removeprefix("\n")  # as HTML parses it
            self._textarea = None


def fill_form(html: str, path: str, overrides: dict[str, str]) -> list[tuple[str, str]]:
    """What a person posts from the form of `path` on the page (action empty or `path`): the page's values (its CSRF
    token, checked boxes, selected options, initial dates), the `overrides` (by name, or by a name's prefix ending in
    `_`), and for a required field left empty the first choice, today or a line of text."""
    parser = _FormParser()
    parser.feed(html)
    forms = [form for form in parser.forms if form.action in ("", path, path.split("?")[0])]
    if not forms:
        raise ValueError(f"no form posting to {path}")
    today = datetime.now(tz=ZoneInfo("Europe/Stockholm")).date().isoformat()
    data: list[tuple[str, str]] = []
    radios_done: set[str] = set()

    def override(name: str) -> str | None:
        if name in overrides:
            return overrides[name]
        for key, value in overrides.items():
            if key.endswith("_") and name.startswith(key):
                return value
        return None

    for item in forms[0].fields:
        name, forced = item["name"], override(item["name"])
        if item["tag"] == "select":
            if forced is not None:
                data.append((name, forced))
            elif item["multiple"]:
                data.extend((name, value) for value in item["selected"])
            elif item["selected"] or item["options"]:
                # A browser sends the first option when none is selected; a person picks one when it is required.
                filled = [value for value in item["options"] if value] if item["required"] else []
                data.append((name, (item["selected"] or filled or item["options"])[0]))
        elif item["tag"] == "input" and item["type"] == "radio":
            if name in radios_done:
                continue
            group = [f for f in forms[0].fields if f["name"] == name and f.get("type") == "radio"]
            checked = [f["value"] for f in group if f["checked"]]
            value = forced if forced is not None else (checked[0] if checked else group[0]["value"])
            radios_done.add(name)
            data.append((name, value))
        elif item["tag"] == "input" and item["type"] == "checkbox":
            if item["checked"]:
                data.append((name, item["value"]))
        else:
            value = forced if forced is not None else item["value"]
            if not value and item["required"]:
                value = today if item.get("type") == "date" else LOAD_TEXT
            data.append((name, value))
    return data


# The writes of the mixed load: (name, form path, overrides, where a saved one redirects: a regular expression).
def candidate_writes(pupil: int | None, case: int | None) -> list[list[Any]]:
    writes: list[list[Any]] = []
    if pupil:
        writes.append(
            [
                "new concern (POST)",
                f"/concerns/new/{pupil}/",
                {"category": "wellbeing", "observed": LOAD_TEXT, "observed_by": "Jag, på skolgården"},
                r"^/concerns/\d+/$",
            ]
        )
    if case:
        # Consent first: the prepare tries each once, and a story needs every guardian's consent in force.
        writes.append(
            ["TSI consent (POST)", f"/cases/{case}/consent/",
             {"answer_": "gives", "method_": "written", "child_agreement": "agrees"}, rf"^/cases/{case}/$"]
        )  # fmt: skip
        writes.append(
            ["TSI story, a note (POST)", f"/cases/{case}/stories/new/?teller=school",
             {"text": LOAD_TEXT, "told_by": "Mentor"}, rf"^/cases/{case}/$"]
        )  # fmt: skip
    return writes


# --- preparing the database and the sessions (runs in a child process with Kring's settings) ---------------------


def prepare(sessions_wanted: int = 13) -> None:
    """Seed the demo, create the cache table, and print, as JSON, `sessions_wanted` sessions (the demo logins round
    robin, each its own session) with the pages each may read and the writes each may make, every write tried once
    here (a write that does not answer 302 to its page is not kept)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kring.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.middleware.csrf import CSRF_ALLOWED_CHARS
    from django.test import Client
    from django.utils.crypto import get_random_string

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    from kring.casework.models import Concern, ReportOfConcern, TsiCase
    from kring.casework.models.tsi import CaseStage
    from kring.demo.actions import seed_demo
    from kring.directory.models import User
    from kring.people.models import Placement

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db", settings.SESSION_ENGINE
    if User.objects.exists():  # already seeded (--seeded-sqlite): the demo logins are those with a password
        emails = [u.email for u in User.objects.all() if u.has_usable_password()]
    else:
        emails = [login.email for login in seed_demo(size="small", seed=1).logins]
    report = ReportOfConcern.objects.values_list("pk", flat=True).first()
    concern = Concern.objects.values_list("pk", flat=True).first()
    cases = TsiCase.objects.filter(stage__in=(CaseStage.INFORMATION, CaseStage.ACTIVE, CaseStage.FOLLOW_UP))
    users = list(User.objects.filter(email__in=emails).order_by("email"))
    personas = []
    for user in users:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        units = list(user.memberships.filter(active=True).values_list("unit_id", flat=True))
        pupil = Placement.objects.current().filter(unit_id__in=units).values_list("child_id", flat=True).first()
        team_cases = cases.filter(team_id__in=units).order_by("pk").values_list("pk", flat=True)[:3]
        case = next((pk for pk in team_cases if client.get(f"/cases/{pk}/consent/").status_code == 200), None)
        pages = [
            page for page in candidate_pages(pupil, report, concern, case) if client.get(page[4]).status_code == 200
        ]
        writes = []
        for name, path, overrides, expected in candidate_writes(pupil, case):
            page = client.get(path)
            if page.status_code != 200:
                continue
            data = urlencode(fill_form(page.content.decode(), path, overrides))
            response = client.post(path, data, content_type="application/x-www-form-urlencoded")
            if response.status_code == 302 and re.match(expected, urlparse(response["Location"]).path):
                writes.append([name, path, overrides, expected])
                pages.append((f"{name.split(' (')[0]} form", "GET", path, None, path))
            else:
                text = re.sub(r"<[^>]+>|\s+", " ", response.content.decode().split("error-summary")[-1])[:300]
                print(f"load: {user.email}: {name} answered {response.status_code}: {text}", file=sys.stderr)
        personas.append((user, [list(page[:4]) for page in pages], writes))
    sessions = []
    for n in range(sessions_wanted):
        user, pages, writes = personas[n % len(personas)]
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        cookies = {name: morsel.value for name, morsel in client.cookies.items()}
        cookies[settings.CSRF_COOKIE_NAME] = get_random_string(32, CSRF_ALLOWED_CHARS)  # as a first page sets it
        sessions.append({"email": user.email, "cookies": cookies, "pages": pages, "writes": writes})
    kinds = {write[0] for session in sessions for write in session["writes"]}
    if len(kinds) < 3:
        raise SystemExit(f"only these writes are possible for the demo logins: {sorted(kinds)}")
    print(json.dumps(sessions))


def candidate_pages(pupil: int | None, report: int | None, concern: int | None, case: int | None) -> list[Any]:
    """(name, method, path, form-or-None, probe path) of the daily pages; each user keeps those they may use."""
    pages: list[Any] = [
        ("start page", "GET", "/", None, "/"),
        ("child search (POST)", "POST", "/children/", {"q": "a"}, "/children/"),
        ("concern inbox", "GET", "/concerns/", None, "/concerns/"),
        ("report inbox", "GET", "/reports/inbox/", None, "/reports/inbox/"),
        ("my reports", "GET", "/reports/mine/", None, "/reports/mine/"),
        ("TSI work list", "GET", "/cases/", None, "/cases/"),
        ("log review", "GET", "/audit/", None, "/audit/"),
        ("organisation admin", "GET", "/organisation/", None, "/organisation/"),
    ]
    if pupil:
        pages.append(("child overview", "GET", f"/children/{pupil}/", None, f"/children/{pupil}/"))
    if concern:
        pages.append(("concern page", "GET", f"/concerns/{concern}/", None, f"/concerns/{concern}/"))
    if case:
        pages.append(("TSI case page", "GET", f"/cases/{case}/", None, f"/cases/{case}/"))
    if report:
        pages.append(("report page", "GET", f"/reports/{report}/", None, f"/reports/{report}/"))
    return pages


# --- the load --------------------------------------------------------------------------------------------------


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    writes: Counter[str] = field(default_factory=Counter)
    until: float = float("inf")
    answered_in_time: int = 0  # answers within the phase's seconds: the throughput (not the last ones' tail)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, seconds: float, status: int) -> None:
        with self.lock:
            self.times[page].append(seconds)
            self.statuses[status] += 1
            self.answered_in_time += time.monotonic() <= self.until

    def fail(self, page: str, kind: str, example: str = "") -> None:
        with self.lock:
            self.errors[kind] += 1
            self.examples.setdefault(kind, f"{page}: {example}"[:300])

    @property
    def requests(self) -> int:
        return sum(len(values) for values in self.times.values())

    def all_times(self) -> list[float]:
        return sorted(t for values in self.times.values() for t in values)


def _error_kind(error: BaseException) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, ConnectionResetError | BrokenPipeError | http.client.RemoteDisconnected):
        return "connection reset"
    if isinstance(error, TimeoutError | socket.timeout):
        return "timeout"
    return f"connection error ({type(error).__name__})"


class Browser:
    """One person: their own keep-alive connection (gunicorn's sync workers close it after each answer; it is opened
    again) and their own cookies."""

    def __init__(self, port: int, cookies: dict[str, str], timeout: float) -> None:
        self.port = port
        self.cookies = dict(cookies)
        self.timeout = timeout
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(
        self, method: str, path: str, form: list[tuple[str, str]] | None = None
    ) -> tuple[int, dict[str, str], str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": f"127.0.0.1:{self.port}"}
        body = None
        if method == "POST":
            body = urlencode(form or []).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
            if not any(name == "csrfmiddlewaretoken" for name, _value in form or []):  # the search: as htmx sends it
                headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except BaseException:
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content.decode("utf-8", "replace")

    def close(self) -> None:
        self.connection.close()


def _timed(browser: Browser, results: Results, name: str, method: str, path: str, form: Any = None) -> Any:
    started = time.perf_counter()
    try:
        answer = browser.request(method, path, form)
    except (OSError, http.client.HTTPException) as error:
        results.fail(name, _error_kind(error), f"{type(error).__name__}: {error}")
        return None
    results.add(name, time.perf_counter() - started, answer[0])
    if answer[0] >= 500:
        results.fail(name, f"HTTP {answer[0]}", answer[2][:200])
    return answer


def user_loop(
    port: int, session: dict[str, Any], until: float, results: Results, seed: int, minimal: bool, write_odds: float
) -> None:
    """One person until `until`: the minimal view, or reads and (with probability `write_odds` an action) writes."""
    rng = random.Random(seed)
    browser = Browser(port, session["cookies"], timeout=60)
    reads, writes = session["pages"], session["writes"]
    while time.monotonic() < until:
        if minimal:
            answer = _timed(browser, results, MINIMAL, "GET", MINIMAL_PATH)
            if answer and answer[0] != 200:
                results.fail(MINIMAL, f"HTTP {answer[0]} on a read", answer[1].get("location", ""))
            continue
        if writes and rng.random() < write_odds:
            name, path, overrides, expected = rng.choice(writes)
            form_name = f"{name.split(' (')[0]} form"
            page = _timed(browser, results, form_name, "GET", path)
            if page is None:
                continue
            if page[0] != 200:
                results.fail(form_name, f"HTTP {page[0]} on a read", page[1].get("location", ""))
                continue
            answer = _timed(browser, results, name, "POST", path, fill_form(page[2], path, overrides))
            if answer is None or answer[0] >= 500:
                continue
            location = urlparse(answer[1].get("location", "")).path
            if answer[0] == 302 and re.match(expected, location):
                results.writes[name] += 1
            elif answer[0] == 200:
                results.fail(name, "write not saved (200, the form again)", re.sub(r"\s+", " ", answer[2])[-200:])
            else:
                results.fail(name, f"write answered {answer[0]}", location)
        else:
            name, method, path, form = rng.choice(reads)
            answer = _timed(browser, results, name, method, path, list((form or {}).items()))
            if answer and answer[0] != 200:
                results.fail(name, f"HTTP {answer[0]} on a read", answer[1].get("location", ""))
    browser.close()


@dataclass
class Phase:
    users: int
    seconds: float
    results: Results
    client_cpu: float  # the client's CPU seconds over the phase's wall-clock seconds (1.0 = one core)
    server_cpu: float  # the same for the server's processes
    elapsed: float = 0.0  # with the tail: the answers to the requests still running at the phase's end

    @property
    def rps(self) -> float:
        return self.results.answered_in_time / self.seconds

    @property
    def per_server_cpu_second(self) -> float:
        """Answers per CPU second of the server's processes: the throughput on a machine shared with other work."""
        used = self.server_cpu * self.elapsed
        return self.results.requests / used if used else 0.0


def _cpu_of(pid: int) -> float:
    """CPU seconds of a process and its children still running (gunicorn's workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    try:
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return 0.0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except OSError:
            pass
    return total


def run_phase(port: int, sessions: list[dict[str, Any]], users: int, seconds: float, *, minimal: bool,
              server_pid: int | None = None) -> Phase:  # fmt: skip
    until = time.monotonic() + seconds
    results = Results(until=until)
    # Only some people may write (school staff a concern, the TSI team a story or a consent): they write more often,
    # so that the posts are WRITE_SHARE of all requests. A write is its form (a read) and its post: a share f of one
    # person's requests are posts when a write is chosen with probability f / (1 - f) per action.
    writers = sum(1 for n in range(users) if sessions[n % len(sessions)]["writes"]) / users
    share = min(0.5, WRITE_SHARE / writers) if writers else 0.0
    odds = share / (1 - share)
    threads = [
        threading.Thread(target=user_loop, args=(port, sessions[n % len(sessions)], until, results, n, minimal, odds))
        for n in range(users)
    ]
    started, cpu = time.monotonic(), time.process_time()
    server_cpu = _cpu_of(server_pid) if server_pid else 0.0
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    server_used = (_cpu_of(server_pid) - server_cpu) / elapsed if server_pid else 0.0
    return Phase(users, seconds, results, (time.process_time() - cpu) / elapsed, server_used, elapsed)


# --- servers and databases -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fresh_database(url: str | None, tmp: Path) -> str:
    """A new, empty database: the PostgreSQL database of the URL dropped and created, or a new SQLite file."""
    if url is None or url.startswith("sqlite"):
        return f"sqlite:///{tmp / 'load.sqlite3'}"
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url


def postgres_pool_size(url: str, workers: int, threads: int) -> int:
    """Connections per worker: one per thread, unless the workers × threads would not fit in PostgreSQL's
    max_connections less 20 (the task worker, migrations, psql, and here other people's tests): then fewer, and a
    thread waits for a free one (KRING_DB_POOL_TIMEOUT)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute("SHOW max_connections").fetchone()
    max_connections = int(row[0]) if row else 100
    return max(1, min(threads, (max_connections - 20) // workers))


def server_env(url: str, server: str, workers: int, threads: int) -> dict[str, str]:
    """Kring's environment for the load: production-like (no debug, the shared database cache, database sessions);
    on PostgreSQL under gunicorn, psycopg's pool sized by `postgres_pool_size`."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "KRING_DEBUG": "true" if server == "runserver" else "false",
        "KRING_ALLOW_DEV_SECRET": "true",
        "KRING_SECURE_COOKIES": "false",
        "KRING_FAST_PASSWORD_HASHER": "true",
        "KRING_CACHE": "database",
        "KRING_WORKERS": str(workers),
        "KRING_THREADS": str(threads if server == "gthread" else 1),
    }
    if server != "runserver" and url.startswith("postgres"):
        env["KRING_DB_POOL"] = "true"
        env.setdefault("KRING_DB_POOL_MAX_SIZE", str(postgres_pool_size(url, workers, int(env["KRING_THREADS"]))))
    return env


def prepare_sessions(env: dict[str, str], sessions: int = 13) -> list[dict[str, Any]]:
    """Seed and log in (`prepare`, in a child process with `env`); the sessions as `prepare` prints them."""
    prepared = subprocess.run(
        [PYTHON, __file__, "--prepare", "--users", str(sessions)], env=env, cwd=ROOT, capture_output=True, text=True
    )
    for line in prepared.stderr.splitlines():
        if line.startswith("load:"):
            print(line, file=sys.stderr)
    if prepared.returncode != 0:
        raise SystemExit(f"prepare failed:\n{prepared.stderr[-3000:]}")
    return list(json.loads(prepared.stdout.strip().splitlines()[-1]))


def start_server(
    kind: str, port: int, env: dict[str, str], workers: int, threads: int, log: Path
) -> subprocess.Popen[bytes]:
    """Kring on 127.0.0.1:`port`: gunicorn through kring/gunicorn_conf.py (`sync`: one thread a worker; `gthread`
    or `gunicorn`: `threads` a worker), or the development server (`runserver`). Returns once it answers."""
    if kind in ("sync", "gthread", "gunicorn"):
        worker_class = "sync" if kind == "sync" else "gthread"
        env = {**env, "KRING_BIND": f"127.0.0.1:{port}", "KRING_WORKERS": str(workers),
               "KRING_THREADS": str(1 if kind == "sync" else threads)}  # fmt: skip
        command = [GUNICORN, "-c", "python:kring.gunicorn_conf", "kring.wsgi", "--worker-class", worker_class,
                   "--log-level", "warning"]  # fmt: skip
    else:
        command = [KRING, "runserver", f"127.0.0.1:{port}", "--noreload"]
    server = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log.open("ab"), start_new_session=True
    )
    deadline = time.monotonic() + 180  # a busy machine: four workers import Django at once
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=30)
            return server
        except httpx.HTTPError:
            if server.poll() is not None:
                break
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit(f"the server did not start: {log.read_text()[-2000:]}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server (gunicorn stops its workers), and if it is not gone in 30 s, SIGKILL to its process
    group (the server and its workers, started in a session of their own)."""
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


# --- report ------------------------------------------------------------------------------------------------------


def _ms(ordered: list[float], quantile: float) -> float:
    return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))] * 1000 if ordered else 0.0


def report(phase: Phase, minimal: Phase, label: str) -> None:
    results = phase.results
    print(f"\n{label}, {phase.users} users")
    print(
        f"  mixed: {results.answered_in_time:,} answers in {phase.seconds:.0f} s ({results.requests:,} with the last "
        f"ones'): {phase.rps:,.1f}/s; "
        f"minimal view alone: {minimal.rps:,.1f}/s; ratio {phase.rps / minimal.rps if minimal.rps else 0:.2f}"
    )
    posts = sum(
        len(values) for name, values in results.times.items() if name.endswith("(POST)") and "search" not in name
    )
    print(f"  statuses: {dict(sorted(results.statuses.items()))}; writes saved: {dict(results.writes)}")
    print(f"  writes: {posts / results.requests if results.requests else 0:.1%} of the requests")
    per_cpu = phase.per_server_cpu_second / minimal.per_server_cpu_second if minimal.per_server_cpu_second else 0
    print(
        f"  answers per server CPU second: mixed {phase.per_server_cpu_second:.1f}, minimal view "
        f"{minimal.per_server_cpu_second:.1f}; ratio {per_cpu:.2f}"
    )
    print(f"  client CPU {phase.client_cpu:.2f} cores (minimal {minimal.client_cpu:.2f}); server CPU "
          f"{phase.server_cpu:.2f} cores; load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"  {'page':<26} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for page, values in sorted({**results.times, "(all)": results.all_times(),
                                "(minimal view alone)": minimal.results.all_times()}.items()):  # fmt: skip
        ordered = sorted(values)
        quantiles = " ".join(f"{_ms(ordered, q):>8.1f}" for q in (0.5, 0.95, 0.99))
        print(f"  {page:<26} {len(ordered):>6} {quantiles}")
    for results_ in (results, minimal.results):
        for kind, count in results_.errors.items():
            print(f"  ERROR {count} × {kind}, e.g. {results_.examples[kind]}")


def table_row(database: str, server: str, phase: Phase, minimal: Phase) -> str:
    ordered = phase.results.all_times()
    errors = phase.results.errors + minimal.results.errors
    error_text = ", ".join(f"{count} {kind}" for kind, count in errors.items()) or "0"
    writes = sum(phase.results.writes.values())
    ratio = phase.rps / minimal.rps if minimal.rps else 0.0
    quantiles = " / ".join(f"{_ms(ordered, q):,.0f}" for q in (0.5, 0.95, 0.99))
    mixed_cpu, minimal_cpu = phase.per_server_cpu_second, minimal.per_server_cpu_second
    cpu_ratio = mixed_cpu / minimal_cpu if minimal_cpu else 0.0
    return (
        f"| {database} | {server} | {phase.users} | {phase.rps:,.1f} | {quantiles} | {writes:,} | {minimal.rps:,.1f} "
        f"| **{ratio:.2f}** | {mixed_cpu:.1f} / {minimal_cpu:.1f} (**{cpu_ratio:.2f}**) | {error_text} "
        f"| {phase.server_cpu:.2f} | {phase.client_cpu:.2f} |"
    )


TABLE_HEAD = (
    "| database | server | users | mixed requests/s | p50 / p95 / p99 ms | writes saved | minimal view alone, "
    "requests/s | ratio | answers per server CPU s, mixed / minimal (ratio) | errors | server CPU (cores) "
    "| client CPU (cores) |\n|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def clone_database(template: str, copy: str) -> str:
    """A copy of a prepared database (its demo, cache table and sessions), so that each server mode starts from the
    same data: SQLite, the file copied; PostgreSQL, `CREATE DATABASE … TEMPLATE`."""
    if template.startswith("sqlite"):
        shutil.copyfile(template.removeprefix("sqlite:///"), copy.removeprefix("sqlite:///"))
        return copy
    import psycopg

    parsed = urlparse(copy)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')
        connection.execute(
            f'CREATE DATABASE "{parsed.path.lstrip("/")}" TEMPLATE "{urlparse(template).path.lstrip("/")}"'
        )
    return copy


def run_cell(
    url: str, server: str, args: argparse.Namespace, sizes: list[int], sessions: list[dict[str, Any]], tmp: Path,
    label: str,
) -> list[tuple[str, int]]:  # fmt: skip
    """One prepared database and one server mode: start, each size mixed then minimal, stop. The table's rows, each
    with its number of errors."""
    env = server_env(url, server, args.workers, args.threads)
    port = _free_port()
    log = Path(os.environ.get("KRING_LOAD_SERVER_LOG", tmp / "server.log"))
    process = start_server(server, port, env, args.workers, args.threads, log)
    shape = f"{server} {args.workers}" + (f" × {args.threads}" if server == "gthread" else "")
    if url.startswith("postgres") and server != "runserver":
        shape += f", pool {env['KRING_DB_POOL_MAX_SIZE']}"
    rows = []
    try:
        run_phase(port, sessions, sizes[0], 3, minimal=False)  # warm up: every worker's first requests
        for users in sizes:
            phase = run_phase(port, sessions, users, args.seconds, minimal=False, server_pid=process.pid)
            minimal = run_phase(port, sessions, users, args.minimal_seconds, minimal=True, server_pid=process.pid)
            report(phase, minimal, f"{label}, {shape}")
            errors = sum((phase.results.errors + minimal.results.errors).values())
            rows.append((table_row(label, shape, phase, minimal), errors))
            if process.poll() is not None:
                raise SystemExit(f"the server died: {log.read_text()[-2000:]}")
    finally:
        stop_server(process)
    for line in log.read_text(errors="replace").splitlines():
        if any(word in line for word in ("locked", "Traceback", "CRITICAL", "WORKER TIMEOUT", '"ERROR"')):
            exception = line.split("\\n")[-2] if "\\n" in line else ""  # a JSON log line: the exception's last line
            print(f"  server log: {line[:200]} … {exception[:300]}")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--matrix", action="store_true", help="32, 64, 128 users × sync, gthread × SQLite, PostgreSQL")
    parser.add_argument("--database-url", default=None, help="PostgreSQL or sqlite:/// URL (default: a new SQLite)")
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help="with --matrix: the PostgreSQL database to use")
    parser.add_argument("--server", choices=("sync", "gthread", "gunicorn", "runserver"), default="gthread")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--minimal-seconds", type=float, default=10)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seeded-sqlite", type=Path, help=argparse.SUPPRESS)  # while developing: a seeded copy
    parser.add_argument("--seeded-postgres", action="store_true", help=argparse.SUPPRESS)  # and the database as is
    args = parser.parse_args()
    if args.prepare:
        prepare(args.users)
        return 0
    server = "gthread" if args.server == "gunicorn" else args.server
    started = time.monotonic()
    rows: list[tuple[str, int]] = []
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        if args.matrix:
            databases = [("SQLite", None), ("PostgreSQL", args.postgres_url)]
            modes, sizes = ["sync", "gthread"], [32, 64, 128]
        else:
            label = "SQLite" if args.database_url is None or args.database_url.startswith("sqlite") else "PostgreSQL"
            databases, modes, sizes = [(label, args.database_url)], [server], [args.users]
        for database, url in databases:
            seeded = args.seeded_postgres and url and url.startswith("postgres")
            template = url if seeded else fresh_database(url, Path(tmp))
            if args.seeded_sqlite and template.startswith("sqlite"):
                shutil.copyfile(args.seeded_sqlite, template.removeprefix("sqlite:///"))
            sessions = prepare_sessions(server_env(template, "runserver", 1, 1), max(sizes))
            for mode in modes:
                copy = (
                    f"sqlite:///{Path(tmp) / mode}.sqlite3" if template.startswith("sqlite")
                    else urlparse(template)._replace(path=urlparse(template).path + "_served").geturl()
                )  # fmt: skip
                rows += run_cell(clone_database(template, copy), mode, args, sizes, sessions, Path(tmp), database)
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{(time.monotonic() - started) / 60:.1f} minutes\n")  # fmt: skip
    print(TABLE_HEAD)
    print("\n".join(row for row, _errors in rows))
    return 1 if any(errors for _row, errors in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Load: many logged-in people on the daily pages at once, against a real server. Never part of the test suite.

    .venv/bin/python bench/load.py [--database-url URL] [--server runserver|gunicorn] [--workers 4] [--threads 16]
                                   [--users 32] [--seconds 20]

Creates a fresh database (PostgreSQL: the database named in the URL is dropped and created again; SQLite: a new
file), migrates it and seeds the small demo municipality, logs in `--users` people (the demo logins, round robin:
teachers, principals, student health, social services, the TSI team, the police, administrators), starts Kring
under Django's development server or under gunicorn (`--workers` × `--threads`), and lets every user read and
write on their daily pages for `--seconds`: the start page, child search (POST), a child's overview, the concern
inbox, the report inbox, the TSI work list, log review, and a new concern (POST, a write). Prints requests a
second, p50/p95 per page beside the minimal authenticated view (the two-factor settings page) as a ratio, and
every error. A run with any 5xx or connection error exits 1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
KRING = str(Path(PYTHON).with_name("kring"))
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))


# --- preparing the database and the sessions (runs in a child process with Kring's settings) ---------------------


def prepare() -> None:
    """Seed the demo and print, as JSON, one session per demo login with what its daily pages need."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kring.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", interactive=False, verbosity=0)
    from kring.casework.models import ReportOfConcern, TsiCase
    from kring.demo.actions import seed_demo
    from kring.directory.models import User
    from kring.people.models import Placement

    logins = seed_demo(size="small", seed=1).logins
    report = ReportOfConcern.objects.values_list("pk", flat=True).first()
    case = TsiCase.objects.values_list("pk", flat=True).first()
    sessions = []
    for user in User.objects.filter(email__in=[login.email for login in logins]).order_by("email"):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        client.get("/")
        client.get("/children/")  # a page with a form: the CSRF cookie
        units = list(user.memberships.filter(active=True).values_list("unit_id", flat=True))
        pupil = Placement.objects.current().filter(unit_id__in=units).values_list("child_id", flat=True).first()
        pages = [page for page in candidate_pages(pupil, report, case) if client.get(page[4]).status_code == 200]
        sessions.append(
            {
                "email": user.email,
                "cookies": {name: morsel.value for name, morsel in client.cookies.items()},
                "pages": [list(page[:4]) for page in pages],
            }
        )
    print(json.dumps(sessions))


# --- the load --------------------------------------------------------------------------------------------------


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, seconds: float, status: int) -> None:
        with self.lock:
            self.times[page].append(seconds)
            self.statuses[status] += 1
            if status >= 500:
                self.errors.append(f"{page}: HTTP {status}")

    def fail(self, page: str, error: Exception) -> None:
        with self.lock:
            self.errors.append(f"{page}: {type(error).__name__}: {error}")


# The minimal authenticated view: the two-factor settings page (a session, the user, their authenticators). The
# start page is no longer minimal: it gathers the person's work of the day.
MINIMAL = "minimal view"


def candidate_pages(pupil: int | None, report: int | None, case: int | None) -> list[Any]:
    """(name, method, path, form-or-None, probe path) of the daily pages; each user keeps those they may use."""
    pages: list[Any] = [
        ("minimal view", "GET", "/accounts/2fa/", None, "/accounts/2fa/"),
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
        concern = {
            "category": "wellbeing",
            "observed": "Eleven verkade ledsen på rasten (lasttest).",
            "observed_on": datetime.now(tz=ZoneInfo("Europe/Stockholm")).date().isoformat(),
            "observed_by": "Jag, på skolgården",
            "child_words": "",
        }
        pages.append(("new concern (POST)", "POST", f"/concerns/new/{pupil}/", concern, f"/concerns/new/{pupil}/"))
    if case:
        pages.append(("TSI case page", "GET", f"/cases/{case}/", None, f"/cases/{case}/"))
    if report:
        pages.append(("report page", "GET", f"/reports/{report}/", None, f"/reports/{report}/"))
    return pages


def user_loop(base: str, session: dict[str, Any], until: float, results: Results, seed: int) -> None:
    rng = random.Random(seed)
    pages = session["pages"]
    with httpx.Client(base_url=base, cookies=session["cookies"], timeout=30, follow_redirects=False) as client:
        csrf = session["cookies"].get("csrftoken", "")
        while time.monotonic() < until:
            name, method, path, form = rng.choice(pages)
            headers = {"X-CSRFToken": csrf, "Referer": base + "/"} if method == "POST" else {}
            started = time.perf_counter()
            try:
                response = client.request(method, path, data=form, headers=headers)
            except httpx.HTTPError as error:
                results.fail(name, error)
                continue
            results.add(name, time.perf_counter() - started, response.status_code)


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


def start_server(
    kind: str, port: int, env: dict[str, str], workers: int, threads: int, log: Path
) -> subprocess.Popen[bytes]:
    if kind == "gunicorn":
        command = [
            GUNICORN, "kring.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads",
            str(threads), "--worker-class", "gthread", "--timeout", "60", "--log-level", "warning",
        ]  # fmt: skip
    else:
        command = [KRING, "runserver", f"127.0.0.1:{port}", "--noreload"]
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit(f"the server did not start: {log.read_text()[-2000:]}")


# --- report ------------------------------------------------------------------------------------------------------


def _ms(values: list[float], quantile: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))] * 1000


def report(results: Results, seconds: float, label: str) -> int:
    total = sum(results.statuses.values())
    print(f"\n{label}")
    print(f"  {total:,} requests in {seconds:.0f} s: {total / seconds:,.1f} requests a second")
    print(f"  statuses: {dict(sorted(results.statuses.items()))}; errors: {len(results.errors)}")
    base = statistics.median(results.times[MINIMAL]) * 1000 if results.times[MINIMAL] else 0
    print(f"  {'page':<22} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p50 / minimal view':>19}")
    for page, values in sorted(results.times.items()):
        p50 = _ms(values, 0.5)
        ratio = f"{p50 / base:.2f}" if base else "–"
        print(f"  {page:<22} {len(values):>6} {p50:>8.1f} {_ms(values, 0.95):>8.1f} {ratio:>19}")
    for error in results.errors[:20]:
        print(f"  ERROR {error}")
    return 1 if results.errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None, help="PostgreSQL or sqlite:/// URL (default: a new SQLite)")
    parser.add_argument("--server", choices=("runserver", "gunicorn"), default="runserver")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        url = fresh_database(args.database_url, Path(tmp))
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "KRING_DEBUG": "true" if args.server == "runserver" else "false",
            "KRING_ALLOW_DEV_SECRET": "true",
            "KRING_SECURE_COOKIES": "false",
            "KRING_FAST_PASSWORD_HASHER": "true",
        }
        if args.server == "gunicorn" and url.startswith("postgres"):
            env.setdefault("KRING_DB_POOL_MAX_SIZE", str(args.threads))  # docs/operations.md: one per thread
        prepared = subprocess.run(
            [PYTHON, __file__, "--prepare"], env=env, cwd=ROOT, capture_output=True, text=True, check=True
        )
        sessions = json.loads(prepared.stdout.strip().splitlines()[-1])
        port = _free_port()
        server_log = Path(os.environ.get("KRING_LOAD_SERVER_LOG", Path(tmp) / "server.log"))
        server = start_server(args.server, port, env, args.workers, args.threads, server_log)
        results = Results()
        until = time.monotonic() + args.seconds
        started = time.monotonic()
        threads = [
            threading.Thread(
                target=user_loop,
                args=(f"http://127.0.0.1:{port}", sessions[n % len(sessions)], until, results, n),
            )
            for n in range(args.users)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        database = "PostgreSQL" if url.startswith("postgres") else "SQLite (named by DATABASE_URL)"
        shape = (
            f"gunicorn {args.workers} workers × {args.threads} threads" if args.server == "gunicorn" else "runserver"
        )
        return report(results, elapsed, f"{args.users} users, {database}, {shape}")


if __name__ == "__main__":
    raise SystemExit(main())

"""Faults: what a user and the data see when a server process dies, the database restarts, is read-only or full, or
SQLite has four processes writing at once. Real processes, one command, never part of the test suite.

    .venv/bin/python bench/faults.py [--seconds 8] [--only sqlite-writes,worker-kill-sqlite,...]

Seeds the small demo municipality once in SQLite and once in a PostgreSQL server of its own (initdb in a temporary
directory on a free port, so that stopping it disturbs no one else's database), starts Kring under gunicorn
(4 workers × 4 threads) and has logged-in staff file new concerns through the real form (`POST
/concerns/new/<child>/`, each with its own marker in the text and its own one-time submit token) while the fault
happens:

| fault | how |
|---|---|
| `sqlite-writes` | none: 16 writers at once on SQLite; writes a second and "database is locked" errors |
| `worker-kill-sqlite`, `worker-kill-postgres` | SIGKILL one gunicorn worker three times during the writes |
| `postgres-restart`, `postgres-restart-pool` | `pg_ctl stop -m fast`, 5 s, `pg_ctl start` |
| `postgres-read-only` | `ALTER DATABASE … SET default_transaction_read_only = on` and the connections ended, 4 s |
| `sqlite-read-only` | the SQLite file `chmod 0444` for 4 s (as root, the server runs without CAP_DAC_OVERRIDE) |
| `sqlite-disk-full` | the SQLite file on a tmpfs just larger than the file (needs root: `mount`), then enlarged |

After each: every write answered with a redirect (acknowledged) must be in the database with its audit event, no
concern may lack its audit event nor an audit event its concern, no answer may be a 500 or a stack trace (a fault
of the database is Kring's 503 page with `Retry-After`), Kring must take writes again by itself, and
`kring audit-verify` must pass. Prints a table (fault, figure, result); exits 1 if any fault failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
KRING = str(Path(PYTHON).with_name("kring"))
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
PG_BIN = Path("/usr/lib/postgresql/15/bin")
WORKERS, THREADS, WRITERS = 4, 4, 16
MARKER = "Felsimulering"  # in every concern the bench files, with the run's name and a number


# --- in a child process with Kring's settings ---------------------------------------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kring.settings")
    import django

    django.setup()


def prepare() -> None:
    """Migrate, seed the small demo and print (JSON) a logged-in session of each demo login that may file a concern
    about a pupil, with that pupil."""
    _django()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", interactive=False, verbosity=0)
    from kring.demo.actions import seed_demo
    from kring.directory.models import User
    from kring.people.models import Placement

    logins = seed_demo(size="small", seed=1).logins
    sessions = []
    for user in User.objects.filter(email__in=[login.email for login in logins]).order_by("email"):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        client.get("/")  # passes the two-factor check (the demo logins have TOTP)
        units = list(user.memberships.filter(active=True).values_list("unit_id", flat=True))
        pupil = Placement.objects.current().filter(unit_id__in=units).values_list("child_id", flat=True).first()
        if pupil and client.get(f"/concerns/new/{pupil}/").status_code == 200:
            cookies = {name: morsel.value for name, morsel in client.cookies.items()}
            sessions.append({"cookies": cookies, "pupil": pupil})
    print(json.dumps(sessions))


def check(run: str) -> None:
    """Print (JSON) the concerns of a run by marker, and what is half-done in the database."""
    _django()
    from django.utils import timezone

    from kring.access.models import AuditAction, AuditEvent, FormSubmission
    from kring.casework.models import Concern

    audited = set(
        AuditEvent.objects.filter(target_type="concern", action=AuditAction.WRITE).values_list("target_id", flat=True)
    )
    # What the bench's writers (and the demo's work of the day, through the same actions) recorded today; the demo's
    # past (kring.demo.history, weeks old) is written in bulk and audited as the seed run, not row by row.
    recent = set(
        Concern.objects.filter(reported_at__gte=timezone.now() - timedelta(days=1)).values_list("pk", flat=True)
    )
    concerns = set(Concern.objects.values_list("pk", flat=True))
    found = {
        observed.rsplit(" ", 1)[-1]: pk
        for pk, observed in Concern.objects.filter(observed__startswith=f"{MARKER} {run} ").values_list(
            "pk", "observed"
        )
    }
    print(
        json.dumps(
            {
                "found": found,
                "audited": sorted(pk for pk in found.values() if str(pk) in audited),
                "concern_without_event": len([pk for pk in recent if str(pk) not in audited]),
                "event_without_concern": len([pk for pk in audited if pk.isdigit() and int(pk) not in concerns]),
                "claims_without_answer": FormSubmission.objects.filter(location="").count(),
            }
        )
    )


# --- the writers ----------------------------------------------------------------------------------------------


@dataclass
class Answer:
    marker: str
    started: float
    ended: float
    status: int | None  # None: the connection failed (no answer)
    retry_after: str = ""
    body: str = ""


@dataclass
class Load:
    base: str
    run: str
    sessions: list[dict[str, Any]]
    answers: list[Answer] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    counter: int = 0

    def _next(self) -> str:
        with self.lock:
            self.counter += 1
            return str(self.counter)

    def writer(self, session: dict[str, Any]) -> None:
        today = datetime.now(tz=ZoneInfo("Europe/Stockholm")).date().isoformat()
        csrf = session["cookies"].get("csrftoken", "")
        headers = {"X-CSRFToken": csrf, "Referer": self.base + "/"}
        with httpx.Client(base_url=self.base, cookies=session["cookies"], timeout=30) as client:
            while not self.stop.is_set():
                number = self._next()
                form = {
                    "category": "wellbeing",
                    "observed": f"{MARKER} {self.run} {number}",
                    "observed_on": today,
                    "observed_by": "Jag, på skolgården",
                    "child_words": "",
                    "submit_token": uuid.uuid4().hex,  # never one of an earlier run in the same database
                }
                started = time.monotonic()
                try:
                    response = client.post(f"/concerns/new/{session['pupil']}/", data=form, headers=headers)
                except httpx.HTTPError:
                    self._add(Answer(number, started, time.monotonic(), None))
                    time.sleep(0.05)
                    continue
                body = response.text if response.status_code >= 500 else ""
                self._add(
                    Answer(
                        number,
                        started,
                        time.monotonic(),
                        response.status_code,
                        response.headers.get("Retry-After", ""),
                        body,
                    )
                )
                if response.status_code >= 500:
                    time.sleep(0.1)  # a person waits a moment before trying again

    def _add(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)

    @contextmanager
    def running(self) -> Iterator[None]:
        threads = [
            threading.Thread(target=self.writer, args=(self.sessions[n % len(self.sessions)],)) for n in range(WRITERS)
        ]
        for thread in threads:
            thread.start()
        try:
            yield
        finally:
            self.stop.set()
            for thread in threads:
                thread.join()


# --- servers and databases -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_root() -> bool:
    return os.geteuid() == 0


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    log: Path

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(env: dict[str, str], log: Path, *, obey_file_modes: bool = False) -> Server:
    port = _free_port()
    command = [
        GUNICORN, "kring.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--threads", str(THREADS),
        "--worker-class", "gthread", "--timeout", "60", "--log-level", "warning",
    ]  # fmt: skip
    if obey_file_modes and _as_root():  # root writes any file: drop the capability that lets it
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *command]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log.open("ab"))  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # four workers start slowly on a busy machine
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/accounts/login/", timeout=5)
            return Server(process, base, log)
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"the server did not start: {log.read_text()[-2000:]}")


def kring_env(url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "KRING_DEBUG": "false",
        "KRING_ALLOW_DEV_SECRET": "true",
        "KRING_SECURE_COOKIES": "false",
        "KRING_FAST_PASSWORD_HASHER": "true",
        "KRING_LOG_FORMAT": "text",
        "KRING_THREADS": str(THREADS),
        **extra,
    }


def child(env: dict[str, str], *args: str) -> Any:
    result = subprocess.run(  # noqa: S603
        [PYTHON, __file__, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"{args}: {result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def audit_verify(env: dict[str, str]) -> bool:
    result = subprocess.run([KRING, "audit-verify"], env=env, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    return result.returncode == 0


class Postgres:
    """A PostgreSQL server of the bench's own, in a temporary directory, owned by the `postgres` user."""

    def __init__(self, tmp: Path) -> None:
        self.data = tmp / "pgdata"
        self.port = _free_port()
        self.log = tmp / "postgres.log"
        self.data.mkdir()
        self.log.touch()
        if _as_root():
            shutil.chown(self.data, "postgres")
            shutil.chown(self.log, "postgres")
        self._pg("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()

    def _pg(self, program: str, *args: str) -> None:
        command = [str(PG_BIN / program), *args]
        if _as_root():
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True)  # noqa: S603

    def start(self) -> None:
        options = f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._pg("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    def stop(self) -> None:
        self._pg("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(statement)  # type: ignore[arg-type]


# --- figures ---------------------------------------------------------------------------------------------------


@dataclass
class Row:
    fault: str
    figure: str
    ok: bool


def tally(load: Load, env: dict[str, str], problems: list[str]) -> dict[str, Any]:
    """Compare what was acknowledged with the database; add every broken promise to `problems`."""
    state = child(env, "--check", load.run)
    answers = load.answers
    acknowledged = {a.marker for a in answers if a.status == 302}
    lost = acknowledged - set(state["found"])
    unaudited = {m for m in acknowledged if state["found"].get(m) not in set(state["audited"])}
    server_errors = [a for a in answers if a.status is not None and a.status >= 500 and a.status != 503]
    bad_503 = [
        a
        for a in answers
        if a.status == 503
        and (a.retry_after != "30" or "Traceback" in a.body or "Kring når inte sin databas" not in a.body)
    ]
    other = [a for a in answers if a.status not in (302, 503, None)]
    if lost:
        problems.append(f"{len(lost)} acknowledged writes missing")
    if unaudited - lost:
        problems.append(f"{len(unaudited - lost)} acknowledged writes without their audit event")
    if state["concern_without_event"] or state["event_without_concern"]:
        problems.append(
            f"half-done: {state['concern_without_event']} concerns without event, "
            f"{state['event_without_concern']} events without concern"
        )
    if server_errors:
        problems.append(f"{len(server_errors)} answers {sorted({a.status for a in server_errors})}")
    if bad_503:
        problems.append(f"{len(bad_503)} 503 pages without Retry-After or Kring's Swedish text")
    if other:
        problems.append(f"{len(other)} other answers {sorted({a.status for a in other})}")
    if not audit_verify(env):
        problems.append("audit-verify failed")
    return {
        "acknowledged": len(acknowledged),
        "saved_unanswered": len(set(state["found"]) - acknowledged),
        "half_done": state["concern_without_event"] + state["event_without_concern"],
        "lost": len(lost),
        "cut": len([a for a in answers if a.status is None]),
        "claims": state["claims_without_answer"],
    }


def outage(load: Load, fault_started: float, fault_ended: float, problems: list[str]) -> str:
    """Seconds of 503 answers, and from the end of the fault to the first write Kring acknowledged again."""
    unavailable = [a for a in load.answers if a.status == 503]
    span = (max(a.ended for a in unavailable) - min(a.ended for a in unavailable)) if unavailable else 0.0
    after = [a.ended for a in load.answers if a.status == 302 and a.started >= fault_ended]
    if not unavailable:
        problems.append("no 503 during the fault")
    if not after:
        problems.append("no acknowledged write after the fault: Kring did not recover")
        return f"503 for {span:.1f} s ({len(unavailable)} answers); did not recover"
    recovery = min(after) - fault_ended
    fault = fault_ended - fault_started
    return f"503 for {span:.1f} s ({len(unavailable)} answers), fault {fault:.1f} s; recovered {recovery:.1f} s after"


def locked_in_log(log: Path) -> int:
    return len(re.findall(r"database is locked", log.read_text(errors="replace")))


# --- the faults ------------------------------------------------------------------------------------------------


@dataclass
class Bench:
    tmp: Path
    seconds: float
    sqlite_seed: Path = field(init=False)
    sqlite_sessions: list[dict[str, Any]] = field(init=False)
    postgres: Postgres | None = None
    pg_sessions: list[dict[str, Any]] = field(default_factory=list)

    def seed_sqlite(self) -> None:
        self.sqlite_seed = self.tmp / "seed.sqlite3"
        self.sqlite_sessions = child(kring_env(f"sqlite:///{self.sqlite_seed}"), "--prepare")

    def seed_postgres(self) -> None:
        self.postgres = Postgres(self.tmp)
        self.postgres.sql("CREATE DATABASE kring_faults")
        self.pg_sessions = child(kring_env(self.postgres.url("kring_faults")), "--prepare")

    def sqlite_copy(self, directory: Path) -> Path:
        """A consistent copy of the seeded SQLite database (online backup, WAL and all)."""
        target = directory / "kring.sqlite3"
        with sqlite3.connect(self.sqlite_seed) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        copy.close()
        return target

    def under_load(
        self, run: str, env: dict[str, str], sessions: list[dict[str, Any]], fault: Callable[[Server], None], **kw: Any
    ) -> tuple[Load, Server]:
        server = start_server(env, self.tmp / f"{run}.log", **kw)
        load = Load(server.base, run, sessions)
        try:
            with load.running():
                fault(server)
        finally:
            server.stop()
        return load, server


def sqlite_writes(bench: Bench) -> Row:
    directory = Path(tempfile.mkdtemp(dir=bench.tmp))
    env = kring_env(f"sqlite:///{bench.sqlite_copy(directory)}")
    load, server = bench.under_load("sqlite-writes", env, bench.sqlite_sessions, lambda _: time.sleep(bench.seconds))
    problems: list[str] = []
    figures = tally(load, env, problems)
    locked = locked_in_log(server.log)
    if locked:
        problems.append(f"{locked} 'database is locked' in the server log")
    durations = sorted(a.ended - a.started for a in load.answers if a.status == 302)
    p95 = durations[int(0.95 * len(durations))] * 1000 if durations else 0
    figure = (
        f"{figures['acknowledged'] / bench.seconds:.1f} writes/s ({WRITERS} writers, {WORKERS}×{THREADS}), "
        f"p95 {p95:.0f} ms, {locked} locked, {figures['lost']} lost"
    )
    return Row("SQLite, 4 workers writing", figure + _problems(problems), not problems)


def worker_kill(bench: Bench, engine: str) -> Row:
    if engine == "sqlite":
        directory = Path(tempfile.mkdtemp(dir=bench.tmp))
        env, sessions = kring_env(f"sqlite:///{bench.sqlite_copy(directory)}"), bench.sqlite_sessions
    else:
        assert bench.postgres is not None
        env, sessions = kring_env(bench.postgres.url("kring_faults")), bench.pg_sessions
    killed: list[int] = []

    def fault(server: Server) -> None:
        for _ in range(3):
            time.sleep(bench.seconds / 4)
            victim = random.choice(server.workers())  # noqa: S311
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
        time.sleep(bench.seconds / 4)

    load, _ = bench.under_load(f"kill-{engine}", env, sessions, fault)
    problems: list[str] = []
    figures = tally(load, env, problems)
    figure = (
        f"{len(killed)} SIGKILLs: {figures['acknowledged']} acknowledged, {figures['lost']} lost, "
        f"{figures['cut']} cut off, {figures['saved_unanswered']} saved unanswered, {figures['half_done']} half-done, "
        f"{figures['claims']} form tokens left claimed"
    )
    name = "SQLite" if engine == "sqlite" else "PostgreSQL"
    return Row(f"worker SIGKILL during writes ({name})", figure + _problems(problems), not problems)


def postgres_restart(bench: Bench, *, pool: bool) -> Row:
    assert bench.postgres is not None
    postgres = bench.postgres
    env = kring_env(postgres.url("kring_faults"), **({"KRING_DB_POOL": "true"} if pool else {}))
    times: list[float] = []

    def fault(_: Server) -> None:
        time.sleep(bench.seconds / 3)
        times.append(time.monotonic())
        postgres.stop()
        time.sleep(5)
        postgres.start()
        times.append(time.monotonic())
        time.sleep(bench.seconds / 2)

    load, _ = bench.under_load(f"restart-{'pool' if pool else 'persistent'}", env, bench.pg_sessions, fault)
    problems: list[str] = []
    window = outage(load, times[0], times[1], problems)
    figures = tally(load, env, problems)
    figure = f"{window}; {_written(figures)}"
    shape = "the pool" if pool else "persistent connections"
    return Row(f"PostgreSQL restarted ({shape})", figure + _problems(problems), not problems)


def postgres_read_only(bench: Bench) -> Row:
    assert bench.postgres is not None
    postgres = bench.postgres
    env = kring_env(postgres.url("kring_faults"))
    ended = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'kring_faults'"
    times: list[float] = []

    def fault(_: Server) -> None:
        time.sleep(bench.seconds / 3)
        times.append(time.monotonic())
        postgres.sql("ALTER DATABASE kring_faults SET default_transaction_read_only = on")
        postgres.sql(ended)
        time.sleep(4)
        postgres.sql("ALTER DATABASE kring_faults RESET default_transaction_read_only")
        postgres.sql(ended)
        times.append(time.monotonic())
        time.sleep(bench.seconds / 2)

    load, _ = bench.under_load("pg-read-only", env, bench.pg_sessions, fault)
    problems: list[str] = []
    window = outage(load, times[0], times[1], problems)
    figures = tally(load, env, problems)
    figure = f"{window}; {_written(figures)}"
    return Row("PostgreSQL read-only", figure + _problems(problems), not problems)


def sqlite_read_only(bench: Bench) -> Row:
    directory = Path(tempfile.mkdtemp(dir=bench.tmp))
    database = bench.sqlite_copy(directory)
    env = kring_env(f"sqlite:///{database}")
    times: list[float] = []

    def fault(_: Server) -> None:
        time.sleep(bench.seconds / 3)
        times.append(time.monotonic())
        database.chmod(0o444)
        time.sleep(4)
        database.chmod(0o644)
        times.append(time.monotonic())
        time.sleep(bench.seconds / 2)

    load, _ = bench.under_load("sqlite-read-only", env, bench.sqlite_sessions, fault, obey_file_modes=True)
    problems: list[str] = []
    window = outage(load, times[0], times[1], problems)
    figures = tally(load, env, problems)
    figure = f"{window}; {_written(figures)}"
    return Row("SQLite file read-only (chmod 0444)", figure + _problems(problems), not problems)


def sqlite_disk_full(bench: Bench) -> Row:
    if not _as_root():
        return Row("SQLite disk full (tmpfs)", "skipped: needs root to mount a tmpfs", True)
    mount = bench.tmp / "full"
    mount.mkdir()
    size_kib = bench.sqlite_seed.stat().st_size // 1024 + 512  # the file and half a megabyte for its log
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(mount)], check=True)  # noqa: S607
    try:
        database = bench.sqlite_copy(mount)
        env = kring_env(f"sqlite:///{database}")
        times: list[float] = []

        def fault(_: Server) -> None:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not any(a.status == 503 for a in load_ref[0].answers):
                time.sleep(0.2)
            times.append(time.monotonic())
            time.sleep(3)
            subprocess.run(["mount", "-o", f"remount,size={size_kib + 65536}k", str(mount)], check=True)  # noqa: S607
            times.append(time.monotonic())
            time.sleep(bench.seconds / 2)

        load_ref: list[Load] = []
        server = start_server(env, bench.tmp / "disk-full.log")
        load_ref.append(Load(server.base, "disk-full", bench.sqlite_sessions))
        try:
            with load_ref[0].running():
                fault(server)
        finally:
            server.stop()
        load = load_ref[0]
        problems: list[str] = []
        window = outage(load, times[0], times[1], problems)
        figures = tally(load, env, problems)
    finally:
        subprocess.run(["umount", str(mount)], check=False)  # noqa: S607
    figure = f"{window}; {_written(figures)}"
    return Row(f"SQLite disk full (tmpfs of {size_kib // 1024} MiB)", figure + _problems(problems), not problems)


def _written(figures: dict[str, Any]) -> str:
    return (
        f"{figures['acknowledged']} acknowledged, {figures['lost']} lost, {figures['half_done']} half-done, "
        f"{figures['claims']} form tokens left claimed"
    )


def _problems(problems: list[str]) -> str:
    return ("; PROBLEM: " + "; ".join(problems)) if problems else ""


FAULTS: dict[str, Callable[[Bench], Row]] = {
    "sqlite-writes": sqlite_writes,
    "worker-kill-sqlite": lambda bench: worker_kill(bench, "sqlite"),
    "sqlite-read-only": sqlite_read_only,
    "sqlite-disk-full": sqlite_disk_full,
    "worker-kill-postgres": lambda bench: worker_kill(bench, "postgres"),
    "postgres-restart": lambda bench: postgres_restart(bench, pool=False),
    "postgres-restart-pool": lambda bench: postgres_restart(bench, pool=True),
    "postgres-read-only": postgres_read_only,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8, help="how long the writers run around each fault")
    parser.add_argument("--only", default="", help=f"faults to run, separated by commas (of {', '.join(FAULTS)})")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, databases)")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--check", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return 0
    if args.check:
        check(args.check)
        return 0
    chosen = [name.strip() for name in args.only.split(",") if name.strip()] or list(FAULTS)
    tmp = Path(tempfile.mkdtemp(prefix="kring-faults-"))
    tmp.chmod(0o755)  # the PostgreSQL server (user postgres) reaches its directory inside
    bench = Bench(tmp, args.seconds)
    rows: list[Row] = []
    try:
        if any("sqlite" in name for name in chosen):
            bench.seed_sqlite()
        if any("postgres" in name for name in chosen):
            bench.seed_postgres()
        for name in chosen:
            started = time.monotonic()
            try:
                row = FAULTS[name](bench)
            except (Exception, SystemExit) as error:  # noqa: BLE001 (one fault's failure must not hide the others)
                row = Row(name, f"PROBLEM: the bench failed: {str(error)[-300:]}", False)
            rows.append(row)
            print(f"{name}: {'ok' if row.ok else 'FAILED'} ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    finally:
        if bench.postgres is not None:
            with suppress(subprocess.CalledProcessError):
                bench.postgres.stop()
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print("| fault | figure | result |\n|---|---|---|")
    for row in rows:
        print(f"| {row.fault} | {row.figure} | {'ok' if row.ok else 'FAILED'} |")
    return 0 if all(row.ok for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())

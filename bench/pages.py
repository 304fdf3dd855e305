"""The daily pages beside the minimal authenticated view, on SQLite and on PostgreSQL. Never part of the test suite.

    .venv/bin/python bench/pages.py [--size large] [--requests 200] [--database sqlite|postgresql|both]
                                    [--postgresql-url postgres://postgres@127.0.0.1:5432/kring_bench]
                                    [--keep DIR]

For each database (a child process each, so each has its own settings): a fresh database (SQLite: a new file;
PostgreSQL: the database in the URL dropped and created again), migrated, the demo municipality of `--size` seeded
with the same seed, reports of concern filed and handled as in `bench/run.py` (so the inbox and social services'
start pages have work), the statistics refreshed if Kring keeps summary tables; then, each persona logged in with
Django's in-process client, every page that staff open daily is requested `--requests` times beside that persona's
minimal authenticated view (`/accounts/2fa/`: the session, the user and their authenticators) measured in the same
process just before it: p50, p95, queries per request, and the ratio of the page's p95 to the minimal view's. The
goal (issue 19): every ratio ≤ 3 with the same queries at every size. Prints a markdown table per database.

`--keep DIR` keeps the seeded SQLite file in DIR (and reuses it when it is there: seeding size large takes minutes)
and does not drop the PostgreSQL database afterwards (reused when `--keep` is given and it holds the demo).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import load  # noqa: E402  (bench/load.py: a fresh PostgreSQL database)
import run as common  # noqa: E402  (bench/run.py: seeding, measuring, the reports of concern)

DEFAULT_POSTGRESQL = "postgres://postgres@127.0.0.1:5432/kring_bench"


def setup(database: str, *, fresh: bool) -> None:
    """Settings for this database (before Django reads them), then migrate."""
    sys.path.insert(0, str(common.ROOT))
    if database.startswith("postgres"):
        os.environ["DATABASE_URL"] = database
        os.environ["KRING_DB_CONN_MAX_AGE"] = "600"  # one connection for the whole run, as a served worker keeps
        if fresh:
            load.fresh_database(database, Path(tempfile.gettempdir()))  # dropped and created again
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["KRING_SQLITE_PATH"] = database
    os.environ["KRING_DEBUG"] = "true"
    os.environ["KRING_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kring.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


@dataclass(frozen=True)
class _Login:
    email: str


@dataclass(frozen=True)
class SeededDemo:
    """What the measuring needs of a demo seeded by an earlier run: the municipality and a login per role."""

    municipality: Any

    def login_for(self, role: str) -> _Login:
        from kring.demo.names import EMAIL_DOMAIN
        from kring.demo.staff import DEMO_ACCOUNTS

        return next(_Login(f"{local}@{EMAIL_DOMAIN}") for local, account_role in DEMO_ACCOUNTS if account_role == role)


def seeded(size: str, seed_value: int) -> Any:
    """The demo (seeded now, or found from an earlier `--keep` run) and its logins."""
    from kring.directory.models import Municipality

    municipality = Municipality.objects.order_by("pk").first()
    if municipality is not None:
        print("Reusing the seeded database", flush=True)
        return SeededDemo(municipality)
    result = common.seed(size, seed_value)
    common.file_demo_reports(result, common.DEMO_REPORTS[size], seed_value)
    return result


def refresh_statistics(result: Any) -> None:
    """The statistics read summary tables refreshed by a task: refresh them after the reports filed above, as the
    nightly task would."""
    from kring.insights.actions import refresh_statistics as refresh

    refresh(municipality=result.municipality)


def _daily_pages(result: Any, requests: int, seed_value: int) -> list[tuple[str, str, list[str]]]:
    """(persona, page, urls) for every page staff open daily."""
    from kring.directory.models import Unit
    from kring.schooldata.queries import early_warning_units

    rng = random.Random(seed_value)
    teacher, member = common.get_user(result, "teacher"), common.get_user(result, "tsi_team_member")
    principal = common.get_user(result, "principal")
    searches, overviews = common.teacher_urls(teacher, requests, rng)
    work_list, _, case_pages = common.tsi_urls(member, requests, rng)
    school = early_warning_units(principal).first()
    assert isinstance(school, Unit), "the demo principal follows no school's absence"
    pages = [
        ("teacher", "child search", searches),
        ("teacher", "child overview", overviews),
        ("tsi_team_member", "TSI work list", work_list),
        ("tsi_team_member", "TSI case page", case_pages),
        ("social_worker", "reports inbox", ["/reports/inbox/"] * requests),
        ("principal", "early warning", [f"/absence/{school.pk}/"] * requests),
        ("coordinator", "statistics", ["/statistics/"] * requests),
        ("principal", "statistics (a school)", ["/statistics/"] * requests),
    ]
    pages += [(role, f"start page ({role})", ["/"] * requests) for role in common.START_PAGE_ROLES]
    return pages


def measure_all(result: Any, requests: int, seed_value: int) -> list[dict[str, Any]]:
    rows = []
    clients: dict[str, Any] = {}
    for role, page, urls in _daily_pages(result, requests, seed_value):
        client = clients.get(role) or clients.setdefault(role, common.logged_in(common.get_user(result, role)))
        common.measure("warm-up", client, urls[:3] + [common.MINIMAL_VIEW] * 3)
        minimal = common.measure("minimal", client, [common.MINIMAL_VIEW] * requests)
        measured = common.measure(page, client, urls)
        row = {
            "page": page,
            "as": role,
            "p50": _median(measured.milliseconds),
            "p95": measured.p95,
            "queries": f"{min(measured.queries)}–{max(measured.queries)}",
            "minimal_p95": minimal.p95,
            "ratio": measured.p95 / minimal.p95,
        }
        print(f"  {page:<32} p50 {row['p50']:6.1f}  p95 {row['p95']:6.1f} ms  queries {row['queries']:<6} "
              f"minimal p95 {minimal.p95:5.1f} ms  ratio {row['ratio']:4.1f}×", flush=True)  # fmt: skip
        rows.append(row)
    return rows


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def child(database: str, size: str, requests: int, seed_value: int, keep: bool, out: Path) -> None:
    """Runs in a child process: one database, seeded (or reused), every page measured; rows written as JSON."""
    fresh = not (keep and database.startswith("postgres") and _has_demo(database))
    setup(database, fresh=fresh)
    result = seeded(size, seed_value)
    refresh_statistics(result)
    from kring.directory.models import User
    from kring.people.models import Child

    print(f"children {Child.objects.count():,}, staff {User.objects.count():,}", flush=True)
    out.write_text(json.dumps(measure_all(result, requests, seed_value)))


def _has_demo(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url) as connection:
            return bool(connection.execute("SELECT count(*) FROM directory_municipality").fetchone()[0])  # type: ignore[index]
    except psycopg.Error:
        return False


def table(name: str, rows: list[dict[str, Any]]) -> str:
    lines = [
        f"**{name}**",
        "",
        "| page | as | p50 / p95 | queries | minimal view p95 | ratio |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['page']} | {r['as']} | {r['p50']:.1f} / {r['p95']:.1f} ms | {r['queries']} | {r['minimal_p95']:.1f} ms "
        f"| {r['ratio']:.1f}× |"
        for r in rows
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=("small", "medium", "large"), default="large")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgresql-url", default=os.environ.get("KRING_BENCH_POSTGRESQL", DEFAULT_POSTGRESQL))
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the seeded databases; SQLite's file goes here")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)  # DATABASE OUT: run one database in process
    options = parser.parse_args()
    if options.child:
        database, out = options.child
        child(database, options.size, options.requests, options.seed, options.keep is not None, Path(out))
        return
    databases = []
    with tempfile.TemporaryDirectory(prefix="kring-pages-") as directory:
        folder = options.keep or Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        if options.database in ("sqlite", "both"):
            databases.append(("SQLite", str(folder / f"pages-{options.size}-{options.seed}.sqlite3")))
        if options.database in ("postgresql", "both"):
            databases.append(("PostgreSQL", options.postgresql_url))
        tables = []
        for name, database in databases:
            print(f"\n== {name}, size {options.size}, {options.requests} requests per page", flush=True)
            out = Path(directory) / f"{name}.json"
            command = [sys.executable, __file__, "--child", database, str(out), "--size", options.size,
                       "--requests", str(options.requests), "--seed", str(options.seed)]  # fmt: skip
            if options.keep:
                command += ["--keep", str(options.keep)]
            subprocess.run(command, check=True)  # noqa: S603  (this interpreter, this file)
            title = f"{name}, size {options.size}, {options.requests} requests"
            tables.append(table(title, json.loads(out.read_text())))
        print("\n" + "\n\n".join(tables))


if __name__ == "__main__":
    main()

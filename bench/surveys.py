"""Pupil survey benchmark: one command, prints figures. Never part of the test suite.

    .venv/bin/python bench/surveys.py [--database-url postgres://…/kring_bench] [--pupils 30] [--answers 20000]

1. A class of `--pupils` pupils answers at the same moment: Kring is served by gunicorn (4 workers × 8 threads) on
   a fresh database (a new SQLite file, or the PostgreSQL database of `--database-url` dropped and created again);
   each pupil opens `/enkat/`, and then all of them send their whole questionnaire at once (a barrier). Prints the
   statuses, the time until the last answer, and what the database holds afterwards: every answer there, none
   twice, every code used once.
2. The results page of a survey with `--answers` answers (before and after waves in grade 5 of every school of the
   demo municipality), as the coordinator, in process: p50 and p95 and the SQL queries, beside the same page with
   a tenth of the answers (the queries must be the same) and the minimal authenticated view (`/accounts/2fa/`) for
   the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import _free_port, fresh_database, start_server  # noqa: E402

PYTHON = sys.executable


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kring.settings")
    import django

    django.setup()


def prepare(pupils: int) -> dict[str, Any]:
    """Migrate, seed the small demo, and open a survey for one class with a code per pupil."""
    _django()
    from django.core.management import call_command
    from django.utils import timezone

    from kring.demo.actions import seed_demo
    from kring.directory.models import User
    from kring.people.models import Group
    from kring.prevention.models import BankQuestion
    from kring.prevention.surveys import actions

    call_command("migrate", interactive=False, verbosity=0)
    seed_demo(size="small", seed=1, replace=True, by_label="bench")
    coordinator = User.objects.get(email="samordnare@demokommun.example")
    questions = list(BankQuestion.objects.order_by("pk"))
    questionnaire = actions.create_questionnaire(name="Bench", questions=questions, by=coordinator)
    series = actions.create_series(
        name="Bench", questionnaire=questionnaire, programme=None, link_answers=True, by=coordinator
    )
    today = timezone.localdate()
    wave = actions.add_wave(series=series, kind="after", opens_on=today, closes_on=today, by=coordinator)
    group = Group.objects.filter(unit__municipality=coordinator.municipality, placements__isnull=False).first()
    assert group is not None
    wave_class = actions.add_class(wave=wave, group=group, by=coordinator, today=today)
    codes = actions.make_codes(wave_class=wave_class, count=pupils, by=coordinator)
    return {"codes": codes, "questions": [[q.pk, q.scale] for q in questions], "wave_class": wave_class.pk}


def check(wave_class: int) -> dict[str, int]:
    _django()
    from kring.prevention.models import AnswerCode, SurveyAnswer, SurveyResponse

    return {
        "responses": SurveyResponse.objects.filter(wave_class_id=wave_class).count(),
        "answers": SurveyAnswer.objects.filter(response__wave_class_id=wave_class).count(),
        "codes used": AnswerCode.objects.filter(wave_class_id=wave_class, used=True).count(),
        "codes unused": AnswerCode.objects.filter(wave_class_id=wave_class, used=False).count(),
    }


def _form(questions: list[list[Any]], code: str, pupil: int) -> dict[str, str]:
    rng = random.Random(pupil)
    data = {
        "code": code,
        "lang": "sv",
        "step": str(len(questions)),
        "go": "send",
        "link0": "a",
        "link1": str(pupil % 28 + 1),
        "link2": "b",
    }
    for pk, scale in questions:
        data[f"q{pk}"] = "Bra." if scale == "free_text" else str(rng.randint(1, 4) if scale == "agree4" else 1)
    return data


def pupil(
    base: str,
    code: str,
    questions: list[list[Any]],
    number: int,
    barrier: threading.Barrier,
    results: list[tuple[int, bool, float]],
) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        page = client.get("/enkat/").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        submit = re.search(r'name="submit_token" value="([^"]+)"', page)
        data = _form(questions, code, number)
        data["csrfmiddlewaretoken"] = token.group(1) if token else ""
        data["submit_token"] = submit.group(1) if submit else ""
        barrier.wait()
        started = time.perf_counter()
        response = client.post("/enkat/svara/", data=data, headers={"Referer": base + "/enkat/"})
        results.append((response.status_code, "Tack för dina svar" in response.text, time.perf_counter() - started))


def concurrent(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        url = fresh_database(args.database_url, Path(tmp))
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "KRING_DEBUG": "false",
            "KRING_ALLOW_DEV_SECRET": "true",
            "KRING_SECURE_COOKIES": "false",
            "KRING_FAST_PASSWORD_HASHER": "true",
        }
        if url.startswith("postgres"):
            env.setdefault("KRING_DB_POOL_MAX_SIZE", "8")
        out = subprocess.run(
            [PYTHON, __file__, "--prepare", str(args.pupils)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        prepared = json.loads(out.stdout.strip().splitlines()[-1])
        port = _free_port()
        server = start_server("gunicorn", port, env, 4, 8, Path(tmp) / "server.log")
        barrier = threading.Barrier(args.pupils)
        results: list[tuple[int, bool, float]] = []
        threads = [
            threading.Thread(
                target=pupil, args=(f"http://127.0.0.1:{port}", code, prepared["questions"], n, barrier, results)
            )
            for n, code in enumerate(prepared["codes"])
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        out = subprocess.run(
            [PYTHON, __file__, "--check", str(prepared["wave_class"])],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        held = json.loads(out.stdout.strip().splitlines()[-1])
        database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
        times = sorted(t for _s, _ok, t in results)
        print(f"\n== {args.pupils} pupils send their answers at the same moment ({database}, gunicorn 4 × 8)")
        print(f"  statuses: {dict(Counter(s for s, _ok, _t in results))}; thanked: {sum(ok for _s, ok, _t in results)}")
        print(
            f"  the slowest answer took {times[-1] * 1000:.0f} ms (median {times[len(times) // 2] * 1000:.0f} ms), "
            f"all done in {time.perf_counter() - started:.1f} s"
        )
        print(f"  in the database: {held}")
        expected = {"responses": args.pupils, "codes used": args.pupils, "codes unused": 0}
        lost = any(held[key] != value for key, value in expected.items())
        print("  none lost, none twice" if not lost else "  MISMATCH")
        return 1 if lost or any(s != 200 for s, _ok, _t in results) else 0


def results_page(answers: int, requests: int) -> None:
    """In process: the results page with `answers` answers and with a tenth of them."""
    import tempfile as _tempfile

    os.environ["KRING_DEBUG"] = "true"
    os.environ.pop("DATABASE_URL", None)
    os.environ["KRING_SQLITE_PATH"] = str(Path(_tempfile.mkdtemp()) / "results.sqlite3")
    _django()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kring.demo.actions import seed_demo
    from kring.directory.models import User
    from kring.prevention.models import SurveyAnswer, SurveySeries, WaveClass

    call_command("migrate", interactive=False, verbosity=0)
    seed_demo(size="medium", seed=1, replace=True, by_label="bench")
    coordinator = User.objects.get(email="samordnare@demokommun.example")
    series = SurveySeries.objects.get()
    client = Client()
    client.force_login(coordinator)
    client.get("/")

    def measure(url: str) -> tuple[float, float, int]:
        times = []
        reset_queries()  # the log holds at most 9,000 statements: full after the seed, it would count none
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        for _ in range(requests):
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            times.append(time.perf_counter() - started)
        times.sort()
        return times[len(times) // 2] * 1000, times[int(0.95 * len(times))] * 1000, len(queries)

    url = f"/prevention/surveys/{series.pk}/results/"
    minimal = measure("/accounts/2fa/")
    _fill(series, answers // 10)
    small = (SurveyAnswer.objects.count(), measure(url))
    _fill(series, answers)
    large = (SurveyAnswer.objects.count(), measure(url))
    classes = WaveClass.objects.filter(wave__series=series).count()
    print(f"\n== the results page, as the coordinator ({classes} classes asked, SQLite, {requests} requests)")
    print(f"  {'page':<34} {'answers':>8} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'p95 / minimal':>14}")
    print(f"  {'minimal view /accounts/2fa/':<34} {'':>8} {minimal[0]:>8.1f} {minimal[1]:>8.1f} {minimal[2]:>8}")
    for label, (count, (p50, p95, queries)) in (("results, a tenth", small), ("results", large)):
        print(f"  {label:<34} {count:>8,} {p50:>8.1f} {p95:>8.1f} {queries:>8} {p95 / minimal[1]:>14.1f}")


def _fill(series: Any, answers: int) -> None:
    """Answers up to `answers` in the survey's classes, before and after, as pupils would give them."""
    from kring.prevention.models import BankQuestion, Scale, SurveyAnswer, SurveyResponse, WaveClass

    questions = list(BankQuestion.objects.exclude(scale=Scale.FREE_TEXT))
    classes = list(WaveClass.objects.filter(wave__series=series))
    rng = random.Random(answers)
    have = SurveyAnswer.objects.filter(response__wave_class__wave__series=series).count()
    responses = max(0, (answers - have) // len(questions))
    municipality = series.municipality_id
    made = SurveyResponse.objects.bulk_create(
        SurveyResponse(
            municipality_id=municipality,
            wave_class=rng.choice(classes),
            answered_on=classes[0].wave.opens_on,
            language="sv",
            sex=rng.randint(1, 2),
        )
        for _ in range(responses)
    )
    SurveyAnswer.objects.bulk_create(
        (
            SurveyAnswer(
                municipality_id=municipality,
                response=response,
                question=q,
                value=rng.randint(1, 4) if q.scale == Scale.AGREE4 else response.sex,
            )
            for response in made
            for q in questions
        ),
        batch_size=5000,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: a new SQLite file)")
    parser.add_argument("--pupils", type=int, default=30)
    parser.add_argument("--answers", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--check", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--results-only", action="store_true", help="only the results page (stage 2)")
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare(args.prepare)))
        return 0
    if args.check:
        print(json.dumps(check(args.check)))
        return 0
    status = 0 if args.results_only else concurrent(args)
    if not args.database_url:
        results_page(args.answers, args.requests)
    return status


if __name__ == "__main__":
    raise SystemExit(main())

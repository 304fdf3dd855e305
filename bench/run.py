"""Kring's benchmark: one command, prints figures. Never part of the test suite.

    .venv/bin/python bench/run.py [--size large] [--requests 200] [--seed 1] [--audit-events 2000]

Seeds the demo municipality into a fresh temporary SQLite database, then, through Django's in-process test client,
times child search and the child overview as the demo teacher, and the TSI work list and case page as the demo TSI
team member (server time and SQL queries per request), and how many audit events a second the hash-chained audit
log takes.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def setup_django(database: Path) -> None:
    """Point Kring at a fresh SQLite file before Django reads its settings, then migrate."""
    sys.path.insert(0, str(ROOT))
    os.environ.pop("DATABASE_URL", None)
    os.environ["KRING_SQLITE_PATH"] = str(database)
    os.environ["KRING_DEBUG"] = "true"
    os.environ["KRING_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"  # no mail to print
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kring.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


@dataclass
class Measurement:
    name: str
    milliseconds: list[float]
    queries: list[int]

    @property
    def p95(self) -> float:
        ms = sorted(self.milliseconds)
        return statistics.quantiles(ms, n=100)[94] if len(ms) > 1 else ms[0]

    def report(self, minimal: Measurement | None = None) -> str:
        ms = sorted(self.milliseconds)
        ratio = f"   p95 {self.p95 / minimal.p95:4.1f}× the minimal view" if minimal else ""
        return (
            f"  {self.name:<24} n={len(ms):<4} p50 {statistics.median(ms):6.1f} ms   p95 {self.p95:6.1f} ms   "
            f"max {ms[-1]:6.1f} ms   queries {min(self.queries)}–{max(self.queries)}{ratio}"
        )


def measure(name: str, client: Any, urls: list[str]) -> Measurement:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Measurement(name, [], [])
    for url in urls:
        connection.queries_log.clear()  # the log keeps at most 9,000 queries: a full one would count none
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        result.milliseconds.append(elapsed * 1000)
        result.queries.append(len(context.captured_queries))
    return result


def seed(size: str, seed_value: int) -> Any:
    from kring.demo.actions import seed_demo
    from kring.demo.report import format_summary

    print(f"Seeding size {size}, seed {seed_value} ...", flush=True)
    result = seed_demo(size=size, seed=seed_value, stdout=sys.stdout)
    print(format_summary(result))
    print(f"seed time: {result.seconds:.1f} s\n")
    return result


def teacher_urls(teacher: Any, requests: int, rng: random.Random) -> tuple[list[str], list[str]]:
    """Searches by varied name prefixes of pupils at the teacher's school, and overviews of pupils they may see."""
    from kring.access.policy import visible_to
    from kring.people.models import Child

    pupils = list(visible_to(teacher, Child.objects.all()).values_list("pk", "first_name", "last_name"))
    if not pupils:
        raise SystemExit("the demo teacher sees no pupils")
    searches = []
    for _ in range(requests):
        _, first_name, last_name = rng.choice(pupils)
        name = rng.choice((first_name, last_name, f"{first_name} {last_name}"))
        searches.append(f"/children/?q={name[: rng.randint(2, max(2, min(len(name), 6)))]}")
    overviews = [f"/children/{rng.choice(pupils)[0]}/" for _ in range(requests)]
    return searches, overviews


def tsi_urls(member: Any, requests: int, rng: random.Random) -> tuple[list[str], list[str], list[str]]:
    """The work list (open cases, and with the closed ones) and the case pages of varied cases of the team."""
    from kring.access.policy import visible_to
    from kring.casework.models import TsiCase

    cases = list(visible_to(member, TsiCase.objects.all()).order_by("pk").values_list("pk", flat=True))
    if not cases:
        raise SystemExit("the demo TSI team member sees no cases")
    pages = [f"/cases/{rng.choice(cases)}/" for _ in range(requests)]
    return ["/cases/"] * requests, ["/cases/?closed=1"] * requests, pages


def case_counts(member: Any) -> str:
    from kring.access.policy import visible_to
    from kring.casework.models import OPEN_STAGES, TsiCase

    seen = visible_to(member, TsiCase.objects.all())
    return (
        f"TSI cases {TsiCase.objects.count():,}, of which {member.email} sees {seen.count():,} "
        f"({seen.filter(stage__in=OPEN_STAGES).count():,} open)"
    )


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def audit_rate(actor: Any, events: int) -> float:
    """Events a second when each is written in its own transaction, as in a request."""
    from django.db import transaction

    from kring.access.audit import record_event
    from kring.access.models import AuditAction

    def write_all() -> None:
        for number in range(events):
            with transaction.atomic():
                record_event(
                    actor=actor, action=AuditAction.READ, target_type="bench", target_id=number, details={"n": number}
                )

    return events / timed(write_all)


def people_counts() -> str:
    from kring.directory.models import User
    from kring.people.models import Child, Guardian

    return f"children {Child.objects.count():,}, guardians {Guardian.objects.count():,}, staff {User.objects.count():,}"


def logged_in(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user, backend=LOGIN_BACKEND)
    client.get("/")  # the first request checks two-factor set-up once per session
    return client


def bench_teacher(teacher: Any, requests: int, seed_value: int) -> None:
    client = logged_in(teacher)
    searches, overviews = teacher_urls(teacher, requests, random.Random(seed_value))
    print(f"\nAs {teacher.email}, {requests} requests each (server time in process, SQLite):")
    print(measure("child search", client, searches).report())
    print(measure("child overview", client, overviews).report())


def bench_tsi(member: Any, requests: int, seed_value: int) -> None:
    client = logged_in(member)
    open_list, with_closed, pages = tsi_urls(member, requests, random.Random(seed_value))
    print(f"\n{case_counts(member)}")
    print(f"As {member.email}, {requests} requests each:")
    print(measure("TSI work list", client, open_list).report())
    print(measure("work list+closed", client, with_closed).report())
    print(measure("TSI case page", client, pages).report())


def run(size: str, requests: int, seed_value: int, events: int, only: str = "") -> None:
    with tempfile.TemporaryDirectory(prefix="kring-bench-") as directory:
        setup_django(Path(directory) / "bench.sqlite3")
        from kring.access.audit import verify_chain
        from kring.directory.models import User

        result = seed(size, seed_value)
        print(people_counts())
        if only == "statistics":
            bench_statistics(result, requests)
            return
        teacher = User.objects.get(email=result.login_for("teacher").email)
        bench_teacher(teacher, requests, seed_value)
        bench_tsi(User.objects.get(email=result.login_for("tsi_team_member").email), requests, seed_value)
        bench_reports(result, requests, seed_value, DEMO_REPORTS[size])
        bench_statistics(result, requests)
        bench_start_pages(result, requests)
        bench_collaboration(result, requests, seed_value, COLLABORATION_GROUPS[size])
        bench_families(result, requests)
        bench_records(result, requests)
        print(f"\nAudit log: {audit_rate(teacher, events):,.0f} events/s ({events:,} events, one transaction each)")
        seconds = timed(lambda: print(f"audit-verify: {verify_chain()}"))
        print(f"audit-verify took {seconds:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=("small", "medium", "large"), default="large")
    parser.add_argument("--requests", type=int, default=200, help="requests per page (default 200)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--audit-events", type=int, default=2000)
    parser.add_argument("--only", choices=("statistics",), default="", help="seed, then only this section")
    options = parser.parse_args()
    run(options.size, options.requests, options.seed, options.audit_events, options.only)


# --- Reports of concern: social services' inbox ------------------------------------------------------------------
# The demo municipality has no reports of concern, so this section files them through report_actions (as the demo
# principal and kurator, for pupils of their school, over the last four months), takes social services' steps on
# most of them as the demo social worker (a contact person of that school), and then times the inbox.

# About four months of what a social services area unit receives at the national rate (some 19 reports a year per
# 100 children) at size large; fewer at the smaller sizes.
DEMO_REPORTS = {"small": 100, "medium": 400, "large": 1000}
REPORT_DAYS = 120


def _report_input(rng: random.Random) -> Any:
    from kring.casework.reports.actions import ReportInput

    informed = rng.random() < 0.6
    return ReportInput(
        what_happened="Eleven berättar att det är bråk hemma och har varit ledsen i flera veckor.",
        when_and_where="I skolan, till mentor",
        guardians_informed=informed,
        guardians_not_informed_why="" if informed else "Misstänkt våld i hemmet.",
        urgency=rng.choices(("acute", "urgent", "normal"), weights=(1, 3, 6))[0],
        child_words="Jag vill inte gå hem.",
    )


def _handle_report(report: Any, worker: Any, filed: Any, stage: int) -> None:
    """Social services' steps, each on a plausible day: the later the stage, the further the report has come."""
    import datetime as dt

    import time_machine

    from kring.casework.reports import actions

    steps = [
        (dt.timedelta(hours=1), lambda: actions.receive_report(by=worker, report=report)),
        (dt.timedelta(hours=3), lambda: actions.record_protection_assessment(
            by=worker, report=report, outcome="not_needed", note="Ingen akut fara.")),
        (dt.timedelta(days=10 + stage), lambda: actions.record_decision(
            by=worker, report=report, decision=("opened", "not_opened", "already_open")[stage % 3], note="")),
        (dt.timedelta(days=11 + stage), lambda: actions.give_feedback(
            by=worker, report=report, kind=("opened", "not_opened", "already_open")[stage % 3])),
    ]  # fmt: skip
    now = dt.datetime.now(tz=dt.UTC)
    for offset, step in steps[: min(stage, len(steps))]:
        if filed + offset > now:
            return
        with time_machine.travel(filed + offset, tick=False):
            step()


def file_demo_reports(result: Any, count: int, seed_value: int) -> Any:
    """File `count` reports of concern, spread over the last `REPORT_DAYS` days; returns the demo social worker."""
    import datetime as dt

    import time_machine

    from kring.access.policy import visible_to
    from kring.casework.models import ApprovalSettings
    from kring.casework.reports import actions
    from kring.directory.models import User
    from kring.people.models import Child

    # The demo asks the unit manager to approve decisions not to open an investigation; the benchmark's social
    # worker decides alone, so that every report reaches its feedback.
    ApprovalSettings.objects.filter(municipality=result.municipality).update(report_not_opened=False)
    rng = random.Random(seed_value)
    reporters = [User.objects.get(email=result.login_for(role).email) for role in ("principal", "kurator")]
    worker = User.objects.get(email=result.login_for("social_worker").email)
    pupils = list(visible_to(reporters[0], Child.objects.all()).values_list("pk", flat=True))
    children = Child.objects.in_bulk(pupils)
    now = dt.datetime.now(tz=dt.UTC)
    for number in range(count):
        filed = now - dt.timedelta(days=REPORT_DAYS * (count - number) / count, minutes=rng.randint(0, 600))
        with time_machine.travel(filed, tick=False):
            report = actions.file_report(
                by=reporters[number % 2], child=children[rng.choice(pupils)], report=_report_input(rng)
            )
        _handle_report(report, worker, filed, rng.choices((0, 1, 2, 3, 4), weights=(1, 1, 1, 2, 5))[0])
    return worker


def report_counts(worker: Any) -> str:
    from kring.casework.reports.queries import inbox_for_user

    counts = inbox_for_user(worker).counts
    return ", ".join(f"{key.replace('_', ' ')} {value:,}" for key, value in counts.items())


def bench_reports(result: Any, requests: int, seed_value: int, count: int) -> None:
    from kring.casework.models import ReportOfConcern

    started = time.perf_counter()
    worker = file_demo_reports(result, count, seed_value)
    print(f"\nReports of concern: filed {ReportOfConcern.objects.count():,} in {time.perf_counter() - started:.0f} s")
    client = logged_in(worker)
    print(f"As {worker.email} ({report_counts(worker)}), {requests} requests each:")
    print(measure("reports inbox", client, ["/reports/inbox/"] * requests).report())
    print(measure("inbox, open", client, ["/reports/inbox/?show=in_assessment"] * requests).report())


# --- Statistics: the summary refreshed (as the nightly task does), then the page, each beside the minimal view -----
# After the reports above were filed: the refresh counts them, and the page reads only the summary.
STATISTICS_ROLES = ("coordinator", "principal", "social_worker")


def bench_statistics(result: Any, requests: int) -> None:
    from kring.casework.models import Concern, Consultation, ReportOfConcern
    from kring.insights.actions import refresh_statistics

    refresh = None

    def run_refresh() -> None:
        nonlocal refresh
        refresh = refresh_statistics(municipality=result.municipality, by_label="bench")

    seconds = timed(run_refresh)
    counted = ", ".join(
        f"{model.objects.filter(municipality=result.municipality).count():,} {name}"
        for model, name in ((Concern, "concerns"), (Consultation, "consultations"), (ReportOfConcern, "reports"))
    )
    rows = refresh.rows if refresh is not None else 0
    print(f"\nStatistics: the refresh of the summary took {seconds * 1000:.0f} ms ({rows:,} rows from {counted};")
    print(f"{panel_counts(result)});")
    print(f"the page as each role, {requests} requests each, beside the minimal view ({MINIMAL_VIEW}):")
    for role in STATISTICS_ROLES:
        client = logged_in(get_user(result, role))
        minimal = measure(f"minimal view ({role})", client, [MINIMAL_VIEW] * requests)
        print(minimal.report())
        print(measure(f"statistics ({role})", client, ["/statistics/"] * requests).report(minimal))
    client = logged_in(get_user(result, "coordinator"))
    minimal = measure("minimal view (coordinator)", client, [MINIMAL_VIEW] * requests)
    print(minimal.report())
    for label, url in EVALUATION_PAGES:
        print(measure(f"{label} (coordinator)", client, [url] * requests).report(minimal))


EVALUATION_PAGES = (
    ("statistics by term", "/statistics/terms/"),
    ("evaluation of TSI", "/statistics/evaluation/"),
    ("violence prevention", "/statistics/violence/"),
    ("social investment", "/statistics/investment/"),
)


def panel_counts(result: Any) -> str:
    from kring.insights.models import ComparisonPupil, EvaluatedCase

    cases = EvaluatedCase.objects.filter(municipality=result.municipality).count()
    pupils = ComparisonPupil.objects.filter(municipality=result.municipality).count()
    return f"the evaluation's panel: {cases:,} closed TSI cases, {pupils:,} comparison pupils"


# --- The start pages: each persona's work of the day, beside the minimal authenticated view -----------------------

MINIMAL_VIEW = "/accounts/2fa/"  # the two-factor settings page: the session, the user and their authenticators
START_PAGE_ROLES = (
    "teacher", "principal", "kurator", "social_worker", "unit_manager", "tsi_team_member", "police_officer",
)  # fmt: skip


def bench_start_pages(result: Any, requests: int) -> None:
    """The start page ("to do today") of each demo login with work, after the reports above were filed."""
    from django.contrib.auth import get_user_model

    print(f"\nStart pages, {requests} requests each, beside the minimal authenticated view ({MINIMAL_VIEW}):")
    for role in START_PAGE_ROLES:
        person = get_user_model().objects.get(email=result.login_for(role).email)
        client = logged_in(person)
        minimal = measure(f"minimal view ({role})", client, [MINIMAL_VIEW] * requests)
        print(minimal.report())
        print(measure(f"start page ({role})", client, ["/"] * requests).report(minimal))


# --- Collaboration: the map of groups and a group meeting ------------------------------------------------------------
# The demo has Orust's fifteen groups; a large municipality has more. This section adds groups of the municipality's
# staff (six members each, varied issues and ages) up to the number below, then times the map and its SVG as the
# coordinator and the SSPF meeting as the police officer, each beside the minimal authenticated view.

COLLABORATION_GROUPS = {"small": 15, "medium": 40, "large": 80}


def add_collaboration_groups(result: Any, total: int, seed_value: int) -> int:
    from django.utils import timezone

    from kring.collaboration.models import CollaborationGroup, GroupMember, Issue
    from kring.directory.models import Membership, Organisation

    rng = random.Random(seed_value)
    municipality = result.municipality
    organisations = list(Organisation.objects.filter(municipality=municipality))
    staff = list(Membership.objects.filter(unit__municipality=municipality).select_related("unit")[:3000])
    coordinator = get_user(result, "coordinator")
    have = CollaborationGroup.objects.filter(municipality=municipality).count()
    for number in range(have, total):
        start = rng.choice((0, 6, 10, 13, 16))
        group = CollaborationGroup.objects.create(
            municipality=municipality, name=f"Bänkgrupp {number}", level="operational", mandate="Bänktest.",
            owner=rng.choice(organisations), age_from=start, age_to=min(20, start + rng.choice((3, 5, 8))),
            issues=rng.sample(list(Issue.values), 2), changed_by=coordinator, changed_at=timezone.now(),
        )  # fmt: skip
        seated = rng.sample(staff, 6)
        GroupMember.objects.bulk_create(
            GroupMember(
                municipality_id=group.municipality_id,
                group=group,
                user=m.user,
                organisation_id=m.unit.organisation_id,
                role="member",
            )
            for m in {m.user_id: m for m in seated}.values()
        )
    return CollaborationGroup.objects.filter(municipality=municipality).count()


def get_user(result: Any, role: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(email=result.login_for(role).email)


def bench_collaboration(result: Any, requests: int, seed_value: int, total: int) -> None:
    from kring.collaboration.models import GroupMeeting

    groups = add_collaboration_groups(result, total, seed_value)
    print(f"\nCollaboration: {groups} groups, {requests} requests each, beside the minimal view ({MINIMAL_VIEW}):")
    client = logged_in(get_user(result, "coordinator"))
    minimal = measure("minimal view (coordinator)", client, [MINIMAL_VIEW] * requests)
    print(minimal.report())
    for name, url in (("map of groups", "/collaboration/"), ("map SVG", "/collaboration/map.svg"),
                      ("groups per person", "/collaboration/people/")):  # fmt: skip
        print(measure(name, client, [url] * requests).report(minimal))
    meeting = GroupMeeting.objects.filter(group__name="SSPF Centrum").first()
    if meeting is not None:
        police = logged_in(get_user(result, "police_officer"))
        minimal = measure("minimal view (police officer)", police, [MINIMAL_VIEW] * requests)
        print(minimal.report())
        print(measure("SSPF meeting", police, [f"/collaboration/meetings/{meeting.pk}/"] * requests).report(minimal))


# --- The families' pages --------------------------------------------------------------------------------------------
# The demo's guardian of the case the family reads in Arabic, logged in as after an e-ID login (the account and the
# session mark the e-ID callback makes), beside the teacher's minimal view (a family session cannot open it).


def family_client(guardian: Any) -> Any:
    from django.test import Client
    from django.utils import timezone

    from kring.access.auth import FAMILY_SESSION_KEY
    from kring.directory.models import User
    from kring.family.models import FamilyAccount

    user = User.objects.create_user(f"bench-{guardian.pk}@family.kring.invalid", None)
    account = FamilyAccount.objects.create(user=user, identity_index=guardian.identity_index, created_at=timezone.now())
    client = Client()
    client.force_login(user, backend=LOGIN_BACKEND)
    session = client.session
    session[FAMILY_SESSION_KEY] = account.pk
    session.save()
    return client


def bench_families(result: Any, requests: int) -> None:
    from kring.casework.models import Story
    from kring.people.models import Guardian

    story = Story.objects.filter(secret_from_guardians=True, case__municipality=result.municipality).first()
    guardian = Guardian.objects.filter(custodies__child__tsi_cases__stories=story).first() if story else None
    if story is None or guardian is None:
        return
    case, meeting = story.case, story.case.meetings.first()
    client = family_client(guardian)
    print(
        f"\nFamilies: the guardian of TSI case {case.pk}, {requests} requests each, beside the teacher's minimal view:"
    )
    minimal = measure("minimal view (teacher)", logged_in(get_user(result, "teacher")), [MINIMAL_VIEW] * requests)
    print(minimal.report())
    pages = [("family: my children", "/family/"), ("family: the case", f"/family/case/{case.pk}/")]
    if meeting is not None:
        pages.append(("family: meeting .ics", f"/family/case/{case.pk}/meeting/{meeting.pk}.ics"))
    for name, url in pages:
        print(measure(name, client, [url] * requests).report(minimal))
    print(
        measure("family: plan PDF", client, [f"/family/case/{case.pk}/plan.pdf"] * max(requests // 10, 5)).report(
            minimal
        )
    )


# --- Records law and integrations: retention, archive, register extracts, the open API ------------------------------


# The social services' case system (a TSI team member's role) and a statistics integration (a social worker's).
CASE_SYSTEM_PAGES = (
    ("API: units", "/api/v1/units"),
    ("API: contact persons", "/api/v1/contact-persons"),
    ("API: closed cases", "/api/v1/tsi-cases/closed"),
)
STATISTICS_PAGES = (("API: statistics", "/api/v1/statistics"),)


def bench_records(result: Any, requests: int) -> None:
    """The archivist's retention rules and archive page, the data protection coordinator's register extracts (the
    compile of the demo's request and of the child with the most records, timed once each), and the open API with a
    token of the TSI team's case system, each beside the minimal authenticated view."""
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from kring.api.actions import TokenInput, create_api_token
    from kring.directory.models import Membership
    from kring.people.models import Child
    from kring.records.extracts import actions as extracts
    from kring.records.models import ExtractSubject, RegisterExtract

    archivist, officer = get_user(result, "archivist"), get_user(result, "privacy_officer")
    print(f"\nRecords and integrations, {requests} requests each, beside the minimal view:")
    client = logged_in(archivist)
    minimal = measure("minimal view (archivist)", client, [MINIMAL_VIEW] * requests)
    print(minimal.report())
    for name, url in (("retention rules", "/records/retention/"), ("archive page", "/records/archive/")):
        print(measure(name, client, [url] * requests).report(minimal))

    request = RegisterExtract.objects.filter(municipality=result.municipality).first()
    child = Child.objects.filter(municipality=result.municipality).annotate(n=Count("absences")).order_by("-n").first()
    if request is not None and child is not None:
        seconds = timed(lambda: extracts.compile_request(by=officer, extract=request))
        print(f"  compile: a guardian's register extract in {seconds * 1000:.0f} ms")
        given = extracts.ExtractInput(
            result.municipality, ExtractSubject.CHILD, child, "bench", False, timezone.localdate()
        )
        heavy = extracts.register_request(by=officer, given=given)
        seconds = timed(lambda: extracts.compile_request(by=officer, extract=heavy))
        heavy.refresh_from_db()
        items = sum(len(section["items"]) for section in heavy.content["sections"])
        print(f"  compile: the register extract of the child with most absence rows in {seconds * 1000:.0f} ms "
              f"({child.n} absence rows, {items} items)")  # type: ignore[attr-defined]  # fmt: skip
        client = logged_in(officer)
        minimal = measure("minimal view (officer)", client, [MINIMAL_VIEW] * requests)
        print(minimal.report())
        print(measure("register extracts", client, ["/records/extracts/"] * requests).report(minimal))
        print(measure("a register extract", client, [f"/records/extracts/{heavy.pk}/"] * requests).report(minimal))

    admin = get_user(result, "administrator")
    settings.KRING_API_RATE_LIMIT = 10 * requests  # the bench measures the server, not the limit
    for role, pages in (("tsi_team_member", CASE_SYSTEM_PAGES), ("social_worker", STATISTICS_PAGES)):
        membership = Membership.objects.filter(user=get_user(result, role), role=role).select_related("unit").first()
        if membership is None:
            continue
        expires = timezone.now() + datetime.timedelta(days=30)
        given = TokenInput(f"Bench {role}", membership.unit, role, expires)
        token, secret = create_api_token(by=admin, token=given)
        Membership.objects.filter(user=token.system_user).update(active=True, awaiting_approval=False)
        api = Client(headers={"Authorization": f"Bearer {secret}"})
        for name, url in pages:
            print(measure(name, api, [url] * requests).report(minimal))


if __name__ == "__main__":
    main()

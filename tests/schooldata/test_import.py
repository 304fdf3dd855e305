"""The SS 12000 import over real HTTP from the local test server: everything lands keyed on SS 12000 ids, malformed
records are rejected with their reason, running it twice changes nothing, and an import killed mid-way completes
on the next run without duplicates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from kring.access.models import AuditEvent
from kring.directory.models import Unit
from kring.people.models import Child, Custody, Group, Guardian, Placement
from kring.schooldata.client import Ss12000Error
from kring.schooldata.dataset import Ss12000Dataset
from kring.schooldata.importer import import_ss12000
from kring.schooldata.models import (
    AbsenceIndicator,
    AbsenceKind,
    AbsenceRecord,
    ImportRun,
    ImportStatus,
    SyncCheckpoint,
)
from kring.schooldata.testserver import RunningServer
from tests.conftest import World
from tests.schooldata.conftest import CLOCK, client_for, person_record, sid

PUPILS = 6
SCHOOL, OTHER_SCHOOL = sid("organisation", 1), sid("organisation", 2)
MONDAY = date(2026, 8, 17)
TODAY = date(2026, 9, 21)  # the import's day: the Monday after the five weeks of lessons
SWEDISH = ZoneInfo("Europe/Stockholm")
IMPORT_TIME = datetime(2026, 9, 21, 9, 0, tzinfo=UTC)  # TODAY, for the command and the task (they read the clock)


def _organisations(dataset: Ss12000Dataset) -> None:
    dataset.put(
        "organisations", {"id": sid("organisation", 0), "displayName": "Testkommun", "organisationType": "Huvudman"}
    )
    for org_id, name, code in ((SCHOOL, "Björkskolan", "12345678"), (OTHER_SCHOOL, "Granskolan", "23456789")):
        dataset.put(
            "organisations",
            {
                "id": org_id,
                "displayName": name,
                "organisationType": "Skolenhet",
                "schoolUnitCode": code,
                "schoolTypes": ["GR"],
                "parentOrganisation": {"id": sid("organisation", 0)},
            },
        )


def _pupil(n: int, school: str) -> dict[str, Any]:
    guardians = [sid("person", 100 + 2 * n), sid("person", 101 + 2 * n)]
    return person_record(
        n,
        responsibles=[{"person": {"id": g}, "relationType": "Vårdnadshavare"} for g in guardians],
        enrolments=[{"enroledAt": {"id": school}, "schoolYear": 7, "schoolType": "GR", "startDate": "2026-08-17"}],
    )


def _lesson(n: int, day: date) -> dict[str, Any]:
    """A calendar event (lesson) of an hour, in Swedish time."""
    start = datetime(day.year, day.month, day.day, 8, 0, tzinfo=SWEDISH) + timedelta(hours=n % 5)
    return {
        "id": sid("lesson", n),
        "activity": {"id": sid("activity", 1)},
        "startTime": start.isoformat(),
        "endTime": (start + timedelta(minutes=60)).isoformat(),
    }


def _attendance(n: int, pupil: int, minutes: int = 60, kind: str = "invalidAbsenceMinutes") -> dict[str, Any]:
    """A pupil's attendance at lesson n: `minutes` of invalid (unexcused) absence, unless another kind is given."""
    return {
        "id": sid("attendance", n),
        "calendarEvent": {"id": sid("lesson", n)},
        "student": {"id": sid("person", pupil)},
        "isReported": True,
        "attendanceMinutes": 60 - minutes,
        kind: minutes,
    }


def _absence(n: int, pupil: int, start: datetime, end: datetime, kind: str = "Anmäld frånvaro") -> dict[str, Any]:
    return {
        "id": sid("absence", n),
        "student": {"id": sid("person", pupil)},
        "startTime": start.isoformat(),
        "endTime": end.isoformat(),
        "type": kind,
    }


def fill(dataset: Ss12000Dataset) -> None:
    """Two schools, six pupils with two guardians each, a class, and 25 lessons each missed by a pupil."""
    _organisations(dataset)
    for n in range(PUPILS):
        dataset.put("persons", _pupil(n, SCHOOL if n < 4 else OTHER_SCHOOL))
        for g in (100 + 2 * n, 101 + 2 * n):
            dataset.put("persons", person_record(g))
    members = [{"person": {"id": sid("person", n)}} for n in range(4)]
    dataset.put(
        "groups",
        {
            "id": sid("group", 7),
            "displayName": "7A",
            "groupType": "Klass",
            "schoolType": "GR",
            "organisation": {"id": SCHOOL},
            "startDate": "2026-08-17",
            "groupMemberships": members,
        },
    )
    for n in range(25):
        dataset.put("calendarEvents", _lesson(n, MONDAY + timedelta(days=7 * (n // 5) + n % 5)))
        dataset.put("attendances", _attendance(n, n % 4))


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Everything the import writes, in a comparable form."""
    return {
        "units": sorted(Unit.objects.exclude(ss12000_id="").values_list("ss12000_id", "name", "school_unit_code")),
        "children": sorted(
            Child.objects.exclude(ss12000_id="").values_list(
                "ss12000_id", "identity_number", "first_name", "last_name", "birth_date"
            )
        ),
        "guardians": sorted(
            Guardian.objects.exclude(ss12000_id="").values_list("ss12000_id", "first_name", "last_name")
        ),
        "custody": sorted(
            Custody.objects.exclude(guardian__ss12000_id="").values_list(
                "child__ss12000_id", "guardian__ss12000_id", "kind"
            )
        ),
        "placements": sorted(
            Placement.objects.exclude(ss12000_id="").values_list(
                "ss12000_id", "child__ss12000_id", "unit__ss12000_id", "grade", "group__name", "start_date"
            )
        ),
        "groups": sorted(Group.objects.exclude(ss12000_id="").values_list("ss12000_id", "name", "school_year")),
        "absences": sorted(
            AbsenceRecord.objects.values_list("source_id", "child__ss12000_id", "day", "minutes", "kind")
        ),
    }


def run(server: RunningServer, world: World, **options: Any) -> ImportRun:
    with client_for(server, page_size=options.pop("page_size", 4)) as client:
        return import_ss12000(municipality=world.municipality, client=client, today=TODAY, **options)


@pytest.fixture
def server(ss12000_server: RunningServer) -> RunningServer:
    fill(ss12000_server.dataset)
    return ss12000_server


def test_import_writes_units_pupils_guardians_custody_placements_groups_and_absences(
    server: RunningServer, world: World
) -> None:
    result = run(server, world)

    assert result.status == ImportStatus.COMPLETED and result.rejected == 0
    data = snapshot()
    assert [u[0] for u in data["units"]] == [SCHOOL, OTHER_SCHOOL]
    assert len(data["children"]) == PUPILS and len(data["guardians"]) == 2 * PUPILS
    assert {c[2] for c in data["custody"]} == {"joint"} and len(data["custody"]) == 2 * PUPILS
    assert len(data["placements"]) == PUPILS
    assert sorted(p[4] for p in data["placements"] if p[4]) == ["7A"] * 4
    assert len(data["absences"]) == 25 and {a[3] for a in data["absences"]} == {60}
    assert {a[4] for a in data["absences"]} == {AbsenceKind.INVALID}
    assert AbsenceIndicator.objects.filter(child__ss12000_id=sid("person", 0)).exists()
    assert AuditEvent.objects.filter(target_type="schooldata_import", target_id=str(result.pk)).exists()


def test_running_the_import_twice_changes_nothing(server: RunningServer, world: World) -> None:
    run(server, world)
    first = snapshot()

    again = run(server, world, full=True)

    assert snapshot() == first
    assert all(counts.get("created", 0) == 0 and counts.get("updated", 0) == 0 for counts in again.counts.values())
    assert again.counts["attendances"]["unchanged"] == 25


def test_a_malformed_record_is_rejected_with_its_reason_and_the_rest_imported(
    server: RunningServer, world: World
) -> None:
    broken = _attendance(900, 0)
    del broken["calendarEvent"]
    server.dataset.put("attendances", broken)
    server.dataset.put("persons", _pupil(50, SCHOOL) | {"civicNo": {"value": "201401019999"}})

    result = run(server, world)

    reasons = dict(result.rejections.values_list("source_id", "reason"))
    assert "calendarEvent" in reasons[sid("attendance", 900)] and "Field required" in reasons[sid("attendance", 900)]
    assert "civicNo" in reasons[sid("person", 50)]
    assert "201401019999" not in reasons[sid("person", 50)]  # the reason never repeats the personal data
    assert AbsenceRecord.objects.count() == 25 and Child.objects.exclude(ss12000_id="").count() == PUPILS


def test_an_import_killed_mid_way_completes_on_the_next_run_without_duplicates(
    server: RunningServer, world: World, ss12000_dataset: Ss12000Dataset
) -> None:
    pages = {"attendances": 0}

    def kill_after_two_pages_of_attendances(resource: str, _done: int, _result: object) -> None:
        if resource == "attendances":
            pages["attendances"] += 1
            if pages["attendances"] == 2:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(server, world, progress=kill_after_two_pages_of_attendances)
    assert AbsenceRecord.objects.count() == 8  # two committed pages of four
    assert SyncCheckpoint.objects.get(resource="attendances").page_token

    resumed = run(server, world)

    assert resumed.status == ImportStatus.COMPLETED
    assert AbsenceRecord.objects.count() == 25
    assert resumed.counts["attendances"]["created"] == 17  # it carried on after the last committed page
    assert ImportRun.objects.filter(status=ImportStatus.FAILED).count() == 1
    assert Child.objects.exclude(ss12000_id="").count() == PUPILS


def test_the_next_run_asks_only_for_what_changed_and_applies_deletions(server: RunningServer, world: World) -> None:
    run(server, world)
    server.dataset.now = CLOCK + timedelta(days=1)
    renamed = server.dataset.get("persons", sid("person", 1))
    assert renamed is not None
    server.dataset.put("persons", renamed | {"givenName": "Ny"})
    server.dataset.delete("attendances", sid("attendance", 3))
    server.dataset.delete("groups", sid("group", 7))

    result = run(server, world)

    assert result.counts["persons"]["updated"] == 1 and result.counts["persons"].get("unchanged", 0) == 0
    assert "attendances" not in result.counts or result.counts["attendances"].get("created", 0) == 0
    assert result.counts["deletedEntities"]["absences deleted"] == 1
    assert Child.objects.get(ss12000_id=sid("person", 1)).first_name == "Ny"
    assert not AbsenceRecord.objects.filter(source_id=f"{sid('attendance', 3)}/invalid").exists()
    assert not Group.objects.filter(ss12000_id=sid("group", 7)).exists()
    last = server.app.requests_to("/persons")[-1]
    assert "meta.modified.after" in last.query or "pageToken" in last.query


def test_a_server_that_keeps_failing_fails_the_run_and_the_next_run_carries_on(
    server: RunningServer, world: World
) -> None:
    server.app.fail_next(3, status=503, path="/attendances")  # the first try and both retries

    with pytest.raises(Ss12000Error):
        run(server, world)
    failed = ImportRun.objects.get()
    assert failed.status == ImportStatus.FAILED and "503" in failed.error

    assert run(server, world).status == ImportStatus.COMPLETED
    assert AbsenceRecord.objects.count() == 25


def test_import_command_prints_counts(server: RunningServer, world: World) -> None:
    out = StringIO()

    with time_machine.travel(IMPORT_TIME, tick=False):
        call_command(
            "import_ss12000",
            municipality=world.municipality.code,
            url=server.base_url,
            token_url=server.token_url,
            client_id=server.client_id,
            client_secret=server.client_secret,
            page_size=10,
            stdout=out,
        )

    text = out.getvalue()
    assert "completed" in text and "attendances" in text and "created 25" in text


def test_the_scheduled_task_imports_from_the_configured_api(server: RunningServer, world: World, settings: Any) -> None:
    from kring.schooldata.tasks import import_ss12000_task

    settings.KRING_SS12000_URL = server.base_url
    settings.KRING_SS12000_TOKEN_URL = server.token_url
    settings.KRING_SS12000_CLIENT_ID = server.client_id
    settings.KRING_SS12000_CLIENT_SECRET = server.client_secret
    settings.KRING_SS12000_MUNICIPALITY = world.municipality.code

    with time_machine.travel(IMPORT_TIME, tick=False):
        outcome = import_ss12000_task.call()

    assert outcome["status"] == ImportStatus.COMPLETED and outcome["rejected"] == 0
    assert AbsenceRecord.objects.count() == 25
    out = StringIO()
    call_command("import_ss12000", enqueue=True, municipality=world.municipality.code, stdout=out)
    assert "Enqueued" in out.getvalue()


def test_import_command_without_an_api_says_how_to_configure_it(world: World, settings: Any) -> None:
    from django.core.management.base import CommandError

    settings.KRING_SS12000_URL = ""
    with pytest.raises(CommandError, match="KRING_SS12000_URL"):
        call_command("import_ss12000", municipality=world.municipality.code, stdout=StringIO())


def test_a_large_import_refreshes_the_planner_statistics_before_the_indicators(
    server: RunningServer, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kring.schooldata import importer

    analysed: list[str] = []
    monkeypatch.setattr(importer, "ANALYZE_AFTER_ROWS", 20)
    monkeypatch.setattr(importer, "update_statistics", lambda model: analysed.append(model.__name__))

    run(server, world)
    run(server, world)  # nothing changed: no ANALYZE

    assert analysed == ["AbsenceRecord"]


def test_update_statistics_runs_on_this_database(db: None) -> None:
    from kring.schooldata.importer import update_statistics

    update_statistics(AbsenceRecord)  # ANALYZE is valid SQL on SQLite and PostgreSQL alike


def test_pages_are_applied_with_the_garbage_collector_paused_and_it_runs_again_after(
    server: RunningServer, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from kring.schooldata import importer

    seen: list[bool] = []
    apply_attendances = importer.APPLY["attendances"]

    def watching(records: Any, lookup: Any) -> Any:
        seen.append(gc.isenabled())
        return apply_attendances(records, lookup)

    monkeypatch.setitem(importer.APPLY, "attendances", watching)

    run(server, world)

    assert seen and not any(seen)
    assert gc.isenabled()


def test_a_cancelled_enrolment_is_no_placement_and_ends_one_imported_before(
    server: RunningServer, world: World
) -> None:
    """SS 12000 `Enrolment.cancelled`: the enrolment was cancelled in advance (issue 13, 4)."""
    pupil = _pupil(60, SCHOOL)
    server.dataset.put("persons", pupil)
    run(server, world)
    assert Placement.objects.filter(child__ss12000_id=pupil["id"]).count() == 1

    pupil["enrolments"][0]["cancelled"] = True
    server.dataset.put("persons", pupil)
    result = run(server, world, full=True)

    assert result.status == ImportStatus.COMPLETED
    assert not Placement.objects.filter(child__ss12000_id=pupil["id"]).exists()


def test_a_dry_run_reports_what_would_change_and_saves_nothing(server: RunningServer, world: World) -> None:
    out = StringIO()
    before = snapshot()

    with time_machine.travel(IMPORT_TIME, tick=False):
        call_command(
            "import_ss12000",
            municipality=world.municipality.code,
            url=server.base_url,
            token_url=server.token_url,
            client_id=server.client_id,
            client_secret=server.client_secret,
            dry_run=True,
            stdout=out,
        )

    text = out.getvalue()
    assert "Dry run: nothing was saved" in text and "attendances" in text and "created 25" in text
    assert snapshot() == before
    assert not ImportRun.objects.exists() and not SyncCheckpoint.objects.exists()


def test_lessons_from_reads_the_lessons_of_days_before_the_term(server: RunningServer, world: World) -> None:
    """A first import of the whole school year: lessons before the days the early warning looks at."""
    spring = datetime(2026, 5, 4, 8, 0, tzinfo=SWEDISH)
    pupil = _pupil(90, SCHOOL)
    pupil["enrolments"][0]["startDate"] = "2026-01-07"
    server.dataset.put("persons", pupil)
    server.dataset.put("calendarEvents", _lesson(500, spring.date()))
    server.dataset.put("attendances", _attendance(500, 90))

    run(server, world)
    assert not AbsenceRecord.objects.filter(day=spring.date()).exists()  # outside the term's window: refused
    again = run(server, world, full=True, lessons_from=date(2026, 1, 7))

    assert again.rejected == 0
    assert AbsenceRecord.objects.filter(day=spring.date()).count() == 1

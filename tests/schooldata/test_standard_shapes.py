"""The import reads SS 12000 as the standard has it (issue 13): guardians are persons of their own, linked by
`responsibles` with the standard's relation types; notified absence (`/absences`) may span days and need not name a
school unit; a resource the provider does not offer is a warning, not a failed run; records Kring would skip are
skipped before validation; temporary and missing civic numbers do not reject a pupil."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import translation

from kring.access.models import AuditEvent
from kring.people.models import Child, Custody, CustodyKind, CustodyRelation, Guardian
from kring.schooldata.models import AbsenceKind, AbsenceRecord, ImportStatus
from kring.schooldata.testserver import RunningServer
from tests.conftest import World
from tests.schooldata.conftest import person_record, sid
from tests.schooldata.test_import import MONDAY, SCHOOL, SWEDISH, _absence, _pupil, fill, run


@pytest.fixture
def server(ss12000_server: RunningServer) -> RunningServer:
    fill(ss12000_server.dataset)
    return ss12000_server


def _custody(child: str) -> list[tuple[str, str, str]]:
    return sorted(
        Custody.objects.filter(child__ss12000_id=child).values_list("guardian__ss12000_id", "kind", "relation")
    )


def test_a_guardian_read_before_or_after_the_child_gets_custody(server: RunningServer, world: World) -> None:
    dataset = server.dataset
    dataset.put("persons", person_record(700))  # on a page before the child (ids sort first)
    pupil = _pupil(70, SCHOOL) | {
        "responsibles": [
            {"person": {"id": sid("person", 700)}, "relationType": "Vårdnadshavare"},
            {"person": {"id": sid("person", 990)}, "relationType": "Vårdnadshavare"},
        ]
    }
    dataset.put("persons", pupil)
    dataset.put("persons", person_record(990))  # after it

    result = run(server, world)

    assert result.status == ImportStatus.COMPLETED and result.warnings == []
    assert _custody(sid("person", 70)) == [
        (sid("person", 700), CustodyKind.JOINT, CustodyRelation.GUARDIAN),
        (sid("person", 990), CustodyKind.JOINT, CustodyRelation.GUARDIAN),
    ]


def test_a_guardian_missing_from_the_pages_is_looked_up_by_id(server: RunningServer, world: World) -> None:
    pupil = _pupil(71, SCHOOL) | {"responsibles": [{"person": {"id": sid("person", 991)}, "relationType": "God man"}]}
    server.dataset.put("persons", pupil)
    server.dataset.put("persons", person_record(991), modified=server.dataset.now - timedelta(days=30))
    first = run(server, world)
    assert _custody(sid("person", 71)) == [(sid("person", 991), CustodyKind.SOLE, CustodyRelation.GOOD_MAN)]
    Custody.objects.filter(child__ss12000_id=sid("person", 71)).delete()
    Guardian.objects.filter(ss12000_id=sid("person", 991)).delete()

    again = run(server, world)  # incremental: the guardian's record is older than the last run

    assert first.status == again.status == ImportStatus.COMPLETED
    assert server.app.requests_to("/persons/lookup")
    assert AuditEvent.objects.filter(target_id=str(again.pk), details__resource="persons/lookup").exists()
    assert _custody(sid("person", 71)) == [(sid("person", 991), CustodyKind.SOLE, CustodyRelation.GOOD_MAN)]


def test_other_relations_are_not_custody_and_a_guardian_never_found_is_a_warning(
    server: RunningServer, world: World
) -> None:
    pupil = _pupil(72, SCHOOL) | {
        "responsibles": [
            {"person": {"id": sid("person", 992)}, "relationType": "Annan ansvarig"},
            {"person": {"id": sid("person", 993)}, "relationType": "Vårdnadshavare"},
        ]
    }
    server.dataset.put("persons", pupil)
    server.dataset.put("persons", person_record(992))

    result = run(server, world)

    assert result.status == ImportStatus.COMPLETED
    assert result.counts["persons"]["responsibles without custody"] == 1
    assert not Guardian.objects.filter(ss12000_id=sid("person", 992)).exists()
    assert _custody(sid("person", 72)) == []
    assert {"code": "guardians_missing", "count": 1} in result.warnings


def test_notified_absence_spans_school_days_and_takes_the_pupils_school(server: RunningServer, world: World) -> None:
    friday = datetime.combine(MONDAY + timedelta(days=4), datetime.min.time(), tzinfo=SWEDISH)
    start, end = friday.replace(hour=8), friday.replace(hour=12) + timedelta(days=3)  # Friday 08 to Monday 12
    server.dataset.put("absences", _absence(1, 0, start, end, kind="Beviljad ledighet"))

    result = run(server, world)

    rows = sorted(AbsenceRecord.objects.filter(kind=AbsenceKind.GRANTED).values_list("source_id", "day", "minutes"))
    assert result.status == ImportStatus.COMPLETED, list(result.rejections.values_list("reason", flat=True))
    assert rows == [
        (sid("absence", 1), friday.date(), 300),  # the most a school day counts (the default school day)
        (f"{sid('absence', 1)}/{(friday + timedelta(days=3)).date()}", (friday + timedelta(days=3)).date(), 300),
    ]
    assert set(AbsenceRecord.objects.filter(kind=AbsenceKind.GRANTED).values_list("unit__ss12000_id", flat=True)) == {
        SCHOOL
    }

    shorter = _absence(1, 0, start, friday.replace(hour=10), kind="Beviljad ledighet")
    server.dataset.now += timedelta(hours=1)
    server.dataset.put("absences", shorter)
    run(server, world)
    rows = list(AbsenceRecord.objects.filter(kind=AbsenceKind.GRANTED).values_list("source_id", "minutes"))
    assert rows == [(sid("absence", 1), 120)]  # the further day went with the change


def test_a_provider_without_absences_or_placements_completes_with_a_warning(
    server: RunningServer, world: World
) -> None:
    server.app.fail_next(1, status=404, path="/absences")
    server.app.fail_next(1, status=403, path="/placements")

    result = run(server, world)

    assert result.status == ImportStatus.COMPLETED
    assert [(w["resource"], w["status"]) for w in result.warnings] == [("placements", 403), ("absences", 404)]
    assert AbsenceRecord.objects.count() == 25  # attendance still came


def test_staff_are_skipped_unvalidated_and_temporary_or_missing_numbers_are_kept(
    server: RunningServer, world: World
) -> None:
    dataset = server.dataset
    dataset.put("persons", {"id": "staff-1", "givenName": "", "familyName": "X" * 300})  # not a pupil: skipped
    enrolled: dict[str, Any] = {"enrolments": _pupil(0, SCHOOL)["enrolments"]}
    dataset.put("persons", person_record(80, civicNo={"value": "20130101TF01"}, **enrolled))
    no_number = person_record(81, **enrolled)
    del no_number["civicNo"]
    dataset.put("persons", no_number)
    dataset.put("groups", {"id": sid("group", 999), "displayName": "x" * 200, "groupType": "Undervisning"})

    result = run(server, world)

    assert result.rejected == 0, list(result.rejections.values_list("reason", flat=True))
    temporary = Child.objects.get(ss12000_id=sid("person", 80))
    assert temporary.identity_number == "20130101TF01" and temporary.has_temporary_identity_number
    with translation.override("en"):
        assert temporary.formatted_identity_number == "20130101-TF01 (temporary)"
    assert not Child.objects.get(ss12000_id=sid("person", 81)).has_identity_number
    assert result.counts["persons"]["temporary civicNo"] == 1 and result.counts["persons"]["without civicNo"] == 1
    assert result.counts["groups"]["skipped"] == 1


def test_the_import_matches_the_fixture_again_after_deletions(server: RunningServer, world: World) -> None:
    """The deletions of attendances and notified absences of several days reach every row they made."""
    friday = datetime.combine(MONDAY + timedelta(days=4), datetime.min.time(), tzinfo=SWEDISH)
    server.dataset.put("absences", _absence(2, 1, friday.replace(hour=8), friday.replace(hour=9) + timedelta(days=3)))
    run(server, world)
    assert AbsenceRecord.objects.filter(source_id__startswith=sid("absence", 2)).count() == 2

    server.dataset.now += timedelta(hours=1)
    server.dataset.delete("absences", sid("absence", 2))
    server.dataset.delete("attendances", sid("attendance", 0))
    result = run(server, world)

    assert result.counts["deletedEntities"]["absences deleted"] == 3
    assert not AbsenceRecord.objects.filter(source_id__startswith=sid("absence", 2)).exists()
    assert AbsenceRecord.objects.count() == 24


def test_every_count_and_resource_of_a_run_has_words_on_the_report(server: RunningServer, world: World) -> None:
    from kring.schooldata.import_views import COUNT_LABELS, RESOURCE_LABELS

    server.dataset.put("persons", _pupil(73, SCHOOL) | {"civicNo": {"value": "20130101TF01"}})
    server.dataset.put(
        "organisations",
        {"id": sid("organisation", 99), "displayName": "X", "organisationType": "Skolenhet", "schoolUnitCode": "12"},
    )
    result = run(server, world)

    assert set(result.counts) <= set(RESOURCE_LABELS)
    named = {name for counts in result.counts.values() for name in counts if name != "seconds"}
    assert named <= set(COUNT_LABELS), named - set(COUNT_LABELS)


def test_a_provider_without_attendances_gives_the_days_summed_from_aggregated_attendance(
    server: RunningServer, world: World
) -> None:
    """/aggregatedAttendance asked for one school day at a time, over the days the lessons would have been read."""
    server.app.fail_next(1, status=404, path="/attendances")
    summed = run(server, world, full=True)

    assert summed.status == ImportStatus.COMPLETED and summed.counts["aggregatedAttendance"]["created"] == 25
    assert [w["resource"] for w in summed.warnings] == ["attendances"]
    rows = AbsenceRecord.objects.values_list("source_id", "day", "minutes", "kind")
    assert {(minutes, kind) for _key, _day, minutes, kind in rows} == {(60, AbsenceKind.INVALID)}
    assert all(key.startswith("agg/") and key.endswith("/invalid") for key, *_ in rows)
    days = sorted(day for _key, day, *_ in rows)
    assert days[0] == MONDAY and len(days) == 25
    requested = server.app.requests_to("/aggregatedAttendance")
    assert all(r.query.get("startDate") == r.query.get("endDate") for r in requested)

    again = run(server, world, full=True)  # with /attendances again: the lessons' rows replace the summed ones
    assert again.counts["attendances"]["created"] == 25 and again.counts["aggregatedAttendance"]["deleted"] == 25
    assert not AbsenceRecord.objects.filter(source_id__startswith="agg/").exists()
    assert AbsenceRecord.objects.count() == 25


def test_times_without_an_offset_are_in_the_providers_time_zone(world: World) -> None:
    """A provider sending times without an offset (against the standard, but it happens): they are its own time
    zone's (`KRING_SS12000_TIME_ZONE`), not UTC, for the day of a lesson and for `meta.modified`."""
    from zoneinfo import ZoneInfo

    from kring.schooldata.importer import latest_modified
    from kring.schooldata.models import Lesson
    from kring.schooldata.upserts import Lookup, apply_calendar_events

    late = {"activity": {"id": sid("activity", 1)}, "startTime": "2026-08-17T23:30:00"}  # 01:30 on the 18th here
    records = [{"id": sid("lesson", 1), **late}, {"id": sid("lesson", 2), **late, "startTime": "2026-08-17T21:30:00"}]

    apply_calendar_events(records, Lookup.load(world.municipality.pk, zone=ZoneInfo("UTC")))

    days = dict(Lesson.objects.values_list("ss12000_id", "day"))
    assert days == {sid("lesson", 1): MONDAY + timedelta(days=1), sid("lesson", 2): MONDAY}
    modified = [{"meta": {"modified": "2026-08-17T23:30:00"}}]
    assert latest_modified(modified, None, ZoneInfo("Europe/Stockholm")).isoformat() == "2026-08-17T23:30:00+02:00"

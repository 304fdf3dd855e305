"""CSV import of pupils and absence: the same validation and upserts as SS 12000, all or nothing, line by line."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from kring.access.models import AuditAction, AuditEvent
from kring.directory.models import Unit, User
from kring.people.identity import make_identity_number
from kring.people.models import Child, Custody, CustodyKind, Group, Guardian, Placement
from kring.schooldata import csv_import
from kring.schooldata.csv_import import import_csv
from kring.schooldata.models import AbsenceKind, AbsenceRecord, ImportRejection, ImportRun, ImportStatus
from tests.conftest import World

EKSKOLAN, BJORKSKOLAN = "99990001", "99990002"
ELSA = make_identity_number(date(2015, 3, 14), 981)
OMAR = make_identity_number(date(2015, 9, 2), 982)
MARIA = make_identity_number(date(1984, 6, 1), 984)
JOHAN = make_identity_number(date(1986, 11, 20), 985)
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def codes(world: World) -> None:
    """Ekskolan and Björkskolan get the school unit codes the files use."""
    Unit.objects.filter(pk=world.school.pk).update(school_unit_code=EKSKOLAN)
    Unit.objects.filter(pk=world.other_school.pk).update(school_unit_code=BJORKSKOLAN)


@pytest.fixture(autouse=True)
def recomputed(monkeypatch: pytest.MonkeyPatch) -> list[set[int]]:
    """The units whose absence indicators each import asked to recompute."""
    calls: list[set[int]] = []
    monkeypatch.setattr(csv_import, "recompute_after_import", lambda _m, unit_ids, _run: calls.append(set(unit_ids)))
    return calls


def csv_file(rows: list[dict[str, str]], *, sep: str = ";", bom: bool = False, name: str = "elever.csv") -> Any:
    header = list(dict.fromkeys(column for row in rows for column in row))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([row.get(column, "") for column in header] for row in rows)
    return SimpleUploadedFile(name, (("\ufeff" if bom else "") + out.getvalue()).encode())


def pupil(identity: str = ELSA, **fields: str) -> dict[str, str]:
    return {
        "identity_number": identity,
        "first_name": "Elsa",
        "last_name": "Exempelsson",
        "school_unit_code": EKSKOLAN,
        "grade": "4",
        "class": "4A",
        "start_date": "2024-08-19",
        **fields,
    }


def absence(identity: str, **fields: str) -> dict[str, str]:
    values = {"identity_number": identity, "school_unit_code": EKSKOLAN, "date": "2025-03-10"}
    return {**values, "start_time": "08:30", "minutes": "40", "type": "Ogiltig", **fields}


ELSA_WITH_PARENTS = pupil(
    street_address="Påhittade vägen 1",
    postal_code="999 99",
    city="Testby",
    guardian1_identity_number=MARIA,
    guardian1_first_name="Maria",
    guardian1_last_name="Exempelsson",
    guardian1_email="maria@hem.example",
    guardian2_identity_number=JOHAN,
    guardian2_first_name="Johan",
    guardian2_last_name="Exempelsson",
    guardian2_phone="070-000 00 02",
)
OMAR_WITH_MOTHER = pupil(
    OMAR,
    first_name="Omar",
    last_name="Påhittad",
    protected_identity="ja",
    school_unit_code=BJORKSKOLAN,
    grade="F",
    **{"class": "FA"},
    guardian1_identity_number=MARIA,
    guardian1_first_name="Maria",
    guardian1_last_name="Exempelsson",
    guardian1_email="maria@hem.example",
)


def run_import(world: World, kind: str, file: Any, by: User | None = None) -> ImportRun:
    return import_csv(municipality=world.municipality, kind=kind, file=file, by=by)


def snapshot() -> tuple[int, ...]:
    return (
        Child.objects.count(),
        Guardian.objects.count(),
        Custody.objects.count(),
        Placement.objects.count(),
        Group.objects.count(),
        AbsenceRecord.objects.count(),
    )


# -- pupils ---------------------------------------------------------------------------------------------------------


def test_pupils_file_creates_children_guardians_custody_placements_and_classes(
    world: World, codes: None, administrator: User, recomputed: list[set[int]]
) -> None:
    run = run_import(world, "pupils", csv_file([ELSA_WITH_PARENTS, OMAR_WITH_MOTHER]), administrator)

    assert run.status == ImportStatus.COMPLETED, list(run.rejections.values_list("reason", flat=True))
    assert run.source == "csv" and run.source_label == "elever.csv" and run.started_by == administrator
    elsa = Child.objects.get(identity_number=ELSA)
    omar = Child.objects.get(identity_number=OMAR)
    assert (elsa.first_name, elsa.birth_date, elsa.protected_identity) == ("Elsa", date(2015, 3, 14), False)
    assert (elsa.street_address, elsa.postal_code, elsa.city) == ("Påhittade vägen 1", "999 99", "Testby")
    assert omar.protected_identity is True
    assert elsa.ss12000_id == f"pnr:{ELSA}"
    maria = Guardian.objects.get(identity_number=MARIA)  # one guardian record for both children
    assert maria.email == "maria@hem.example"
    assert Guardian.objects.get(identity_number=JOHAN).phone == "070-000 00 02"
    assert {(c.guardian_id, c.kind) for c in elsa.custodies.all()} == {
        (maria.pk, CustodyKind.JOINT),
        (Guardian.objects.get(identity_number=JOHAN).pk, CustodyKind.JOINT),
    }
    assert [(c.guardian_id, c.kind) for c in omar.custodies.all()] == [(maria.pk, CustodyKind.SOLE)]
    placement = elsa.placements.select_related("group").get()
    assert (placement.unit_id, placement.grade, placement.school_form) == (world.school.pk, "4", "GR")
    assert placement.start_date == date(2024, 8, 19) and placement.end_date is None
    assert placement.group is not None and placement.group.name == "4A" and placement.group.unit_id == world.school.pk
    omar_placement = omar.placements.select_related("group").get()
    assert (omar_placement.unit_id, omar_placement.grade, omar_placement.school_form) == (
        world.other_school.pk,
        "F",
        "FKLASS",
    )
    assert omar_placement.group is not None and omar_placement.group.name == "FA"
    assert run.counts["rows"] == {"read": 2}
    assert run.counts["persons"] == {
        "created": 2,
        "guardians created": 2,
        "placements created": 2,
        "custody created": 3,
    }
    assert run.counts["groups"] == {"created": 2, "placements grouped": 2}
    assert recomputed == [{world.school.pk, world.other_school.pk}]
    event = AuditEvent.objects.get(action=AuditAction.WRITE, target_type="schooldata_import")
    assert (event.actor_id, event.target_id, event.details["status"]) == (administrator.pk, str(run.pk), "completed")
    assert ELSA not in str(event.details)


def test_pupils_file_twice_changes_nothing_the_second_time(world: World, codes: None) -> None:
    run_import(world, "pupils", csv_file([ELSA_WITH_PARENTS, OMAR_WITH_MOTHER]))
    before = snapshot()

    again = run_import(world, "pupils", csv_file([ELSA_WITH_PARENTS, OMAR_WITH_MOTHER]))

    assert again.status == ImportStatus.COMPLETED
    assert snapshot() == before
    assert again.counts["persons"] == {"unchanged": 2, "guardians unchanged": 2, "placements unchanged": 2}
    assert again.counts["groups"] == {"unchanged": 2}


def test_pupil_entered_by_hand_is_taken_over_not_doubled(world: World, codes: None) -> None:
    row = pupil(world.child.identity_number, first_name="Alva", last_name="Nyttnamn")
    before = Child.objects.count()

    run = run_import(world, "pupils", csv_file([row]))

    assert run.status == ImportStatus.COMPLETED
    assert Child.objects.count() == before
    world.child.refresh_from_db()
    assert world.child.last_name == "Nyttnamn"
    assert world.child.ss12000_id == f"pnr:{world.child.identity_number}"


def test_pupil_from_ss12000_keeps_its_id(world: World, codes: None) -> None:
    Child.objects.filter(pk=world.child.pk).update(ss12000_id="elev-1")

    run = run_import(world, "pupils", csv_file([pupil(world.child.identity_number, first_name="Alva")]))

    assert run.status == ImportStatus.COMPLETED, list(run.rejections.values_list("reason", flat=True))
    world.child.refresh_from_db()
    assert world.child.ss12000_id == "elev-1"
    assert world.child.placements.filter(ss12000_id__startswith="elev-1/").exists()


def test_pupil_on_two_lines_gets_both_placements(world: World, codes: None) -> None:
    earlier = pupil(school_unit_code=BJORKSKOLAN, grade="3", start_date="2023-08-21", end_date="2024-06-14")

    run = run_import(world, "pupils", csv_file([earlier, pupil()]))

    assert run.status == ImportStatus.COMPLETED
    elsa = Child.objects.get(identity_number=ELSA)
    assert sorted(elsa.placements.values_list("grade", flat=True)) == ["3", "4"]


# -- absences -------------------------------------------------------------------------------------------------------


def test_absences_file_creates_absences_and_recomputes_the_school(
    world: World, codes: None, recomputed: list[set[int]]
) -> None:
    child = world.child.identity_number
    rows = [absence(child), absence(child, date="2025-03-11", start_time="09:00", minutes="", end_time="10:00")]
    rows[1]["type"] = "valid"

    run = run_import(world, "absences", csv_file(rows, name="franvaro.csv"))

    assert run.status == ImportStatus.COMPLETED, list(run.rejections.values_list("reason", flat=True))
    records = list(AbsenceRecord.objects.order_by("day").values_list("child_id", "unit_id", "day", "minutes", "kind"))
    assert records == [
        (world.child.pk, world.school.pk, date(2025, 3, 10), 40, AbsenceKind.INVALID),
        (world.child.pk, world.school.pk, date(2025, 3, 11), 60, AbsenceKind.VALID),
    ]
    assert all(s.startswith("csv:") for s in AbsenceRecord.objects.values_list("source_id", flat=True))
    assert run.counts["attendances"] == {"created": 2}  # lessons missed: SS 12000 attendances, at calendar events
    assert run.counts["calendarEvents"] == {"created": 2}
    assert recomputed == [{world.school.pk}]


def test_absences_file_twice_changes_nothing_the_second_time(
    world: World, codes: None, recomputed: list[set[int]]
) -> None:
    rows = [absence(world.child.identity_number), absence(world.child.identity_number, date="2025-03-11")]
    run_import(world, "absences", csv_file(rows))

    again = run_import(world, "absences", csv_file(rows))

    assert again.status == ImportStatus.COMPLETED
    assert AbsenceRecord.objects.count() == 2
    assert again.counts["attendances"] == {"unchanged": 2}
    assert recomputed[-1] == set()


@pytest.mark.parametrize(
    ("written", "kind"),
    [("Anmäld", AbsenceKind.REPORTED), ("granted", AbsenceKind.GRANTED), ("GILTIG", AbsenceKind.VALID)],
)
def test_absence_types_in_swedish_or_english(world: World, codes: None, written: str, kind: int) -> None:
    run = run_import(world, "absences", csv_file([absence(world.child.identity_number, type=written)]))

    assert run.status == ImportStatus.COMPLETED
    assert AbsenceRecord.objects.get().kind == kind


def test_absence_of_a_pupil_not_in_kring_is_refused(world: World, codes: None) -> None:
    run = run_import(world, "absences", csv_file([absence(OMAR)]))

    rejection = run.rejections.get()
    assert run.status == ImportStatus.FAILED
    assert rejection.row_number == 2
    assert "import the pupils first" in rejection.reason
    assert OMAR not in rejection.reason + rejection.source_id


# -- all or nothing, and line numbers ----------------------------------------------------------------------------------


def test_file_with_one_bad_line_commits_nothing_and_names_the_line(
    world: World, codes: None, administrator: User, recomputed: list[set[int]]
) -> None:
    rows = [ELSA_WITH_PARENTS, pupil(OMAR, start_date="19/08/2024"), pupil(JOHAN)]
    before = snapshot()

    run = run_import(world, "pupils", csv_file(rows), administrator)

    assert run.status == ImportStatus.FAILED
    assert snapshot() == before
    assert run.rejected == 1
    rejection = run.rejections.get()
    assert (rejection.resource, rejection.source_id, rejection.row_number) == ("pupils", "", 3)
    assert rejection.reason == "start_date: write the date as YYYY-MM-DD, for example 2025-08-18"
    assert "Nothing was imported" in run.error
    assert run.counts == {"rows": {"read": 3}}
    assert recomputed == []
    event = AuditEvent.objects.get(action=AuditAction.WRITE, target_type="schooldata_import")
    assert event.details["status"] == "failed" and event.details["rejected"] == 1


def test_every_bad_line_is_listed_with_all_its_problems(world: World, codes: None) -> None:
    rows = [pupil(grade="10", start_date="2024-13-01"), pupil(OMAR), pupil("20150314-0000", first_name="")]

    run = run_import(world, "pupils", csv_file(rows))

    refused = list(run.rejections.values_list("row_number", "reason"))
    assert [line for line, _ in refused] == [2, 4]
    assert "grade: write F or a grade from 1 to 9" in refused[0][1]
    assert "start_date: write the date" in refused[0][1]
    assert "identity_number: The check digit is wrong" in refused[1][1]
    assert "first_name: missing (required)" in refused[1][1]
    assert not Child.objects.filter(identity_number=OMAR).exists()


def test_an_absence_past_midnight_is_refused_with_its_line(world: World, codes: None) -> None:
    rows = [
        absence(world.child.identity_number),
        absence(world.child.identity_number, start_time="23:30", minutes="60"),
    ]

    run = run_import(world, "absences", csv_file(rows))

    assert run.status == ImportStatus.FAILED
    rejection = run.rejections.get()
    assert (rejection.resource, rejection.row_number) == ("absences", 3)
    assert "past midnight" in rejection.reason
    assert AbsenceRecord.objects.count() == 0


def test_unknown_school_unit_is_refused(world: World, codes: None) -> None:
    run = run_import(world, "pupils", csv_file([pupil(school_unit_code="99999999")]))

    rejection = run.rejections.get()
    assert rejection.row_number == 2
    assert rejection.reason == "school_unit_code: no unit in Kring has the school unit code 99999999"


def test_school_unit_of_another_municipality_is_unknown(world: World, codes: None) -> None:
    Unit.objects.filter(municipality__name="Annanstad").update(school_unit_code="99990009")

    run = run_import(world, "pupils", csv_file([pupil(school_unit_code="99990009")]))

    assert run.status == ImportStatus.FAILED
    assert "99990009" in run.rejections.get().reason


def test_line_numbers_count_the_header_and_skip_nothing_but_blank_lines(world: World, codes: None) -> None:
    text = ";".join(pupil()) + "\n" + ";".join(pupil().values()) + "\n\n" + ";".join(pupil(OMAR, grade="X").values())

    run = run_import(world, "pupils", SimpleUploadedFile("elever.csv", text.encode()))

    assert list(run.rejections.values_list("row_number", flat=True)) == [4]


def test_identity_numbers_are_never_stored_with_a_refusal(world: World, codes: None) -> None:
    rows = [pupil(OMAR, grade="X"), pupil(ELSA, guardian1_identity_number=MARIA, guardian1_first_name="Maria")]

    run = run_import(world, "pupils", csv_file(rows))

    stored = " ".join(f"{r.source_id} {r.reason}" for r in ImportRejection.objects.filter(run=run))
    assert run.rejected == 2
    assert all(number not in stored for number in (OMAR, ELSA, MARIA, OMAR[2:8]))
    assert "guardian1_last_name: missing (required)" in stored


def test_a_failing_audit_write_leaves_nothing_saved(world: World, codes: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(csv_import, "record_event", broken)
    before = snapshot()

    with pytest.raises(RuntimeError):
        run_import(world, "pupils", csv_file([ELSA_WITH_PARENTS]))

    assert snapshot() == before


# -- reading the file ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sep", [";", ","])
def test_separator_is_detected(world: World, codes: None, sep: str) -> None:
    run = run_import(world, "pupils", csv_file([ELSA_WITH_PARENTS, OMAR_WITH_MOTHER], sep=sep))

    assert run.status == ImportStatus.COMPLETED
    assert Child.objects.get(identity_number=ELSA).street_address == "Påhittade vägen 1"


def test_byte_order_mark_is_accepted(world: World, codes: None) -> None:
    run = run_import(world, "pupils", csv_file([ELSA_WITH_PARENTS], bom=True))

    assert run.status == ImportStatus.COMPLETED
    assert Child.objects.filter(identity_number=ELSA).exists()


def test_header_without_a_required_column_fails_the_file(world: World, codes: None) -> None:
    row = pupil()
    del row["start_date"]

    run = run_import(world, "pupils", csv_file([row]))

    assert run.status == ImportStatus.FAILED
    assert run.rejected == 0
    assert "Missing columns: start_date." in run.error


def test_unknown_column_fails_the_file(world: World, codes: None) -> None:
    run = run_import(world, "pupils", csv_file([pupil(guardian1_emial="x@hem.example")]))

    assert "Unknown columns: guardian1_emial." in run.error


def test_absences_file_uploaded_as_pupils_says_so(world: World, codes: None) -> None:
    run = run_import(world, "pupils", csv_file([absence(world.child.identity_number)]))

    assert run.status == ImportStatus.FAILED
    assert "Is it the right kind of file?" in run.error


def test_file_that_is_not_utf8_fails_with_a_hint(world: World, codes: None) -> None:
    text = ";".join(pupil()) + "\n" + ";".join(pupil(last_name="Åström").values()) + "\n"

    run = run_import(world, "pupils", SimpleUploadedFile("elever.csv", text.encode("cp1252")))

    assert run.status == ImportStatus.FAILED
    assert "not UTF-8 text (line 2)" in run.error


def test_file_larger_than_the_limit_fails(world: World, codes: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_import, "MAX_BYTES", 100)

    run = run_import(world, "pupils", csv_file([ELSA_WITH_PARENTS]))

    assert run.status == ImportStatus.FAILED
    assert "larger than" in run.error
    assert not Child.objects.filter(identity_number=ELSA).exists()


def test_empty_file_fails(world: World) -> None:
    run = run_import(world, "absences", SimpleUploadedFile("tom.csv", b""))

    assert run.status == ImportStatus.FAILED
    assert run.error == "The file is empty."


def test_the_example_files_in_the_docs_import(world: World, codes: None) -> None:
    with (EXAMPLES / "pupils.csv").open("rb") as pupils:
        first = run_import(world, "pupils", pupils)
    with (EXAMPLES / "absences.csv").open("rb") as absences:
        second = run_import(world, "absences", absences)

    assert first.status == second.status == ImportStatus.COMPLETED
    assert first.counts["persons"]["created"] == 3
    created = sum(second.counts.get(name, {}).get("created", 0) for name in ("absences", "attendances"))
    assert created == 4
    assert first.source_label == "pupils.csv"


# -- what forms refuse, and what the file may not learn ---------------------------------------------------------------


def test_imports_refuse_control_characters_line_by_line_and_commit_nothing(world: World, codes: None) -> None:
    before = snapshot()
    file = csv_file([pupil(), pupil(OMAR, first_name="Om\x00ar", last_name="Exempel\x07sson")])

    run = run_import(world, "pupils", file)

    rejection = run.rejections.get()
    assert run.status == ImportStatus.FAILED and snapshot() == before
    assert rejection.row_number == 3
    assert "first_name, last_name" in rejection.reason and "control character" in rejection.reason


def test_imports_say_not_matched_alike_for_an_unknown_pupil_and_one_of_another_school(
    world: World, codes: None
) -> None:
    other = Child.objects.get(pk=world.child.pk)
    Placement.objects.filter(child=other).update(unit=world.other_school)  # Alva now goes to Björkskolan

    unknown = run_import(world, "absences", csv_file([absence(OMAR)])).rejections.get()
    elsewhere = run_import(world, "absences", csv_file([absence(other.identity_number)])).rejections.get()

    assert unknown.reason == elsewhere.reason
    assert "not matched" in unknown.reason
    assert not AbsenceRecord.objects.exists()

"""`kring seed --via-ss12000`: the demo's pupils, guardians, placements, classes and absences come through the
SS 12000 import from the local server, and end up as the direct seed writes them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from kring.people.models import Child, Custody, Group, Guardian, Placement
from kring.schooldata.models import AbsenceIndicator, AbsenceRecord, ImportRun, ImportStatus


def _counts() -> dict[str, int]:
    return {
        "children": Child.objects.count(),
        "guardians": Guardian.objects.count(),
        "custody": Custody.objects.count(),
        "placements": Placement.objects.count(),
        "groups": Group.objects.count(),
    }


def _early_warning() -> list[tuple[str, int, float, float]]:
    """Each pupil's level and figures, by identity number (the rows' ids differ between the two seeds)."""
    return sorted(
        AbsenceIndicator.objects.values_list("child__identity_number", "level", "term_percent", "window_percent")
    )


@pytest.mark.django_db
def test_seed_via_ss12000_imports_the_same_people_and_this_terms_absences() -> None:
    """And then the early warning from the absence as the standard sends it is the demo's (one seed for both: the
    seeding is the slow part)."""
    call_command("seed", size="small", stdout=StringIO())
    direct = _counts()

    out = StringIO()

    call_command("seed", size="small", replace=True, via_ss12000=True, stdout=out)

    assert _counts() == direct
    runs = ImportRun.objects.all()
    assert [run.status for run in runs] == [ImportStatus.COMPLETED, ImportStatus.COMPLETED]
    assert sum(run.rejected for run in runs) == 0
    assert Child.objects.exclude(ss12000_id="").count() == direct["children"]
    assert AbsenceRecord.objects.count() > 1000
    assert AbsenceIndicator.objects.filter(level__gte=1).exists()
    assert "records created by the SS 12000 import" in out.getvalue()
    _assert_the_early_warning_survives_the_standards_shapes()


def _assert_the_early_warning_survives_the_standards_shapes() -> None:
    """The demo's absence exported as SS 12000 has it (notified absence as /absences, each lesson missed as a calendar
    event and the attendance at it), deleted, and imported again: every pupil's level and figures are as before."""
    from kring.demo.via_ss12000 import round_trip_absences
    from kring.directory.models import Municipality

    before, rows = _early_warning(), AbsenceRecord.objects.count()

    run = round_trip_absences(Municipality.objects.get())

    assert run.rejected == 0 and run.warnings == []
    assert {"absences", "calendarEvents", "attendances"} <= set(run.counts)
    assert AbsenceRecord.objects.count() == rows
    assert _early_warning() == before
    assert any(level for _number, level, _term, _window in before)

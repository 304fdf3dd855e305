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


@pytest.mark.django_db
def test_seed_via_ss12000_imports_the_same_people_and_this_terms_absences() -> None:
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

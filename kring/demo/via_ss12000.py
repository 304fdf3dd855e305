"""`kring seed --via-ss12000`: the demo's pupils, guardians, placements, classes and absences go through the same
SS 12000 import a municipality uses, from the local SS 12000 server, instead of being written directly.

The generator first writes them as usual; each round trip then exports them in SS 12000's shapes
(`dataset_from_municipality`), deletes them, serves the export on a local port and imports it over HTTP. Units
keep their rows (staff and contact persons refer to them) and are matched on their SS 12000 ids.
"""

from __future__ import annotations

from django.db.models import Q

from kring.demo.past_cases import PAST_SOURCE
from kring.directory.models import SCHOOL_KINDS, Municipality, Unit
from kring.people.models import Child, Custody, Group, Guardian, Placement
from kring.schooldata.client import ClientSettings, Ss12000Client
from kring.schooldata.dataset import Ss12000Dataset, dataset_from_municipality, stable_id
from kring.schooldata.importer import import_ss12000
from kring.schooldata.models import AbsenceIndicator, AbsenceRecord, ImportRun
from kring.schooldata.testserver import serve

BY_LABEL = "kring seed --via-ss12000"
PEOPLE = ("organisations", "persons", "placements", "groups")


class RoundTripError(Exception):
    """The import refused part of the demo's own data: a bug in the export or the import."""


def _name_the_units(municipality: Municipality) -> None:
    units = Unit.objects.filter(municipality=municipality, kind__in=SCHOOL_KINDS, ss12000_id="")
    changed = list(units)
    for unit in changed:
        unit.ss12000_id = stable_id(Unit, unit.pk)
    Unit.objects.bulk_update(changed, ["ss12000_id"])


def _import(dataset: Ss12000Dataset, municipality: Municipality, resources: tuple[str, ...]) -> ImportRun:
    with serve(dataset) as server:
        settings = ClientSettings(
            base_url=server.base_url,
            token_url=server.token_url,
            client_id=server.client_id,
            client_secret=server.client_secret,
            page_size=2000,
        )
        with Ss12000Client(settings) as client:
            run = import_ss12000(
                municipality=municipality, client=client, resources=resources, full=True, by_label=BY_LABEL
            )
    if run.rejected:
        reasons = "; ".join(run.rejections.values_list("reason", flat=True)[:5])
        raise RoundTripError(f"the import refused {run.rejected} of the demo's records: {reasons}")
    return run


def round_trip_people(municipality: Municipality) -> ImportRun:
    """Pupils, guardians, custody, placements and classes: exported, deleted, imported again (before any case)."""
    _name_the_units(municipality)
    dataset = dataset_from_municipality(municipality)
    children = Child.objects.filter(municipality=municipality)
    Custody.objects.filter(child__in=children).delete()
    Placement.objects.filter(Q(child__in=children) | Q(unit__municipality=municipality)).delete()
    Group.objects.filter(unit__municipality=municipality).delete()
    children.delete()
    Guardian.objects.filter(municipality=municipality).delete()
    return _import(dataset, municipality, PEOPLE)


def round_trip_absences(municipality: Municipality) -> ImportRun:
    """This term's absences: exported, deleted, imported again (the indicators are recomputed by the import). The
    past TSI cases' absence of earlier terms (`kring.demo.past_cases`) is set aside meanwhile and put back as it was:
    the export's calendar covers this term only."""
    past_rows = AbsenceRecord.objects.filter(municipality=municipality, source_id__startswith=PAST_SOURCE)
    past = list(past_rows)
    past_rows.delete()
    dataset = dataset_from_municipality(municipality)
    AbsenceIndicator.objects.filter(municipality=municipality).delete()
    AbsenceRecord.objects.filter(municipality=municipality).delete()
    run = _import(dataset, municipality, ("absences", "calendarEvents", "attendances"))
    for record in past:
        record.pk = None
    AbsenceRecord.objects.bulk_create(past, batch_size=2000)
    return run

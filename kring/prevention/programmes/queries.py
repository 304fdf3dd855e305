"""Reading the prevention programmes: the catalogue (no child data: every member of staff who works with prevention
may read it), a programme at a school (its leadership; the coordinator sees it without the pupil mentors' names),
and reach and fidelity per school and across the municipality.

Reach and fidelity are aggregates (classes, pupils and staff counted, no one named) in a constant number of
queries for all schools at once:

* **classes reached**: the classes in the programme's target grades at the school that have had at least one
  session, of all such classes; **pupils reached**: the pupils placed in those classes now, of all pupils in the
  target grades;
* **fidelity**: the sessions of the manual held, counted once per class, of the manual's sessions times the classes
  reached;
* **staff trained**: the staff with an active role at the school who were trained, of all of them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet
from django.http import Http404

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import Basis, bases_for_children, can, municipality_of, visible_to
from kring.access.roles import Permission
from kring.directory.models import Membership, Unit, UnitKind, User
from kring.people.models import Child, Group, Placement
from kring.prevention.models import Programme, ProgrammeRun, PupilMentor, SessionHeld, StaffTraining
from kring.prevention.terms import term_of
from kring.prevention.tryggbas.queries import lead_unit_ids


def may_read_catalogue(user: User) -> bool:
    return can(user, Permission.PREVENTION_LEAD) or can(user, Permission.PREVENTION_FOLLOW)


def catalogue(user: User) -> QuerySet[Programme]:
    if not may_read_catalogue(user):
        raise Http404
    return (
        Programme.objects.filter(municipality_id=municipality_of(user))
        .prefetch_related("organisations", "manual")
        .order_by("name")
    )


def get_programme_for_user(user: User, pk: int, *, for_write: bool = False) -> Programme:
    """A programme of the user's municipality they may read (or, `for_write`, change), or 404."""
    programme = catalogue(user).filter(pk=pk).first()
    if programme is None or (for_write and not can(user, Permission.PREVENTION_FOLLOW)):
        raise Http404
    return programme


def school_for_user(user: User, programme: Programme, unit_id: int) -> tuple[Unit, bool]:
    """A school of the municipality, and whether the user leads its prevention; 404 for anyone who neither leads
    it nor follows the municipality's."""
    unit = Unit.objects.filter(pk=unit_id, municipality_id=programme.municipality_id, kind=UnitKind.SCHOOL).first()
    is_lead = unit is not None and unit.pk in lead_unit_ids(user)
    if unit is None or not (is_lead or can(user, Permission.PREVENTION_FOLLOW)):
        raise Http404
    return unit, is_lead


def run_for(programme: Programme, unit: Unit, today: date) -> ProgrammeRun | None:
    return ProgrammeRun.objects.filter(programme=programme, unit=unit, term=term_of(today)).first()


@dataclass
class RunPage:
    run: ProgrammeRun | None
    trainings: list[StaffTraining]
    sessions: list[SessionHeld]
    mentors: list[PupilMentor]  # only those the user has a basis for (the leadership of the school)
    mentor_count: int


def run_page(user: User, programme: Programme, unit: Unit, today: date) -> RunPage:
    """The programme at the school this term; the pupil mentors' names only for those with a basis, audited."""
    run = run_for(programme, unit, today)
    if run is None:
        return RunPage(None, [], [], [], 0)
    trainings = list(run.trainings.select_related("user").order_by("trained_on", "pk"))
    sessions = list(
        run.sessions.select_related("group", "manual_session").prefetch_related("facilitators").order_by("held_on")
    )
    count = run.pupil_mentors.count()
    mentors = list(
        visible_to(user, PupilMentor.objects.filter(run=run))
        .select_related("child")
        .order_by("child__last_name", "child__first_name")
    )
    if mentors:
        ids = [mentor.child_id for mentor in mentors]
        _audit_mentors(user, run, ids, bases_for_children(user, ids))
    return RunPage(run, trainings, sessions, mentors, count)


def _audit_mentors(user: User, run: ProgrammeRun, ids: list[int], bases: dict[int, list[Basis]]) -> None:
    record_event(
        actor=user,
        action=AuditAction.READ,
        target_type="pupil_mentors",
        target_id=run.pk,
        details={
            "children": ids,
            "count": len(ids),
            "bases": {str(i): bases[i][0].describe() for i in ids if bases.get(i)},
        },
    )


def get_mentor_for_user(user: User, pk: int) -> PupilMentor:
    """A pupil mentor the user has a basis for, or 404."""
    mentor = visible_to(user, PupilMentor.objects.filter(pk=pk)).select_related("run", "unit__organisation").first()
    if mentor is None:
        raise Http404
    return mentor


def mentor_choices(user: User, programme: Programme, unit: Unit, today: date) -> QuerySet[Child]:
    """The pupils of the school in the programme's target grades (every grade when none) the user may see."""
    placed = Placement.objects.current(today).filter(unit=unit)
    if programme.target_grades:
        placed = placed.filter(grade__in=programme.target_grades)
    return visible_to(user, Child.objects.filter(pk__in=placed.values("child_id"))).order_by("last_name", "first_name")


def class_choices(programme: Programme, unit: Unit, today: date) -> QuerySet[Group]:
    """The school's classes with pupils in the programme's target grades now."""
    placed = Placement.objects.current(today).filter(unit=unit, group__isnull=False)
    if programme.target_grades:
        placed = placed.filter(grade__in=programme.target_grades)
    return Group.objects.filter(pk__in=placed.values("group_id")).order_by("name")


def facilitator_choices(programme: Programme, unit: Unit) -> QuerySet[User]:
    """The school's staff and the staff of the organisations that run the programme (social services, ...)."""
    organisations = programme.organisations.values("pk")
    members = Membership.objects.filter(active=True).filter(unit=unit) | Membership.objects.filter(
        active=True, unit__organisation_id__in=organisations
    )
    return User.objects.filter(pk__in=members.values("user_id"), is_active=True).order_by("last_name", "first_name")


# --- reach and fidelity ------------------------------------------------------------------------------------------


def share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class Reach:
    unit: Unit
    classes: int
    classes_reached: int
    pupils: int
    pupils_reached: int
    sessions_planned: int
    sessions_held: int
    staff: int
    staff_trained: int
    mentors: int

    @property
    def classes_percent(self) -> int | None:
        return share(self.classes_reached, self.classes)

    @property
    def pupils_percent(self) -> int | None:
        return share(self.pupils_reached, self.pupils)

    @property
    def fidelity_percent(self) -> int | None:
        return share(self.sessions_held, self.sessions_planned)

    @property
    def staff_percent(self) -> int | None:
        return share(self.staff_trained, self.staff)


def reach(user: User, programme: Programme, today: date) -> list[Reach]:
    """Reach and fidelity at every school that runs the programme this term (those the user leads, or every one
    for the municipality's coordinator); aggregates only, audited as such."""
    runs = ProgrammeRun.objects.filter(programme=programme, term=term_of(today)).select_related("unit")
    if not can(user, Permission.PREVENTION_FOLLOW):
        runs = runs.filter(unit_id__in=lead_unit_ids(user))
    runs_list = list(runs.order_by("unit__name"))
    units = [run.unit_id for run in runs_list]
    placed = Placement.objects.current(today).filter(unit_id__in=units, group__isnull=False)
    if programme.target_grades:
        placed = placed.filter(grade__in=programme.target_grades)
    pupils_by_class = _by_class(placed)
    held = SessionHeld.objects.filter(run__in=runs_list)
    reached = set(held.values_list("group_id", flat=True))
    # each session of the manual counted once per class, by the school it was held at
    manual_held = held.filter(manual_session__isnull=False).values_list("run__unit_id", "group_id", "manual_session_id")
    per_unit_manual: dict[int, int] = defaultdict(int)
    for unit_id, _group, _session in set(manual_held):
        per_unit_manual[unit_id] += 1
    manual_length = programme.manual.count()
    staff = _counts(
        Membership.objects.filter(unit_id__in=units, active=True, user__is_active=True)
        .values("unit_id")
        .annotate(n=Count("user_id", distinct=True))
    )
    trained = _counts(
        StaffTraining.objects.filter(run__in=runs_list)
        .values("run__unit_id")
        .annotate(n=Count("user_id", distinct=True)),
        key="run__unit_id",
    )
    mentors = _counts(PupilMentor.objects.filter(run__in=runs_list).values("unit_id").annotate(n=Count("pk")))
    found = []
    for run in runs_list:
        classes = {g: n for g, (u, n) in pupils_by_class.items() if u == run.unit_id}
        hit = [g for g in classes if g in reached]
        found.append(
            Reach(
                run.unit,
                len(classes),
                len(hit),
                sum(classes.values()),
                sum(classes[g] for g in hit),
                manual_length * len(hit),
                per_unit_manual.get(run.unit_id, 0),
                staff.get(run.unit_id, 0),
                trained.get(run.unit_id, 0),
                mentors.get(run.unit_id, 0),
            )
        )
    record_event(
        actor=user,
        action=AuditAction.READ,
        target_type="programme_reach",
        target_id=programme.pk,
        details={"schools": units},
    )
    return found


def _by_class(placed: QuerySet[Placement]) -> dict[int, tuple[int, int]]:
    """Each class's school and number of pupils."""
    rows = placed.order_by().values("group_id", "unit_id").annotate(n=Count("child_id", distinct=True))
    return {row["group_id"]: (row["unit_id"], row["n"]) for row in rows}


def _counts(rows: QuerySet, key: str = "unit_id") -> dict[int, int]:  # type: ignore[type-arg]
    return {row[key]: row["n"] for row in rows}


def municipality_totals(rows: list[Reach]) -> Reach | None:
    """The schools' figures added up (the municipality's reach), or None without any school."""
    if not rows:
        return None
    fields = (
        "classes",
        "classes_reached",
        "pupils",
        "pupils_reached",
        "sessions_planned",
        "sessions_held",
        "staff",
        "staff_trained",
        "mentors",
    )
    totals = {name: sum(getattr(row, name) for row in rows) for name in fields}
    return Reach(rows[0].unit, **totals)

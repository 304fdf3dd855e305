"""Reading the trygg-bas inventory and the class review through the access policy.

A class is open to its mentor and teachers (while they hold a school role at the school) and to those who lead the
school's prevention (the principal and student health: Permission.PREVENTION_LEAD at the school); anyone else gets
404. Every list goes through `visible_to` with a constant number of queries, and every read that shows pupils is
audited with the children it showed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import (
    Basis,
    bases_for_children,
    basis_among,
    basis_for,
    units_where,
    units_with_permission,
    visible_to,
)
from kring.access.roles import PLACEMENT_ORIGINS, Category, Origin, Permission
from kring.directory.models import Unit, User
from kring.people.models import Child, Group, GroupStaff, Placement
from kring.people.queries import get_child_for_user
from kring.people.views import OverviewPart
from kring.prevention.models import (
    AgreedRating,
    RelationAssignment,
    SafeAdultEntry,
    SafeAdultStatus,
    Wellbeing,
    WellbeingRating,
)
from kring.prevention.models.trygg_bas import GAP_STATUSES
from kring.prevention.terms import term_label, term_of
from kring.schooldata.queries import Column, ColumnCell

WELLBEING_TAGS: dict[str, str] = {
    Wellbeing.GREEN: "tag--ok",
    Wellbeing.YELLOW: "tag--warning",
    Wellbeing.RED: "tag--alert",
}


def lead_unit_ids(user: User) -> list[int]:
    """The schools whose prevention the user leads (principal, student health)."""
    return units_with_permission(user, Permission.PREVENTION_LEAD)


def lead_units(user: User) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=lead_unit_ids(user)).select_related("organisation").order_by("name")


def get_lead_unit_for_user(user: User, unit_id: int) -> Unit:
    """A school whose prevention the user leads, or 404 (whether or not it exists)."""
    unit = lead_units(user).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


def _school_unit_ids(user: User) -> list[int]:
    return units_where(user, PLACEMENT_ORIGINS)


def class_ids(user: User, today: date) -> QuerySet[GroupStaff, Any]:
    """The ids of the classes the user is mentor or teacher of now, at a school where they hold a school role."""
    staff = GroupStaff.objects.current(today).filter(user_id=user.pk, group__unit_id__in=_school_unit_ids(user))
    return staff.values("group_id")


def classes_for_user(user: User, today: date) -> QuerySet[Group]:
    """The classes with pupils now that the user may open: their own, and every class of the schools they lead."""
    with_pupils = Placement.objects.current(today).filter(group__isnull=False).values("group_id")
    own_or_led = Q(pk__in=class_ids(user, today)) | Q(unit_id__in=lead_unit_ids(user))
    return Group.objects.filter(own_or_led, pk__in=with_pupils).select_related("unit__organisation")


def get_class_for_user(user: User, group_id: int, today: date) -> tuple[Group, bool]:
    """The class and whether the user leads its school's prevention, or 404."""
    group = classes_for_user(user, today).filter(pk=group_id).first()
    if group is None:
        raise Http404
    return group, group.unit_id in lead_unit_ids(user)


@dataclass(frozen=True)
class ClassProgress:
    group: Group
    pupils: int
    recorded: int
    named: int
    my_ratings: int
    agreed: int

    @property
    def gaps(self) -> int:
        return self.recorded - self.named


def inventory_progress(user: User, today: date) -> list[tuple[Group, int, int]]:
    """The user's classes with their pupils and how many of them this term's inventory of safe adults holds (the
    start page's part of `class_progress`, in three queries)."""
    groups = list(classes_for_user(user, today).order_by("unit__name", "name"))
    ids = [group.pk for group in groups]
    pupils = _counts(visible_to(user, Placement.objects.current(today).filter(group_id__in=ids)), "group_id")
    entries = visible_to(user, SafeAdultEntry.objects.filter(group_id__in=ids, term=term_of(today)))
    recorded = _counts(entries, "group_id")
    return [(group, pupils[group.pk], recorded[group.pk]) for group in groups if pupils[group.pk]]


def class_progress(user: User, today: date) -> list[ClassProgress]:
    """The user's classes with this term's progress: pupils, inventoried, named, rated by the user, agreed."""
    groups = list(classes_for_user(user, today).order_by("unit__name", "name"))
    ids = [group.pk for group in groups]
    term = term_of(today)
    pupils = _counts(visible_to(user, Placement.objects.current(today).filter(group_id__in=ids)), "group_id")
    entries = visible_to(user, SafeAdultEntry.objects.filter(group_id__in=ids, term=term))
    recorded = _counts(entries, "group_id")
    named = _counts(entries.filter(status=SafeAdultStatus.NAMED), "group_id")
    mine = _counts(
        visible_to(user, WellbeingRating.objects.filter(group_id__in=ids, term=term, rated_by_id=user.pk)), "group_id"
    )
    agreed = _counts(
        visible_to(user, AgreedRating.objects.filter(review__group_id__in=ids, term=term)), "review__group_id"
    )
    return [
        ClassProgress(g, pupils[g.pk], recorded[g.pk], named[g.pk], mine[g.pk], agreed[g.pk])
        for g in groups
        if pupils[g.pk]
    ]


def _counts(rows: QuerySet[Any], key: str) -> dict[int, int]:
    found: dict[int, int] = defaultdict(int)
    for value, count in rows.values(key).annotate(n=Count("pk")).values_list(key, "n"):
        found[value] = count
    return found


# --- the class screen --------------------------------------------------------------------------------------------


@dataclass
class PupilLine:
    child: Child
    entry: SafeAdultEntry | None = None
    own_rating: str = ""
    ratings: list[WellbeingRating] = field(default_factory=list)
    agreed: AgreedRating | None = None
    can_record: bool = False
    can_rate: bool = False
    # the view's forms for the line
    safe_form: Any = None
    rating_form: Any = None
    agree_form: Any = None


@dataclass
class ClassSheet:
    group: Group
    term: date
    lines: list[PupilLine]
    is_lead: bool
    staff_choices: list[User]

    @property
    def term_label(self) -> str:
        return term_label(self.term)

    @property
    def counts(self) -> ClassCounts:
        return ClassCounts(
            len(self.lines),
            sum(1 for line in self.lines if line.entry is not None),
            sum(1 for line in self.lines if line.own_rating),
            sum(1 for line in self.lines if line.agreed is not None),
        )


@dataclass(frozen=True)
class ClassCounts:
    pupils: int
    recorded: int
    rated: int
    agreed: int


def class_counts(user: User, group: Group, today: date) -> ClassCounts:
    """This term's progress of the class, as counts (for the line of the page that a save changes)."""
    term = term_of(today)
    placed = Placement.objects.current(today).filter(group=group)
    kept = {"unit": group.unit, "term": term, "child_id__in": placed.values("child_id")}
    return ClassCounts(
        visible_to(user, Child.objects.filter(pk__in=placed.values("child_id"))).count(),
        visible_to(user, SafeAdultEntry.objects.filter(**kept)).count(),
        visible_to(user, WellbeingRating.objects.filter(rated_by_id=user.pk, **kept)).count(),
        visible_to(user, AgreedRating.objects.filter(**kept)).count(),
    )


def school_staff(unit: Unit) -> list[User]:
    """The staff with an active role at the school, to name as a safe adult or a responsible."""
    users = User.objects.filter(memberships__unit=unit, memberships__active=True, is_active=True).distinct()
    return list(users.order_by("last_name", "first_name", "pk"))


def class_sheet(
    user: User, group: Group, is_lead: bool, today: date, *, child_ids: list[int] | None = None
) -> ClassSheet:
    """The class's pupils with this term's safe adult, the user's own rating and (for the review) everyone's and the
    agreed one; the read is audited. `child_ids` narrows it to some pupils (one row, after a save)."""
    term = term_of(today)
    placed = Placement.objects.current(today).filter(group=group)
    if child_ids is not None:
        placed = placed.filter(child_id__in=child_ids)
    children = list(
        visible_to(user, Child.objects.filter(pk__in=placed.values("child_id"))).order_by(
            "last_name", "first_name", "pk"
        )
    )
    ids = [child.pk for child in children]
    lines = {child.pk: PupilLine(child) for child in children}
    kept_here = {"unit": group.unit, "term": term, "child_id__in": ids}
    for entry in visible_to(user, SafeAdultEntry.objects.filter(**kept_here)).select_related("adult"):
        lines[entry.child_id].entry = entry
    ratings = visible_to(user, WellbeingRating.objects.filter(**kept_here)).select_related("rated_by")
    for rating in ratings.order_by("rated_at", "pk"):
        lines[rating.child_id].ratings.append(rating)
        if rating.rated_by_id == user.pk:
            lines[rating.child_id].own_rating = rating.rating
    for agreed in visible_to(user, AgreedRating.objects.filter(**kept_here)).select_related("responsible"):
        lines[agreed.child_id].agreed = agreed
    bases = bases_for_children(user, ids)
    for child_id, line in lines.items():
        here = [basis for basis in bases[child_id] if basis.reaches_unit(group.unit_id, group.unit.organiser)]
        line.can_record = basis_among(here, Origin.SCHOOL, Category.SAFE_ADULT) is not None
        line.can_rate = basis_among(here, Origin.SCHOOL, Category.WELLBEING) is not None
    _audit_children(user, "class_inventory", group.pk, ids, bases, term=term.isoformat())
    staff = school_staff(group.unit)
    return ClassSheet(group, term, list(lines.values()), is_lead, staff)


def _audit_children(
    user: User, target: str, target_id: int, ids: list[int], bases: dict[int, list[Basis]], **details: Any
) -> None:
    record_event(
        actor=user,
        action=AuditAction.READ,
        target_type=target,
        target_id=target_id,
        details={
            "children": ids,
            "count": len(ids),
            "bases": {str(child_id): bases[child_id][0].describe() for child_id in ids if bases.get(child_id)},
            **details,
        },
    )


def get_pupil_in_class_for_user(user: User, group: Group, child_id: int, today: date) -> Child:
    """A pupil of the class today whom the user may see, or 404."""
    placed = Placement.objects.current(today).filter(group=group, child_id=child_id).values("child_id")
    child = visible_to(user, Child.objects.filter(pk__in=placed)).first()
    if child is None:
        raise Http404
    return child


def get_pupil_at_school_for_user(user: User, unit: Unit, child_id: int, today: date) -> Child:
    """A pupil placed at the school today whom the user may see, or 404."""
    placed = Placement.objects.current(today).filter(unit=unit, child_id=child_id).values("child_id")
    child = visible_to(user, Child.objects.filter(pk__in=placed)).first()
    if child is None:
        raise Http404
    return child


def get_agreed_for_user(user: User, pk: int) -> AgreedRating:
    """An agreed rating the user may see, or 404."""
    agreed = visible_to(user, AgreedRating.objects.filter(pk=pk)).select_related("child", "unit__organisation").first()
    if agreed is None:
        raise Http404
    return agreed


def class_staff(group: Group, today: date) -> list[GroupStaff]:
    """The class's mentor and teachers now (not child data)."""
    return list(GroupStaff.objects.current(today).filter(group=group).select_related("user").order_by("role", "pk"))


def get_class_staff_for_user(user: User, pk: int, today: date) -> GroupStaff:
    """A class-staff assignment at a school the user leads, or 404."""
    staff = GroupStaff.objects.filter(pk=pk, group__unit_id__in=lead_unit_ids(user)).select_related("group").first()
    if staff is None:
        raise Http404
    return staff


# --- gaps --------------------------------------------------------------------------------------------------------


@dataclass
class Gap:
    entry: SafeAdultEntry
    assignments: list[RelationAssignment] = field(default_factory=list)
    form: Any = None  # the view's form to assign an adult

    @property
    def open_assignment(self) -> RelationAssignment | None:
        return next((a for a in self.assignments if a.followed_up_at is None), None)


def gaps(user: User, unit: Unit, today: date) -> list[Gap]:
    """The school's pupils without a safe adult this term (none yet, unsure), each with what was done; audited."""
    term = term_of(today)
    entries = visible_to(user, SafeAdultEntry.objects.filter(unit=unit, term=term, status__in=GAP_STATUSES))
    found = {
        entry.child_id: Gap(entry)
        for entry in entries.select_related("child", "group").order_by("group__name", "child__last_name", "pk")
    }
    assignments = visible_to(
        user, RelationAssignment.objects.filter(unit=unit, term=term, child_id__in=list(found))
    ).select_related("adult", "followed_up_by")
    for assignment in assignments.order_by("assigned_at", "pk"):
        found[assignment.child_id].assignments.append(assignment)
    ids = list(found)
    _audit_children(user, "safe_adult_gaps", unit.pk, ids, bases_for_children(user, ids), term=term.isoformat())
    return list(found.values())


def get_assignment_for_user(user: User, pk: int) -> tuple[RelationAssignment, Basis]:
    """An assignment to build a relation that the user may see, with the basis, or 404."""
    assignment = (
        visible_to(user, RelationAssignment.objects.filter(pk=pk))
        .select_related("child", "unit__organisation", "adult")
        .first()
    )
    basis = basis_for(user, assignment) if assignment is not None else None
    if assignment is None or basis is None:
        raise Http404
    return assignment, basis


def audit_assignment_read(user: User, assignment: RelationAssignment, basis: Basis) -> None:
    record_event(
        actor=user,
        action=AuditAction.READ,
        target_type="relation_assignment",
        target_id=assignment.pk,
        child_id=assignment.child_id,
        basis=basis,
    )


# --- the early warning and the child overview --------------------------------------------------------------------


def latest_agreed(user: User, unit_id: int, child_ids: list[int]) -> dict[int, AgreedRating]:
    """Each pupil's latest agreed rating at the school that the user may see."""
    rows = visible_to(user, AgreedRating.objects.filter(unit_id=unit_id, child_id__in=child_ids))
    found: dict[int, AgreedRating] = {}
    for agreed in rows.order_by("child_id", "-term", "-pk"):
        found.setdefault(agreed.child_id, agreed)
    return found


def wellbeing_column(user: User, unit: Unit, child_ids: list[int]) -> Column | None:
    """The early warning's column of the class review's latest agreed rating, for those who may see it."""
    if unit.pk not in lead_unit_ids(user):
        return None
    cells = {
        child_id: ColumnCell(
            agreed.get_rating_display(), WELLBEING_TAGS.get(agreed.rating, ""), term_label(agreed.term)
        )
        for child_id, agreed in latest_agreed(user, unit.pk, child_ids).items()
    }
    return Column(str(Category.WELLBEING.label), cells)


def child_prevention_part(user: User, child: Child) -> OverviewPart:
    """The overview's section of the pupil's safe adult and wellbeing over terms, loaded after the page (htmx)."""
    return OverviewPart("prevention/_child_loader.html", {"url": reverse("prevention_child", args=[child.pk])})


@dataclass(frozen=True)
class TermLine:
    term: date
    entry: SafeAdultEntry | None
    agreed: AgreedRating | None

    @property
    def label(self) -> str:
        return term_label(self.term)


def child_prevention_for_user(user: User, child_pk: int) -> tuple[Child, list[TermLine]] | None:
    """The pupil's safe adult and agreed wellbeing per term, newest first, for a user whose basis reaches them;
    audited. 404 without any basis for the child; None with one that reaches neither."""
    child, bases = get_child_for_user(user, child_pk)
    basis = basis_among(bases, Origin.SCHOOL, Category.WELLBEING) or basis_among(
        bases, Origin.SCHOOL, Category.SAFE_ADULT
    )
    if basis is None:
        return None
    entries = visible_to(user, SafeAdultEntry.objects.filter(child=child)).select_related("adult", "unit")
    agreed = visible_to(user, AgreedRating.objects.filter(child=child)).select_related("unit")
    by_term: dict[date, dict[str, Any]] = defaultdict(dict)
    for entry in entries:
        by_term[entry.term]["entry"] = entry
    for rating in agreed:
        by_term[rating.term]["agreed"] = rating
    record_event(
        actor=user,
        action=AuditAction.READ,
        target_type="child_prevention",
        target_id=child.pk,
        child_id=child.pk,
        basis=basis,
        details={"terms": [t.isoformat() for t in sorted(by_term)]},
    )
    lines = [TermLine(term, parts.get("entry"), parts.get("agreed")) for term, parts in by_term.items()]
    return child, sorted(lines, key=lambda line: line.term, reverse=True)

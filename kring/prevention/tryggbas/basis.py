"""The class-staff basis: the mentor and the teachers of a class see its pupils' names, its inventory of safe adults
and its wellbeing ratings (school data, categories `safe_adult` and `wellbeing`), while they hold a school role
at the class's school and the assignment is in force. An adult whom the principal or student health asked to build
a relation with a pupil (a gap in the inventory) sees the pupil's name and safe-adult line until it is followed up.
Nothing else: not the pupils' absence or guardians beyond what their role at the school already gives them. A
pupil with protected identity only for those whose role at the school may know the pupil
(`PROTECTED_IDENTITY_ROLES`)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.utils.translation import gettext as _

from kring.access.acting import StaffUser
from kring.access.policy import Basis, ChildModel, units_where
from kring.access.request_scope import once_per_request
from kring.access.roles import PLACEMENT_ORIGINS, PROTECTED_IDENTITY_ROLES, Category, Origin
from kring.people.models import GroupStaff, Placement
from kring.prevention.models import RelationAssignment

CLASS_STAFF_BASIS = "class_staff"
CLASS_CATEGORIES = frozenset({Category.IDENTITY, Category.PLACEMENT, Category.SAFE_ADULT, Category.WELLBEING})


def _school_units(user: StaffUser) -> tuple[list[int], list[int]]:
    """The schools where the user holds a school role now, and those of them where the role may know a pupil with
    protected identity."""
    units = units_where(user, PLACEMENT_ORIGINS)
    protected = units_where(user, set(PLACEMENT_ORIGINS) & PROTECTED_IDENTITY_ROLES)
    return units, protected


def class_placements(user: StaffUser) -> QuerySet[Placement] | None:
    """The current placements in the classes the user is mentor or teacher of now (None: none)."""
    return once_per_request(("class_placements", user.pk), lambda: _class_placements(user))


def _class_placements(user: StaffUser) -> QuerySet[Placement] | None:
    units, protected = _school_units(user)
    if not units:
        return None
    groups = GroupStaff.objects.current().filter(user_id=user.pk, group__unit_id__in=units).values("group_id")
    placed = Placement.objects.current().filter(group_id__in=groups)
    return placed.filter(Q(child__protected_identity=False) | Q(unit_id__in=protected))


ASSIGNED_CATEGORIES = frozenset({Category.IDENTITY, Category.PLACEMENT, Category.SAFE_ADULT})


def relations_to_build(user: StaffUser) -> QuerySet[RelationAssignment] | None:
    """The open assignments to build a relation given to the user, at schools where they hold a school role now."""
    return once_per_request(("relations_to_build", user.pk), lambda: _relations_to_build(user))


def _relations_to_build(user: StaffUser) -> QuerySet[RelationAssignment] | None:
    units, protected = _school_units(user)
    if not units:
        return None
    assigned = RelationAssignment.objects.filter(adult_id=user.pk, unit_id__in=units, followed_up_at__isnull=True)
    return assigned.filter(Q(child__protected_identity=False) | Q(unit_id__in=protected))


class ClassStaffBasisProvider:
    kind = CLASS_STAFF_BASIS
    routine = True

    def visibility_q(self, user: StaffUser, info: ChildModel) -> Q | None:
        if info.origin_field is not None or info.origin not in ("", Origin.SCHOOL):
            return None
        if info.category_field is not None or info.category not in CLASS_CATEGORIES:
            return None
        reach: Q | None = None
        placed = class_placements(user)
        if placed is not None:
            reach = self._reach(info, placed)
        assigned = relations_to_build(user)
        if assigned is not None and info.category in ASSIGNED_CATEGORIES:
            part = self._reach(info, assigned)
            reach = part if reach is None else reach | part
        return reach

    def _reach(self, info: ChildModel, rows: QuerySet[Any]) -> Q:
        """The records of these children; of a record a school keeps, only those kept by the school of the row that
        gives the basis (the pupil's class there, the assignment there), never another school's about the same
        pupil."""
        if not info.unit_path:
            return Q(**{f"{info.child_path}__in": rows.values("child_id")})
        same = rows.filter(child_id=OuterRef(info.child_path), unit_id=OuterRef(info.unit_path))
        return Q(Exists(same.values("pk")))

    def bases(self, user: StaffUser, child_ids: list[int]) -> dict[int, list[Basis]]:
        """The class's and the assigned adult's bases, in one query."""
        found: dict[int, list[Basis]] = defaultdict(list)
        parts: list[QuerySet[Any, tuple[str, int, int, str, str]]] = []
        placed = class_placements(user)
        if placed is not None:
            in_class = placed.filter(child_id__in=child_ids).annotate(kind=Value("class"), label=F("group__name"))
            parts.append(in_class.order_by().values_list("kind", "child_id", "unit_id", "label", "unit__name"))
        assigned = relations_to_build(user)
        if assigned is not None:
            to_build = assigned.filter(child_id__in=child_ids).annotate(kind=Value("assigned"), label=Value(""))
            parts.append(to_build.order_by().values_list("kind", "child_id", "unit_id", "label", "unit__name"))
        if not parts:
            return found
        union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        for kind, child_id, unit_id, group, unit in union:
            found[child_id].append(_basis(kind, child_id, unit_id, group, unit))
        return found


def _basis(kind: str, child_id: int, unit_id: int, group: str, unit: str) -> Basis:
    if kind == "class":
        reason = _("mentor or teacher of class %(group)s at %(unit)s") % {"group": group, "unit": unit}
        categories = CLASS_CATEGORIES
    else:
        reason = _("asked to build a relation with the pupil at %(unit)s (trygg bas)") % {"unit": unit}
        categories = ASSIGNED_CATEGORIES
    return Basis(
        CLASS_STAFF_BASIS,
        child_id,
        reason,
        _("own activity, need to know"),
        frozenset({Origin.SCHOOL}),
        categories=categories,
        unit_ids=frozenset({unit_id}),
    )

"""The map's reading of the register: where groups overlap, which children no group serves, and how many groups
each person sits in. Pure functions over the groups already read (no queries of their own).

* Only **active** groups count; a **strategic** group steers and serves no child directly, so it closes no gap.
* Two groups **overlap** when they serve the same children (an issue in common, ages that meet, schools that
  meet: a group naming no school serves them all) and more than half of the smaller group's members sit in both.
* A **gap** is an issue and a span of ages no group serves; a school is uncovered when no group serves its pupils.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kring.collaboration.models import OLDEST_AGE, CollaborationGroup, GroupLevel, GroupMember, GroupStatus, Issue
from kring.directory.models import Unit


@dataclass(frozen=True)
class Overlap:
    first: CollaborationGroup
    second: CollaborationGroup
    issues: list[str]
    common_members: int
    smaller_size: int


@dataclass(frozen=True)
class Gap:
    issue: str
    age_from: int
    age_to: int

    @property
    def issue_label(self) -> str:
        return str(Issue(self.issue).label)

    @property
    def ages(self) -> str:
        return f"{self.age_from}–{self.age_to}"


@dataclass(frozen=True)
class PersonLoad:
    name: str
    organisation: str
    groups: list[CollaborationGroup]


@dataclass(frozen=True)
class Structure:
    groups: list[CollaborationGroup]
    overlaps: list[Overlap]
    gaps: list[Gap]
    uncovered_schools: list[Unit]
    people: list[PersonLoad]

    def lanes(self) -> list[tuple[str, str, list[CollaborationGroup]]]:
        """Per issue (value, label), the active groups serving children that work on it."""
        serving = [group for group in self.groups if serves_children(group)]
        return [(issue.value, str(issue.label), [g for g in serving if issue.value in g.issues]) for issue in Issue]

    @property
    def overlapping_ids(self) -> set[int]:
        return {group.pk for overlap in self.overlaps for group in (overlap.first, overlap.second)}


def serves_children(group: CollaborationGroup) -> bool:
    return group.status == GroupStatus.ACTIVE and group.level != GroupLevel.STRATEGIC


def _school_ids(group: CollaborationGroup) -> set[int] | None:
    """The schools a group serves; None for every school."""
    ids = {school.pk for school in group.schools.all()}
    return ids or None


def _serve_same_children(first: CollaborationGroup, second: CollaborationGroup) -> list[str]:
    issues = [issue for issue in first.issues if issue in second.issues]
    if not issues or first.age_to < second.age_from or second.age_to < first.age_from:
        return []
    first_schools, second_schools = _school_ids(first), _school_ids(second)
    if first_schools is not None and second_schools is not None and not first_schools & second_schools:
        return []
    return issues


def _people(group: CollaborationGroup) -> set[str]:
    return {member.person_key for member in group.members.all()}


def overlaps(groups: Sequence[CollaborationGroup]) -> list[Overlap]:
    active = [group for group in groups if group.status == GroupStatus.ACTIVE]
    found = []
    for index, first in enumerate(active):
        for second in active[index + 1 :]:
            if first.level != second.level:
                continue
            issues = _serve_same_children(first, second)
            first_people, second_people = _people(first), _people(second)
            smaller = min(len(first_people), len(second_people))
            common = len(first_people & second_people)
            if issues and smaller >= 2 and common * 2 > smaller:
                found.append(Overlap(first, second, issues, common, smaller))
    return found


def gaps(groups: Sequence[CollaborationGroup]) -> list[Gap]:
    """For each issue, the spans of ages no group serving children covers."""
    covered: dict[str, set[int]] = defaultdict(set)
    for group in groups:
        if serves_children(group):
            for issue in group.issues:
                covered[issue].update(range(group.age_from, group.age_to + 1))
    found = []
    for issue in Issue.values:
        start = None
        for age in range(OLDEST_AGE + 2):
            missing = age <= OLDEST_AGE and age not in covered[issue]
            if missing and start is None:
                start = age
            elif not missing and start is not None:
                found.append(Gap(issue, start, age - 1))
                start = None
    return found


def uncovered_schools(groups: Sequence[CollaborationGroup], schools: Sequence[Unit]) -> list[Unit]:
    served: set[int] = set()
    for group in groups:
        if serves_children(group):
            ids = _school_ids(group)
            if ids is None:
                return []
            served |= ids
    return [school for school in schools if school.pk not in served]


def people(groups: Sequence[CollaborationGroup]) -> list[PersonLoad]:
    """Everyone who sits in an active group, with their groups: the most groups first."""
    seats: dict[str, list[CollaborationGroup]] = defaultdict(list)
    first_seen: dict[str, GroupMember] = {}
    for group in groups:
        if group.status != GroupStatus.ACTIVE:
            continue
        for member in group.members.all():
            key = member.person_key
            if group not in seats[key]:
                seats[key].append(group)
            first_seen.setdefault(key, member)
    loads = [
        PersonLoad(first_seen[key].display_name, first_seen[key].organisation.name, seated)
        for key, seated in seats.items()
    ]
    return sorted(loads, key=lambda load: (-len(load.groups), load.name.casefold()))


def structure(groups: Iterable[CollaborationGroup], schools: Sequence[Unit]) -> Structure:
    listed = list(groups)
    return Structure(listed, overlaps(listed), gaps(listed), uncovered_schools(listed, schools), people(listed))

"""The demo's prevention work: the class staff of every school, and at the demo school the trygg-bas inventory of
every class this term and the two terms before, with a few gaps being acted on, the staff's own wellbeing ratings
and the class reviews' agreed ratings with their next steps.

The demo mentor's own class is left half done this term, so that the mentor's start page asks for the rest. Rows
are written in bulk (like the rest of the generated municipality), dated within their term; the texts are invented.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from kring.access.roles import Role
from kring.demo.staff import DemoLogin
from kring.demo.structure import Structure
from kring.directory.models import Membership, User
from kring.people.models import Group, GroupRole, GroupStaff, Placement
from kring.prevention.models import (
    AgreedRating,
    ClassReview,
    NextStep,
    RelationAssignment,
    SafeAdultEntry,
    SafeAdultStatus,
    Wellbeing,
    WellbeingRating,
)
from kring.prevention.terms import previous_terms, term_of

OUTSIDE_ADULTS = ("fotbollstränaren", "en äldre kusin", "morfar", "grannen", "ledaren på fritidsgården", "mostern")
RELATIONS = ("mentor", "lärare", "fritidspedagog", "kurator", "idrottslärare")
NEXT_STEPS = (
    (NextStep.GUARDIANS, "Mentorn ringer hem och berättar vad vi ser."),
    (NextStep.STUDENT_HEALTH, "Kuratorn bjuder in eleven till ett samtal."),
    (NextStep.ABSENCE_INVESTIGATION, "Frånvaron ökar: rektor utreder."),
)


def _at(day: date, today: date) -> datetime:
    """Ten in the morning of `day`, never later than now."""
    moment = timezone.make_aware(datetime.combine(min(day, today), time(10)))
    return min(moment, timezone.now() - timedelta(minutes=5))


class PreventionWriter:
    def __init__(self, structure: Structure, logins: list[DemoLogin], rng: random.Random, today: date) -> None:
        self.structure, self.rng, self.today = structure, rng, today
        by_email = {login.email: login.role for login in logins}
        self.users = {by_email[u.email]: u for u in User.objects.filter(email__in=list(by_email))}
        self.school = structure.demo_school.unit
        self.counts: Counter[str] = Counter()

    def write(self) -> Counter[str]:
        self.class_staff()
        terms = previous_terms(term_of(self.today), 3)
        for term in terms:
            self.inventory(term, current=term == terms[-1])
        self.gaps_acted_on(terms[-1])
        return self.counts

    # The class staff of every school: each class a mentor (round robin among the school's mentors).

    def class_staff(self) -> None:
        mentors: dict[int, list[int]] = defaultdict(list)
        rows = Membership.objects.filter(
            unit__municipality=self.structure.municipality, role=Role.MENTOR, active=True
        ).order_by("pk")
        demo_ids = {user.pk for user in self.users.values()}
        for unit_id, user_id in rows.values_list("unit_id", "user_id"):
            if user_id not in demo_ids:
                mentors[unit_id].append(user_id)
        start = previous_terms(term_of(self.today), 3)[0]
        staff: list[GroupStaff] = []
        municipality_id = self.structure.municipality.pk
        for index, (group_id, unit_id) in enumerate(self._groups().values_list("pk", "unit_id")):
            people = mentors.get(unit_id, [])
            if people:
                user_id = people[index % len(people)]
                staff.append(
                    GroupStaff(
                        municipality_id=municipality_id,
                        group_id=group_id,
                        user_id=user_id,
                        role=GroupRole.MENTOR,
                        start_date=start,
                    )
                )
        demo_groups = list(self._groups().filter(unit=self.school))
        mentor, teacher = self.users.get(Role.MENTOR), self.users.get(Role.TEACHER)
        if demo_groups and mentor is not None:
            staff.append(
                GroupStaff(
                    municipality_id=municipality_id,
                    group=self.mentor_group(),
                    user=mentor,
                    role=GroupRole.MENTOR,
                    start_date=start,
                )
            )
        if teacher is not None:
            for group in demo_groups[-2:]:
                staff.append(
                    GroupStaff(
                        municipality_id=municipality_id,
                        group=group,
                        user=teacher,
                        role=GroupRole.TEACHER,
                        start_date=start,
                    )
                )
        GroupStaff.objects.bulk_create(staff, batch_size=2000)
        self.counts["class_staff"] += len(staff)

    def _groups(self) -> QuerySet[Group]:
        """The classes as they are in the database (an import through SS 12000 writes them anew)."""
        return Group.objects.filter(unit__municipality=self.structure.municipality).order_by("unit_id", "name", "pk")

    def mentor_group(self) -> Group:
        """The demo mentor's class: a grade 5 class if there is one (Börja prata's grade), else the first."""
        groups = self._groups().filter(unit=self.school)
        return groups.filter(name__startswith="5").first() or groups[0]

    # The inventory, the ratings and the class reviews of the demo school.

    def _pupils(self, day: date) -> list[tuple[int, int, str]]:
        placed = Placement.objects.current(day).filter(unit=self.school, group__isnull=False)
        return list(placed.order_by("group_id", "child_id").values_list("child_id", "group_id", "grade"))

    def _school_staff(self) -> list[int]:
        rows = Membership.objects.filter(unit=self.school, active=True).order_by("user_id")
        return sorted(set(rows.values_list("user_id", flat=True)))

    def inventory(self, term: date, *, current: bool) -> None:
        day = min(self.today, term + timedelta(days=30))
        pupils = self._pupils(self.today)  # the classes as they are now, also for the terms before
        staff = self._school_staff()
        mentor_of = dict(
            GroupStaff.objects.filter(group__unit=self.school, role=GroupRole.MENTOR).values_list("group_id", "user_id")
        )
        demo_mentor = self.users.get(Role.MENTOR)
        demo_group = self.mentor_group().pk
        entries, ratings, agreed = [], [], []
        reviews: dict[int, ClassReview] = {}
        worried = 0
        for index, (child_id, group_id, grade) in enumerate(pupils):
            own_class = group_id == demo_group
            if current and own_class and index % 2:
                continue  # the demo mentor's class: half done this term
            recorder = demo_mentor.pk if own_class and demo_mentor else mentor_of.get(group_id) or staff[0]
            entries.append(self._entry(child_id, group_id, grade, term, recorder, staff, day))
            rating = self.rng.choices(list(Wellbeing), weights=(80, 15, 5))[0]
            ratings.append(
                WellbeingRating(
                    municipality=self.structure.municipality,
                    child_id=child_id,
                    unit=self.school,
                    group_id=group_id,
                    term=term,
                    rated_by_id=recorder,
                    rating=rating,
                    rated_at=_at(day, self.today),
                )
            )
            if current and own_class:
                continue  # the demo mentor's class has its review still to come
            review = reviews.get(group_id)
            if review is None:
                review = ClassReview.objects.create(
                    municipality=self.structure.municipality,
                    unit=self.school,
                    group_id=group_id,
                    term=term,
                    held_on=day,
                    created_by=self.users[Role.PRINCIPAL],
                )
                reviews[group_id] = review
            agreed.append(self._agreed(review, child_id, grade, term, rating, day, current, worried))
            worried += rating != Wellbeing.GREEN
        SafeAdultEntry.objects.bulk_create(entries, batch_size=2000)
        WellbeingRating.objects.bulk_create(ratings, batch_size=2000)
        AgreedRating.objects.bulk_create(agreed, batch_size=2000)
        self.counts["safe_adult_entries"] += len(entries)
        self.counts["wellbeing_ratings"] += len(ratings)
        self.counts["class_reviews"] += len(reviews)

    def _entry(
        self, child_id: int, group_id: int | None, grade: str, term: date, recorder: int, staff: list[int], day: date
    ) -> SafeAdultEntry:
        status = self.rng.choices(list(SafeAdultStatus), weights=(86, 8, 6))[0]
        entry = SafeAdultEntry(
            municipality=self.structure.municipality,
            child_id=child_id,
            unit=self.school,
            group_id=group_id,
            grade=grade,
            term=term,
            status=status,
            recorded_by_id=recorder,
            recorded_at=_at(day, self.today),
        )
        if status == SafeAdultStatus.NAMED:
            if self.rng.random() < 0.8:
                entry.adult_id = self.rng.choice(staff)
                entry.relation = self.rng.choice(RELATIONS)
            else:
                entry.adult_outside = self.rng.choice(OUTSIDE_ADULTS)
        return entry

    def _agreed(
        self,
        review: ClassReview,
        child_id: int,
        grade: str,
        term: date,
        rating: str,
        day: date,
        current: bool,
        worried: int,
    ) -> AgreedRating:
        agreed = AgreedRating(
            municipality=self.structure.municipality,
            review=review,
            child_id=child_id,
            unit=self.school,
            grade=grade,
            term=term,
            rating=rating,
            agreed_by=self.users[Role.PRINCIPAL],
            agreed_at=_at(day, self.today),
        )
        if rating != Wellbeing.GREEN:
            step, note = NEXT_STEPS[worried % len(NEXT_STEPS)]
            agreed.next_step, agreed.next_step_note = step, note
            agreed.responsible = self.users[Role.KURATOR] if worried % 2 == 0 else self.users[Role.PRINCIPAL]
            agreed.next_step_by = self.today + timedelta(days=3 + worried % 10) if current else day + timedelta(days=14)
            if not current:
                agreed.step_done_at = _at(day + timedelta(days=10), self.today)
        return agreed

    def gaps_acted_on(self, term: date) -> None:
        """Three gaps of this term acted on: one adult is the demo mentor (on their start page), one follow-up is
        overdue (on the principal's), one was followed up and the relation is there."""
        gaps = list(
            SafeAdultEntry.objects.filter(unit=self.school, term=term)
            .exclude(status=SafeAdultStatus.NAMED)
            .filter(child__protected_identity=False)
            .order_by("pk")[:3]
        )
        staff = self._school_staff()
        mentor = self.users.get(Role.MENTOR)
        adults = [mentor.pk if mentor else None, None, None]
        follow_ups = [self.today + timedelta(days=10), self.today - timedelta(days=3), self.today - timedelta(days=1)]
        for index, entry in enumerate(gaps):
            adult_id = adults[index] or staff[(index * 7) % len(staff)]
            assignment = RelationAssignment.objects.create(
                municipality=self.structure.municipality,
                child_id=entry.child_id,
                unit=self.school,
                term=term,
                adult_id=adult_id,
                follow_up_on=follow_ups[index],
                note="Lunch tillsammans på tisdagar.",
                assigned_by=self.users[Role.PRINCIPAL],
                assigned_at=_at(self.today - timedelta(days=20), self.today),
            )
            if index == 2:
                RelationAssignment.objects.filter(pk=assignment.pk).update(
                    followed_up_at=_at(self.today, self.today),
                    followed_up_by=self.users[Role.PRINCIPAL],
                    relation_built=True,
                    outcome="De pratar varje dag nu.",
                )
                SafeAdultEntry.objects.filter(pk=entry.pk).update(
                    status=SafeAdultStatus.NAMED, adult_id=adult_id, relation="tilldelad att bygga relationen"
                )
            self.counts["relations_assigned"] += 1


def write_prevention(structure: Structure, logins: list[DemoLogin], rng: random.Random, today: date) -> Counter[str]:
    """Seed the demo's prevention work."""
    return PreventionWriter(structure, logins, rng, today).write()

"""Who sees a child identified in a collaboration group (`IdentifiedDiscussion`, origin `collaboration`, category
`group_discussion`; no other basis reaches them):

* the person who identified the child (they had a basis for the child to do it);
* a member of the group employed by an organisation the guardians' consent covers, while the consent is in force;
* a police member of the group, when social services decided to tell that police organisation under
  OSL 10 kap 18 a § — that discussion only, nothing else of the child.

A member of the group is a person the register names in it (`GroupMember.user`); the organisation that counts is
the one that employs them (their active roles), not the one the register names. A child with protected identity is
never identified in a group (refused in `actions`), so no basis here needs to weigh it."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.acting import StaffUser
from kring.access.policy import Basis, ChildModel, organisations_where
from kring.access.roles import Category, Origin, Role
from kring.collaboration.models import GroupMember, IdentifiedDiscussion, PoliceDisclosure
from kring.directory.models import OrganisationKind
from kring.legal import cite

GROUP_DISCUSSION_BASIS = "group_discussion"
ORIGINS = frozenset({Origin.COLLABORATION})
CATEGORIES = frozenset({Category.GROUP_DISCUSSION})


def employers(user: StaffUser) -> tuple[set[int], set[int]]:
    """The organisations that employ the user (through an active role), and the police organisations among them
    where the user is a police officer (from the role grants the policy already holds: no query of its own)."""
    police = organisations_where(user, {Role.POLICE_OFFICER}, kind=OrganisationKind.POLICE)
    return organisations_where(user), police


def _in_force(today: date) -> Q:
    return Q(
        consent_given_on__isnull=False,
        consent_given_on__lte=today,
        consent_withdrawn_at__isnull=True,
    ) & (Q(consent_until__isnull=True) | Q(consent_until__gte=today))


def reachable(user: StaffUser) -> QuerySet[IdentifiedDiscussion]:
    """The identified discussions the user may read (a subquery-friendly queryset)."""
    organisations, police = employers(user)
    groups = GroupMember.objects.filter(user_id=user.pk).values("group_id")
    # the one who identified the child, while they sit in the group
    reach = Q(identified_by_id=user.pk, discussion__meeting__group_id__in=groups)
    if organisations:
        consented = IdentifiedDiscussion.objects.filter(
            _in_force(timezone.localdate()), consent_organisations__in=sorted(organisations),
            child__protected_identity=False,
        )  # fmt: skip
        reach |= Q(pk__in=consented.values("pk"), discussion__meeting__group_id__in=groups)
    if police:
        told = IdentifiedDiscussion.objects.filter(
            police_disclosures__police_id__in=sorted(police), child__protected_identity=False
        )
        reach |= Q(pk__in=told.values("pk"), discussion__meeting__group_id__in=groups)
    return IdentifiedDiscussion.objects.filter(reach, municipality_id=user.municipality_id or 0)


class GroupDiscussionBasisProvider:
    kind = GROUP_DISCUSSION_BASIS
    routine = False  # consent, or a statutory exception: log review lists every read made under it

    def visibility_q(self, user: StaffUser, info: ChildModel) -> Q | None:
        if info.origin != Origin.COLLABORATION or info.category != Category.GROUP_DISCUSSION:
            return None
        return Q(pk__in=reachable(user).values("pk"))

    def bases(self, user: StaffUser, child_ids: list[int]) -> dict[int, list[Basis]]:
        found: dict[int, list[Basis]] = defaultdict(list)
        _organisations, police = employers(user)
        told = PoliceDisclosure.objects.filter(identified=OuterRef("pk"), police_id__in=sorted(police))
        rows = (
            reachable(user)
            .filter(child_id__in=child_ids)
            .annotate(told=Exists(told) if police else Value(False))
            .values_list("child_id", "discussion__meeting__group__name", "identified_by_id", "told")
        )
        for child_id, group, identified_by, was_told in rows:
            found[child_id].append(_basis(child_id, group, own=identified_by == user.pk, police=was_told))
        return found


def _basis(child_id: int, group: str, *, own: bool, police: bool) -> Basis:
    if own:
        reason, reference = _("identified the child in %(group)s") % {"group": group}, _("own activity, need to know")
    elif police:
        reason = _("social services told the police in %(group)s, to prevent crime") % {"group": group}
        reference = cite("crime_prevention_disclosure")
    else:
        reason, reference = _("the guardians' consent, in %(group)s") % {"group": group}, cite("consent")
    return Basis(GROUP_DISCUSSION_BASIS, child_id, reason, reference, ORIGINS, categories=CATEGORIES)

"""Who on the staff decides on a guardian's access to the family pages, and what they see when they do."""

from __future__ import annotations

from django.http import Http404

from kring.access.policy import visible_to
from kring.casework.models import TsiCase
from kring.casework.tsi.queries import is_case_team_member
from kring.directory.models import User
from kring.family.models import AccessBlock
from kring.people.models import Child, Guardian


def team_case_of_child(user: User, child_pk: int) -> TsiCase:
    """A case of the child whose team the user is in (the people who know the family in Kring); 404 otherwise."""
    cases = visible_to(user, TsiCase.objects.filter(child_id=child_pk)).select_related("child", "team")
    case = next((c for c in cases if is_case_team_member(user, c)), None)
    if case is None:
        raise Http404
    return case


def guardians_of(child: Child) -> list[Guardian]:
    return list(Guardian.objects.filter(custodies__child=child).order_by("last_name", "first_name"))


def decisions_on(child: Child) -> list[AccessBlock]:
    return list(AccessBlock.objects.filter(child=child).select_related("guardian", "decided_by", "lifted_by"))


def block_in_force(child: Child, block_pk: str | None) -> AccessBlock:
    block = AccessBlock.objects.filter(pk=block_pk or 0, child=child, lifted_at__isnull=True).first()
    if block is None:
        raise Http404
    return block

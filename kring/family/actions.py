"""What a family member does on their own pages, and the staff decision that keeps a guardian out. Each action
takes the acting user as `by=`, checks who they are for the child through kring.family.queries, and is audited."""

from __future__ import annotations

import logging
from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.casework.models import Consent, TsiCase
from kring.casework.tsi import actions as tsi_actions
from kring.casework.tsi.queries import is_case_team_member
from kring.casework.workflow import WorkflowError
from kring.directory.models import User
from kring.family.models import AccessBlock, FamilyAccount
from kring.family.queries import FamilyCase, blocked_from
from kring.people.languages import FAMILY_LANGUAGE_CODES
from kring.people.models import Child, Guardian

logger = logging.getLogger(__name__)


def choose_language(*, by: User, account: FamilyAccount, language: str) -> None:
    if language not in FAMILY_LANGUAGE_CODES:
        raise WorkflowError(_("Choose one of the languages in the list."), code="language")
    account.language = language
    account.save(update_fields=["language"])


def withdraw_consent(*, by: User, view: FamilyCase) -> list[Consent]:
    """The guardian, or the young person from 15, withdraws: every consent of the case still standing ends at once,
    as when the team records it; the other guardians with custody who are not blocked are told."""
    consents = view.withdrawable
    if not consents:
        raise WorkflowError(_("This consent is not in force."), code="not_in_force")
    others = [g for g in view.guardians if view.viewer.guardian is None or g.pk != view.viewer.guardian.pk]
    others = [g for g in others if g.pk not in blocked_from(view.case.child) and g.email]
    with transaction.atomic():
        for consent in consents:
            tsi_actions.withdraw_consent_in_person(
                by=by, consent=consent, guardian=view.viewer.guardian, young_person=view.viewer.young_person
            )
        for guardian in others:
            _audit_notice(by, view.case, guardian)
        transaction.on_commit(lambda: tell_of_withdrawal(view.case, others, timezone.localdate()), robust=True)
    return consents


def _audit_notice(by: User, case: TsiCase, guardian: Guardian) -> None:
    record_event(
        actor=by, action=AuditAction.EXPORT, target_type="family_withdrawal_notice", target_id=case.pk,
        child_id=case.child_id, municipality_id=case.municipality_id, details={"guardian": guardian.pk},
    )  # fmt: skip


def tell_of_withdrawal(case: TsiCase, guardians: list[Guardian], on: date) -> None:
    """An e-mail to each other guardian with custody who has an address, in the family's language: that the
    consent was withdrawn, and where to read more. It names no one but the child. A failing mail server is logged;
    the withdrawal stands."""
    for guardian in guardians:
        with translation.override(case.family_language):
            subject = _("Consent withdrawn")
            body = _(
                "The consent to early coordinated support (TSI) for %(child)s was withdrawn on %(date)s. "
                "The work together has ended. Log in with BankID or Freja eID to read more."
            ) % {"child": case.child.first_name, "date": on.isoformat()}
        try:
            send_mail(subject, body, None, [guardian.email])
        except OSError:
            logger.warning("The notice of a withdrawn consent could not be sent (case %s).", case.pk)


def answer_consent(*, by: User, view: FamilyCase, answer: str) -> Consent | None:
    """The family member's own yes or no to the consent the team proposes; the consent is recorded when the last
    one has answered (returned then)."""
    if view.open_request is None or not view.may_answer:
        raise WorkflowError(_("There is nothing to answer now."), code="no_request")
    return tsi_actions.answer_consent_request(
        by=by, proposal=view.open_request, answer=answer, guardian=view.viewer.guardian,
        young_person=view.viewer.young_person,
    )  # fmt: skip


def rate_home(*, by: User, view: FamilyCase, home_conflicts: int) -> None:
    """A guardian's own rating of conflicts at home at a follow-up."""
    if view.viewer.guardian is None:
        raise PermissionDenied
    tsi_actions.record_guardian_rating(
        by=by, case=view.case, guardian=view.viewer.guardian, home_conflicts=home_conflicts
    )


def give_own_voice(*, by: User, view: FamilyCase, voice: tsi_actions.VoiceInput) -> None:
    """The young person's own "how is it going?"."""
    if not view.viewer.young_person:
        raise PermissionDenied
    tsi_actions.record_own_voice(by=by, case=view.case, voice=voice)


def _may_decide_block(by: User, child: Child) -> bool:
    """The team of one of the child's TSI cases decides (the people who know the family in Kring)."""
    return any(is_case_team_member(by, case) for case in TsiCase.objects.filter(child=child).select_related("team"))


def block_guardian(*, by: User, guardian: Guardian, child: Child, reason: str) -> AccessBlock:
    """Keep a guardian out of the family pages for this child: a recorded decision with its reason."""
    if not _may_decide_block(by, child) or not guardian.custodies.filter(child=child).exists():
        raise PermissionDenied
    if not reason.strip():
        raise WorkflowError(_("Give the reason for the decision."), code="reason")
    if AccessBlock.objects.filter(guardian=guardian, child=child, lifted_at__isnull=True).exists():
        raise WorkflowError(_("The guardian's access is already blocked."), code="blocked")
    with transaction.atomic():
        block = AccessBlock.objects.create(
            municipality_id=child.municipality_id,
            guardian=guardian,
            child=child,
            reason=reason.strip(),
            decided_by=by,
            decided_at=timezone.now(),
        )
        _audit_block(by, block, "block")
    return block


def lift_block(*, by: User, block: AccessBlock, reason: str) -> AccessBlock:
    if not _may_decide_block(by, block.child):
        raise PermissionDenied
    if block.lifted_at is not None:
        raise WorkflowError(_("The decision is already lifted."), code="lifted")
    if not reason.strip():
        raise WorkflowError(_("Give the reason for the decision."), code="reason")
    with transaction.atomic():
        block.lifted_at, block.lifted_by, block.lift_reason = timezone.now(), by, reason.strip()
        block.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        _audit_block(by, block, "lift")
    return block


def _audit_block(by: User, block: AccessBlock, step: str) -> None:
    record_event(
        actor=by,
        action=AuditAction.WRITE,
        target_type="guardian_access_block",
        target_id=block.pk,
        child_id=block.child_id,
        details={"step": step, "guardian": block.guardian_id},
    )

"""Writes of the agreements: a new agreement, or a new version of one (a version, once saved, is never changed:
"what did we agree in 2026" stays answerable). Keyword-only, `by=`, atomic, each with its audit event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import can, municipality_of
from kring.access.roles import Permission
from kring.casework.workflow import WorkflowError
from kring.collaboration.models import Agreement, AgreementVersion, CollaborationGroup, Commitment, Signatory
from kring.directory.models import Organisation, User


@dataclass(frozen=True)
class CommitmentInput:
    organisation: Organisation
    text: str


@dataclass(frozen=True)
class SignatoryInput:
    name: str
    title: str
    organisation: Organisation
    signed_on: date


@dataclass(frozen=True)
class AgreementInput:
    title: str
    responsible: User
    parties: list[Organisation]
    purpose: str
    needs: str
    valid_from: date
    review_on: date
    valid_to: date | None = None
    groups: list[CollaborationGroup] = field(default_factory=list)
    commitments: list[CommitmentInput] = field(default_factory=list)
    signatories: list[SignatoryInput] = field(default_factory=list)
    change_note: str = ""


def _check(by: User, given: AgreementInput, agreement: Agreement | None) -> None:
    if not can(by, Permission.COLLABORATION_MANAGE):
        raise PermissionDenied
    municipality_id = by.municipality_id
    if agreement is not None and agreement.municipality_id != municipality_id:
        raise PermissionDenied
    organisations = [*given.parties, *(c.organisation for c in given.commitments)]
    organisations += [s.organisation for s in given.signatories]
    if any(o.municipality_id != municipality_id for o in organisations):
        raise PermissionDenied
    if given.responsible.municipality_id != municipality_id:
        raise PermissionDenied
    if any(group.municipality_id != municipality_id for group in given.groups):
        raise PermissionDenied
    if len(set(given.parties)) < 2:  # noqa: PLR2004 - an agreement binds two parties at least
        raise WorkflowError(_("An agreement has two parties at least."), code="parties")
    outsiders = {c.organisation for c in given.commitments} | {s.organisation for s in given.signatories}
    if outsiders - set(given.parties):
        raise WorkflowError(_("Commitments and signatures are made by the parties only."), code="parties")
    if given.valid_to is not None and given.valid_to < given.valid_from:
        raise WorkflowError(_("The agreement ends before it begins."), code="valid_to")


def save_agreement(*, given: AgreementInput, by: User, agreement: Agreement | None = None) -> AgreementVersion:
    """Make a new agreement (version 1), or a new version of one: its text, parties, commitments, signatories,
    validity, review date and the groups that carry it out."""
    _check(by, given, agreement)
    now = timezone.now()
    try:
        with transaction.atomic():
            if agreement is None:
                agreement = Agreement.objects.create(
                    municipality_id=municipality_of(by), title=given.title.strip(), responsible=given.responsible,
                    created_at=now,
                )  # fmt: skip
            else:
                agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
                agreement.title, agreement.responsible = given.title.strip(), given.responsible
                agreement.save(update_fields=["title", "responsible"])
            number = (agreement.versions.aggregate(last=Max("number"))["last"] or 0) + 1
            version = AgreementVersion.objects.create(
                municipality_id=agreement.municipality_id, agreement=agreement, number=number,
                purpose=given.purpose.strip(), needs=given.needs.strip(),
                valid_from=given.valid_from, valid_to=given.valid_to, review_on=given.review_on,
                change_note=given.change_note.strip(), recorded_by=by, recorded_at=now,
            )  # fmt: skip
            own = {"municipality_id": version.municipality_id}
            version.parties.set(given.parties, through_defaults=own)
            version.groups.set(given.groups, through_defaults=own)
            Commitment.objects.bulk_create(
                Commitment(**own, version=version, organisation=c.organisation, text=c.text.strip())
                for c in given.commitments
            )
            Signatory.objects.bulk_create(
                Signatory(**own, version=version, name=s.name.strip(), title=s.title.strip(),
                          organisation=s.organisation, signed_on=s.signed_on)
                for s in given.signatories
            )  # fmt: skip
            record_event(
                actor=by, action=AuditAction.WRITE, target_type="agreement", target_id=agreement.pk,
                details={"title": agreement.title, "version": number},
            )  # fmt: skip
    except IntegrityError as error:
        raise WorkflowError(_("There is already an agreement with this title."), code="title") from error
    return version

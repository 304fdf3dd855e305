"""Reminders of agreements' review dates, sent by `kring send-reminders`: `REVIEW_NOTICE_DAYS` before the date (or
at once, if it is nearer), once for each review date, to the person responsible for the review, in the app and by
e-mail. Audited as the system, in the same transaction as the mark (`AgreementVersion.reminded_for`)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.casework.workflow import SYSTEM_ACTOR
from kring.collaboration.agreements.queries import REVIEW_NOTICE_DAYS, latest_versions
from kring.collaboration.models import AgreementVersion
from kring.directory.models import Municipality, NotificationKind
from kring.directory.notifications import notify


def _due(municipality_id: int, today: date) -> list[AgreementVersion]:
    horizon = today + timedelta(days=REVIEW_NOTICE_DAYS)
    return [
        version
        for version in latest_versions(municipality_id).filter(review_on__lte=horizon)
        if version.reminded_for != version.review_on and (version.valid_to is None or version.valid_to >= today)
    ]


def send_review_reminders(today: date) -> int:
    sent = 0
    for municipality_id in Municipality.objects.values_list("pk", flat=True):
        for version in _due(municipality_id, today):
            with transaction.atomic():
                notify(
                    users=[version.agreement.responsible],
                    kind=NotificationKind.REVIEW,
                    url=reverse("collaboration_agreement", args=[version.agreement_id]),
                    subject="agreement",
                    title=version.agreement.title,
                    due=version.review_on.isoformat(),
                )
                AgreementVersion.objects.filter(pk=version.pk).update(reminded_for=version.review_on)
                record_event(
                    actor=None, actor_label=SYSTEM_ACTOR, municipality_id=municipality_id, action=AuditAction.WRITE,
                    target_type="agreement", target_id=version.agreement_id,
                    details={"reminded": "review", "due": version.review_on.isoformat()},
                )  # fmt: skip
            sent += 1
    return sent

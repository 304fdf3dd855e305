"""Notifications: in the app (a list with the unread count beside the menu) and, for those who want it, by e-mail.

A notification names no child: a case or a report by its number, and a link to it (the page itself decides, through
the policy, what the person may see). Its words are made when it is shown, in the reader's language; the e-mail,
sent once the transaction that made the notification has committed, is in the municipality's language
(`LANGUAGE_CODE`) and says no more than the notification.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kring.directory.models import Notification, NotificationKind, User

LIST_LIMIT = 100
_without_email: ContextVar[bool] = ContextVar("kring_notifications_without_email", default=False)


@contextmanager
def without_email() -> Iterator[None]:
    """Notify in the app only (the demo and the benchmark, which write work for fictional people)."""
    token = _without_email.set(True)
    try:
        yield
    finally:
        _without_email.reset(token)


def _subject(params: dict[str, Any]) -> str:
    if params.get("subject") == "safe_adult":
        return _("a pupil to build a relation with (trygg bas, no. %(number)s)") % {"number": params.get("number")}
    if params.get("subject") == "meeting_action":
        return _("an action from the meeting of %(group)s") % {"group": params.get("group")}
    if params.get("subject") == "agreement":
        return _("the agreement “%(title)s”") % {"title": params.get("title")}
    if params.get("subject") == "tsi_case":
        return _("TSI case %(number)s") % {"number": params.get("number")}
    return _("report of concern %(number)s") % {"number": params.get("number")}


def text_of(kind: str, params: dict[str, Any]) -> str:
    """The notification in words, in the current language."""
    subject, answer = _subject(params), params.get("answer", "")
    texts: dict[str, str] = {
        NotificationKind.ASSIGNMENT: _("%(subject)s is assigned to you"),
        NotificationKind.HANDOVER: _("A handover of %(subject)s waits for your answer"),
        NotificationKind.APPROVAL: _("A step in %(subject)s waits for your approval"),
        NotificationKind.FEEDBACK: _("Feedback on your %(subject)s"),
    }
    if kind == NotificationKind.ACTION:
        return capfirst(_("%(subject)s is due on %(date)s") % {"subject": subject, "date": params.get("due")})
    if kind == NotificationKind.REVIEW:
        due = params.get("due")
        return capfirst(_("The review of %(subject)s is due on %(date)s") % {"subject": subject, "date": due})
    answers = {
        "accepted": _("Your handover of %(subject)s was accepted"),
        "declined": _("Your handover of %(subject)s was declined"),
        "received": _("Your referral of %(subject)s was received"),
        "approved": _("Your step in %(subject)s was approved"),
        "returned": _("Your step in %(subject)s was returned with a comment"),
    }
    template = answers.get(answer) if answer else texts.get(kind)
    if params.get("referral") and not answer:
        template = _("A referral of %(subject)s waits for you to record its receipt")
    return capfirst((template or _("Something new in %(subject)s")) % {"subject": subject})


def notify(*, users: Iterable[User], kind: str, url: str, **params: Any) -> list[Notification]:
    """Tell these people, each once (the caller leaves out the one who acts)."""
    now = timezone.now()
    # Staff work in a municipality: a user without one (the deployment's own) is never asked to act on its work.
    people = {user.pk: user for user in users if user.is_active and user.municipality_id is not None}
    rows = Notification.objects.bulk_create(
        [
            Notification(
                municipality_id=user.municipality_id, user=user, kind=kind, params=params, url=url, created_at=now
            )
            for user in people.values()
        ]
    )
    wanted = not _without_email.get()
    recipients = [user.email for user in people.values() if wanted and user.notify_by_email and user.email]
    if recipients:
        with translation.override(settings.LANGUAGE_CODE):
            text = text_of(kind, params)
            body = _("%(text)s\n\n%(link)s\n\nYou can turn these e-mails off on your notifications page in Kring.") % {
                "text": text,
                "link": f"{settings.KRING_BASE_URL.rstrip('/')}{url}",
            }
        for address in recipients:
            transaction.on_commit(partial(send_mail, f"Kring: {text}"[:150], body, None, [address]))
    return rows


def unread(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True)


def notifications_of(user: User) -> list[tuple[Notification, str]]:
    """The person's notifications with their words, unread first, then the newest."""
    rows = Notification.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")[:LIST_LIMIT]
    ordered = sorted(rows, key=lambda row: row.read_at is not None)
    return [(row, text_of(row.kind, row.params)) for row in ordered]


def open_notification(*, by: User, pk: int) -> Notification:
    """The person's own notification, marked read (another person's: 404)."""
    notification = Notification.objects.filter(pk=pk, user_id=by.pk).first()
    if notification is None:
        raise Http404
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, by: User) -> int:
    return unread(by).update(read_at=timezone.now())


def set_email_preference(*, by: User, by_email: bool) -> None:
    User.objects.filter(pk=by.pk).update(notify_by_email=by_email)

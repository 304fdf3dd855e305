"""Reminders sent by `kring send-reminders` (and its task): each app above the directory that keeps dates to
remind of registers a sender in its `ready()`, as the start page's work sources do. A sender sends what is due on
the day given and answers how many it sent, under a name for the command's summary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

ReminderSender = Callable[[date], int]
_senders: dict[str, ReminderSender] = {}


def register_reminder_sender(name: str, sender: ReminderSender) -> None:
    _senders[name] = sender


def send_registered(today: date) -> dict[str, int]:
    return {name: sender(today) for name, sender in _senders.items()}

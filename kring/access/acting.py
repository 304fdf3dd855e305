"""Who acts, as the access policy sees them. `access` imports no other app: the directory's User model satisfies
these protocols, and the concrete request type lives with it (`kring.directory.http`)."""

from __future__ import annotations

from typing import Any, Protocol

from django.http import HttpRequest


class AuditActor(Protocol):
    """Anyone an audit event can name: a staff user, or an anonymous visitor (a failed login)."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...


class StaffUser(AuditActor, Protocol):
    """A member of staff of one municipality: what the policy needs to decide who may see what."""

    @property
    def is_active(self) -> bool: ...

    @property
    def municipality_id(self) -> int | None: ...


class StaffRequest(HttpRequest):
    """A request behind `login_required`, for the policy's own views."""

    user: StaffUser  # type: ignore[assignment]

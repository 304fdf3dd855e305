"""What the access policy works out once per request and uses again within it.

A page asks the policy the same question many times (the start page asks which rows of a dozen models the user may
see, some of them several times); the answer for one user and one model is the same throughout the request. The
answers kept here are the policy's *conditions* (a `Q` of lazy subqueries, evaluated by the database each time it
is used, so a row written earlier in the request is seen), never rows. Outside a request (commands, tasks, tests
calling the policy directly) nothing is kept: every call works it out afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("kring_request_scope", default=None)


@contextmanager
def request_scope() -> Iterator[None]:
    """Keep the policy's answers for the length of this block (one request)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def once_per_request(key: Hashable, work_out: Callable[[], T]) -> T:
    """`work_out()`, kept under `key` until the request ends; worked out every time outside a request."""
    memo = _memo.get()
    if memo is None:
        return work_out()
    if key not in memo:
        memo[key] = work_out()
    return memo[key]  # type: ignore[no-any-return]

"""Who is acting, from where, in which request: read by the audit log and the logs.

A context variable rather than an argument threaded through every service, so
that a service can audit in one line however deep it is called.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class ActorContext:
    staff_id: int | None = None
    username: str = ""
    role: str = ""
    ip_address: str | None = None
    request_id: str = ""


_current: contextvars.ContextVar[ActorContext] = contextvars.ContextVar(
    "ukai_actor",
    default=ActorContext(),  # noqa: B039 - frozen dataclass
)


def actor_current() -> ActorContext:
    return _current.get()


def actor_set(context: ActorContext) -> contextvars.Token[ActorContext]:
    return _current.set(context)


def actor_reset(token: contextvars.Token[ActorContext]) -> None:
    _current.reset(token)


def actor_set_staff(*, staff_id: int, username: str, role: str) -> None:
    """Name the acting staff member for the rest of this request (token-authenticated APIs)."""
    _current.set(replace(actor_current(), staff_id=staff_id, username=username, role=role))

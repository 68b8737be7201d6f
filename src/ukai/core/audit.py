"""The audit log: one line audits a read or write of personal data.

    audit_log(action="read", obj=resident, fields=["name", "address"], purpose="窓口での本人確認")

or, around a view:

    @audited("read", object_type="core.staff", object_id_kwarg="staff_id", purpose="職員情報の確認")
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, TypeVar

from django.db import models
from django.http import HttpRequest, HttpResponse

from .context import actor_current
from .models import AuditEvent, PersonalData

P = ParamSpec("P")
R = TypeVar("R")


def audit_log(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    fields: Iterable[str] | None = None,
    purpose: str = "",
) -> AuditEvent:
    """Append one entry for the current actor (from the request context)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if fields is None and isinstance(obj, PersonalData):
            fields = obj.personal_data_fields
    if not object_type:
        raise ValueError("audit_log needs obj or object_type")
    actor = actor_current()
    return AuditEvent.objects.create(
        actor_id=actor.staff_id,
        actor_username=actor.username,
        actor_role=actor.role,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=str(obj)[:200] if obj is not None else "",
        fields=sorted(fields or []),
        purpose=purpose,
        ip_address=actor.ip_address,
        request_id=actor.request_id,
    )


def audited(
    action: str,
    *,
    object_type: str,
    object_id_kwarg: str,
    purpose: str,
    fields: Iterable[str] = (),
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Audit a view: one entry for each successful (2xx) response."""
    field_list = list(fields)

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                audit_log(
                    action=action,
                    object_type=object_type,
                    object_id=str(kwargs.get(object_id_kwarg, "")),
                    fields=field_list,
                    purpose=purpose,
                )
            return response

        return wrapper

    return decorate

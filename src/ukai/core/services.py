"""Writes of the core domain."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .audit import audit_log
from .errors import UkaiError
from .models import ApiToken, Staff

TOKEN_PREFIX = "ukai_"  # noqa: S105 - a label, not a secret


@transaction.atomic
def api_token_create(*, staff: Staff, name: str, expires_in_days: int | None = 365) -> str:
    """Issue an API token for a staff member; return the raw token (shown once, never stored)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise UkaiError(
            code="token_name",
            message_ja="トークンの名前を1〜100文字で入力してください。",
            message_en="Give the token a name of 1 to 100 characters.",
            field="name",
        )
    if not staff.is_active:
        raise UkaiError(
            code="staff_inactive",
            message_ja="無効化された職員にはトークンを発行できません。",
            message_en="Tokens cannot be issued to a deactivated staff member.",
        )
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise UkaiError(
            code="token_expiry",
            message_ja="有効期限は1〜3650日で指定してください。",
            message_en="The expiry must be between 1 and 3650 days.",
            field="expires_in_days",
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        staff=staff,
        name=name,
        prefix=raw[:12],
        digest=ApiToken.digest_of(raw),
        expires_at=(timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None),
    )
    audit_log(action="create", obj=token, fields=["name", "expires_at"], purpose="APIトークン発行")
    return raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token at once; requests with it are refused from now on."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_log(action="update", obj=token, fields=["revoked_at"], purpose="APIトークン失効")
    return token

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from aims.api.models import ApiToken, hash_token
from aims.core.permissions import Action, can


@transaction.atomic
def api_token_create(
    *, user: Any, name: str, scope: str, expires_in_days: int
) -> tuple[ApiToken, str]:
    """A new token for ``user``. The raw secret is returned once and never stored."""
    raw, prefix = ApiToken.generate()
    token = ApiToken(
        user=user,
        name=name,
        scope=scope,
        key_prefix=prefix,
        key_hash=hash_token(raw),
        expires_at=timezone.now() + datetime.timedelta(days=expires_in_days),
    )
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, user: Any) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not can(user, Action.CHANGE, token):
        raise PermissionDenied("Only the token's holder can revoke it.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save()
    return token


@transaction.atomic
def api_tokens_revoke_all(*, user: Any) -> int:
    """Revoke every active token of ``user`` (after a password change or reset).

    Returns how many were revoked. Each is saved on its own, so the change log shows each.
    """
    now = timezone.now()
    tokens = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    count = 0
    for token in tokens:
        token.revoked_at = now
        token.save()
        count += 1
    return count

"""Personal access tokens for the REST API."""

from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.models import TrackedModel
from aims.core.permissions import DEFAULT_ROLES, AccessPolicy, Action

TOKEN_PREFIX = "aims_"


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(TrackedModel):
    """A bearer token acting as its user. Only a SHA-256 of the secret is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. “MLflow sync”.")
    )
    key_prefix = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(
        _("access"), max_length=5, choices=TokenScope.choices, default=TokenScope.READ
    )
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    changelog_exclude: ClassVar[tuple[str, ...]] = ("updated_at", "last_used_at", "key_hash")
    # Tokens belong to a person, not an organisation: only their holder reaches them.
    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="user__memberships__organization",
        roles={action: frozenset() for action in DEFAULT_ROLES} | {Action.ADD: frozenset()},
        personal_path="user",
    )

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=TokenScope.values), name="apitoken_scope_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def generate(cls) -> tuple[str, str]:
        """A new raw token and its public prefix."""
        prefix = secrets.token_hex(4)
        return f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}", prefix

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE

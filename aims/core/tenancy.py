"""Tenancy: people, organisations and memberships — the bottom layer with the permission layer.

The permission layer reads a user's memberships to know their roles, so these three models
live in ``aims.core`` rather than above it. They keep the ``organizations`` app label, so
their tables, migrations (``aims/organizations/migrations``) and ``AUTH_USER_MODEL``
(``organizations.User``) are unchanged; ``aims.organizations.models`` re-exports them.
"""

from __future__ import annotations

import zoneinfo
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aims.core.access import ADMIN_ONLY, DEFAULT_ROLES, READ_ROLES, AccessPolicy, Action, Role
from aims.core.models import LoadedStateMixin, TrackedModel

APP_LABEL = "organizations"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(LoadedStateMixin, AbstractUser):
    """A person who signs in with an e-mail address."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()

    # Secrets and bookkeeping stay out of the change log.
    changelog_exclude: ClassVar[tuple[str, ...]] = ("password", "last_login")
    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="memberships__organization", read_only=True
    )

    class Meta:
        app_label = APP_LABEL
        ordering = ("full_name", "email")

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class Organization(TrackedModel):
    """A tenant: one organisation running its own AIMS."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("short name"),
        max_length=60,
        unique=True,
        help_text=_("Used in addresses. Lower-case letters, digits and hyphens."),
    )
    legal_name = models.CharField(_("legal name"), max_length=250, blank=True)
    sector = models.CharField(_("sector"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=80, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    allow_self_approval = models.BooleanField(
        _("authors may approve their own documents"),
        default=False,
        help_text=_(
            "Leave off unless the organisation is too small to separate authoring from approval."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="pk",
        roles={
            **DEFAULT_ROLES,
            # Auditors enter the organisation; what they see inside it is their engagements'.
            Action.VIEW: READ_ROLES | {Role.AUDITOR},
            Action.ADD: frozenset(),
            Action.CHANGE: ADMIN_ONLY,
            Action.DELETE: frozenset(),
        },
    )

    class Meta:
        app_label = APP_LABEL
        ordering = ("name",)
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:settings", kwargs={"org": self.slug})


class Membership(TrackedModel):
    """A person's role in one organisation. Auditors' access may be limited to a window."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    valid_from = models.DateField(_("access from"), null=True, blank=True)
    valid_until = models.DateField(
        _("access until"),
        null=True,
        blank=True,
        help_text=_("Access ends after this day. Typical for auditors: the end of the engagement."),
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            **DEFAULT_ROLES,
            Action.ADD: ADMIN_ONLY,
            Action.CHANGE: ADMIN_ONLY,
            Action.DELETE: ADMIN_ONLY,
        }
    )

    class Meta:
        app_label = APP_LABEL
        ordering = ("organization", "user__full_name", "user__email")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="membership_one_per_user_and_org"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="membership_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organization}"

    def get_absolute_url(self) -> str:
        return reverse("organizations:member_list", kwargs={"org": self.organization.slug})

    def clean(self) -> None:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("Access cannot end before it starts.")})

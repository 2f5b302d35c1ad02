"""Context and scope of the AIMS (clause 4).

The tenancy models (users, organisations, memberships) live in ``aims.core.tenancy``, the
bottom layer with the permission layer; they keep this app's label and are re-exported here.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aims.core.documents import ControlledVersion, controlled_version_constraints
from aims.core.tenancy import (  # noqa: F401  (re-exported: the app's models and migrations)
    ADMIN_ONLY,
    Membership,
    Organization,
    User,
    UserManager,
    validate_timezone,
)


class AIRole(models.TextChoices):
    """The roles an organisation can play for AI systems (after ISO/IEC 22989)."""

    PROVIDER = "provider", _("AI provider")
    PRODUCER = "producer", _("AI producer")
    DEVELOPER = "developer", _("AI developer")
    DEPLOYER = "deployer", _("AI deployer / user")
    CUSTOMER = "customer", _("AI customer")
    PARTNER = "partner", _("AI partner")
    SUBJECT = "subject", _("AI subject")
    AUTHORITY = "authority", _("Relevant authority")


class ScopeStatement(ControlledVersion):
    """The AIMS scope (clause 4.3), kept as a controlled document with versions."""

    in_scope = models.TextField(
        _("what the AIMS covers"),
        help_text=_("Business units, sites, products and activities the management system covers."),
    )
    exclusions = models.TextField(
        _("exclusions and why"),
        blank=True,
        help_text=_("Anything left out, with the reason it can be left out."),
    )
    ai_roles = models.JSONField(
        _("our AI roles"),
        default=list,
        blank=True,
        help_text=_("The roles the organisation plays for the AI systems in scope."),
    )
    external_internal_issues = models.TextField(
        _("issues considered"),
        blank=True,
        help_text=_(
            "Internal and external issues (4.1), including climate-related ones, that shaped the scope."
        ),
    )
    interested_parties = models.TextField(
        _("interested parties and their requirements"),
        blank=True,
        help_text=_("Who has a stake in our AI systems (4.2) and what they expect of us."),
    )
    interfaces = models.TextField(
        _("interfaces and dependencies"),
        blank=True,
        help_text=_("Where our activities meet those of suppliers, customers and other parties."),
    )
    ai_systems = models.ManyToManyField(
        "inventory.AISystem",
        blank=True,
        related_name="scope_statements",
        verbose_name=_("AI systems in scope"),
    )

    content_fields: ClassVar[tuple[str, ...]] = (
        "in_scope",
        "exclusions",
        "ai_roles",
        "external_internal_issues",
        "interested_parties",
        "interfaces",
    )
    content_m2m: ClassVar[tuple[str, ...]] = ("ai_systems",)
    series_fields: ClassVar[tuple[str, ...]] = ("organization",)

    class Meta(ControlledVersion.Meta):
        verbose_name = _("scope statement")
        constraints = controlled_version_constraints("scopestatement", series=("organization",))

    def __str__(self) -> str:
        return f"AIMS scope v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "organizations:scope_version", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    def systems_in_scope(self) -> list[dict[str, Any]]:
        """The AI systems this version names — as approved, for an approved version — each
        with its record while it still exists (None once deleted)."""
        live = {system.pk: system for system in self.ai_systems.all()}
        return [
            {"title": item["title"], "record": live.get(item["id"])}
            for item in self.linked("ai_systems")
        ]

    def clean(self) -> None:
        super().clean()
        invalid = [r for r in (self.ai_roles or []) if r not in AIRole.values]
        if invalid:
            raise ValidationError(
                {"ai_roles": _("Unknown AI role: %(r)s") % {"r": ", ".join(invalid)}}
            )

    def get_ai_roles_display(self) -> list[str]:
        labels = dict(AIRole.choices)
        return [str(labels.get(r, r)) for r in self.ai_roles or []]

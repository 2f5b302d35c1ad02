"""Checks of the demo's context records: ``scope.json`` and ``context.json``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from demo.loader_common import DemoDataError, _keys

if TYPE_CHECKING:
    from demo.loader import DemoData


def check_scope(data: DemoData, *, organization, person, systems) -> None:
    """scope.json: the statement's versions and the issues, parties and systems they name."""
    for slug, scope in data.scope.items():
        organization("scope.json", slug)
        _keys(
            "scope.json",
            slug,
            scope,
            {
                "author",
                "approver",
                "first_version",
                "first_version_systems",
                "approval_note",
                "revision",
                "revision_adds_systems",
            },
            {"first_version_issues", "first_version_parties", "revision_adds_issues"},
        )
        context = data.context.get(slug, {})
        issue_titles = {issue["title"] for issue in context.get("issues", [])}
        party_names = {party["name"] for party in context.get("parties", [])}
        for title in (
            *scope.get("first_version_issues", []),
            *scope.get("revision_adds_issues", []),
        ):
            if title not in issue_titles:
                raise DemoDataError("scope.json", slug, f"unknown issue {title!r}")
        for name in scope.get("first_version_parties", []):
            if name not in party_names:
                raise DemoDataError("scope.json", slug, f"unknown interested party {name!r}")
        person("scope.json", slug, scope["author"])
        person("scope.json", slug, scope["approver"])
        systems("scope.json", slug, slug, scope["first_version_systems"])
        systems("scope.json", slug, slug, scope["revision_adds_systems"])


def check_context(data: DemoData, *, organization, person) -> None:
    """context.json: the issues, climate decisions and interested parties."""
    for slug, context in data.context.items():
        organization("context.json", slug)
        _keys("context.json", slug, context, {"issues", "climate_decisions", "parties"})
        for issue in context["issues"]:
            _keys(
                "context.json",
                issue.get("title", slug),
                issue,
                {"kind", "category", "title", "description", "effect", "owner", "status"},
                {"identified_in_days", "review_in_days"},
            )
            person("context.json", issue["title"], issue["owner"])
        for decision in context["climate_decisions"]:
            _keys(
                "context.json",
                "climate_decisions",
                decision,
                {"relevant", "reasoning", "decided_by", "decided_in_days"},
            )
            person("context.json", "climate_decisions", decision["decided_by"])
        for party in context["parties"]:
            _keys(
                "context.json",
                party.get("name", slug),
                party,
                {"name", "kind", "category", "description", "owner", "requirements"},
            )
            person("context.json", party["name"], party["owner"])
            for requirement in party["requirements"]:
                _keys(
                    "context.json",
                    party["name"],
                    requirement,
                    {"requirement", "source", "addressed", "how"},
                    {"controls"},
                )

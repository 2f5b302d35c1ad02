"""Builders shared by the policy tests."""

from __future__ import annotations

import itertools

from aims.core.documents import document_approve, document_submit
from policies.models import Policy
from policies.services import documents as services

_codes = itertools.count(1)


def new_code(prefix: str = "POL") -> str:
    return f"{prefix}-{next(_codes)}"


def draft(org, author, **fields) -> Policy:
    fields.setdefault("code", new_code())
    fields.setdefault("title", f"Policy {fields['code']}")
    fields.setdefault("body", "# Purpose\n\nWe use AI with care.\n")
    return Policy.objects.create(organization=org, author=author, **fields)


def approved(org, author, approver, **fields) -> Policy:
    version = draft(org, author, **fields)
    document_submit(version=version, user=author)
    return document_approve(version=version, user=approver, note="Fine by me.")


def published(org, author, approver, *, people=(), roles=()) -> Policy:
    version = approved(org, author, approver)
    version, _made = services.policy_publish(
        version=version, user=approver, people=people, roles=roles
    )
    return version

"""People and sign-in for the browser journeys."""

from __future__ import annotations

from typing import Any

PASSWORD = "correct-horse-battery-9"


def person(email: str, full_name: str, roles: dict[str, str]) -> Any:
    """A user with ``PASSWORD`` and a role in each organisation named (created if new),
    as an import so the change log shows no user of its own."""
    from aims.core.changelog import change_context
    from aims.organizations.models import Membership, Organization, User

    with change_context(source="import"):
        user = User.objects.create_user(email, PASSWORD, full_name=full_name)
        for name, role in roles.items():
            org, _ = Organization.objects.get_or_create(
                name=name, defaults={"slug": name.split()[0].lower()}
            )
            Membership.objects.create(organization=org, user=user, role=role)
    return user


def sign_in(page: Any, base: str, user: Any) -> None:
    """Sign in through the login form (where the product goes next is the caller's to check)."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

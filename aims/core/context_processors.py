from django.utils.functional import SimpleLazyObject

from aims.core.permissions import Role, auditor_scopes_of, memberships_of


def navigation(request):
    """The current organisation, the user's role in it and their other organisations."""
    org = getattr(request, "organization", None)
    user = getattr(request, "user", None)

    def memberships():
        return memberships_of(user)

    role = getattr(request, "org_role", None)

    def engagements():
        # The banner an auditor reads on every page: which engagements, read-only, until when.
        return [s for s in auditor_scopes_of(user) if s.organization_id == org.pk]

    return {
        "current_org": org,
        "current_role": role,
        "current_role_label": dict(Role.choices).get(role, "") if role else "",
        "my_memberships": SimpleLazyObject(memberships),
        "auditor_engagements": (
            SimpleLazyObject(engagements) if org is not None and role == Role.AUDITOR else None
        ),
    }

from django.utils.functional import SimpleLazyObject

from aims.core.permissions import Role, memberships_of


def navigation(request):
    """The current organisation, the user's role in it and their other organisations."""
    org = getattr(request, "organization", None)
    user = getattr(request, "user", None)

    def memberships():
        return memberships_of(user)

    role = getattr(request, "org_role", None)

    return {
        "current_org": org,
        "current_role": role,
        "current_role_label": dict(Role.choices).get(role, "") if role else "",
        "my_memberships": SimpleLazyObject(memberships),
    }

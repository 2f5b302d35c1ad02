from django.utils.functional import SimpleLazyObject


def navigation(request):
    """The current organisation, the user's role in it and their other organisations."""
    org = getattr(request, "organization", None)
    user = getattr(request, "user", None)

    def memberships():
        from aims.core.permissions import memberships_of

        return memberships_of(user)

    role = getattr(request, "org_role", None)
    from aims.core.permissions import Role

    return {
        "current_org": org,
        "current_role": role,
        "current_role_label": dict(Role.choices).get(role, "") if role else "",
        "my_memberships": SimpleLazyObject(memberships),
    }

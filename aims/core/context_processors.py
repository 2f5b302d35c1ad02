from django.utils.functional import SimpleLazyObject


def navigation(request):
    """The current organisation, the user's role in it and their other organisations."""
    org = getattr(request, "organization", None)
    user = getattr(request, "user", None)

    def memberships():
        from aims.organizations.models import Membership

        if not user or not user.is_authenticated:
            return []
        return list(
            Membership.objects.filter(user=user, organization__is_active=True)
            .select_related("organization")
            .order_by("organization__name")
        )

    role = getattr(request, "org_role", None)
    from aims.core.permissions import Role

    return {
        "current_org": org,
        "current_role": role,
        "current_role_label": dict(Role.choices).get(role, "") if role else "",
        "my_memberships": SimpleLazyObject(memberships),
    }

def navigation(request):
    """The current organisation and the user's organisations, for the layout."""
    return {
        "current_org": getattr(request, "organization", None),
        "current_role": getattr(request, "org_role", None),
    }

"""The policies app's API, one module per area (see ``policies.models``)."""

from rest_framework.routers import BaseRouter

from policies.api import objectives


def register(router: BaseRouter) -> None:
    """Register every area's viewsets on the project's API router."""
    from policies.api import support

    support.register(router)
    objectives.register(router)

"""The policies app's API, one module per area (see ``policies.models``)."""

from rest_framework.routers import BaseRouter

from policies.api import documents


def register(router: BaseRouter) -> None:
    """Register every area's viewsets on the project's API router."""
    documents.register(router)

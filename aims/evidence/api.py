"""REST API (being built)."""


def register(router) -> None:
    """Add this app's viewsets to the API router."""

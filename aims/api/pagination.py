from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=&page_size=`` (at most 500) → ``{count, next, previous, results}``."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        # A sort parameter that names no field (``?ordering=,``) clears the model's ordering;
        # pages of an unordered query may repeat or skip rows, so fall back to the id.
        if getattr(queryset, "ordered", True) is False:
            queryset = queryset.order_by("pk")
        return super().paginate_queryset(queryset, request, view)

"""One error format: 400 ``{field: [messages]}``; other errors ``{"detail": message}``."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record was changed by someone else since you read it. Fetch it again and re-apply your change."
    default_code = "precondition_failed"


BUSY_MESSAGE = (
    "Other changes to the same records were being saved at the same moment, so this one "
    "was not saved. Nothing was changed: please try again."
)
RETRY_AFTER_SECONDS = 1

# Postgres: deadlock_detected, serialization_failure (a transaction the database aborted
# so that another could go on; running it again normally succeeds).
TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})


class DatabaseBusy(Exception):
    """A unit of work was aborted by the database as often as it may be retried
    (``aims.core.transactions.run_atomic``): 503 in the API, a "try again" page in the UI."""

    def __init__(self, message: str = BUSY_MESSAGE) -> None:
        super().__init__(message)


class ServiceBusy(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = BUSY_MESSAGE
    default_code = "busy"


def is_transient_db_error(exc: BaseException) -> bool:
    """A deadlock or serialization failure (Postgres), or a locked database (SQLite)."""
    if not isinstance(exc, DatabaseError):
        return False
    cause = exc.__cause__
    code = getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
    if code:
        return code in TRANSIENT_SQLSTATES
    return "database is locked" in str(exc)


def is_busy(exc: BaseException) -> bool:
    return isinstance(exc, DatabaseBusy) or is_transient_db_error(exc)


def validation_error_to_dict(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [
                str(m) for e in errors for m in e.messages
            ]
            for field, errors in exc.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_to_dict(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if is_busy(exc):
        response = drf_exception_handler(ServiceBusy(), context)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        # ``ValidationError("message")`` renders as a bare list: keep the one format.
        response.data = {"non_field_errors": response.data}
    return response

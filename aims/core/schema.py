"""OpenAPI: the error answers every operation can give, in the format of aims.core.exceptions.

drf-spectacular documents only the success status of each operation. This postprocessing
hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``) adds, where the operation can give
them and it does not document them itself:

- 400 ``ValidationError`` (``{field: [messages]}``) or ``ErrorDetail``: every write (a
  workflow step refused in this state, a delete of a record others still refer to) and an
  operation with query parameters (a bad filter value);
- 401 and 403 ``ErrorDetail``: every operation (no or a bad token; a role or a read-only
  token that does not allow it);
- 404 ``ErrorDetail``: an operation with path or query parameters (no such record, or none
  the caller may see; a page past the end; an organisation named in the query that is not
  theirs);
- 409 ``ErrorDetail`` or ``Conflict``: every write (a conflicting concurrent change; a
  duplicate file, with the ids of the evidence that holds it);
- 503 ``ErrorDetail``: every write (the database stayed deadlocked after the retries).
- 412 ``ErrorDetail``: ``PUT``/``PATCH``/``DELETE`` of one record (a stale ``If-Match``);
- 415 ``ErrorDetail``: an operation with a request body (a content type the API does not
  read, or a body that cannot be parsed as the type it claims);
- 428 ``ErrorDetail``: a one-record write of a view that sets ``precondition_required``
  (none today: ``If-Match`` is optional);
- 429 ``ErrorDetail``: an operation whose view has throttle classes (none today).

``make fuzz`` (tests/contract) checks the statuses and bodies the API really gives against
what is documented here.
"""

from __future__ import annotations

import re
from typing import Any

ERROR_DETAIL = {
    "type": "object",
    "description": "Any error other than a validation error: one message for a person.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": (
        "A validation error: each refused field with its messages; errors that concern no "
        "single field are under `non_field_errors`. A field of a list or of a nested object "
        "may hold the errors of its items instead of messages."
    ),
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
            {"type": "object"},
        ]
    },
}

CONFLICT = {
    "type": "object",
    "description": (
        "A conflict with a record that exists: the refused field with its messages, and the "
        "ids of the records it conflicts with (a duplicate file names the evidence item and "
        "file version that hold it)."
    ),
    "additionalProperties": {
        "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "integer"}]
    },
}

WRITES = {"post", "put", "patch", "delete"}
ONE_RECORD_WRITES = {"put", "patch", "delete"}
DESCRIPTIONS = {
    "400": "Invalid input: nothing was saved.",
    "401": "No valid credentials (a bearer token or a session).",
    "403": "Signed in, but your role or token does not allow this.",
    "404": "No such record, or not one you may see (or no such page of the list).",
    "409": "The change conflicts with the current state or a concurrent change; try again.",
    "412": "The record changed since you read it (If-Match does not match its ETag).",
    "415": "The request body's content type is not one the API reads (JSON, a form or "
    "multipart), or the body cannot be read as the type it claims.",
    "428": "This write needs an If-Match header with the record's ETag.",
    "429": "Too many requests; retry after the time in Retry-After.",
    "503": "The database stayed busy (a deadlock retried until the attempts ran out): "
    "nothing was saved; retry after the time in Retry-After.",
}


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _response(code: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": schema}}}


def error_codes(method: str, operation: dict[str, Any], view: type | None = None) -> list[str]:
    """The error statuses an operation can answer, from its method, its parameters and
    (for 428/429) its view class."""
    parameters = operation.get("parameters", [])
    in_path = any(p.get("in") == "path" for p in parameters)
    in_query = [p.get("name") for p in parameters if p.get("in") == "query"]
    codes = ["401", "403"]
    if "requestBody" in operation or in_query or method in WRITES:
        codes.append("400")
    if "requestBody" in operation:
        codes.append("415")
    if in_path or in_query:
        codes.append("404")
    if method in WRITES:
        codes.append("409")
        codes.append("503")
    if method in ONE_RECORD_WRITES and in_path:
        codes.append("412")
        if getattr(view, "precondition_required", False):
            codes.append("428")
    if getattr(view, "throttle_classes", None):
        codes.append("429")
    return sorted(codes)


def document_error_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorDetail", ERROR_DETAIL)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    schemas.setdefault("Conflict", CONFLICT)
    special = {
        "400": {"anyOf": [_ref("ValidationError"), _ref("ErrorDetail")]},
        "409": {"anyOf": [_ref("ErrorDetail"), _ref("Conflict")]},
    }
    # The endpoints name path parameters as the URL conf does ({pk}), the schema as the
    # model field ({id}): match them with the parameter names left out.
    views = {
        (_shape(path), method.lower()): getattr(callback, "cls", None)
        for path, _regex, method, callback in (getattr(generator, "endpoints", None) or [])
    }
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code in error_codes(method, operation, views.get((_shape(path), method))):
                if code not in responses:
                    schema = special.get(code, _ref("ErrorDetail"))
                    responses[code] = _response(code, schema)
            operation["responses"] = dict(sorted(responses.items()))
    return result

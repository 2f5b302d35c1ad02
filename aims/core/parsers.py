"""The API's JSON parser (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``).

DRF's parser hands Python's ``json`` module a body of any depth: a body nested a few
thousand levels deep raised ``RecursionError`` (a 500). This one answers 400 for a body
nested deeper than ``MAX_JSON_DEPTH``, and refuses, on the top-level field that holds
them, values no column can store (``aims.core.validators.unstorable_reason``: the NUL
character, non-finite numbers such as ``1e999``), so every endpoint is covered, including
the actions that read ``request.data`` without a serializer.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, parsers
from rest_framework.settings import api_settings

from aims.core.validators import depth_of, unstorable_reason

# Lists and dicts inside each other; the deepest body the API itself takes is about 4.
MAX_JSON_DEPTH = 32


class SafeJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError(self.too_deep()) from exc
        if depth_of(data) > MAX_JSON_DEPTH:
            raise exceptions.ParseError(self.too_deep())
        errors = (
            {
                str(key): [reason]
                for key, value in data.items()
                if (reason := unstorable_reason([key, value]))
            }
            if isinstance(data, dict)
            else (
                {api_settings.NON_FIELD_ERRORS_KEY: [reason]}
                if (reason := unstorable_reason(data))
                else {}
            )
        )
        if errors:
            raise exceptions.ValidationError(errors)
        return data

    @staticmethod
    def too_deep() -> str:
        return f"JSON parse error - the body nests lists and objects more than {MAX_JSON_DEPTH} levels deep."

"""Every logged model has a generic case (NetBox style), or a written reason why not.

A model the change log tracks (``aims.core.changelog.is_logged``: the concrete subclasses of
``TrackedModel`` plus the user model) is a record people read and write; its permission matrix
comes from ``tests.generic`` so a new model cannot ship with none.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from django.apps import apps

from aims.core.changelog import is_logged
from tests.generic import GenericModelTests

# The one place to exempt a logged model from the generic suite, each with its reason.
UNCASED_MODELS: dict[str, str] = {
    "api.ApiToken": (
        "a personal credential, not organisation data: only its owner lists and revokes it; "
        "tests/api/test_tokens.py covers every role and the change log"
    ),
    "organizations.User": (
        "an account is no organisation's record: it is made and reached through Membership, "
        "whose case checks the account's change-log row (create_other_rows)"
    ),
}

TESTS = Path(__file__).parent


def _cased_models() -> set[str]:
    """Labels of the models a GenericModelTests class in the test tree declares a case for."""
    for path in sorted(TESTS.rglob("test_*.py")):
        if "GenericModelTests" not in path.read_text():
            continue
        module = ".".join(path.relative_to(TESTS.parent).with_suffix("").parts)
        importlib.import_module(module)
    labels = set()
    pending = list(GenericModelTests.__subclasses__())
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        case = getattr(cls, "case", None)
        if case is not None:
            labels.add(case.model._meta.label)
    return labels


def _logged_models() -> set[str]:
    return {m._meta.label for m in apps.get_models() if is_logged(m)}


def test_it_has_a_generic_case_for_every_logged_model():
    missing = _logged_models() - _cased_models() - set(UNCASED_MODELS)
    assert not missing, (
        f"no generic case for {sorted(missing)}: declare a ModelCase, "
        "or exempt it in UNCASED_MODELS with a reason"
    )


def test_it_keeps_no_stale_exemption():
    cased, logged = _cased_models(), _logged_models()
    stale = {label for label in UNCASED_MODELS if label in cased or label not in logged}
    assert not stale, f"exempted but cased, or no longer logged: {sorted(stale)}"

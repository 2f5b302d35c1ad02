"""Every view that handles a write method is a retried unit of work.

Walks every URL pattern (``django.urls.get_resolver()``): a page's view class must have
``aims.core.views.RetriedWritesMixin`` (every page inside an organisation has it through
``OrganizationMixin``), an API view ``aims.core.api.RetriedWritesMixin`` (every viewset on
the restricted bases, their ``@action`` methods included). Otherwise a deadlock answers
"try again" at the first conflict, and the view's change-log rows are chained as they are
written instead of at the end. Only the views below, which must not be run again as a
whole, are left out, each saying why.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

from aims.core import api
from aims.core import views as generic

WRITE_METHODS = ("post", "put", "patch", "delete")

# Views that handle a write method but must not be run again as a whole.
NOT_RETRIED = {
    # Counts the report in the shared cache (the per-address throttle) before saving it, and
    # saves it through run_atomic itself: run again whole, one report would count twice.
    "policies.views.support.PublicConcernView",
    # Writes nothing to the database (reads the concern a follow-up code opens); counts a
    # wrong code in the shared cache, which a second run would count twice.
    "policies.views.support.PublicFollowUpView",
    # Redirects every method and writes nothing (the admin's old change-page URLs).
    "django.views.generic.base.RedirectView",
}

# Code outside the project, left to its own transactions.
NOT_RETRIED_PACKAGES = (
    # Sign-in, password and two-factor pages: allauth sends its e-mails (password reset,
    # sign-in codes, e-mail change) synchronously and counts rate limits and failed
    # sign-ins in the cache, so a second run would mail and count twice. They write one
    # person's rows and the change-log head last: no lock-order cycle with other writers.
    "allauth.",
    # The admin site (superusers' maintenance, not a product page): each change in its own
    # transaction.atomic. Function views, so the walk could not see their methods anyway.
    "django.contrib.admin.",
    "django.contrib.auth.admin",
    "guardian.admin",
    "django.contrib.contenttypes.views",  # the admin's "view on site" redirect
    "aims.core.admin_site",  # the admin site's sign-in and password pages
)

# Function views of the project: the walk cannot tell which methods they handle, so each
# is listed with what it does; a new one that writes should be a class on the bases.
FUNCTION_VIEWS = {
    "aims.core.ui.healthz",  # reads: the database and broker status
}


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def _name(obj) -> str:
    return f"{obj.__module__}.{obj.__qualname__}"


def _write_methods(callback, view_class) -> list[str]:
    actions = getattr(callback, "actions", None)  # a DRF viewset: method -> action
    if actions:
        return [m for m in actions if m in WRITE_METHODS]
    allowed = [m.lower() for m in getattr(view_class, "http_method_names", WRITE_METHODS)]
    return [m for m in WRITE_METHODS if m in allowed and hasattr(view_class, m)]


def _runs_before_the_unit(view_class, mixin) -> list[str]:
    """Classes whose ``dispatch`` runs before the mixin's, outside the unit of work."""
    before = view_class.__mro__[: view_class.__mro__.index(mixin)]
    return [
        _name(c)
        for c in before
        if "dispatch" in vars(c) and c is not generic.OrganizationMixin  # resolves, reads only
    ]


def _offenders() -> list[str]:
    found = []
    for route, pattern in _patterns(get_resolver()):
        callback = pattern.callback
        view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        module = getattr(view_class or callback, "__module__", "")
        if module.startswith(NOT_RETRIED_PACKAGES):
            continue
        if view_class is None:
            if _name(callback) not in FUNCTION_VIEWS:
                found.append(f"{_name(callback)} ({route}): a function view; make it a class")
            continue
        if _name(view_class) in NOT_RETRIED:
            continue
        writes = _write_methods(callback, view_class)
        if not writes:
            continue
        is_api = hasattr(callback, "cls")
        mixin = api.RetriedWritesMixin if is_api else generic.RetriedWritesMixin
        label = f"{_name(view_class)} ({route}, {'/'.join(m.upper() for m in writes)})"
        if not issubclass(view_class, mixin):
            base = "RestrictedModelViewSet" if is_api else "OrganizationMixin or RetriedWritesMixin"
            found.append(f"{label}: not a retried unit of work; build it on {base}")
        elif not is_api and (early := _runs_before_the_unit(view_class, mixin)):
            found.append(f"{label}: dispatch of {', '.join(early)} runs outside the unit")
    return sorted(set(found))


def test_every_view_that_writes_is_a_retried_unit_of_work():
    offenders = _offenders()
    assert not offenders, "Views that write outside a retried unit of work:\n" + "\n".join(
        offenders
    )


def test_the_walk_sees_the_hand_written_views():
    """The guard checks something: the walk finds write views of both kinds, with the
    hand-written workflow steps among them, and no allowlisted name is stale."""
    seen = set()
    for _route, pattern in _patterns(get_resolver()):
        view_class = getattr(pattern.callback, "view_class", None) or getattr(
            pattern.callback, "cls", None
        )
        if view_class is not None and _write_methods(pattern.callback, view_class):
            seen.add(_name(view_class))
    assert {
        "audits.views.NonconformityDecisionView",
        "packs.views.PackRetryView",
        "reminders.views.ReminderListView",
        "aims.api.views.ApiTokenView",
        "audits.api.NonconformityViewSet",
    } <= seen
    assert seen >= NOT_RETRIED

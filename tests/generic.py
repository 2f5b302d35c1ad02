"""Generic test cases: a model's whole permission matrix from a few declarations (NetBox style).

A test module declares a ``ModelCase`` for a model and a class::

    class TestAISystem(GenericModelTests):
        case = AISYSTEM_CASE

and gets, for every role in ``org`` plus the outsider (admin of ``other_org``) and an
anonymous caller: API list / retrieve / create / update / delete, the same for the UI pages,
auditors through their engagements, contributor ownership and grants, change-log rows for
every write through the API and the UI, and a query-count check (1 row vs 25 rows). Tests
that do not apply to a case (no UI add page, a read-only model…) are removed from the class,
not skipped, so a report names only what was really checked:
``TestAISystem::test_api_update[contributor]``.

What a role may do is derived from the case's role sets and mirrors ``AccessPolicy``:

- ``view_roles`` see every record of their organisation; the outsider sees nothing of ``org``
  (unless the model is ``global_read`` reference data, which every signed-in user reads).
- An auditor's role alone shows nothing (unless ``view_roles`` names auditors); what an open
  engagement adds follows from the model's ``EngagementScope`` (``AccessPolicy.engagement``,
  or its parent's for a part), read record by record by ``auditor_sees`` below. The case's
  records are made once and checked under five engagements in turn (``ENGAGEMENTS``): over
  the whole AIMS, limited to an AI system a record is linked to, limited to another AI
  system, of another organisation, and one that ended yesterday; a failure names the
  engagement. Auditors never write: under each engagement that shows them a record, its
  update and delete answer 403 and a create is refused; once the window has closed, 404.
- A write by a role that can see the record but may not do it is a 403; a record out of reach
  is a 404; a create aimed at an organisation/parent the caller cannot see is refused as an
  invalid value (API 400, UI 404).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.html import escape
from guardian.shortcuts import assign_perm

from aims.core.forms import VERSION_FIELD
from aims.core.models import ChangeLogEntry
from aims.core.permissions import Role, UserPurpose, policy_of, user_purpose_of
from aims.organizations.models import Membership
from tests import factories
from tests.factories import LINK_TARGETS, link_every_many_to_many

ORG_ROLES = ("admin", "officer", "contributor", "viewer", "auditor")
ALL_ROLES = (*ORG_ROLES, "outsider", "anonymous")
READ_ROLES = frozenset({"admin", "officer", "contributor", "viewer"})
EDIT_ROLES = frozenset({"admin", "officer"})
ADD_ROLES = frozenset({"admin", "officer", "contributor"})
QUERY_BUDGET = 15


@dataclass
class Ctx:
    """What the builders of a case receive."""

    org: Any
    other_org: Any
    users: Any
    shared: dict = field(default_factory=dict)

    def user(self, role: str):
        return None if role == "anonymous" else self.users[role]


Builder = Callable[..., Any]


@dataclass(frozen=True)
class ModelCase:
    model: type[models.Model]
    make: Builder  # make(ctx) -> a new record of ``ctx.org`` (not owned by anyone)
    view_roles: frozenset = READ_ROLES
    add_roles: frozenset = ADD_ROLES
    change_roles: frozenset = EDIT_ROLES
    delete_roles: frozenset = EDIT_ROLES
    # Roles that can see where a new record goes (the organisation, or the parent record).
    create_target_visible: frozenset = frozenset(ORG_ROLES)
    global_read: bool = False
    # make_foreign(ctx) -> a record no page or list of ``ctx.org`` may show; the default is
    # ``make`` run for ``ctx.other_org``.
    make_foreign: Builder | None = None
    # Contributors: owner_of(record, user) makes ``user`` the record's owner (or its parent's).
    owner_of: Builder | None = None
    # make_shown(ctx) -> a record of ``ctx.org`` that the model's ``EngagementScope.shown``
    # lets an auditor see (an approved version), when ``make`` makes none.
    make_shown: Builder | None = None

    # --- API -----------------------------------------------------------------------------
    api_basename: str | None = None  # router basename, e.g. "aisystem"
    api_create: bool = True  # False: the endpoint has no such method (405)
    api_update: bool = True
    api_delete: bool = True
    create_payload: Builder | None = None  # create_payload(ctx) -> dict
    update_payload: Builder | None = None  # update_payload(ctx, record) -> dict
    # owner_of_create(ctx, payload, user): make ``user`` own the parent the payload names.
    owner_of_create: Builder | None = None
    create_actions: tuple[str, ...] = ("create",)  # change-log actions on the new record
    ui_create_actions: tuple[str, ...] | None = None  # when the UI differs from the API
    create_other_rows: int = 0  # change-log rows of other records written by a create
    delete_other_rows: int = 0  # the same, for a delete (a parent whose status follows)
    # The UI list's query ceiling: the budget, unless a page that reads every register (the
    # readiness page) declares its own, with the reason.
    ui_list_query_budget: int = QUERY_BUDGET
    # The create's change-log rows name no actor (a concern: who raised it is on the record
    # alone); the request id and source are kept.
    create_actor_hidden: bool = False
    list_params: Builder = lambda ctx, objs: {}

    # --- UI ------------------------------------------------------------------------------
    ui_list: Builder | None = None  # ui_list(ctx) -> url
    # Roles whose list page answers 404 while nothing is open to them, instead of an empty
    # list (the readiness page of an auditor with no open engagement and no shared record).
    ui_list_closed_to: frozenset = frozenset()
    # list_ids(response) -> the ids of the records the list page shows. The default reads the
    # paginated table (``page_obj``); a page without one (the SoA's groups, the readiness
    # clauses, the scope versions) must declare how, or its list tests fail.
    list_ids: Builder | None = None
    ui_detail: Builder | None = None  # ui_detail(ctx, record) -> url
    # detail_shows(response, record) -> bool: the page is about ``record``. The default looks
    # for its str() in the page (a file download overrides it with the file's bytes).
    detail_shows: Builder | None = None
    ui_add: Builder | None = None  # ui_add(ctx) -> url (a GET form unless ui_add_get=False)
    ui_add_get: bool = True
    ui_add_data: Builder | None = None  # ui_add_data(ctx) -> POST data
    ui_edit: Builder | None = None  # ui_edit(ctx, record) -> url
    ui_form: type | None = None  # the edit form class, to post its initial values back
    ui_changes: dict | None = None  # edited fields and their new values
    # The edit page doubles as the record's page: readers get it without the form (200).
    ui_edit_shown_to_readers: bool = False
    ui_delete: Builder | None = None  # ui_delete(ctx, record) -> url

    def __post_init__(self):
        # Every record a test makes has its many-to-many links filled, so reading, writing,
        # logging and counting queries all run on linked data.
        for name in ("make", "make_shown"):
            make = getattr(self, name)
            if make is not None:
                object.__setattr__(self, name, _linked(make))

    # --- expectations ---------------------------------------------------------------------
    def sees(self, role: str) -> bool:
        if role == "anonymous":
            return False
        if self.global_read:
            return True
        return role in self.view_roles

    def api_status(self, role: str, action: str) -> int:
        if role == "anonymous":
            return 401
        if action == "create":
            if not self.api_create:
                return 405
            if role in self.add_roles:
                return 201
            return 403 if role in self.create_target_visible else 400
        allowed_method = {"update": self.api_update, "delete": self.api_delete}[action]
        if not allowed_method:
            return 405
        if not self.sees(role):
            return 404
        roles = self.change_roles if action == "update" else self.delete_roles
        if role in roles:
            return 200 if action == "update" else 204
        return 403

    def ui_status(self, role: str, action: str) -> int:
        """Status of a UI page (GET) or write (POST, 302 when it succeeds)."""
        if role == "anonymous":
            return 302  # to the sign-in page
        if role == "outsider":
            return 404  # not a member of the organisation in the URL
        if action == "list":
            return 404 if role in self.ui_list_closed_to else 200
        if action == "add":
            if role in self.add_roles:
                return 200
            return 403 if role in self.create_target_visible else 404
        if not (role in ORG_ROLES and (self.global_read or role in self.view_roles)):
            return 404
        if action == "detail":
            return 200
        roles = self.change_roles if action == "edit" else self.delete_roles
        return 200 if role in roles else 403


def _linked(make: Builder) -> Builder:
    def make_linked(ctx):
        record = make(ctx)
        link_every_many_to_many(record, fallback_organization=ctx.org)
        return record

    return make_linked


def applies(predicate: Callable[[ModelCase], bool]):
    """Keep the decorated test only for cases where ``predicate(case)`` holds."""

    def mark(function):
        function._applies = predicate
        return function

    return mark


def _api(case: ModelCase) -> bool:
    return case.api_basename is not None


def list_url(case: ModelCase) -> str:
    return reverse(f"{case.api_basename}-list")


def detail_url(case: ModelCase, pk: Any) -> str:
    return reverse(f"{case.api_basename}-detail", args=[pk])


def new_rows(since: int) -> list[ChangeLogEntry]:
    return list(ChangeLogEntry.objects.filter(seq__gt=since).order_by("seq"))


def last_seq() -> int:
    return ChangeLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def field_value(obj: models.Model, name: str) -> Any:
    f = obj._meta.get_field(name)
    return getattr(obj, f.attname)


def form_data(form_class: type, instance: models.Model, ctx: Ctx, user: Any, changes: dict) -> dict:
    """POST data a browser would send for ``instance``'s edit form, with ``changes`` applied."""
    form = form_class(instance=instance, organization=ctx.org, user=user)
    data: dict[str, Any] = {}
    for name in form.fields:
        value = changes.get(name, form[name].value())
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        elif isinstance(value, list | tuple):
            value = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, models.Model):
            value = value.pk
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        data[name] = value
    return data


def foreign_record(case: ModelCase, ctx: Ctx) -> Any:
    """A record like the case's, made in ``ctx.other_org``: no list of ``ctx.org`` may show
    it, to any role (None for global records, which belong to no organisation)."""
    if case.global_read:
        return None
    if case.make_foreign is not None:
        return case.make_foreign(ctx)
    return case.make(Ctx(org=ctx.other_org, other_org=ctx.org, users=ctx.users))


def assert_not_listed(foreign: Any, listed: set) -> None:
    if foreign is not None:
        assert foreign.pk not in listed, "a record of another organisation is listed"


def ids_in_page(response) -> set:
    return {obj.pk for obj in response.context["page_obj"].object_list}


def ids_listed(case: ModelCase, response) -> set:
    """The ids a list page shows, read the way the case declares (never skipped)."""
    if case.list_ids is not None:
        return set(case.list_ids(response))
    if response.context is None or "page_obj" not in response.context:
        pytest.fail(
            f"{case.model.__name__}: the list page has no page_obj; declare list_ids on the case"
        )
    return ids_in_page(response)


def shows_record(case: ModelCase, response, obj: models.Model) -> bool:
    if case.detail_shows is not None:
        return case.detail_shows(response, obj)
    return escape(str(obj)) in response.content.decode()


# ==== People fields: who may be named as owner, approver, participant =====================
# A self-contained block (users_choosable in aims.core.permissions): for every user field a
# case's API serializer or UI edit form writes, a member of the record's organisation is
# accepted, and a member of another organisation of the caller and an auditor are refused.

PEOPLE = ("member", "auditor", "non_member")


def api_user_fields(case: ModelCase) -> list[str]:
    """Model user fields the case's API serializer writes (by the model field's name)."""
    if case.api_basename is None or not (case.api_update or case.api_create):
        return []
    serializer_class = resolve(list_url(case)).func.cls.serializer_class
    names = []
    for name, serializer_field in serializer_class().fields.items():
        source = serializer_field.source if serializer_field.source != "*" else name
        if not serializer_field.read_only and user_purpose_of(case.model, source):
            names.append(source)
    return names


def form_user_fields(case: ModelCase) -> list[str]:
    if case.ui_form is None or case.ui_edit is None:
        return []
    return [
        name
        for name, form_field in case.ui_form.base_fields.items()
        if isinstance(form_field, forms.ModelChoiceField)
        and form_field.queryset.model is get_user_model()
    ]


def person(ctx: Ctx, who: str) -> Any:
    """``member``: a contributor of ``org``; ``auditor``: its auditor; ``non_member``: the
    admin of ``other_org``, where ``org``'s admin (who acts) is an officer too, so the caller
    can see that person and only the record's organisation can refuse them."""
    factories.MembershipFactory(organization=ctx.other_org, user=ctx.users.admin, role=Role.OFFICER)
    return {
        "member": ctx.users.contributor,
        "auditor": ctx.users.auditor,
        "non_member": ctx.users.outsider,
    }[who]


def person_value(case: ModelCase, name: str, user: Any) -> Any:
    return [user.pk] if case.model._meta.get_field(name).many_to_many else user.pk


def accepted_person(case: ModelCase, name: str) -> str:
    """Who a user field accepts: a member, or for an engagement's auditors an auditor."""
    return "auditor" if user_purpose_of(case.model, name) == UserPurpose.AUDITOR else "member"


def person_held(obj: models.Model, name: str) -> set:
    model_field = obj._meta.get_field(name)
    if model_field.many_to_many:
        return set(getattr(obj, name).values_list("pk", flat=True))
    return {getattr(obj, model_field.attname)} - {None}


class ChoosablePeopleTests:
    """Mixed into ``GenericModelTests``; its tests apply to cases with a user field."""

    case: ModelCase

    @applies(lambda c: bool(api_user_fields(c)))
    @pytest.mark.parametrize("who", PEOPLE)
    def test_api_user_fields_accept_only_members(self, who, ctx, api_as):
        case = self.case
        user = person(ctx, who)
        client = api_as("admin")
        for name in api_user_fields(case):
            value = person_value(case, name, user)
            if case.api_update:
                obj = case.make(ctx)
                version = obj.version
                response = client.patch(detail_url(case, obj.pk), {name: value}, format="json")
                obj.refresh_from_db()
                if who == accepted_person(case, name):
                    assert response.status_code == 200, (name, response.content)
                    assert person_held(obj, name) == {user.pk}
                else:
                    assert response.status_code == 400, (name, response.content)
                    assert list(response.json()) == [name]
                    assert obj.version == version
                    assert user.pk not in person_held(obj, name)
            else:
                payload = {**case.create_payload(ctx), name: value}
                before = case.model.objects.count()
                response = client.post(list_url(case), payload, format="json")
                if who == accepted_person(case, name):
                    assert response.status_code == 201, (name, response.content)
                    created = case.model.objects.get(pk=response.json()["id"])
                    assert person_held(created, name) == {user.pk}
                else:
                    assert response.status_code == 400, (name, response.content)
                    assert list(response.json()) == [name]
                    assert case.model.objects.count() == before

    @applies(lambda c: bool(form_user_fields(c)))
    @pytest.mark.parametrize("who", PEOPLE)
    def test_form_user_fields_accept_only_members(self, who, ctx):
        case = self.case
        user = person(ctx, who)
        admin = ctx.users.admin
        for name in form_user_fields(case):
            obj = case.make(ctx)
            value = [user] if case.model._meta.get_field(name).many_to_many else user
            data = form_data(case.ui_form, obj, ctx, admin, {name: value})
            form = case.ui_form(data, instance=obj, organization=ctx.org, user=admin)
            accepted = who == accepted_person(case, name)
            assert (user in form.fields[name].queryset) == accepted
            if accepted:
                assert form.is_valid(), (name, form.errors)
            else:
                assert not form.is_valid()
                assert name in form.errors


# ==== End of the people-fields block ======================================================


# ==== Auditors: what an engagement opens ==================================================
# A self-contained block. The expectations come from each model's declaration
# (``AccessPolicy.engagement``, an ``EngagementScope``), evaluated here record by record with
# plain lookups, apart from the single filter ``restrict`` builds from the same declaration.

ENGAGEMENTS = (
    "in_scope_whole_aims",  # over the whole AIMS, open today
    "in_scope_chosen_system",  # limited to an AI system a record is linked to
    "out_of_scope_other_system",  # limited to an AI system no record is linked to
    "out_of_scope_other_organisation",  # over the whole AIMS of another organisation
    "after_the_window",  # over the whole AIMS, ended yesterday
)


def auditor_may_add(case: ModelCase) -> bool:
    """The one thing an auditor writes (an information request, with its messages): its
    own tests cover who may add it; the matrix checks every other write is refused."""
    declared = policy_of(case.model).engagement
    return bool(declared is not None and getattr(declared, "auditor_adds", False))


def declaring(obj: models.Model) -> tuple[Any, Any]:
    """The record whose ``EngagementScope`` decides for ``obj`` (itself, or for a part the
    parent it is seen with) and that scope; ``(None, None)`` when none is declared."""
    policy = type(obj).access
    while policy.engagement is None:
        if not policy.parent_path:
            return None, None
        obj = getattr(obj, policy.parent_path)
        policy = type(obj).access
    return obj, policy.engagement


def reached(obj: models.Model, path: str) -> set:
    """The primary keys ``path`` leads to from ``obj``."""
    if path == "pk":
        return {obj.pk}
    found = type(obj)._default_manager.filter(pk=obj.pk).values_list(path, flat=True)
    return set(found) - {None}


def shown(obj: models.Model) -> bool:
    """Whether ``obj`` passes its ``EngagementScope.shown`` (every record, when none)."""
    holder, declared = declaring(obj)
    if declared is None or not declared.shown:
        return True
    return type(holder)._default_manager.filter(pk=holder.pk, **declared.shown).exists()


def link_along(obj: models.Model, path: str, organization: Any) -> models.Model:
    """The record at the end of ``path`` from ``obj``, linking a new record of
    ``organization`` (``LINK_TARGETS``) at every step that leads nowhere yet."""
    if path == "pk":
        return obj
    for name in path.split("__"):
        model_field = obj._meta.get_field(name)
        label = model_field.related_model._meta.label
        if model_field.many_to_many:
            accessor = model_field.get_accessor_name() if model_field.auto_created else name
            linked = getattr(obj, accessor)
            step = linked.first()
            if step is None:
                step = LINK_TARGETS[label](organization)
                linked.add(step)
        elif model_field.many_to_one:
            step = getattr(obj, name)
            if step is None:
                step = LINK_TARGETS[label](organization)
                setattr(obj, name, step)
                obj.save()
        else:
            raise LookupError(f"{obj._meta.label}.{name}: link_along cannot follow this step")
        obj = step
    return obj


def engagement_open(engagement: Any) -> bool:
    return engagement.starts_on <= timezone.localdate() <= engagement.ends_on


def auditor_sees(case: ModelCase, obj: models.Model, engagement: Any, auditor: Any) -> bool:
    """Whether the auditor on ``engagement`` (their only one) may see ``obj``, as the model's
    declarations say."""
    organization_id = type(obj).access.organization_id_of(obj)
    if case.global_read:
        return True
    if (
        "auditor" in case.view_roles
        and Membership.objects.filter(
            user=auditor, organization_id=organization_id, role=Role.AUDITOR
        ).exists()
    ):
        return True  # the role reaches every record, engagement or not
    if not engagement_open(engagement) or organization_id != engagement.organization_id:
        return False
    holder, declared = declaring(obj)
    if declared is None or not shown(obj):
        return False
    if declared.own:
        return any(engagement.pk in reached(holder, path) for path in declared.own)
    if engagement.whole_aims or declared.always:
        return True
    if set(engagement.clauses.values_list("ref", flat=True)) & set(declared.clause_refs):
        return True
    chosen = (
        (declared.systems, engagement.ai_systems),
        (declared.controls, engagement.controls),
        (declared.clauses, engagement.clauses),
    )
    return any(
        reached(holder, path) & set(ids.values_list("pk", flat=True))
        for paths, ids in chosen
        for path in paths
    )


@dataclass
class Engaged:
    """The case's records, the auditor, and one engagement at a time (``ENGAGEMENTS``):
    the records are made once and every engagement is checked against them in turn."""

    case: ModelCase
    ctx: Ctx
    records: list  # made with ``ctx``: the pages of ``ctx.org`` show them or not
    foreign: list  # another organisation's: only their API detail is checked
    system: Any  # the AI system a record the auditor may be shown is linked to
    engagement: Any = None
    scenario: str = ""
    extra: list = field(default_factory=list)  # records tied to the engagement itself
    seen: dict = field(default_factory=dict)  # what ``auditor_sees`` said, this engagement

    @classmethod
    def build(cls, case: ModelCase, ctx: Ctx) -> Engaged:
        records = [case.make(ctx), case.make(ctx)]
        if case.make_shown is not None:
            records.append(case.make_shown(ctx))
        foreign = [f for f in [foreign_record(case, ctx)] if f is not None]
        # Link a record the auditor may be shown to an AI system, along the first systems
        # path its declaration names (the other records stay linked to other systems).
        target = next((r for r in records if shown(r)), records[0])
        holder, declared = declaring(target)
        if declared is not None and declared.systems:
            system = link_along(holder, declared.systems[0], ctx.org)
        else:
            system = factories.AISystemFactory(organization=ctx.org)
        return cls(case, ctx, records, foreign, system)

    @property
    def auditor(self) -> Any:
        return self.ctx.users.auditor

    def engage(self, scenario: str) -> None:
        """End the previous engagement (and membership) and put the auditor on this one."""
        if self.engagement is not None:
            self.engagement.delete()
        self.auditor.memberships.filter(organization=self.ctx.other_org).delete()
        org, auditor = self.ctx.org, self.auditor
        if scenario == "in_scope_whole_aims":
            engagement = factories.engage(org, auditor, whole_aims=True)
        elif scenario == "in_scope_chosen_system":
            engagement = factories.engage(org, auditor, systems=[self.system])
        elif scenario == "out_of_scope_other_system":
            other = factories.AISystemFactory(organization=org)
            engagement = factories.engage(org, auditor, systems=[other])
        elif scenario == "out_of_scope_other_organisation":
            factories.MembershipFactory(
                organization=self.ctx.other_org, user=auditor, role="auditor"
            )
            engagement = factories.engage(self.ctx.other_org, auditor, whole_aims=True)
        elif scenario == "after_the_window":
            engagement = factories.engage(
                org, auditor, whole_aims=True, starts_in_days=-30, ends_in_days=-1
            )
        else:
            raise ValueError(scenario)
        self.engagement, self.scenario, self.seen = engagement, scenario, {}
        # Records tied to the engagement itself (``own``): the engagement, its requests.
        self.extra = []
        declared = self.case.model.access.engagement
        if declared is not None and declared.own:
            own = models.Q(pk__in=[])
            for path in declared.own:
                own |= models.Q(**{path: engagement.pk})
            self.extra = list(self.case.model._default_manager.filter(own))
        self.check_setup()

    @property
    def mine(self) -> list:
        """The records of ``ctx.org`` to look for, the engagement's own ones included."""
        org_id = self.ctx.org.pk
        return self.records + [
            o for o in self.extra if type(o).access.organization_id_of(o) == org_id
        ]

    @property
    def elsewhere(self) -> list:
        org_id = self.ctx.org.pk
        return self.foreign + [
            o for o in self.extra if type(o).access.organization_id_of(o) != org_id
        ]

    def sees(self, obj: models.Model) -> bool:
        key = (type(obj), obj.pk)
        if key not in self.seen:
            self.seen[key] = auditor_sees(self.case, obj, self.engagement, self.auditor)
        return self.seen[key]

    def visible(self) -> set:
        return {obj.pk for obj in self.mine if self.sees(obj)}

    def write_target(self) -> models.Model | None:
        """A record the auditor sees, whose writes must be refused with a 403; after the
        window, the one they saw, now a 404. ``None`` where they see nothing and never did
        (the writes would be the role matrix's 404s again)."""
        target = next((o for o in self.mine if self.sees(o)), None)
        if target is None and self.scenario == "after_the_window":
            target = self.records[0]
        return target

    def write_status(self, obj: models.Model) -> int:
        return 403 if self.sees(obj) else 404

    def check_setup(self) -> None:
        """The engagements that should show something do, so no check passes by seeing
        nothing."""
        _holder, declared = declaring(self.records[0])
        if declared is None or self.case.global_read or "auditor" in self.case.view_roles:
            return
        if self.scenario == "in_scope_whole_aims" and not self.visible():
            pytest.fail(
                f"{self.case.model.__name__}: no record the case makes is shown to an auditor "
                f"({declared.shown}); declare make_shown on the case"
            )
        if self.scenario == "in_scope_chosen_system" and declared.systems and not self.visible():
            pytest.fail(f"{self.case.model.__name__}: linking {declared.systems[0]} showed nothing")


# ==== End of the auditors block ===========================================================


class GenericModelTests(ChoosablePeopleTests):
    """Subclass with ``case = ModelCase(...)``; inapplicable tests are removed."""

    case: ModelCase

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        case = getattr(cls, "case", None)
        if case is None:
            return
        for name in dir(cls):
            test = getattr(cls, name)
            predicate = getattr(test, "_applies", None)
            if name.startswith("test_") and predicate is not None and not predicate(case):
                setattr(cls, name, None)

    @pytest.fixture
    def ctx(self, org, other_org, users):
        return Ctx(org=org, other_org=other_org, users=users)

    @pytest.fixture
    def api_as(self, ctx, api_client_for):
        return lambda role: api_client_for(ctx.user(role))

    @pytest.fixture
    def ui_as(self, ctx, client_for):
        return lambda role: client_for(ctx.user(role))

    # ==== API ==============================================================================

    @applies(_api)
    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_api_list(self, role, ctx, api_as):
        case = self.case
        objs = [case.make(ctx), case.make(ctx)]
        foreign = foreign_record(case, ctx)
        response = api_as(role).get(
            list_url(case), {**case.list_params(ctx, objs), "page_size": 500}
        )
        if role == "anonymous":
            assert response.status_code == 401
            return
        assert response.status_code == 200, response.content
        listed = {row["id"] for row in response.json()["results"]}
        assert listed & {o.pk for o in objs} == ({o.pk for o in objs} if case.sees(role) else set())
        if role != "outsider":  # the outsider administers the other organisation
            assert_not_listed(foreign, listed)

    @applies(_api)
    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_api_retrieve(self, role, ctx, api_as):
        case = self.case
        obj = case.make(ctx)
        response = api_as(role).get(detail_url(case, obj.pk))
        expected = 401 if role == "anonymous" else 200 if case.sees(role) else 404
        assert response.status_code == expected, response.content
        if expected == 200:
            assert response.json()["id"] == obj.pk

    @applies(_api)
    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_api_create(self, role, ctx, api_as):
        case = self.case
        payload = case.create_payload(ctx) if case.create_payload else {}
        client = api_as(role)
        before = case.model.objects.count()
        response = client.post(list_url(case), payload, format="json")
        expected = case.api_status(role, "create")
        assert response.status_code == expected, response.content
        if expected == 201:
            assert case.model.objects.filter(pk=response.json()["id"]).exists()
            assert case.model.objects.count() == before + 1
        else:
            assert case.model.objects.count() == before

    @applies(_api)
    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_api_update(self, role, ctx, api_as):
        case = self.case
        obj = case.make(ctx)
        payload = case.update_payload(ctx, obj) if case.update_payload else {"x": 1}
        version = getattr(obj, "version", None)
        response = api_as(role).patch(detail_url(case, obj.pk), payload, format="json")
        expected = case.api_status(role, "update")
        assert response.status_code == expected, response.content
        obj.refresh_from_db()
        if expected == 200:
            for key, value in payload.items():
                assert field_value(obj, key) == value
            assert obj.version == version + 1
            assert response["ETag"] == f'"{obj.pk}-{obj.version}"'
        elif version is not None:
            assert obj.version == version

    @applies(_api)
    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_api_delete(self, role, ctx, api_as):
        case = self.case
        obj = case.make(ctx)
        response = api_as(role).delete(detail_url(case, obj.pk))
        expected = case.api_status(role, "delete")
        assert response.status_code == expected, response.content
        assert case.model.objects.filter(pk=obj.pk).exists() == (expected != 204)

    @applies(_api)
    def test_api_auditor_sees_what_their_engagement_covers(self, ctx, api_as):
        case = self.case
        engaged = Engaged.build(case, ctx)
        client = api_as("auditor")
        for scenario in ENGAGEMENTS:
            engaged.engage(scenario)
            self._check_api_auditor(engaged, client)

    def _check_api_auditor(self, engaged: Engaged, client) -> None:
        case, ctx, scenario = self.case, engaged.ctx, engaged.scenario
        params = {**case.list_params(ctx, engaged.records), "page_size": 500}
        response = client.get(list_url(case), params)
        assert response.status_code == 200, (scenario, response.content)
        listed = {row["id"] for row in response.json()["results"]}
        assert listed & {o.pk for o in engaged.mine} == engaged.visible(), scenario
        for obj in engaged.elsewhere:
            if not engaged.sees(obj):
                assert obj.pk not in listed, (scenario, "listed out of the engagement", obj)
        for obj in engaged.mine + engaged.elsewhere:
            detail = client.get(detail_url(case, obj.pk))
            assert detail.status_code == (200 if engaged.sees(obj) else 404), (scenario, obj)
            if detail.status_code == 200:
                assert detail.json()["id"] == obj.pk
        # Seeing is not changing: a record the auditor sees answers 403 to a write, another 404.
        target = engaged.write_target()
        if target is None:
            return
        version = getattr(target, "version", None)
        if case.api_update:
            payload = case.update_payload(ctx, target) if case.update_payload else {}
            response = client.patch(detail_url(case, target.pk), payload, format="json")
            assert response.status_code == engaged.write_status(target), (scenario, response)
        if case.api_delete:
            response = client.delete(detail_url(case, target.pk))
            assert response.status_code == engaged.write_status(target), (scenario, response)
        assert case.model.objects.filter(pk=target.pk).exists(), scenario
        if version is not None:
            target.refresh_from_db()
            assert target.version == version, scenario
        if case.api_create and case.create_payload is not None and not auditor_may_add(case):
            payload = case.create_payload(ctx)
            before = case.model.objects.count()
            response = client.post(list_url(case), payload, format="json")
            # 403 where the auditor sees the organisation or parent named, else 400 (invalid).
            assert response.status_code in (400, 403), (scenario, response.content)
            assert case.model.objects.count() == before, scenario

    @applies(lambda c: _api(c) and c.owner_of is not None)
    def test_api_contributor_may_change_and_delete_what_they_own(self, ctx, api_as):
        case = self.case
        obj = case.make(ctx)
        case.owner_of(obj, ctx.users.contributor)
        client = api_as("contributor")
        payload = case.update_payload(ctx, obj)
        response = client.patch(detail_url(case, obj.pk), payload, format="json")
        assert response.status_code == 200, response.content
        obj.refresh_from_db()
        for key, value in payload.items():
            assert field_value(obj, key) == value
        assert client.delete(detail_url(case, obj.pk)).status_code == 204
        assert not case.model.objects.filter(pk=obj.pk).exists()

    @applies(lambda c: _api(c) and c.owner_of is not None)
    def test_api_contributor_with_change_grant_may_change(self, ctx, api_as):
        case = self.case
        obj = case.make(ctx)
        client = api_as("contributor")
        payload = case.update_payload(ctx, obj)
        assert client.patch(detail_url(case, obj.pk), payload, format="json").status_code == 403
        assign_perm(f"change_{case.model._meta.model_name}", ctx.users.contributor, obj)
        response = client.patch(detail_url(case, obj.pk), payload, format="json")
        assert response.status_code == 200, response.content

    @applies(lambda c: _api(c) and c.owner_of_create is not None)
    def test_api_contributor_may_add_to_what_they_own(self, ctx, api_as):
        case = self.case
        payload = case.create_payload(ctx)
        client = api_as("contributor")
        assert client.post(list_url(case), payload, format="json").status_code == 403
        case.owner_of_create(ctx, payload, ctx.users.contributor)
        response = client.post(list_url(case), payload, format="json")
        assert response.status_code == 201, response.content

    # --- change log through the API ---------------------------------------------------------

    def _assert_rows(self, rows, *, source, actor, response, obj_pk, actions, org_id, others=0):
        """The rows one request wrote: ``actions`` on the record, ``others`` on other records,
        all attributed to ``actor`` and ``source`` under the response's request id."""
        label = self.case.model._meta.model_name
        mine = [r for r in rows if r.content_type.model == label and r.object_id == str(obj_pk)]
        assert [r.action for r in mine] == list(actions), [str(r) for r in rows]
        assert len(rows) - len(mine) == others, [str(r) for r in rows]
        for row in rows:
            assert row.source == source
            assert row.actor_id == (actor.pk if actor is not None else None)
            assert row.request_id == response["X-Request-ID"]
        for row in mine:
            assert row.organization_id == org_id
        return mine

    @applies(lambda c: _api(c) and c.api_create)
    def test_api_create_is_logged(self, ctx, api_as):
        case = self.case
        payload = case.create_payload(ctx)
        client = api_as("admin")
        since = last_seq()
        response = client.post(list_url(case), payload, format="json")
        assert response.status_code == 201, response.content
        obj = case.model.objects.get(pk=response.json()["id"])
        mine = self._assert_rows(
            new_rows(since),
            source="api",
            actor=None if case.create_actor_hidden else ctx.users.admin,
            response=response,
            obj_pk=obj.pk,
            actions=case.create_actions,
            org_id=ctx.org.pk,
            others=case.create_other_rows,
        )
        assert mine[0].before is None
        assert mine[-1].after["id"] == obj.pk
        for key, value in payload.items():
            if key in mine[-1].after:
                assert mine[-1].after[key] == value, key

    @applies(lambda c: _api(c) and c.api_update)
    def test_api_update_is_logged(self, ctx, api_as):
        case = self.case
        obj = case.make(ctx)
        payload = case.update_payload(ctx, obj)
        old = {key: field_value(obj, key) for key in payload}
        org_id = case.model.access.organization_id_of(obj)
        client = api_as("admin")
        since = last_seq()
        response = client.patch(detail_url(case, obj.pk), payload, format="json")
        assert response.status_code == 200, response.content
        (row,) = self._assert_rows(
            new_rows(since),
            source="api",
            actor=ctx.users.admin,
            response=response,
            obj_pk=obj.pk,
            actions=["update"],
            org_id=org_id,
        )
        for key, value in payload.items():
            assert row.before[key] == old[key]
            assert row.after[key] == value
        assert row.before["version"] + 1 == row.after["version"]

    @applies(lambda c: _api(c) and c.api_delete)
    def test_api_delete_is_logged(self, ctx, api_as):
        case = self.case
        obj = case.make(ctx)
        org_id = case.model.access.organization_id_of(obj)
        client = api_as("admin")
        since = last_seq()
        response = client.delete(detail_url(case, obj.pk))
        assert response.status_code == 204, response.content
        (row,) = self._assert_rows(
            new_rows(since),
            source="api",
            actor=ctx.users.admin,
            response=response,
            obj_pk=obj.pk,
            actions=["delete"],
            org_id=org_id,
            others=case.delete_other_rows,
        )
        assert row.after is None
        assert row.before["id"] == obj.pk

    @applies(_api)
    def test_api_list_rows_match_the_detail(self, ctx, api_as):
        """A record reads the same in a list as on its own (a list with a fast path of its
        own, such as the risks', must not drift from the serializer the detail uses)."""
        case = self.case
        client = api_as("admin")
        objs = [case.make(ctx), case.make(ctx)]
        params = {**case.list_params(ctx, objs), "page_size": 500}
        rows = {r["id"]: r for r in client.get(list_url(case), params).json()["results"]}
        for obj in objs:
            assert rows[obj.pk] == client.get(detail_url(case, obj.pk)).json()

    @applies(_api)
    def test_api_list_runs_a_constant_number_of_queries(self, ctx, api_as):
        case = self.case
        client = api_as("admin")
        objs = [case.make(ctx)]
        client.get(list_url(case))  # warm up: token bookkeeping, content types

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(list_url(case), case.list_params(ctx, objs))
            assert response.status_code == 200
            return len(queries), response.json()["count"]

        one, rows_one = count()
        objs += [case.make(ctx) for _ in range(24)]
        many, rows_many = count()
        assert rows_many == rows_one + 24
        assert one == many, f"{one} queries for 1 row, {many} for 25"
        assert many <= QUERY_BUDGET

    # ==== UI ===============================================================================

    @applies(lambda c: c.ui_list is not None)
    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_ui_list(self, role, ctx, ui_as):
        case = self.case
        objs = [case.make(ctx), case.make(ctx)]
        foreign = foreign_record(case, ctx)
        response = ui_as(role).get(case.ui_list(ctx), case.list_params(ctx, objs))
        assert response.status_code == case.ui_status(role, "list")
        if response.status_code == 200:
            expected = {o.pk for o in objs} if case.sees(role) else set()
            listed = ids_listed(case, response)
            assert listed & {o.pk for o in objs} == expected
            assert_not_listed(foreign, listed)
        if role == "anonymous":
            assert "/accounts/login/" in response["Location"]

    @applies(lambda c: c.ui_detail is not None)
    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_ui_detail(self, role, ctx, ui_as):
        case = self.case
        obj = case.make(ctx)
        response = ui_as(role).get(case.ui_detail(ctx, obj))
        assert response.status_code == case.ui_status(role, "detail")
        if response.status_code == 200:
            assert shows_record(case, response, obj), f"the page does not show {obj}"

    @applies(lambda c: c.ui_add is not None and c.ui_add_get)
    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_ui_add_form(self, role, ctx, ui_as):
        case = self.case
        response = ui_as(role).get(case.ui_add(ctx))
        assert response.status_code == case.ui_status(role, "add")

    @applies(lambda c: c.ui_add is not None)
    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_ui_add(self, role, ctx, ui_as):
        case = self.case
        url = case.ui_add(ctx)
        data = case.ui_add_data(ctx) if case.ui_add_data else {}
        before = case.model.objects.count()
        response = ui_as(role).post(url, data)
        expected = case.ui_status(role, "add")
        if expected == 200:
            assert response.status_code == 302, getattr(
                response, "context", None
            ) and response.context.get("form")
            assert case.model.objects.count() == before + 1
        else:
            assert response.status_code == expected
            assert case.model.objects.count() == before

    @applies(lambda c: c.ui_edit is not None)
    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_ui_edit_form(self, role, ctx, ui_as):
        case = self.case
        obj = case.make(ctx)
        response = ui_as(role).get(case.ui_edit(ctx, obj))
        expected = case.ui_status(role, "edit")
        reader = case.ui_status(role, "detail") == 200 and expected == 403
        if case.ui_edit_shown_to_readers and reader:
            assert response.status_code == 200 and response.context["form"] is None
        else:
            assert response.status_code == expected
        if response.status_code == 200 and response.context["form"] is not None:
            assert response.context["form"].initial[VERSION_FIELD] == obj.version

    @applies(lambda c: c.ui_edit is not None)
    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_ui_edit(self, role, ctx, ui_as):
        case = self.case
        obj = case.make(ctx)
        data = form_data(case.ui_form, obj, ctx, ctx.users.admin, case.ui_changes)
        version = obj.version
        response = ui_as(role).post(case.ui_edit(ctx, obj), data)
        expected = case.ui_status(role, "edit")
        obj.refresh_from_db()
        if expected == 200:
            assert response.status_code == 302, response.context and response.context["form"].errors
            for key, value in case.ui_changes.items():
                assert field_value(obj, key) == value
            assert obj.version == version + 1
        else:
            assert response.status_code == expected
            assert obj.version == version

    @applies(lambda c: c.ui_edit is not None)
    def test_ui_edit_refuses_a_stale_form(self, ctx, ui_as):
        case = self.case
        obj = case.make(ctx)
        data = form_data(case.ui_form, obj, ctx, ctx.users.admin, case.ui_changes)
        type(obj).objects.get(pk=obj.pk).save()  # someone else saves meanwhile
        obj.refresh_from_db()
        version = obj.version
        response = ui_as("admin").post(case.ui_edit(ctx, obj), data)
        assert response.status_code == 409
        form = response.context["form"]
        for key, value in case.ui_changes.items():
            assert form[key].value() == str(value) or form[key].value() == value
        obj.refresh_from_db()
        assert obj.version == version
        for key, value in case.ui_changes.items():
            assert field_value(obj, key) != value

    @applies(lambda c: c.ui_delete is not None)
    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_ui_delete_page(self, role, ctx, ui_as):
        case = self.case
        obj = case.make(ctx)
        response = ui_as(role).get(case.ui_delete(ctx, obj))
        assert response.status_code == case.ui_status(role, "delete")

    @applies(lambda c: c.ui_delete is not None)
    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_ui_delete(self, role, ctx, ui_as):
        case = self.case
        obj = case.make(ctx)
        response = ui_as(role).post(case.ui_delete(ctx, obj))
        expected = case.ui_status(role, "delete")
        if expected == 200:
            assert response.status_code == 302
            assert not case.model.objects.filter(pk=obj.pk).exists()
        else:
            assert response.status_code == expected
            assert case.model.objects.filter(pk=obj.pk).exists()

    @applies(lambda c: c.ui_detail is not None or c.ui_list is not None)
    def test_ui_auditor_sees_what_their_engagement_covers(self, ctx, ui_as):
        case = self.case
        engaged = Engaged.build(case, ctx)
        client = ui_as("auditor")
        for scenario in ENGAGEMENTS:
            engaged.engage(scenario)
            self._check_ui_auditor(engaged, client)

    def _check_ui_auditor(self, engaged: Engaged, client) -> None:
        case, ctx, scenario = self.case, engaged.ctx, engaged.scenario
        nothing_open_here = scenario in ("out_of_scope_other_organisation", "after_the_window")
        if case.ui_list is not None:
            response = client.get(case.ui_list(ctx), case.list_params(ctx, engaged.records))
            if nothing_open_here and "auditor" in case.ui_list_closed_to:
                # A page that says nothing without an open engagement (readiness) is not found.
                assert response.status_code == 404, scenario
            else:
                assert response.status_code == 200, scenario
                listed = ids_listed(case, response)
                assert listed & {o.pk for o in engaged.mine} == engaged.visible(), scenario
                for obj in engaged.elsewhere:
                    assert obj.pk not in listed, (scenario, "another organisation's record", obj)
        if case.ui_detail is not None:
            for obj in engaged.mine:
                response = client.get(case.ui_detail(ctx, obj))
                assert response.status_code == (200 if engaged.sees(obj) else 404), (scenario, obj)
                if response.status_code == 200:
                    assert shows_record(case, response, obj), (scenario, "not shown", obj)
        # Seeing is not changing: a record the auditor sees answers 403 to a write, another 404.
        target = engaged.write_target()
        if target is None:
            return
        version = getattr(target, "version", None)
        if case.ui_edit is not None:
            data = form_data(case.ui_form, target, ctx, ctx.users.admin, case.ui_changes)
            response = client.post(case.ui_edit(ctx, target), data)
            assert response.status_code == engaged.write_status(target), scenario
        if case.ui_delete is not None:
            response = client.post(case.ui_delete(ctx, target))
            assert response.status_code == engaged.write_status(target), scenario
        assert case.model.objects.filter(pk=target.pk).exists(), scenario
        if version is not None:
            target.refresh_from_db()
            assert target.version == version, scenario
        if case.ui_add is not None and not auditor_may_add(case):
            data = case.ui_add_data(ctx) if case.ui_add_data else {}
            before = case.model.objects.count()
            response = client.post(case.ui_add(ctx), data)
            # 403 where the auditor sees the organisation or parent, else 404.
            assert response.status_code in (403, 404), scenario
            assert case.model.objects.count() == before, scenario

    @applies(lambda c: c.owner_of is not None and c.ui_edit is not None)
    def test_ui_contributor_may_edit_and_delete_what_they_own(self, ctx, ui_as):
        case = self.case
        obj = case.make(ctx)
        client = ui_as("contributor")
        assert client.get(case.ui_edit(ctx, obj)).status_code == 403
        case.owner_of(obj, ctx.users.contributor)
        obj.refresh_from_db()
        data = form_data(case.ui_form, obj, ctx, ctx.users.contributor, case.ui_changes)
        assert client.post(case.ui_edit(ctx, obj), data).status_code == 302
        obj.refresh_from_db()
        for key, value in case.ui_changes.items():
            assert field_value(obj, key) == value
        if case.ui_delete is not None:
            assert client.post(case.ui_delete(ctx, obj)).status_code == 302
            assert not case.model.objects.filter(pk=obj.pk).exists()

    # --- change log through the UI ----------------------------------------------------------

    @applies(lambda c: c.ui_add is not None)
    def test_ui_add_is_logged(self, ctx, ui_as):
        case = self.case
        url = case.ui_add(ctx)
        data = case.ui_add_data(ctx) if case.ui_add_data else {}
        existing = set(case.model.objects.values_list("pk", flat=True))
        client = ui_as("admin")
        since = last_seq()
        response = client.post(url, data)
        assert response.status_code == 302
        (obj,) = case.model.objects.exclude(pk__in=existing)
        mine = self._assert_rows(
            new_rows(since),
            source="ui",
            actor=None if case.create_actor_hidden else ctx.users.admin,
            response=response,
            obj_pk=obj.pk,
            actions=case.ui_create_actions or case.create_actions,
            org_id=ctx.org.pk,
            others=case.create_other_rows,
        )
        assert mine[0].before is None

    @applies(lambda c: c.ui_edit is not None)
    def test_ui_edit_is_logged(self, ctx, ui_as):
        case = self.case
        obj = case.make(ctx)
        old = {key: field_value(obj, key) for key in case.ui_changes}
        org_id = case.model.access.organization_id_of(obj)
        data = form_data(case.ui_form, obj, ctx, ctx.users.admin, case.ui_changes)
        client = ui_as("admin")
        since = last_seq()
        response = client.post(case.ui_edit(ctx, obj), data)
        assert response.status_code == 302
        (row,) = self._assert_rows(
            new_rows(since),
            source="ui",
            actor=ctx.users.admin,
            response=response,
            obj_pk=obj.pk,
            actions=["update"],
            org_id=org_id,
        )
        for key, value in case.ui_changes.items():
            assert row.before[key] == old[key]
            assert row.after[key] == value

    @applies(lambda c: c.ui_delete is not None)
    def test_ui_delete_is_logged(self, ctx, ui_as):
        case = self.case
        obj = case.make(ctx)
        org_id = case.model.access.organization_id_of(obj)
        client = ui_as("admin")
        since = last_seq()
        response = client.post(case.ui_delete(ctx, obj))
        assert response.status_code == 302
        (row,) = self._assert_rows(
            new_rows(since),
            source="ui",
            actor=ctx.users.admin,
            response=response,
            obj_pk=obj.pk,
            actions=["delete"],
            org_id=org_id,
            others=case.delete_other_rows,
        )
        assert row.after is None
        assert row.before["id"] == obj.pk

    @applies(lambda c: c.ui_list is not None)
    def test_ui_list_runs_a_constant_number_of_queries(self, ctx, ui_as):
        case = self.case
        client = ui_as("admin")
        objs = [case.make(ctx)]
        url = case.ui_list(ctx)
        client.get(url)  # warm up

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, case.list_params(ctx, objs))
            assert response.status_code == 200
            return len(queries)

        one = count()
        objs += [case.make(ctx) for _ in range(24)]
        many = count()
        assert one == many, f"{one} queries for 1 row, {many} for 25"
        assert many <= case.ui_list_query_budget, f"{many} queries"

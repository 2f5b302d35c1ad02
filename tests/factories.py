"""factory-boy factories for the platform's models.

Users get an unusable password (no slow hashing); tests sign in with ``force_login`` or a
bearer token. Every factory goes through the model's ``save``, so the change log records
factory-made rows like any other write.
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from aims.api import services as api_services
from aims.core.models import Job, JobStatus
from aims.core.permissions import Role, UserPurpose, user_purpose_of
from aims.inventory.models import (
    AIStakeholderRole,
    AISystem,
    AISystemComponent,
    AISystemDataset,
    ComponentKind,
    DatasetPurpose,
    EUAIActRole,
    LifecycleStage,
)
from aims.organizations.models import Membership, Organization, ScopeStatement, User
from controls.models import (
    ControlImplementation,
    Framework,
    Requirement,
    RequirementKind,
    RequirementMapping,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = None  # unusable password: nothing to hash

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        password = kwargs.pop("password", None)
        return model_class.objects.create_user(*args, password=password, **kwargs)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.VIEWER


class AISystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AISystem

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"AI system {n}")
    description = "Ranks incoming support tickets by urgency."
    purpose = "Answer urgent customers first."
    intended_use = "Support agents see the ranking; they decide what to open."
    ai_roles = factory.LazyFunction(lambda: [AIStakeholderRole.CUSTOMER.value])
    eu_ai_act_role = EUAIActRole.DEPLOYER
    lifecycle_stage = LifecycleStage.OPERATION_MONITORING


class AISystemDatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AISystemDataset

    ai_system = factory.SubFactory(AISystemFactory)
    name = factory.Sequence(lambda n: f"Data set {n}")
    purpose = DatasetPurpose.TRAINING
    source = "Ticket archive 2019-2024"


class AISystemComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AISystemComponent

    ai_system = factory.SubFactory(AISystemFactory)
    name = factory.Sequence(lambda n: f"Component {n}")
    kind = ComponentKind.MODEL
    component_version = "1.0"


class ScopeStatementFactory(factory.django.DjangoModelFactory):
    """A draft (version 1 unless ``number`` is given) of the organisation's scope."""

    class Meta:
        model = ScopeStatement

    organization = factory.SubFactory(OrganizationFactory)
    author = factory.SubFactory(UserFactory)
    number = 1
    in_scope = "The customer-support AI systems of the EU business unit."


class ContextIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organizations.ContextIssue"

    organization = factory.SubFactory(OrganizationFactory)
    kind = "external"
    category = "legal"
    title = factory.Sequence(lambda n: f"Issue {n}")


class InterestedPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organizations.InterestedParty"

    organization = factory.SubFactory(OrganizationFactory)
    kind = "external"
    category = "customers"
    name = factory.Sequence(lambda n: f"Party {n}")


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    organization = factory.SubFactory(OrganizationFactory)
    kind = "export"
    title = factory.Sequence(lambda n: f"Export {n}")
    status = JobStatus.SUCCEEDED
    progress = 100


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    code = factory.Sequence(lambda n: f"test-fw-{n}")
    name = factory.Sequence(lambda n: f"Test framework {n}")
    edition = "2024"


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement

    framework = factory.SubFactory(FrameworkFactory)
    ref = factory.Sequence(lambda n: f"T.{n}")
    kind = RequirementKind.CONTROL
    title = factory.Sequence(lambda n: f"Test requirement {n}")
    sort_key = factory.Sequence(lambda n: f"{n:05d}")


class RequirementMappingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequirementMapping

    crosswalk = "test-crosswalk"
    source = factory.SubFactory(RequirementFactory)
    target = factory.SubFactory(
        RequirementFactory, framework=factory.SelfAttribute("..source.framework")
    )
    relationship = "related"


class ApiTokenFactory(factory.Factory):
    """``ApiTokenFactory(user=...)`` makes a token through the service; its secret is ``.raw``."""

    class Meta:
        model = dict  # built by the service below, never by the constructor

    user = factory.SubFactory(UserFactory)
    name = "Test token"
    scope = "write"
    expires_in_days = 30

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        token, raw = api_services.api_token_create(**kwargs)
        token.raw = raw
        return token

    _build = _create


def api_token(user, *, scope: str = "write", expires_in_days: int = 30, name: str = "Test token"):
    """A token for ``user`` made by the service; returns ``(token, raw)``."""
    return api_services.api_token_create(
        user=user, name=name, scope=scope, expires_in_days=expires_in_days
    )


def expired(token) -> None:
    type(token).objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )


# --- Risks, controls, evidence (issue 2 of 2) -----------------------------------------------


def criteria_for(organization):
    """The organisation's current risk criteria (the default 5 × 5 on first use)."""
    from risks.services import risk_criteria_current

    return risk_criteria_current(organization=organization)


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "risks.Risk"

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Risk {n}")
    description = "The model could produce harmful output."
    criteria = factory.LazyAttribute(lambda o: criteria_for(o.organization))
    inherent_likelihood = 3
    inherent_impact = 4


class TreatmentActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "risks.TreatmentAction"

    risk = factory.SubFactory(RiskFactory)
    title = factory.Sequence(lambda n: f"Treatment step {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


class RiskAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "risks.RiskAssessment"

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Risk assessment {n}")
    scope = "All AI systems in the AIMS scope."


class AnnexAControlFactory(RequirementFactory):
    """A catalog control in a framework coded ``iso42001`` (created once per test)."""

    framework = factory.LazyFunction(
        lambda: Framework.objects.get_or_create(
            code="iso42001", defaults={"name": "ISO/IEC 42001", "edition": "2023"}
        )[0]
    )
    ref = factory.Sequence(lambda n: f"A.6.9.{n + 1}")  # never a real catalog ref
    kind = RequirementKind.CONTROL


class ControlImplementationFactory(factory.django.DjangoModelFactory):
    """An organisation's own control (no catalog row needed); pass ``requirement`` for Annex A."""

    class Meta:
        model = "controls.ControlImplementation"

    organization = factory.SubFactory(OrganizationFactory)
    requirement = None
    ref = factory.Sequence(lambda n: f"ORG-{n + 1}")
    title = factory.Sequence(lambda n: f"Own control {n}")


class SoAVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "controls.SoAVersion"

    organization = factory.SubFactory(OrganizationFactory)
    author = factory.SubFactory(UserFactory)
    number = factory.Sequence(lambda n: n + 1)


class ClauseFactory(RequirementFactory):
    framework = factory.LazyFunction(
        lambda: Framework.objects.get_or_create(
            code="iso42001", defaults={"name": "ISO/IEC 42001", "edition": "2023"}
        )[0]
    )
    ref = factory.Sequence(lambda n: f"9.9.{n + 1}")  # never a real catalog ref
    kind = RequirementKind.CLAUSE
    assessable = True


class ClauseStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "controls.ClauseStatus"

    organization = factory.SubFactory(OrganizationFactory)
    requirement = factory.SubFactory(ClauseFactory)


class EvidenceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evidence.EvidenceItem"

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Evidence {n}")
    kind = "link"
    url = factory.Sequence(lambda n: f"https://wiki.example.com/evidence/{n}")


# --- Links: every many-to-many field filled with a record of the right organisation ----------


def _iso42001() -> Framework:
    return Framework.objects.get_or_create(
        code="iso42001", defaults={"name": "ISO/IEC 42001", "edition": "2023"}
    )[0]


def _member_of(organization, role=Role.VIEWER, **fields):
    user = UserFactory(**fields)
    MembershipFactory(organization=organization, user=user, role=role)
    return user


def _policy_of(organization, **fields):
    """A draft policy of its own series (a link target: another document to align with)."""
    from policies.models import Policy  # the policies app sits above most factories' apps

    number = Policy.objects.count() + 1
    return Policy.objects.create(
        organization=organization,
        code=f"LINKED-{number}",
        title=f"Linked policy {number}",
        author=_member_of(organization, role=Role.OFFICER),
        **fields,
    )


# make(organization, **limit_choices_to) -> a record a link of that organisation may name.
LINK_TARGETS = {
    "inventory.AISystem": lambda org, **kw: AISystemFactory(organization=org, **kw),
    "controls.ControlImplementation": lambda org, **kw: ControlImplementationFactory(
        organization=org, **kw
    ),
    "controls.Requirement": lambda org, **kw: RequirementFactory(framework=_iso42001(), **kw),
    "risks.Risk": lambda org, **kw: RiskFactory(organization=org, **kw),
    "evidence.EvidenceItem": lambda org, **kw: EvidenceItemFactory(organization=org, **kw),
    "organizations.User": _member_of,
    "policies.Policy": lambda org, **kw: _policy_of(org, **kw),
    "organizations.ContextIssue": lambda org, **kw: ContextIssueFactory(organization=org, **kw),
    "organizations.InterestedParty": lambda org, **kw: InterestedPartyFactory(
        organization=org, **kw
    ),
}


def link_every_many_to_many(obj, *, fallback_organization=None) -> None:
    """Give each many-to-many field of ``obj`` one new record of ``obj``'s organisation
    (for global records such as catalog requirements: of ``fallback_organization``).

    Generic over ``_meta.many_to_many``, so a link added to a model is filled (or, with no
    entry in ``LINK_TARGETS``, fails loudly) without touching the cases.
    """
    if not obj._meta.many_to_many:
        return
    organization_id = type(obj).access.organization_id_of(obj)
    if organization_id is None:
        organization = fallback_organization
    else:
        organization = Organization.objects.get(pk=organization_id)
    if organization is None:
        raise ValueError(f"{obj._meta.label}: a global record needs fallback_organization")
    for field in obj._meta.many_to_many:
        label = field.related_model._meta.label
        if label not in LINK_TARGETS:
            raise LookupError(f"{obj._meta.label}.{field.name}: add a maker for {label}")
        limit = field.get_limit_choices_to() or {}
        if user_purpose_of(type(obj), field.name) == UserPurpose.AUDITOR:
            limit = {**limit, "role": Role.AUDITOR}  # an engagement's auditors hold that role
        target = LINK_TARGETS[label](organization, **limit)
        if getattr(obj, "is_frozen", False):
            # An approved version refuses link changes: write the row as if it had been
            # linked before approval.
            field.remote_field.through.objects.create(
                **{field.m2m_field_name(): obj, field.m2m_reverse_field_name(): target}
            )
        else:
            getattr(obj, field.name).add(target)


def decide_every_control(organization, *, applicability: str = "not_applicable") -> None:
    """Give every undecided SoA row of ``organization`` a decision and a reason, so that an
    SoA version frozen from it can be approved (approval refuses undecided rows)."""
    ControlImplementation.objects.filter(
        organization=organization, applicability="undecided"
    ).update(applicability=applicability, justification="Decided for the test.")


def engage(
    organization,
    auditor,
    *,
    whole_aims: bool = False,
    systems=(),
    controls=(),
    clauses=(),
    starts_in_days: int = -1,
    ends_in_days: int = 30,
    name: str = "Certification audit",
):
    """An open auditor engagement of ``organization`` with ``auditor`` on it."""
    import datetime

    from django.utils import timezone

    from engagements.models import Engagement

    today = timezone.localdate()
    engagement = Engagement.objects.create(
        organization=organization,
        name=name,
        body="certification",
        body_name="Certifier Ltd",
        stage="stage_1",
        starts_on=today + datetime.timedelta(days=starts_in_days),
        ends_on=today + datetime.timedelta(days=ends_in_days),
        whole_aims=whole_aims,
    )
    engagement.auditors.add(auditor)
    engagement.ai_systems.set(systems)
    engagement.controls.set(controls)
    engagement.clauses.set(clauses)
    from aims.core.permissions import forget_roles

    forget_roles(auditor)
    return engagement

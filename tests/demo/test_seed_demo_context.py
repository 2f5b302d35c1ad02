"""``demo/data/context.json``: Northwind's issues, climate decisions and interested parties
reach the database through the services, and the approved scope considers them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from aims.organizations.models import (
    ClimateDecision,
    ContextIssue,
    InterestedParty,
    Organization,
    PartyRequirement,
    ScopeStatement,
)
from demo.loader import DemoDataError, load_demo_data
from readiness.rules import context_facts
from tests.demo.test_data_files import copy_of_data, read, rewrite


@pytest.mark.django_db
def test_every_context_record_in_the_file_reaches_the_database():
    call_command("seed_demo", stdout=StringIO())
    for slug, context in read("context.json").items():
        issues = ContextIssue.objects.filter(organization__slug=slug)
        assert sorted(issues.values_list("title", flat=True)) == sorted(
            i["title"] for i in context["issues"]
        )
        assert issues.filter(category="environmental").exists()
        decisions = list(
            ClimateDecision.objects.filter(organization__slug=slug).order_by("decided_on")
        )
        assert [d.relevant for d in decisions] == [
            d["relevant"] for d in context["climate_decisions"]
        ]
        # One chain: each later decision supersedes the one before it.
        assert [d.supersedes_id for d in decisions] == [None, *(d.pk for d in decisions[:-1])]
        for spec in context["parties"]:
            party = InterestedParty.objects.get(organization__slug=slug, name=spec["name"])
            requirements = {r.requirement: r for r in party.requirements.all()}
            assert set(requirements) == {r["requirement"] for r in spec["requirements"]}
            for entry in spec["requirements"]:
                saved = requirements[entry["requirement"]]
                assert (saved.source, saved.addressed) == (entry["source"], entry["addressed"])
                assert sorted(saved.controls.values_list("ref", flat=True)) == sorted(
                    entry.get("controls", [])
                )

    for slug, scope in read("scope.json").items():
        approved = ScopeStatement.objects.get(organization__slug=slug, status="approved")
        assert sorted(i["title"] for i in approved.linked("issues")) == sorted(
            scope["first_version_issues"]
        )
        assert sorted(p["title"] for p in approved.linked("parties")) == sorted(
            scope["first_version_parties"]
        )
        draft = ScopeStatement.objects.get(organization__slug=slug, status="draft")
        assert set(scope["revision_adds_issues"]) <= set(
            draft.issues.values_list("title", flat=True)
        )


@pytest.mark.django_db
def test_the_demo_context_is_complete_and_a_second_seed_adds_nothing(django_user_model):
    call_command("seed_demo", stdout=StringIO())
    counts = (ContextIssue.objects.count(), PartyRequirement.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (ContextIssue.objects.count(), PartyRequirement.objects.count()) == counts
    org = Organization.objects.get(slug="northwind")
    officer = django_user_model.objects.get(email="officer@northwind.example")
    facts = context_facts(organization=org, user=officer, today=timezone.localdate())
    assert facts.issues_internal and facts.issues_external
    assert facts.issues_overdue == 0
    assert facts.climate_relevant is True
    assert facts.parties_without_requirements == 0
    assert facts.requirements_undecided == 0


def test_a_slip_in_the_context_file_is_reported_with_its_record(tmp_path):
    directory = copy_of_data(tmp_path)
    rewrite(
        directory,
        "context.json",
        lambda context: context["northwind"]["parties"][0].update(owner="nobody@northwind.example"),
    )
    with pytest.raises(DemoDataError) as caught:
        load_demo_data(directory)
    assert (caught.value.file, caught.value.record) == (
        "context.json",
        "Loan applicants and customers",
    )


def test_a_scope_naming_an_unknown_issue_is_reported(tmp_path):
    directory = copy_of_data(tmp_path)
    rewrite(
        directory,
        "scope.json",
        lambda scope: scope["northwind"]["first_version_issues"].append("No such issue"),
    )
    with pytest.raises(DemoDataError, match="unknown issue 'No such issue'"):
        load_demo_data(directory)

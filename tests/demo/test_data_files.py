"""``demo/data``: every file is read, every record in it reaches the database, and a slip in
the data is reported with its file and record before anything is written."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from aims.evidence.models import EvidenceItem
from aims.inventory.models import AISystem, AISystemComponent, AISystemDataset
from aims.organizations.models import Membership, Organization, ScopeStatement, User
from controls.models import Applicability, ControlImplementation, SoAVersion
from demo.loader import DATA_DIR, DATA_FILES, DemoDataError, load_demo_data
from engagements.models import Engagement
from risks.models import Risk, RiskAssessment, TreatmentAction


def read(name: str) -> Any:
    """The file as JSON, independently of the loader."""
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def copy_of_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def rewrite(directory: Path, name: str, change) -> None:
    path = directory / name
    content = json.loads(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(json.dumps(content), encoding="utf-8")


def seed() -> None:
    call_command("seed_demo", stdout=StringIO())


def test_it_reads_every_file_in_the_data_folder():
    assert sorted(p.name for p in DATA_DIR.glob("*.json")) == sorted(DATA_FILES)
    data = load_demo_data()
    assert set(data.organizations) == {"northwind", "fjord"}


@pytest.mark.django_db
def test_every_person_organisation_and_system_in_the_files_reaches_the_database():
    seed()
    organizations = read("organizations.json")
    assert set(Organization.objects.values_list("slug", flat=True)) == set(organizations)
    for slug, fields in organizations.items():
        assert Organization.objects.get(slug=slug).name == fields["name"]

    people = read("people.json")
    assert set(User.objects.values_list("email", flat=True)) == {
        u["email"] for u in people["users"]
    }
    assert set(Membership.objects.values_list("user__email", "organization__slug", "role")) == {
        (user["email"], m["organization"], m["role"])
        for user in people["users"]
        for m in user["memberships"]
    }
    assert Engagement.objects.count() == len(people["auditor_engagements"])
    for spec in people["auditor_engagements"]:
        engagement = Engagement.objects.get(name=spec["name"])
        assert engagement.organization.slug == spec["organization"]
        assert (engagement.body, engagement.stage) == (spec["body"], spec["stage"])
        assert engagement.whole_aims == spec["whole_aims"]
        assert {a.email for a in engagement.auditors.all()} == set(spec["auditors"])
        assert set(engagement.ai_systems.values_list("name", flat=True)) == set(spec["systems"])
        requests = {r.title: r for r in engagement.information_requests.all()}
        assert set(requests) == {r["title"] for r in spec["information_requests"]}
        for request in spec["information_requests"]:
            asked = requests[request["title"]]
            assert asked.asked_by.email == request["asked_by"]
            answered = request["answer"] is not None
            assert asked.status == ("answered" if answered else "open")
            if answered:
                evidence = {e.title for m in asked.messages.all() for e in m.evidence.all()}
                assert evidence == set(request["answer"]["evidence"])

    systems = read("systems.json")
    tiers = {
        (slug, spec["name"]): spec["eu_ai_act_tier"]
        for slug, specs in systems.items()
        for spec in specs
    }
    classified = read("classifications.json")
    assert {(slug, c["system"]) for slug, specs in classified.items() for c in specs} == set(tiers)
    for system in AISystem.objects.select_related("organization"):
        reading = system.ai_act_classifications.get()
        # The reading's outcome is the tier the inventory records for the system.
        assert (
            system.eu_ai_act_tier == reading.tier == tiers[(system.organization.slug, system.name)]
        )
        assert system.eu_ai_act_role == reading.role
    assert set(AISystem.objects.values_list("organization__slug", "name")) == {
        (slug, spec["name"]) for slug, specs in systems.items() for spec in specs
    }
    assert set(AISystemDataset.objects.values_list("ai_system__name", "name")) == {
        (spec["name"], dataset["name"])
        for specs in systems.values()
        for spec in specs
        for dataset in spec["datasets"]
    }
    assert AISystemDataset.objects.count() == sum(
        len(spec["datasets"]) for specs in systems.values() for spec in specs
    )
    assert set(
        AISystemComponent.objects.values_list("ai_system__name", "name", "component_version")
    ) == {
        (spec["name"], component["name"], component.get("component_version", ""))
        for specs in systems.values()
        for spec in specs
        for component in spec["components"]
    }
    assert AISystemComponent.objects.count() == sum(
        len(spec["components"]) for specs in systems.values() for spec in specs
    )


@pytest.mark.django_db
def test_every_impact_assessment_in_the_files_reaches_the_database():
    from impact_assessments.models import ImpactAssessment

    seed()
    for slug, specs in read("impact_assessments.json").items():
        for spec in specs:
            assessment = ImpactAssessment.objects.get(
                organization__slug=slug, ai_system__name=spec["system"], kind=spec["kind"]
            )
            assert assessment.status == ("approved" if spec["approver"] else "in_review")
            for field, value in spec["sections"].items():
                assert getattr(assessment, field) == value
            impacts = {i.description: i for i in assessment.impacts.all()}
            assert set(impacts) == {i["description"] for i in spec["impacts"]}
            for impact in spec["impacts"]:
                linked = {r.title for r in impacts[impact["description"]].risks.all()}
                assert set(impact["risks"]) <= linked
                if impact["create_risk"]:  # a new register entry came from the harm
                    assert len(linked) == len(impact["risks"]) + 1


@pytest.mark.django_db
def test_every_scope_control_risk_and_evidence_record_in_the_files_reaches_the_database():
    seed()
    for slug, scope in read("scope.json").items():
        versions = ScopeStatement.objects.filter(organization__slug=slug).order_by("number")
        assert [v.in_scope for v in versions] == [
            scope["first_version"]["in_scope"],
            scope["revision"]["in_scope"],
        ]

    for slug, controls in read("controls.json").items():
        rows = ControlImplementation.objects.filter(organization__slug=slug)
        for ref, decision in controls["decisions"].items():
            row = rows.get(ref=ref)
            assert (row.applicability, row.status, row.justification, row.implementation) == (
                Applicability.APPLICABLE,
                decision["status"],
                decision["justification"],
                decision["implementation"],
            )
        for ref, reason in controls["not_applicable"].items():
            row = rows.get(ref=ref)
            assert (row.applicability, row.justification) == (Applicability.NOT_APPLICABLE, reason)
        for control in controls["organisation_controls"]:
            assert rows.get(ref=control["ref"], requirement__isnull=True).title == control["title"]
        version = SoAVersion.objects.get(organization__slug=slug)
        assert version.change_summary == controls["soa_version"]["change_summary"]

    for slug, register in read("risks.json").items():
        # Those the file writes; impact_assessments.json makes one more from a harm.
        risks = Risk.objects.filter(organization__slug=slug).exclude(
            description__startswith="Found by the impact assessment"
        )
        assert sorted(risks.values_list("title", flat=True)) == sorted(
            spec["title"] for spec in register["risks"]
        )
        assert sorted(
            TreatmentAction.objects.filter(risk__organization__slug=slug).values_list(
                "risk__title", "title"
            )
        ) == sorted(
            (spec["title"], action["title"])
            for spec in register["risks"]
            for action in spec["actions"]
        )
        assert set(risks.filter(accepted_by__isnull=False).values_list("title", flat=True)) == {
            spec["title"] for spec in register["risks"] if spec.get("accept")
        }
        if "assessment" in register:
            assert (
                RiskAssessment.objects.get(organization__slug=slug).title
                == (register["assessment"]["title"])
            )

    for slug, specs in read("evidence.json").items():
        assert sorted(
            EvidenceItem.objects.filter(organization__slug=slug).values_list("title", flat=True)
        ) == sorted(spec["title"] for spec in specs)


@pytest.mark.django_db
def test_it_prints_the_demo_logins_and_writes_nothing():
    out = StringIO()
    call_command("seed_demo", "--print-logins", stdout=out)
    assert out.getvalue() == (
        "E-mail                         Role                           Organisation\n"
        "operator@aims.example          platform operator (superuser)  all organisations\n"
        "admin@northwind.example        admin                          Northwind Lending\n"
        "officer@northwind.example      officer                        Northwind Lending\n"
        "contributor@northwind.example  contributor                    Northwind Lending\n"
        "viewer@northwind.example       viewer                         Northwind Lending\n"
        "auditor@certifier.example      auditor                        Northwind Lending\n"
        "jonas@certifier.example        auditor                        Northwind Lending\n"
        "consultant@advisory.example    officer                        Northwind Lending\n"
        "consultant@advisory.example    officer                        Fjord Health Analytics\n"
        "admin@fjord.example            admin                          Fjord Health Analytics\n"
        "Password for every demo login: demo-aims-2026\n"
    )
    assert not User.objects.exists()
    assert not Organization.objects.exists()


def test_it_names_the_file_and_record_of_an_unknown_person(tmp_path):
    directory = copy_of_data(tmp_path)
    rewrite(
        directory,
        "risks.json",
        lambda risks: risks["fjord"]["risks"][0].update(owner="nobody@fjord.example"),
    )
    with pytest.raises(DemoDataError) as caught:
        load_demo_data(directory)
    assert caught.value.file == "risks.json"
    assert caught.value.record == "Readmission predictor under-serves patients from rural areas"
    assert "nobody@fjord.example" in caught.value.message


def test_it_names_a_system_that_is_not_in_the_organisation(tmp_path):
    directory = copy_of_data(tmp_path)
    rewrite(
        directory,
        "risks.json",
        lambda risks: risks["fjord"]["risks"][0].update(systems=["Credit risk scoring model"]),
    )
    with pytest.raises(DemoDataError, match="unknown AI system 'Credit risk scoring model'"):
        load_demo_data(directory)


def test_it_refuses_a_misspelt_key(tmp_path):
    directory = copy_of_data(tmp_path)

    def misspell(evidence):
        spec = evidence["northwind"][0]
        spec["descripton"] = spec.pop("description")

    rewrite(directory, "evidence.json", misspell)
    with pytest.raises(DemoDataError, match="missing description"):
        load_demo_data(directory)


def test_it_refuses_an_action_owned_by_a_role_nobody_holds(tmp_path):
    directory = copy_of_data(tmp_path)
    rewrite(
        directory,
        "risks.json",
        lambda risks: risks["northwind"]["risks"][0]["actions"][0].update(owner="auditor"),
    )
    with pytest.raises(DemoDataError, match="no holder of role 'auditor' in northwind"):
        load_demo_data(directory)


def test_it_names_a_file_that_is_not_json(tmp_path):
    directory = copy_of_data(tmp_path)
    (directory / "systems.json").write_text("{", encoding="utf-8")
    with pytest.raises(DemoDataError) as caught:
        load_demo_data(directory)
    assert caught.value.file == "systems.json"


def test_it_refuses_consequence_scores_that_do_not_give_the_inherent_impact(tmp_path):
    directory = copy_of_data(tmp_path)
    rewrite(
        directory,
        "risks.json",
        lambda risks: risks["fjord"]["risks"][0].update(
            consequence_scores={"organization": 1, "individuals": 2}
        ),
    )
    with pytest.raises(DemoDataError, match="worst consequence score"):
        load_demo_data(directory)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.update(channel="Suppliers"), "unknown channel 'Suppliers'"),
        (lambda c: c.pop("relationship"), "a relationship goes with a report through an external"),
        (lambda c: c.update(recorded_as_incident="Nothing"), "unknown incident 'Nothing'"),
    ],
)
def test_it_refuses_a_report_from_outside_that_does_not_add_up(tmp_path, change, message):
    directory = copy_of_data(tmp_path)
    rewrite(
        directory,
        "support.json",
        lambda support: change(
            next(c for c in support["northwind"]["concerns"] if "relationship" in c)
        ),
    )
    with pytest.raises(DemoDataError, match=message):
        load_demo_data(directory)

"""The EU AI Act questionnaire's outcomes, as a table of cases."""

from __future__ import annotations

import pytest

from impact_assessments.classification import Answers, classify

CASES = [
    # (name, answers, tier, route, obligations that must be there, obligations that must not)
    (
        "CV screening used for hiring, by its provider",
        Answers(role="provider", annex_iii_areas=(4,), profiles_people=True),
        "high_risk",
        "annex_iii",
        {
            "Art. 4",
            "Art. 9",
            "Art. 10",
            "Art. 14",
            "Art. 17",
            "Art. 43",
            "Art. 49",
            "Art. 72",
            "Art. 73",
        },
        {"Art. 26", "Art. 27", "Art. 50"},
    ),
    (
        "CV screening used for hiring, by the employer deploying it",
        Answers(role="deployer", annex_iii_areas=(4,), profiles_people=True),
        "high_risk",
        "annex_iii",
        {"Art. 4", "Art. 26", "Art. 73", "Art. 86"},
        {"Art. 9", "Art. 17", "Art. 27"},
    ),
    (
        "A spam filter",
        Answers(role="deployer"),
        "minimal",
        "",
        {"Art. 4"},
        {"Art. 9", "Art. 26", "Art. 50"},
    ),
    (
        "Emotion recognition of employees at work",
        Answers(
            role="deployer", prohibited_practices=("f",), transparency_duties=("emotion_biometric",)
        ),
        "prohibited",
        "",
        {"Art. 5"},
        {"Art. 4", "Art. 26", "Art. 50"},
    ),
    (
        "A customer service chatbot, by its provider",
        Answers(role="provider", transparency_duties=("interacts",)),
        "limited_transparency",
        "",
        {"Art. 4", "Art. 50"},
        {"Art. 9", "Art. 26"},
    ),
    (
        "A customer service chatbot bought in: the chatbot duty is the provider's",
        Answers(role="deployer", transparency_duties=("interacts",)),
        "limited_transparency",
        "",
        {"Art. 4"},
        {"Art. 50"},
    ),
    (
        "Credit scoring deployed by a lender: a fundamental rights impact assessment is due",
        Answers(
            role="deployer", annex_iii_areas=(5,), credit_or_insurance=True, profiles_people=True
        ),
        "high_risk",
        "annex_iii",
        {"Art. 26", "Art. 27", "Art. 86"},
        set(),
    ),
    (
        "A public body deploying a benefits triage tool",
        Answers(role="deployer", annex_iii_areas=(5,), public_service=True),
        "high_risk",
        "annex_iii",
        {"Art. 27"},
        set(),
    ),
    (
        "An Annex III tool doing a narrow procedural task, without profiling: the exception",
        Answers(role="provider", annex_iii_areas=(4,), derogation_conditions=("narrow_task",)),
        "minimal",
        "",
        {"Art. 4", "Art. 6", "Art. 49"},
        {"Art. 9", "Art. 43"},
    ),
    (
        "The exception never applies to a system that profiles people",
        Answers(
            role="provider",
            annex_iii_areas=(4,),
            derogation_conditions=("narrow_task",),
            profiles_people=True,
        ),
        "high_risk",
        "annex_iii",
        {"Art. 9"},
        {"Art. 6"},
    ),
    (
        "A safety component of a machine under Annex I legislation",
        Answers(role="product_manufacturer", annex_i_product=True),
        "high_risk",
        "annex_i",
        {"Art. 9", "Art. 43"},
        {"Art. 86"},
    ),
    (
        "A military-only system is outside the Act",
        Answers(role="provider", outside_scope="military", annex_iii_areas=(6,)),
        "out_of_scope",
        "",
        set(),
        {"Art. 4", "Art. 9"},
    ),
    (
        "A general-purpose model with systemic risk, by its provider",
        Answers(role="provider", gpai_model=True, gpai_systemic_risk=True),
        "minimal",
        "",
        {"Art. 53", "Art. 55"},
        set(),
    ),
    (
        "An importer of a high-risk system checks the supply chain",
        Answers(role="importer", annex_iii_areas=(3,)),
        "high_risk",
        "annex_iii",
        {"Art. 25"},
        {"Art. 4", "Art. 9", "Art. 26"},
    ),
]


@pytest.mark.parametrize(
    ("name", "answers", "tier", "route", "present", "absent"), CASES, ids=[c[0] for c in CASES]
)
def test_the_questionnaire_outcome(name, answers, tier, route, present, absent):
    outcome = classify(answers)
    assert outcome.tier == tier
    assert outcome.route == route
    refs = set(outcome.obligation_refs)
    assert present <= refs, present - refs
    assert not (absent & refs), absent & refs
    assert outcome.reasons, "every outcome says why"


def test_obligations_carry_titles_and_notes_in_article_order():
    outcome = classify(Answers(role="provider", annex_iii_areas=(4,), profiles_people=True))
    numbers = [int(o.ref.split()[-1]) for o in outcome.obligations]
    assert numbers == sorted(numbers)
    by_ref = {o.ref: o for o in outcome.obligations}
    assert by_ref["Art. 9"].title == "Risk management system"
    assert all(o.note for o in outcome.obligations)

"""Which part of the EU AI Act applies to an AI system, and what it asks of the organisation.

The questionnaire's answers go in (``Answers``), the tier, the route to it, the reasons and
the obligations come out (``Outcome``). A pure function of the answers, so the outcome a
record stores can always be recomputed and checked, and the rules are tested as a table.

This is a guided first reading of the Regulation, not legal advice: the reasons say which
answer led where, so a lawyer can check the reading, and the record keeps the answers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy as _

from aims.inventory.models import EUAIActRole, EUAIActTier

CATALOG_FILE = Path(__file__).resolve().parents[1] / "controls" / "catalog_data" / "eu-ai-act.json"


class OutsideReason(models.TextChoices):
    MILITARY = "military", _("Used only for military, defence or national security purposes")
    RESEARCH = (
        "research",
        _("Built and used only for scientific research, not placed on the market"),
    )
    PERSONAL = "personal", _("Used by a person only for purely personal, non-professional activity")


class DerogationCondition(models.TextChoices):
    NARROW_TASK = "narrow_task", _("It performs a narrow procedural task")
    IMPROVES_HUMAN_WORK = (
        "improves_human_work",
        _("It improves the result of an activity a person has already completed"),
    )
    DETECTS_PATTERNS = (
        "detects_patterns",
        _(
            "It detects decision patterns or deviations, without replacing or steering a "
            "person's assessment"
        ),
    )
    PREPARATORY = "preparatory", _("It only prepares an assessment that a person then makes")


class TransparencyDuty(models.TextChoices):
    INTERACTS = "interacts", _("People interact with it directly (a chatbot, a voice agent)")
    SYNTHETIC_CONTENT = (
        "synthetic_content",
        _("It generates synthetic audio, images, video or text"),
    )
    EMOTION_BIOMETRIC = (
        "emotion_biometric",
        _("It recognises emotions or sorts people into categories from biometric data"),
    )
    DEEP_FAKE = (
        "deep_fake",
        _(
            "It produces deep fakes, or text published to inform the public on matters of public "
            "interest"
        ),
    )


# Who carries which transparency duty (Art. 50(1)-(2) the provider, (3)-(4) the deployer).
TRANSPARENCY_DUTY_HOLDER = {
    TransparencyDuty.INTERACTS: EUAIActRole.PROVIDER,
    TransparencyDuty.SYNTHETIC_CONTENT: EUAIActRole.PROVIDER,
    TransparencyDuty.EMOTION_BIOMETRIC: EUAIActRole.DEPLOYER,
    TransparencyDuty.DEEP_FAKE: EUAIActRole.DEPLOYER,
}

# Roles the Act treats as the provider for these obligations (a product manufacturer placing
# the system on the market under its own name is one).
PROVIDER_LIKE = {EUAIActRole.PROVIDER, EUAIActRole.PRODUCT_MANUFACTURER}
SUPPLY_CHAIN = {
    EUAIActRole.IMPORTER,
    EUAIActRole.DISTRIBUTOR,
    EUAIActRole.AUTHORISED_REPRESENTATIVE,
}

HIGH_RISK_PROVIDER_ARTICLES = (
    "Art. 9",
    "Art. 10",
    "Art. 11",
    "Art. 12",
    "Art. 13",
    "Art. 14",
    "Art. 15",
    "Art. 16",
    "Art. 17",
    "Art. 18",
    "Art. 19",
    "Art. 20",
    "Art. 43",
    "Art. 47",
    "Art. 49",
    "Art. 72",
    "Art. 73",
)

# Why each article is on the list, in our words (shown beside the article's short title).
OBLIGATION_NOTES = {
    "Art. 4": _("Make sure the people who run or use the system understand AI well enough."),
    "Art. 5": _("Stop: the practice may not be placed on the market, put into service or used."),
    "Art. 6": _("Document why the Annex III use is not high-risk, before it reaches the market."),
    "Art. 9": _("Run a risk management process over the system's whole life."),
    "Art. 10": _("Govern the training, validation and test data and their quality."),
    "Art. 11": _("Keep the technical documentation up to date."),
    "Art. 12": _("Log events automatically so that the system's operation can be traced."),
    "Art. 13": _("Give deployers clear instructions for use."),
    "Art. 14": _("Design for effective human oversight."),
    "Art. 15": _("Reach and declare appropriate accuracy, robustness and cybersecurity."),
    "Art. 16": _("Meet the provider's duties: marking, contact details, corrective actions."),
    "Art. 17": _("Run a quality management system."),
    "Art. 18": _("Keep the documentation available to authorities for ten years."),
    "Art. 19": _("Keep the logs the system generates."),
    "Art. 20": _("Correct, withdraw or recall a non-conforming system and inform others."),
    "Art. 25": _(
        "Check the supply chain: putting your name on the system or changing it "
        "substantially makes you its provider."
    ),
    "Art. 26": _("Use it as instructed, assign human oversight, monitor it and keep its logs."),
    "Art. 27": _("Assess the impact on fundamental rights before first use."),
    "Art. 43": _("Pass the conformity assessment before placing it on the market."),
    "Art. 47": _("Draw up the EU declaration of conformity."),
    "Art. 49": _("Register the system in the EU database."),
    "Art. 50": _("Tell people they deal with AI, or mark the content as AI-generated."),
    "Art. 53": _("Document the model, inform downstream providers, respect copyright."),
    "Art. 55": _("Evaluate and mitigate systemic risks; report serious incidents."),
    "Art. 72": _("Monitor the system after it reaches the market."),
    "Art. 73": _("Report serious incidents to the authorities."),
    "Art. 86": _("Explain decisions to the people affected when they ask."),
}


@cache
def _catalog() -> dict:
    return json.loads(CATALOG_FILE.read_text(encoding="utf-8"))


def article_titles() -> dict[str, str]:
    return {item["ref"]: item["title"] for item in _catalog()["requirements"]}


def prohibited_practice_choices() -> list[tuple[str, str]]:
    return [
        (p["point"], f"Art. 5(1)({p['point']}): {p['label']}")
        for p in _catalog()["prohibited_practices"]
    ]


def annex_iii_area_choices() -> list[tuple[int, str]]:
    return [(a["number"], f"{a['number']}. {a['title']}") for a in _catalog()["annex_iii_areas"]]


@dataclass(frozen=True)
class Answers:
    role: str
    outside_scope: str = ""
    prohibited_practices: tuple[str, ...] = ()
    annex_i_product: bool = False
    annex_iii_areas: tuple[int, ...] = ()
    credit_or_insurance: bool = False  # Annex III 5(b) creditworthiness or 5(c) insurance pricing
    derogation_conditions: tuple[str, ...] = ()
    profiles_people: bool = False
    transparency_duties: tuple[str, ...] = ()
    gpai_model: bool = False
    gpai_systemic_risk: bool = False
    public_service: bool = False  # the deployer is a public body or provides public services


@dataclass(frozen=True)
class Obligation:
    ref: str
    title: str
    note: str


@dataclass(frozen=True)
class Outcome:
    tier: str
    route: str = ""  # "annex_i", "annex_iii", or "" when the system is not high-risk
    derogation_applies: bool = False
    fria_required: bool = False
    reasons: tuple[str, ...] = ()
    obligations: tuple[Obligation, ...] = field(default_factory=tuple)

    @property
    def obligation_refs(self) -> list[str]:
        return [o.ref for o in self.obligations]


class Route(models.TextChoices):
    ANNEX_I = "annex_i", _("Product or safety component under Annex I legislation")
    ANNEX_III = "annex_iii", _("Use area listed in Annex III")


def classify(answers: Answers) -> Outcome:
    """The tier, route, reasons and obligations that follow from ``answers``."""
    role = answers.role
    reasons: list[str] = []
    if answers.outside_scope:
        reasons.append(
            str(
                _("Outside the Act: %(why)s.") % {"why": OutsideReason(answers.outside_scope).label}
            )
        )
        return Outcome(tier=EUAIActTier.OUT_OF_SCOPE, reasons=tuple(reasons))
    if answers.prohibited_practices:
        points = ", ".join(f"({p})" for p in sorted(answers.prohibited_practices))
        reasons.append(
            str(_("A prohibited practice under Art. 5(1) %(points)s.") % {"points": points})
        )
        return Outcome(
            tier=EUAIActTier.PROHIBITED,
            reasons=tuple(reasons),
            obligations=_obligations(["Art. 5"]),
        )

    refs: list[str] = []
    if role in PROVIDER_LIKE | {EUAIActRole.DEPLOYER}:
        refs.append("Art. 4")
    derogation = False
    route = ""
    if answers.annex_i_product:
        route = Route.ANNEX_I
        reasons.append(
            str(_("High-risk under Art. 6(1): a product or safety component under Annex I."))
        )
    elif answers.annex_iii_areas:
        areas = ", ".join(str(a) for a in sorted(answers.annex_iii_areas))
        if answers.derogation_conditions and not answers.profiles_people:
            derogation = True
            reasons.append(
                str(
                    _(
                        "Annex III area %(areas)s, but not high-risk under the Art. 6(3) exception: "
                        "it does not materially influence decisions."
                    )
                    % {"areas": areas}
                )
            )
        else:
            route = Route.ANNEX_III
            reasons.append(
                str(_("High-risk under Art. 6(2): Annex III area %(areas)s.") % {"areas": areas})
            )
            if answers.derogation_conditions and answers.profiles_people:
                reasons.append(
                    str(_("The Art. 6(3) exception cannot apply: the system profiles people."))
                )

    fria = False
    if route:
        tier = EUAIActTier.HIGH_RISK
        if role in PROVIDER_LIKE:
            refs.extend(HIGH_RISK_PROVIDER_ARTICLES)
        if role == EUAIActRole.DEPLOYER:
            refs.extend(["Art. 26", "Art. 73"])
            if route == Route.ANNEX_III:
                refs.append("Art. 86")
                fria = answers.public_service or (
                    5 in answers.annex_iii_areas and answers.credit_or_insurance
                )
            if fria:
                refs.append("Art. 27")
                reasons.append(
                    str(
                        _(
                            "A fundamental rights impact assessment is due before first use (Art. 27)."
                        )
                    )
                )
        if role in SUPPLY_CHAIN:
            refs.append("Art. 25")
    else:
        tier = EUAIActTier.LIMITED if answers.transparency_duties else EUAIActTier.MINIMAL
        if derogation and role in PROVIDER_LIKE:
            refs.extend(["Art. 6", "Art. 49"])

    if answers.transparency_duties:
        holders = {
            TRANSPARENCY_DUTY_HOLDER[TransparencyDuty(d)] for d in answers.transparency_duties
        }
        if role in holders:
            refs.append("Art. 50")
        reasons.append(str(_("Transparency duties under Art. 50 apply.")))
    if answers.gpai_model and role in PROVIDER_LIKE:
        refs.append("Art. 53")
        if answers.gpai_systemic_risk:
            refs.append("Art. 55")
        reasons.append(
            str(_("The provider of a general-purpose AI model has the duties of Art. 53."))
        )
    if tier == EUAIActTier.MINIMAL and not reasons:
        reasons.append(
            str(_("No prohibited practice, high-risk use or transparency duty applies."))
        )
    return Outcome(
        tier=tier,
        route=route,
        derogation_applies=derogation,
        fria_required=fria,
        reasons=tuple(reasons),
        obligations=_obligations(refs),
    )


def _article_number(ref: str) -> int:
    return int(ref.split()[-1])


def _obligations(refs: list[str]) -> tuple[Obligation, ...]:
    titles = article_titles()
    unique = sorted(dict.fromkeys(refs), key=_article_number)
    return tuple(
        Obligation(ref=ref, title=titles.get(ref, ""), note=str(OBLIGATION_NOTES.get(ref, "")))
        for ref in unique
    )

"""Starter documents an officer adopts and then edits: a first AI policy and a few procedures.

Written for this product in plain words; they quote no standard. Each is Markdown with
``{organization}`` where the organisation's name goes. Adopting one creates a draft
(``policies.services.documents.policy_adopt_starter``); nothing here is ever approved as is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from policies.models import PolicyKind


@dataclass(frozen=True)
class Starter:
    key: str
    code: str
    kind: str
    title: Any
    summary: Any
    body: str
    review_interval_months: int = 12


AI_POLICY = """# AI policy of {organization}

## Why we have this policy

We build, buy and use AI systems because they help us serve our customers and run our
work. They can also cause harm: unfair outcomes, mistakes that people cannot see or
challenge, leaks of personal data, or uses nobody intended. This policy says what we
commit to so that our AI systems stay useful, lawful and trustworthy, and it is the frame
our AI objectives are set in.

## What it covers

Every AI system that {organization} develops, provides or uses in the scope of our AI
management system, whether built in-house, bought or reached through a supplier's service.

## Our commitments

1. **We know our AI systems.** Each one is in the inventory with an owner, its purpose and
   the data it uses, before it goes live.
2. **We assess before we rely on them.** Each system has a risk assessment and, where it can
   affect people, an impact assessment, repeated when it changes and at least once a year.
3. **People stay in charge.** Decisions that matter to people can be reviewed and reversed
   by a competent person, and the people affected can ask for that.
4. **We treat data with care.** Data is used only for the purposes we declared, with its
   origin and quality known, and personal data is protected as the law requires.
5. **We are open about our use of AI.** People are told when they deal with an AI system or
   with content it produced, in words they understand.
6. **We meet our obligations.** Legal, contractual and customer requirements on AI are known
   and met, and we set measurable AI objectives each year.
7. **We learn from what goes wrong.** Anyone can raise a concern without fear of blame;
   incidents are recorded, investigated and fixed, and we tell those affected.
8. **We keep improving.** The AI management system is audited and reviewed by management at
   planned intervals, and this policy changes when what we learn requires it.

## Who is responsible

- **Top management** approves this policy, provides the resources and reviews the AI
  management system.
- **The AIMS owner** keeps the management system running and reports on it.
- **Each AI system owner** makes sure their system follows this policy over its whole life.
- **Everyone** who works with our AI systems reads this policy, acknowledges it and raises
  concerns when something looks wrong.

## How this policy fits with our other policies

This policy works alongside our information security, data protection, quality and
supplier policies. Where they overlap, the stricter rule applies; contradictions are
reported to the AIMS owner, who resolves them at the next review.

## Review

This policy is reviewed at least once a year, and sooner after a significant change to our
AI systems, our obligations or an incident.
"""

RISK_PROCEDURE = """# Procedure: AI risk assessment

## Purpose

How {organization} finds, rates and records the risks its AI systems create, so that the
ones we cannot accept are treated before they cause harm.

## When

- before a new AI system goes live, or before a major change to one;
- at least once a year for every system in scope;
- after an incident or a concern that points to a risk we had not seen.

## Steps

1. **Prepare.** The AI system owner confirms the system's inventory record is current:
   purpose, users, data, models, suppliers.
2. **Identify.** With the people who know the system (its users, data and IT staff), list
   what could go wrong for the organisation, for the people affected and for society.
   Use the risk library and the last impact assessment as prompts.
3. **Rate.** For each risk, rate likelihood and consequences on the organisation's risk
   criteria and write down why.
4. **Decide.** Compare each risk with the acceptance threshold. Risks above it get a
   treatment: reduce, avoid, transfer or accept with a named approver.
5. **Plan treatment.** Each treatment becomes actions with an owner and a due date, and is
   linked to the Annex A controls it uses.
6. **Record and approve.** The assessment is recorded in the platform and approved by the
   AIMS owner; the register keeps every version.

## Records

The risk register, the approved risk assessment, the treatment actions and their
evidence.
"""

IMPACT_PROCEDURE = """# Procedure: AI system impact assessment

## Purpose

How {organization} works out what an AI system can do to the people, groups and
communities it touches, and what we do about it.

## When

Before the system is used on people, when its purpose, data or users change, and at its
review date.

## Steps

1. **Describe the system.** Start the assessment from the system's page: the platform
   fills what the inventory already knows. Complete its purpose, intended and
   unintended uses, data and where it runs.
2. **Name who is affected.** List the parties: users, the people decisions are made
   about, groups who may be treated differently, society and the environment. Mark
   vulnerable groups.
3. **Record benefits and harms.** For each party, what could go well and what could go
   wrong, with severity, likelihood, reach and whether the harm can be undone.
4. **Decide measures.** For each harm, the measures and controls that address it. Harms
   that remain serious become risks in the register.
5. **Conclude.** Say whether the system may be used, and on what conditions.
6. **Approve.** Someone other than the author approves the assessment.

## Records

The approved impact assessment, its versions, and the risks it created.
"""

INCIDENT_COMMUNICATION = """# Procedure: communicating about AI incidents

## Purpose

Who {organization} tells, what and how fast, when an AI system causes or nearly causes
harm.

## When this applies

Any event in which an AI system produced a result that hurt, or could have hurt, a
person, the organisation or others: a wrong decision, unfair treatment, a data leak, a
safety problem, or misuse.

## Steps

1. **Report.** Whoever notices the event tells the AI system owner and the AIMS owner at
   once, through the incident record or the concerns channel.
2. **Assess.** Within one working day, the AIMS owner rates the incident's severity and
   decides who must be told: the people affected, customers, suppliers, regulators.
3. **Check deadlines.** Legal and contractual reporting deadlines are recorded with the
   incident and tracked until met.
4. **Tell.** Messages say what happened, what it means for the reader, what we are doing
   and whom to contact. They are approved by the AIMS owner before they go out.
5. **Follow up.** Those told hear again when the incident is resolved.
6. **Learn.** The incident review records what we said, to whom and when, and what we
   would say differently next time.

## Records

The incident record, every message sent with its date and recipients, and the review.
"""


STARTERS: tuple[Starter, ...] = (
    Starter(
        key="ai-policy",
        code="POL-AI",
        kind=PolicyKind.AI_POLICY,
        title=_("AI policy"),
        summary=_("Commitments on inventory, assessment, oversight, data, openness and learning."),
        body=AI_POLICY,
    ),
    Starter(
        key="risk-assessment",
        code="PR-RISK",
        kind=PolicyKind.PROCEDURE,
        title=_("AI risk assessment procedure"),
        summary=_("When and how risks of AI systems are found, rated and treated."),
        body=RISK_PROCEDURE,
    ),
    Starter(
        key="impact-assessment",
        code="PR-IMPACT",
        kind=PolicyKind.PROCEDURE,
        title=_("AI system impact assessment procedure"),
        summary=_("How the effects of a system on people and society are assessed."),
        body=IMPACT_PROCEDURE,
    ),
    Starter(
        key="incident-communication",
        code="PR-INCIDENT-COMMS",
        kind=PolicyKind.PROCEDURE,
        title=_("AI incident communication procedure"),
        summary=_("Who is told what, and how fast, when an AI system causes harm."),
        body=INCIDENT_COMMUNICATION,
    ),
)

STARTERS_BY_KEY = {s.key: s for s in STARTERS}

"""A library of common AI risks, written in our own words, from which a risk can be started.

Each item names the Annex C risk sources and objectives it touches and the Annex A
controls that usually treat it; starting a risk from an item copies these as suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LibraryRisk:
    code: str
    title: str
    description: str
    consequences_organization: str
    consequences_individuals: str
    risk_sources: tuple[str, ...]
    objectives: tuple[str, ...]
    controls: tuple[str, ...]
    category: str


LIBRARY: tuple[LibraryRisk, ...] = (
    LibraryRisk(
        code="RL-01",
        title="Biased training data produces unfair outcomes",
        description=(
            "The data the model learned from under-represents or misrepresents some groups, so the system's outputs are systematically worse or harsher for them."
        ),
        consequences_organization=(
            "Discrimination complaints, regulatory investigation, remediation costs and loss of trust from customers and partners."
        ),
        consequences_individuals=(
            "People in affected groups are refused, over-charged or flagged more often than others for reasons unrelated to their situation."
        ),
        risk_sources=("C.3.4",),
        objectives=("C.2.5", "C.2.3"),
        controls=("A.7.4", "A.7.3", "A.6.2.4", "A.5.4"),
        category="Data",
    ),
    LibraryRisk(
        code="RL-02",
        title="Model performance drifts after deployment",
        description=(
            "The world the system operates in changes (new customer mix, new products, seasonal effects) while the model stays the same, so accuracy slowly degrades without anyone noticing."
        ),
        consequences_organization=(
            "Wrong business decisions made at scale, rework, and complaints once the degradation is finally noticed."
        ),
        consequences_individuals=(
            "People receive decisions or recommendations that no longer fit their circumstances."
        ),
        risk_sources=("C.3.4", "C.3.6"),
        objectives=("C.2.8", "C.2.6"),
        controls=("A.6.2.6", "A.6.2.4", "A.6.2.8"),
        category="Model",
    ),
    LibraryRisk(
        code="RL-03",
        title="Prompt injection takes over an LLM assistant",
        description=(
            "Text hidden in a web page, e-mail or document the assistant reads instructs it to ignore its rules, reveal data or call tools on the attacker's behalf."
        ),
        consequences_organization=(
            "Data breach, fraudulent transactions triggered through connected tools, and security incident costs."
        ),
        consequences_individuals=(
            "Customers' personal data is disclosed or their accounts are acted on without consent."
        ),
        risk_sources=("C.3.4", "C.3.1"),
        objectives=("C.2.10", "C.2.7"),
        controls=("A.6.2.4", "A.6.2.6", "A.6.1.3"),
        category="Security",
    ),
    LibraryRisk(
        code="RL-04",
        title="Hallucinated answers reach customers",
        description=(
            "A generative system states invented facts, prices, policies or citations with confidence, and the output is shown to customers without review."
        ),
        consequences_organization=(
            "Binding commitments the organisation did not intend, refunds, legal claims and reputational damage."
        ),
        consequences_individuals=(
            "People act on false information about their money, health, rights or obligations."
        ),
        risk_sources=("C.3.4", "C.3.3"),
        objectives=("C.2.8", "C.2.11"),
        controls=("A.6.2.4", "A.8.2", "A.9.4"),
        category="Model",
    ),
    LibraryRisk(
        code="RL-05",
        title="Adverse decisions cannot be explained",
        description=(
            "The system refuses, ranks or flags people but nobody can say which factors drove a given outcome, so the decision cannot be justified or challenged."
        ),
        consequences_organization=(
            "Inability to answer regulators, courts or complaint handlers; decisions may have to be reversed."
        ),
        consequences_individuals=(
            "People cannot understand or contest decisions that affect them."
        ),
        risk_sources=("C.3.2",),
        objectives=("C.2.11", "C.2.1"),
        controls=("A.8.2", "A.6.2.7", "A.5.4"),
        category="Transparency",
    ),
    LibraryRisk(
        code="RL-06",
        title="Supplier changes the model without notice",
        description=(
            "A vendor silently updates, retrains or retires the model or API the system depends on, changing its behaviour or breaking it."
        ),
        consequences_organization=(
            "Unexpected outages, changed outputs that invalidate earlier testing, and contractual disputes."
        ),
        consequences_individuals=(
            "Users get different and possibly worse treatment with no explanation."
        ),
        risk_sources=("C.3.6", "C.3.1"),
        objectives=("C.2.6", "C.2.8"),
        controls=("A.10.3", "A.6.2.6", "A.4.4"),
        category="Third parties",
    ),
    LibraryRisk(
        code="RL-07",
        title="Training data is poisoned",
        description=(
            "An attacker or careless contributor slips manipulated records into data used for training or fine-tuning, planting a hidden behaviour or degrading quality."
        ),
        consequences_organization=(
            "Compromised product integrity, costly retraining, and investigation of the data pipeline."
        ),
        consequences_individuals=(
            "People are mis-treated in targeted ways that are hard to detect."
        ),
        risk_sources=("C.3.4",),
        objectives=("C.2.10", "C.2.3"),
        controls=("A.7.5", "A.7.3", "A.7.6"),
        category="Security",
    ),
    LibraryRisk(
        code="RL-08",
        title="Personal data leaks through model outputs",
        description=(
            "The model memorises personal data from its training set or context and reproduces it in answers to other users."
        ),
        consequences_organization=(
            "Personal data breach notifications, fines and loss of customer trust."
        ),
        consequences_individuals=(
            "Individuals' private information is exposed to people who should never see it."
        ),
        risk_sources=("C.3.4",),
        objectives=("C.2.7", "C.2.10"),
        controls=("A.7.2", "A.7.6", "A.6.2.4"),
        category="Data",
    ),
    LibraryRisk(
        code="RL-09",
        title="Staff over-rely on system suggestions",
        description=(
            "Operators accept the system's recommendations by habit, even when the case is unusual or the output is clearly off, because checking feels redundant."
        ),
        consequences_organization=(
            "Errors are multiplied rather than caught; the human review the organisation relies on is ineffective."
        ),
        consequences_individuals=(
            "People lose the benefit of a real human judgement on their case."
        ),
        risk_sources=("C.3.3",),
        objectives=("C.2.9", "C.2.1"),
        controls=("A.9.2", "A.9.3", "A.6.2.6"),
        category="Use and oversight",
    ),
    LibraryRisk(
        code="RL-10",
        title="No effective human oversight of automated decisions",
        description=(
            "Decisions are taken fully automatically, or the people nominally in the loop lack the time, information or authority to intervene."
        ),
        consequences_organization=(
            "Regulatory breach where human review is required; harmful decisions run unchecked."
        ),
        consequences_individuals=("People cannot reach a person able to correct a wrong decision."),
        risk_sources=("C.3.3",),
        objectives=("C.2.1", "C.2.9"),
        controls=("A.9.2", "A.3.2", "A.6.2.2"),
        category="Use and oversight",
    ),
    LibraryRisk(
        code="RL-11",
        title="Insufficient AI expertise in the team",
        description=(
            "The people building, buying or operating the system lack the skills to judge its limits, test it properly or notice when it misbehaves."
        ),
        consequences_organization=(
            "Poor design choices, missed defects and dependence on outsiders for basic decisions."
        ),
        consequences_individuals=(
            "People are exposed to avoidable errors the team did not know to look for."
        ),
        risk_sources=("C.3.7", "C.3.6"),
        objectives=("C.2.2",),
        controls=("A.4.6", "A.3.2"),
        category="Governance",
    ),
    LibraryRisk(
        code="RL-12",
        title="Accountability for the AI system is unclear",
        description=(
            "No single person or body owns the system's outcomes; responsibilities between data, model, product and business teams overlap or leave gaps."
        ),
        consequences_organization=(
            "Issues linger unresolved, incidents are handled slowly and nobody signs off on risk acceptance."
        ),
        consequences_individuals=(
            "Affected people do not know whom to turn to, and complaints go unanswered."
        ),
        risk_sources=("C.3.6",),
        objectives=("C.2.1",),
        controls=("A.3.2", "A.10.2", "A.2.2"),
        category="Governance",
    ),
    LibraryRisk(
        code="RL-13",
        title="Poor data quality or inconsistent labelling",
        description=(
            "Missing values, duplicates, outdated records or labels applied inconsistently by different annotators make the model learn the wrong patterns."
        ),
        consequences_organization=(
            "Unreliable outputs, wasted development effort and costly data clean-up."
        ),
        consequences_individuals=(
            "People are misclassified because of errors in the data about them or people like them."
        ),
        risk_sources=("C.3.4",),
        objectives=("C.2.3", "C.2.8"),
        controls=("A.7.4", "A.7.6", "A.7.5"),
        category="Data",
    ),
    LibraryRisk(
        code="RL-14",
        title="Model inversion or extraction attacks",
        description=(
            "By querying the system repeatedly an attacker reconstructs training data or copies the model's behaviour closely enough to steal it."
        ),
        consequences_organization=(
            "Loss of intellectual property and exposure of confidential training data."
        ),
        consequences_individuals=(
            "Individuals whose data was used for training have it reconstructed by outsiders."
        ),
        risk_sources=("C.3.4",),
        objectives=("C.2.10", "C.2.7"),
        controls=("A.6.2.6", "A.6.2.4", "A.6.2.8"),
        category="Security",
    ),
    LibraryRisk(
        code="RL-15",
        title="Adversarial inputs fool the model",
        description=(
            "Small, deliberately crafted changes to an input (an image, a document, a transaction) make the model return a wrong result while looking normal to people."
        ),
        consequences_organization=(
            "Fraud or safety controls bypassed; expensive hardening after the fact."
        ),
        consequences_individuals=(
            "People may be harmed by the outcomes attackers steer the system into."
        ),
        risk_sources=("C.3.4", "C.3.1"),
        objectives=("C.2.8", "C.2.10"),
        controls=("A.6.2.4", "A.6.1.3"),
        category="Security",
    ),
    LibraryRisk(
        code="RL-16",
        title="Hardware or compute failure interrupts the service",
        description=(
            "GPUs, edge devices or the hosting platform fail, are exhausted or degrade numerically, and the system stops or returns corrupted results."
        ),
        consequences_organization=(
            "Service outages, missed service levels and emergency capacity costs."
        ),
        consequences_individuals=(
            "People depending on the service are left without it or receive faulty results."
        ),
        risk_sources=("C.3.5",),
        objectives=("C.2.8", "C.2.9"),
        controls=("A.4.5", "A.6.2.6"),
        category="Operations",
    ),
    LibraryRisk(
        code="RL-17",
        title="Immature technology used in production",
        description=(
            "A technique that is new, poorly understood or unproven at this scale is put into a critical process before its failure modes are known."
        ),
        consequences_organization=(
            "Unexpected failures, rework and reputational harm from a visible misstep."
        ),
        consequences_individuals=(
            "People bear the consequences of experiments they did not agree to."
        ),
        risk_sources=("C.3.7",),
        objectives=("C.2.8", "C.2.6"),
        controls=("A.6.1.2", "A.6.2.4", "A.6.2.5"),
        category="Governance",
    ),
    LibraryRisk(
        code="RL-18",
        title="Large environmental footprint of training and inference",
        description=(
            "Training and running the system consume much more energy and water than its benefit warrants, with no measurement or limits."
        ),
        consequences_organization=(
            "Conflict with sustainability commitments and disclosure duties; rising operating costs."
        ),
        consequences_individuals=(
            "Communities bear the environmental cost of the organisation's compute use."
        ),
        risk_sources=("C.3.5",),
        objectives=("C.2.4",),
        controls=("A.4.5", "A.5.5", "A.6.1.2"),
        category="Society and environment",
    ),
    LibraryRisk(
        code="RL-19",
        title="Generation of harmful or offensive content",
        description=(
            "A generative system produces hateful, violent, sexual or otherwise harmful text or images, prompted on purpose or by accident."
        ),
        consequences_organization=("Public embarrassment, platform bans and regulatory attention."),
        consequences_individuals=(
            "Users, including minors or vulnerable people, are exposed to damaging content."
        ),
        risk_sources=("C.3.4", "C.3.1"),
        objectives=("C.2.9", "C.2.5"),
        controls=("A.6.2.4", "A.6.2.6", "A.9.4"),
        category="Model",
    ),
    LibraryRisk(
        code="RL-20",
        title="Copyright or licence problems in training data",
        description=(
            "Data used to build or fine-tune the model was taken without the rights to use it that way, or the model reproduces protected material."
        ),
        consequences_organization=(
            "Infringement claims, injunctions forcing a model to be withdrawn, and licence costs."
        ),
        consequences_individuals=("Creators' work is used without their consent or credit."),
        risk_sources=("C.3.4", "C.3.6"),
        objectives=("C.2.3", "C.2.1"),
        controls=("A.7.3", "A.7.5", "A.10.3"),
        category="Data",
    ),
    LibraryRisk(
        code="RL-21",
        title="Staff use unapproved AI tools (shadow AI)",
        description=(
            "Employees paste work data into public chatbots or use AI tools the organisation has not assessed, outside any control."
        ),
        consequences_organization=(
            "Confidential data leaves the organisation; outputs of unknown quality enter business processes."
        ),
        consequences_individuals=(
            "Customers' personal data is shared with third parties without a legal basis."
        ),
        risk_sources=("C.3.1", "C.3.6"),
        objectives=("C.2.7", "C.2.10"),
        controls=("A.2.2", "A.9.2", "A.4.4"),
        category="Use and oversight",
    ),
    LibraryRisk(
        code="RL-22",
        title="Inadequate logging and traceability",
        description=(
            "The system does not record enough about inputs, versions and outputs to reconstruct what happened in a given case."
        ),
        consequences_organization=(
            "Incidents cannot be investigated; audits and regulators' questions cannot be answered."
        ),
        consequences_individuals=(
            "People cannot obtain an account of how a decision about them was reached."
        ),
        risk_sources=("C.3.2", "C.3.6"),
        objectives=("C.2.1", "C.2.11"),
        controls=("A.6.2.8", "A.6.2.7"),
        category="Operations",
    ),
    LibraryRisk(
        code="RL-23",
        title="Use creeps beyond the intended purpose",
        description=(
            "The system is reused for new decisions, populations or markets it was never designed or validated for."
        ),
        consequences_organization=(
            "Unassessed risks, invalid earlier testing and possible regulatory reclassification."
        ),
        consequences_individuals=(
            "People outside the original design are treated by a tool that does not fit them."
        ),
        risk_sources=("C.3.1", "C.3.6"),
        objectives=("C.2.9", "C.2.8"),
        controls=("A.9.4", "A.6.2.2", "A.5.2"),
        category="Use and oversight",
    ),
    LibraryRisk(
        code="RL-24",
        title="Safety failure in a physical setting",
        description=(
            "An AI component controlling or advising on machines, vehicles or medical devices behaves unexpectedly in conditions it has not met before."
        ),
        consequences_organization=("Accidents, product liability and recalls."),
        consequences_individuals=("People are injured or put in danger."),
        risk_sources=("C.3.1", "C.3.3", "C.3.5"),
        objectives=("C.2.9", "C.2.8"),
        controls=("A.6.2.4", "A.6.2.5", "A.5.4"),
        category="Operations",
    ),
    LibraryRisk(
        code="RL-25",
        title="Unmaintainable model and technical debt",
        description=(
            "Pipelines, features and models are undocumented, hand-tuned or depend on people who have left, so nobody can safely change or retrain them."
        ),
        consequences_organization=(
            "Slow fixes, blocked improvements and high cost of every change."
        ),
        consequences_individuals=("Known problems affecting people stay unfixed for long periods."),
        risk_sources=("C.3.6",),
        objectives=("C.2.6",),
        controls=("A.6.2.3", "A.6.2.7", "A.4.2"),
        category="Model",
    ),
    LibraryRisk(
        code="RL-26",
        title="Users are misled about AI involvement or limits",
        description=(
            "People are not told they are dealing with an AI system, or are given an overly confident picture of what it can do."
        ),
        consequences_organization=(
            "Breach of transparency duties and loss of trust when the truth emerges."
        ),
        consequences_individuals=(
            "People rely on the system more than they would have had they known its limits."
        ),
        risk_sources=("C.3.2",),
        objectives=("C.2.11",),
        controls=("A.8.2", "A.8.5", "A.9.4"),
        category="Transparency",
    ),
    LibraryRisk(
        code="RL-27",
        title="Incidents are not detected or reported in time",
        description=(
            "Failures of the AI system are noticed late, handled informally, and not passed to the people or authorities who need to know."
        ),
        consequences_organization=("Missed reporting deadlines, escalating harm and sanctions."),
        consequences_individuals=("People harmed are not informed and cannot protect themselves."),
        risk_sources=("C.3.6",),
        objectives=("C.2.1", "C.2.9"),
        controls=("A.8.4", "A.8.3", "A.6.2.6"),
        category="Operations",
    ),
    LibraryRisk(
        code="RL-28",
        title="Customer misuses a system we provide",
        description=(
            "A customer deploys our AI product for purposes or in contexts we advised against, or ignores the operating instructions we supplied."
        ),
        consequences_organization=(
            "Liability questions, reputational damage by association and contract disputes."
        ),
        consequences_individuals=(
            "People affected by the customer's use are harmed by an unsuitable deployment."
        ),
        risk_sources=("C.3.1", "C.3.3"),
        objectives=("C.2.9", "C.2.1"),
        controls=("A.10.4", "A.8.2", "A.9.4"),
        category="Third parties",
    ),
)

LIBRARY_CODES: frozenset[str] = frozenset(item.code for item in LIBRARY)

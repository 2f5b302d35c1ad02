"""Makers for the roles area's records, shared by its tests."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from policies.models import (
    AIMSProcess,
    AIMSRole,
    CompetenceRequirement,
    RACIAssignment,
    TrainingRecord,
)
from tests.factories import LINK_TARGETS

_numbers = itertools.count(1)


def make_process(org, **fields) -> AIMSProcess:
    n = next(_numbers)
    values = {"name": f"Process {n}", "purpose": "Keeps something of the AIMS running."}
    values.update(fields)
    return AIMSProcess.objects.create(organization=org, **values)


def make_role(org, **fields) -> AIMSRole:
    n = next(_numbers)
    values = {"name": f"Role {n}", "responsibilities": "Looks after part of the AIMS."}
    values.update(fields)
    return AIMSRole.objects.create(organization=org, **values)


def make_requirement(org, role=None, **fields) -> CompetenceRequirement:
    n = next(_numbers)
    values = {"title": f"Competence {n}", "rationale": "Needed to do the job safely."}
    values.update(fields)
    return CompetenceRequirement.objects.create(
        organization=org, role=role or make_role(org), **values
    )


def make_record(org, person, *, days_ago: int = 30, expires_in: int | None = None, **fields):
    today = timezone.localdate()
    n = next(_numbers)
    values = {
        "title": f"Course {n}",
        "completed_on": today - datetime.timedelta(days=days_ago),
        "expires_on": today + datetime.timedelta(days=expires_in)
        if expires_in is not None
        else None,
    }
    values.update(fields)
    return TrainingRecord.objects.create(organization=org, person=person, **values)


def make_cell(org, letter: str = "R") -> RACIAssignment:
    return RACIAssignment.objects.create(
        organization=org, process=make_process(org), role=make_role(org), responsibility=letter
    )


# The generic suite fills every many-to-many link of a record it makes (tests.factories).
# A linked process is told apart from the ones a case makes by its purpose (list filters).
LINK_TARGETS.setdefault(
    "policies.AIMSProcess",
    lambda org, **kw: make_process(
        org, name=f"Neighbour {next(_numbers)}", purpose="Works alongside.", **kw
    ),
)
LINK_TARGETS.setdefault(
    "policies.CompetenceRequirement", lambda org, **kw: make_requirement(org, **kw)
)

"""Moving the link declarations to the higher models keeps every existing link (no data moves)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import factories

BEFORE = [
    ("evidence", "0002_initial"),
    ("controls", "0002_clausestatus_controlimplementation_soaversion"),
    ("risks", "0002_treatment_action_open_due"),
]
AFTER = [
    ("evidence", "0003_links_declared_on_the_linked_models"),
    ("controls", "0003_evidence_links"),
    ("risks", "0003_risk_evidence"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_links_made_before_the_move_are_read_through_the_new_fields(org):
    risk = factories.RiskFactory(organization=org)
    control = factories.ControlImplementationFactory(organization=org)
    item = factories.EvidenceItemFactory(organization=org)
    try:
        old = _migrate(BEFORE)
        OldItem = old.get_model("evidence", "EvidenceItem")
        assert {f.name for f in OldItem._meta.many_to_many} >= {"controls", "risks", "clauses"}
        old_item = OldItem.objects.get(pk=item.pk)
        old_item.risks.add(risk.pk)
        old_item.controls.add(control.pk)
        new = _migrate(AFTER)
        NewItem = new.get_model("evidence", "EvidenceItem")
        assert not NewItem._meta.many_to_many
        assert list(new.get_model("risks", "Risk").objects.get(pk=risk.pk).evidence.all()) == [
            NewItem.objects.get(pk=item.pk)
        ]
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert list(risk.evidence.all()) == [item]
    assert list(control.evidence.all()) == [item]
    assert list(item.risks.all()) == [risk]
    # And back again: unapplying the move keeps them too.
    old = _migrate(BEFORE)
    try:
        back = old.get_model("evidence", "EvidenceItem").objects.get(pk=item.pk)
        assert list(back.risks.values_list("pk", flat=True)) == [risk.pk]
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

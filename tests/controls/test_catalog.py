"""Loading the reference catalog: counts, idempotence, all-or-nothing, later editions."""

from __future__ import annotations

import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from aims.core.models import ChangeLogEntry
from controls.catalog import DATA_DIR, CatalogError, load_catalog
from controls.models import Framework, Requirement, RequirementMapping
from tests import factories


def _count(**filters):
    return Requirement.objects.filter(**filters).count()


def _state():
    """A fingerprint of everything the catalog owns, plus the change log's length."""
    return (
        list(Framework.objects.order_by("pk").values_list("pk", "code", "edition", "version")),
        list(
            Requirement.objects.order_by("pk").values_list(
                "pk", "ref", "title", "withdrawn", "version"
            )
        ),
        list(
            RequirementMapping.objects.order_by("pk").values_list(
                "pk", "crosswalk", "withdrawn", "version"
            )
        ),
        ChangeLogEntry.objects.count(),
    )


@pytest.fixture
def data_dir(tmp_path):
    """A private copy of the shipped catalog files, to edit."""
    target = tmp_path / "catalog_data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(path, change):
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def _requirement(data, ref):
    return next(r for r in data["requirements"] if r["ref"] == ref)


def test_it_loads_the_expected_counts(catalog):
    assert set(Framework.objects.values_list("code", flat=True)) == {
        "iso42001",
        "nist-ai-rmf",
        "eu-ai-act",
    }
    assert _count(framework__code="iso42001") == 110
    assert _count(framework__code="iso42001", kind="control") == 38
    assert _count(framework__code="iso42001", kind="clause", assessable=True) == 32
    assert _count(framework__code="nist-ai-rmf", kind="subcategory") == 72
    assert _count(framework__code="eu-ai-act", kind="article") == 28
    assert RequirementMapping.objects.filter(crosswalk="nist-ai-rmf-to-iso42001").count() == 280
    assert RequirementMapping.objects.filter(crosswalk="eu-ai-act-to-iso42001").count() == 53
    assert not Requirement.objects.filter(withdrawn=True).exists()
    control = Requirement.objects.get(framework__code="iso42001", ref="A.6.2.4")
    assert (control.kind, control.parent.ref) == ("control", "A.6.2")


def test_it_changes_nothing_on_a_second_load(catalog):
    before = _state()
    report = load_catalog()
    assert (report.created, report.updated, report.withdrawn) == (0, 0, 0)
    assert report.unchanged == report.frameworks + report.requirements + report.mappings
    assert _state() == before


@pytest.mark.parametrize(
    ("file", "breakage", "entry"),
    [
        (
            "iso42001.json",
            lambda d: _requirement(d, "A.6.2.4").update(kind="wish"),
            "requirement 'A.6.2.4'",
        ),
        (
            "iso42001.json",
            lambda d: _requirement(d, "A.6.2.4").update(parent="A.99"),
            "requirement 'A.6.2.4'",
        ),
        ("nist-ai-rmf.json", lambda d: d["requirements"][3].update(title=""), "requirement"),
        (
            "eu-ai-act.json",
            lambda d: d["requirements"].append(dict(d["requirements"][0])),
            "requirement",
        ),
        (
            "crosswalks.json",
            lambda d: d["crosswalks"][0]["rows"][4].update(target="A.99.9"),
            "crosswalk 'nist-ai-rmf-to-iso42001' row 5",
        ),
        (
            "crosswalks.json",
            lambda d: d["crosswalks"][1]["rows"][0].update(relationship="vibes"),
            "crosswalk 'eu-ai-act-to-iso42001' row 1",
        ),
    ],
)
def test_it_refuses_a_malformed_entry_and_writes_nothing(catalog, data_dir, file, breakage, entry):
    _edit(data_dir / file, breakage)
    # A change a correct file would have made must not happen either.
    _edit(data_dir / "iso42001.json", lambda d: _requirement(d, "4.1").update(title="Renamed"))
    before = _state()
    with pytest.raises(CatalogError) as caught:
        load_catalog(data_dir)
    assert caught.value.file == file
    assert entry in str(caught.value)
    assert str(caught.value).startswith(f"{file}: ")
    assert _state() == before


def test_it_refuses_a_file_that_is_not_json(catalog, data_dir):
    path = data_dir / "eu-ai-act.json"
    path.write_text(path.read_text()[:-20])
    before = _state()
    with pytest.raises(CatalogError) as caught:
        load_catalog(data_dir)
    assert caught.value.file == "eu-ai-act.json"
    assert "not valid JSON" in str(caught.value)
    assert "line " in caught.value.entry
    assert _state() == before


def test_it_refuses_a_missing_file(catalog, data_dir):
    (data_dir / "crosswalks.json").unlink()
    with pytest.raises(CatalogError, match=r"crosswalks\.json"):
        load_catalog(data_dir)


def test_it_reports_a_malformed_catalog_from_the_command(catalog, data_dir):
    _edit(data_dir / "iso42001.json", lambda d: _requirement(d, "A.2.2").update(kind="wish"))
    before = _state()
    with pytest.raises(
        CommandError, match=r"iso42001.json: requirement 'A.2.2': unknown kind 'wish'"
    ):
        call_command("load_catalog", data_dir=str(data_dir))
    assert _state() == before


def test_it_reloads_from_the_command_as_an_import(catalog, data_dir, capsys):
    _edit(
        data_dir / "nist-ai-rmf.json",
        lambda d: d["requirements"][0].update(title="Govern (renamed)"),
    )
    seq = ChangeLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    call_command("load_catalog", data_dir=str(data_dir))
    assert "0 created, 1 updated, 0 withdrawn" in capsys.readouterr().out
    (row,) = ChangeLogEntry.objects.filter(seq__gt=seq)
    assert (row.source, row.action, row.after["title"]) == ("import", "update", "Govern (renamed)")
    assert row.organization_id is None


def _unreferenced_leaf(data_dir):
    """An ISO ref with no children that no mapping or crosswalk mentions."""
    iso = json.loads((data_dir / "iso42001.json").read_text())
    crosswalks = json.loads((data_dir / "crosswalks.json").read_text())
    used = {r["parent"] for r in iso["requirements"]}
    used |= {m[k] for m in iso.get("mappings", []) for k in ("source", "target")}
    used |= {row["target"] for c in crosswalks["crosswalks"] for row in c["rows"]}
    return next(r["ref"] for r in iso["requirements"] if r["ref"] not in used)


def test_it_withdraws_a_dropped_ref_and_keeps_what_points_at_it(catalog, data_dir):
    ref = _unreferenced_leaf(data_dir)
    dropped = Requirement.objects.get(framework__code="iso42001", ref=ref)
    other = Requirement.objects.get(framework__code="iso42001", ref="A.6.2.4")
    link = factories.RequirementMappingFactory(crosswalk="org-own", source=other, target=dropped)
    _edit(
        data_dir / "iso42001.json",
        lambda d: d.update(requirements=[r for r in d["requirements"] if r["ref"] != ref]),
    )
    report = load_catalog(data_dir)
    assert report.withdrawn == 2  # the requirement and the unlisted link to it
    dropped.refresh_from_db()
    assert dropped.withdrawn
    link.refresh_from_db()
    assert (link.source_id, link.target_id) == (other.pk, dropped.pk)
    assert RequirementMapping.objects.filter(pk=link.pk).exists()
    # Shipped again in a later edition, it comes back under the same row.
    report = load_catalog()
    dropped.refresh_from_db()
    assert not dropped.withdrawn


def test_it_renames_a_title_in_place(catalog, data_dir):
    before = Requirement.objects.get(framework__code="iso42001", ref="A.6.2.4")
    seq = ChangeLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    _edit(
        data_dir / "iso42001.json",
        lambda d: _requirement(d, "A.6.2.4").update(title="A new short title"),
    )
    report = load_catalog(data_dir)
    assert (report.created, report.updated, report.withdrawn) == (0, 1, 0)
    after = Requirement.objects.get(framework__code="iso42001", ref="A.6.2.4")
    assert after.pk == before.pk
    assert after.title == "A new short title"
    assert after.version == before.version + 1
    (row,) = ChangeLogEntry.objects.filter(seq__gt=seq)
    assert (row.action, row.object_id) == ("update", str(before.pk))
    assert row.before["title"] == before.title
    assert row.after["title"] == "A new short title"

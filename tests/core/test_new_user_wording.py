"""Small things a new user reads: counts in the singular, times "ago", "an EXE file", one
error for one bad link, job outcomes as sentences, and drop-downs whose empty choice says
what it means ("Any" in filters, "Choose…" or "Not chosen" in forms)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aims.core.filters import label_filter_form
from aims.core.models import Job
from aims.core.templatetags.aims import ago
from aims.evidence.forms import EvidenceItemForm
from aims.evidence.models import EvidenceItem
from aims.evidence.services import a_file_of_type
from aims.inventory.filters import AISystemFilterSet
from aims.inventory.forms import AISystemForm
from aims.inventory.models import AISystem
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_dashboard_counts_one_review_overdue_in_the_singular(org, users, client_for):
    factories.AISystemFactory(
        organization=org, next_review_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    page = client_for(users.officer).get(reverse("dashboard", kwargs={"org": org.slug}))
    html = page.content.decode()
    assert "review overdue" in html
    assert "reviews overdue" not in html
    assert "AI system in the inventory" in html


def test_relative_times_say_ago_and_just_now():
    now = timezone.now()
    assert ago(now - datetime.timedelta(seconds=20)) == "just now"
    assert ago(now - datetime.timedelta(minutes=5)) == "5\xa0minutes ago"
    assert ago(now - datetime.timedelta(hours=3, minutes=10)) == "3\xa0hours ago"
    assert ago(None) == ""


def test_the_dashboard_says_when_a_change_was_made_with_ago(org, users, client_for):
    factories.AISystemFactory(organization=org)  # writes a change-log row now
    page = client_for(users.officer).get(reverse("dashboard", kwargs={"org": org.slug}))
    html = page.content.decode()
    assert "just now" in html
    assert "0\xa0minutes" not in html


@pytest.mark.parametrize(
    ("extension", "phrase"),
    [
        ("exe", "an EXE file"),
        ("elf", "an ELF file"),
        ("mp3", "an MP3 file"),
        ("xlsx", "an XLSX file"),
        ("png", "a PNG file"),
        ("zip", "a ZIP file"),
        ("rar", "a RAR file"),
    ],
)
def test_a_file_type_takes_the_article_it_is_read_with(extension, phrase):
    assert a_file_of_type(extension) == phrase


def test_one_bad_link_gives_one_error(org, users):
    form = EvidenceItemForm(
        data={"title": "Dashboard", "kind": "link", "url": "not a link"},
        organization=org,
        user=users.officer,
    )
    assert not form.is_valid()
    assert len(form.errors["url"]) == 1
    assert "valid URL" in form.errors["url"][0]
    assert not EvidenceItem.objects.exists()


def test_a_missing_link_is_still_refused_by_the_model(org, users):
    form = EvidenceItemForm(
        data={"title": "Dashboard", "kind": "link", "url": ""},
        organization=org,
        user=users.officer,
    )
    assert not form.is_valid()
    assert form.errors["url"] == ["Give the link's address."]


def test_a_job_outcome_reads_as_a_sentence(org):
    job = Job(kind="inventory_export", organization=org, result={"rows": 13})
    assert job.outcome() == ["13 rows exported"]
    assert Job(kind="x", result={"rows": 1}).outcome() == ["1 row exported"]
    assert Job(kind="x", result={"other_thing": "yes"}).outcome() == ["Other thing: yes"]


def test_the_job_page_shows_the_outcome_sentence(org, users, client_for):
    job = Job.objects.create(
        kind="inventory_export",
        title="AI system inventory (CSV)",
        organization=org,
        created_by=users.officer,
        status="succeeded",
        result={"rows": 13},
    )
    page = client_for(users.officer).get(
        reverse("core:job_detail", kwargs={"org": org.slug, "pk": job.pk})
    )
    html = page.content.decode()
    assert "13 rows exported" in html
    assert "Rows:" not in html and "rows: <strong>" not in html


def test_filter_drop_downs_start_at_any_and_sort_at_default_order():
    filterset = AISystemFilterSet({}, queryset=AISystem.objects.none())
    label_filter_form(filterset)
    assert str(filterset.form["status"]).count(">Any</option>") == 1
    assert ">Any</option>" in str(filterset.form["review_overdue"])
    assert ">Unknown</option>" not in str(filterset.form["review_overdue"])
    assert ">Default order</option>" in str(filterset.form["ordering"])
    assert "---------" not in str(filterset.form)


def test_the_list_page_has_no_dashes_in_its_filters(org, users, client_for):
    page = client_for(users.officer).get(
        reverse("inventory:aisystem_list", kwargs={"org": org.slug})
    )
    html = page.content.decode()
    assert "---------" not in html
    assert ">Any</option>" in html


def test_form_drop_downs_say_choose_or_not_chosen(org, users, client_for):
    form = AISystemForm(organization=org, user=users.officer)
    assert '<option value="" selected>Choose…</option>' in str(form["lifecycle_stage"])
    assert '<option value="" selected>Not chosen</option>' in str(form["owner"])
    assert ">Not determined</option>" in str(form["eu_ai_act_role"])
    page = client_for(users.officer).get(
        reverse("inventory:aisystem_add", kwargs={"org": org.slug})
    )
    assert "---------" not in page.content.decode()
    risk_page = client_for(users.officer).get(reverse("risks:risk_add", kwargs={"org": org.slug}))
    assert "---------" not in risk_page.content.decode()


def test_a_group_of_role_checkboxes_is_not_marked_required_box_by_box(org, users):
    html = str(AISystemForm(organization=org, user=users.officer)["ai_roles"])
    assert 'type="checkbox"' in html
    assert "required" not in html

"""Beside a claimed date, when the change log recorded it (``aims.core.recorded``)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from aims.core.models import ChangeLogEntry
from aims.core.recorded import annotate_recorded, recorded_for, recorded_on, recorded_on_many
from risks.models import RiskAssessment
from risks.services import risk_assessment_approve
from tests import factories
from tests.evidence.factories import EvidenceFileFactory, pdf_bytes


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def last_entry(obj) -> ChangeLogEntry:
    ct = ContentType.objects.get_for_model(type(obj))
    return ChangeLogEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("-seq")[0]


# ==== The helper ===========================================================================


def test_a_date_claimed_the_day_it_is_written_is_not_flagged(org):
    assessment = factories.RiskAssessmentFactory(organization=org)
    recorded = recorded_on(assessment, "assessed_on")
    entry = last_entry(assessment)
    assert (recorded.at, recorded.seq) == (entry.timestamp, entry.seq)
    assert recorded.claimed == timezone.localdate()
    assert not recorded.differs and not recorded.unrecorded


def test_a_backdated_claim_is_flagged_with_its_distance(org):
    assessment = factories.RiskAssessmentFactory(organization=org, assessed_on=days_ago(40))
    recorded = recorded_on(assessment, "assessed_on")
    assert recorded.differs and recorded.backdated
    assert recorded.days_apart == 40


def test_a_claim_a_day_away_is_within_tolerance(org):
    assessment = factories.RiskAssessmentFactory(organization=org, assessed_on=days_ago(1))
    assert not recorded_on(assessment, "assessed_on").differs


def test_a_later_claim_is_flagged_but_not_as_backdated(org):
    later = timezone.localdate() + datetime.timedelta(days=5)
    assessment = factories.RiskAssessmentFactory(organization=org, assessed_on=later)
    recorded = recorded_on(assessment, "assessed_on")
    assert recorded.differs and not recorded.backdated
    assert recorded.days_apart == 5


def test_it_names_the_row_that_set_the_current_value(org):
    assessment = factories.RiskAssessmentFactory(organization=org, assessed_on=days_ago(3))
    created = last_entry(assessment)
    assessment.title = "Renamed"  # a change that leaves the date alone
    assessment.save()
    assert recorded_on(assessment, "assessed_on").seq == created.seq
    assessment.assessed_on = days_ago(9)
    assessment.save()
    moved = last_entry(assessment)
    assert recorded_on(assessment, "assessed_on").seq == moved.seq
    assessment.assessed_on = days_ago(3)  # back to the first value: set again, later
    assessment.save()
    assert recorded_on(assessment, "assessed_on").seq == last_entry(assessment).seq


def test_a_value_the_change_log_never_wrote_is_unrecorded(org):
    assessment = factories.RiskAssessmentFactory(organization=org)
    # A bulk update goes around the change log (the project never does this on purpose).
    RiskAssessment.objects.filter(pk=assessment.pk).update(assessed_on=days_ago(100))
    assessment.refresh_from_db()
    recorded = recorded_on(assessment, "assessed_on")
    assert recorded.at is None and recorded.unrecorded


def test_a_moment_is_compared_whatever_its_time_zone(org, users):
    approved_at = timezone.now().astimezone(datetime.timezone(datetime.timedelta(hours=5)))
    version = factories.ScopeStatementFactory(
        organization=org,
        author=users.officer,
        status="approved",
        approved_by=users.admin,
        approved_at=approved_at,
    )
    version.refresh_from_db()  # read back in UTC
    recorded = recorded_on(version, "approved_at")
    assert recorded.at is not None
    assert not recorded.differs


def test_a_backdated_approval_is_flagged(org, users):
    version = factories.ScopeStatementFactory(
        organization=org,
        author=users.officer,
        status="approved",
        approved_by=users.admin,
        approved_at=timezone.now() - datetime.timedelta(days=10),
    )
    recorded = recorded_on(version, "approved_at")
    assert recorded.backdated and recorded.days_apart == 10


def test_many_records_cost_one_query(org, django_assert_num_queries):
    assessments = [
        factories.RiskAssessmentFactory(organization=org, assessed_on=days_ago(n))
        for n in (0, 20, 40)
    ]
    ContentType.objects.get_for_model(RiskAssessment)  # cached, as in a running process
    with django_assert_num_queries(1):
        found = recorded_on_many(assessments, "assessed_on")
    assert [found[a.pk].backdated for a in assessments] == [False, True, True]
    with django_assert_num_queries(1):
        annotate_recorded(assessments, "assessed_on")
    with django_assert_num_queries(0):
        assert recorded_for(assessments[2], "assessed_on").days_apart == 40


def test_a_record_never_saved_has_nothing_recorded():
    assert recorded_on_many([], "assessed_on") == {}
    assert recorded_on(RiskAssessment(), "assessed_on").at is None


# ==== The pages ============================================================================


@pytest.fixture
def officer(users, client_for):
    return client_for(users.officer)


def test_the_assessment_page_shows_when_its_dates_were_recorded(org, users, officer):
    draft = factories.RiskAssessmentFactory(organization=org, assessed_on=days_ago(40))
    assessment = risk_assessment_approve(assessment=draft, user=users.officer)
    url = reverse("risks:assessment_detail", kwargs={"org": org.slug, "pk": assessment.pk})
    page = officer.get(url).content.decode()
    assert page.count('class="recorded') == 2  # assessed on, approved
    assert "backdated 40 days" in page
    assert page.count("recorded-differs") == 1


def test_the_scope_version_page_flags_a_backdated_approval(org, users, officer):
    version = factories.ScopeStatementFactory(
        organization=org,
        author=users.officer,
        status="approved",
        approved_by=users.admin,
        approved_at=timezone.now() - datetime.timedelta(days=10),
    )
    url = reverse("organizations:scope_version", kwargs={"org": org.slug, "pk": version.pk})
    assert "backdated 10 days" in officer.get(url).content.decode()
    listing = officer.get(reverse("organizations:scope", kwargs={"org": org.slug}))
    assert "backdated 10 days" in listing.content.decode()


def test_the_soa_versions_show_when_each_approval_was_recorded(org, users, officer):
    for days in (0, 30):
        factories.SoAVersionFactory(
            organization=org,
            author=users.officer,
            status="approved" if days == 0 else "superseded",
            approved_by=users.admin,
            approved_at=timezone.now() - datetime.timedelta(days=days),
        )
    page = officer.get(reverse("controls:soa_version_list", kwargs={"org": org.slug}))
    text = page.content.decode()
    assert text.count('class="recorded') == 2
    assert "backdated 30 days" in text


def test_the_evidence_page_shows_when_validity_and_upload_were_recorded(org, users, officer):
    evidence = EvidenceFileFactory(
        item__organization=org, item__valid_from=days_ago(30), content=pdf_bytes("x")
    )
    url = reverse("evidence:evidence_detail", kwargs={"org": org.slug, "pk": evidence.item.pk})
    page = officer.get(url).content.decode()
    assert "backdated 30 days" in page  # valid from
    assert page.count('class="recorded') == 2  # valid from, the file's upload
    versions = reverse(
        "evidence:evidence_versions", kwargs={"org": org.slug, "pk": evidence.item.pk}
    )
    assert 'class="recorded"' in officer.get(versions).content.decode()


def test_the_criteria_page_shows_when_each_version_was_recorded(org, officer):
    factories.criteria_for(org)
    page = officer.get(reverse("risks:criteria", kwargs={"org": org.slug})).content.decode()
    assert page.count('class="recorded"') == 2  # the version shown, and its row in the list
    assert "recorded-differs" not in page

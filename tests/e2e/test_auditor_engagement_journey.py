"""An officer opens an engagement for one AI system and invites an external auditor; the
auditor sets a password, sees only that system's records, downloads its evidence and asks
for a document, which the officer answers; once the window has closed the auditor sees
nothing."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from aims.organizations.models import Organization, User
from engagements.models import Engagement
from tests import factories
from tests.e2e.helpers import PASSWORD, person, sign_in
from tests.evidence.factories import EvidenceFileFactory, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AUDITOR_EMAIL = "ava.auditor@certifier.test"


@pytest.fixture
def officer():
    return person("olivia@example.test", "Olivia Officer", {"Alpha Insurance": "officer"})


@pytest.fixture
def records(officer):
    """Two AI systems, each with a risk and a PDF of evidence on that risk."""
    org = Organization.objects.get(slug="alpha")
    made = {}
    for name in ("Claims triage", "Fraud screening"):
        system = factories.AISystemFactory(organization=org, name=name)
        risk = factories.RiskFactory(organization=org, title=f"{name}: unfair outcomes")
        risk.ai_systems.add(system)
        evidence = EvidenceFileFactory(
            item__organization=org,
            item__title=f"{name} bias test report",
            content=pdf_bytes(name),
            original_name=f"{name.lower().replace(' ', '-')}.pdf",
        )
        risk.evidence.add(evidence.item)
        made[name] = {"system": system, "risk": risk, "evidence": evidence.item}
    return made


def _set_password_link() -> str:
    (message,) = mail.outbox
    assert message.to == [AUDITOR_EMAIL]
    match = re.search(r"https?://\S+/accounts/password/reset/key/\S+", message.body)
    assert match, message.body
    return match.group(0)


def test_an_auditor_sees_only_the_engagements_system_and_nothing_after_it(
    live_server, browser, page, shoot, officer, records
):
    today = timezone.localdate()
    base = live_server.url

    # The officer opens an engagement limited to one AI system and invites the auditor.
    sign_in(page, base, officer)
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Auditor engagements"
    ).click()
    expect(page.get_by_text("No engagements yet")).to_be_visible()
    page.get_by_role("link", name="Add auditor engagement").first.click()
    page.get_by_label("Name").fill("Surveillance audit: claims")
    page.get_by_label("Audited by").select_option("certification")
    page.get_by_label("Organisation or team").fill("Certifier Ltd")
    page.get_by_label("Stage").select_option("surveillance")
    page.get_by_label("Invite auditors by e-mail").fill(AUDITOR_EMAIL)
    page.get_by_label("Access from").fill(today.isoformat())
    page.get_by_label("Access until").fill((today + datetime.timedelta(days=10)).isoformat())
    page.get_by_label("The whole AIMS").uncheck()
    page.get_by_label("Claims triage").check()
    shoot("01-engagement-form")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role("heading", name=re.compile("Surveillance audit: claims"))
    ).to_be_visible()
    expect(page.get_by_text("Invited, no password set yet")).to_be_visible()
    shoot("02-engagement-detail")
    page.locator("details.user-menu summary").click()
    page.get_by_role("menuitem", name="Sign out").click()

    # The auditor follows the e-mailed link, chooses a password and signs in.
    page.goto(_set_password_link().replace("http://testserver", base))
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("change password", re.IGNORECASE)).click()
    expect(page.get_by_text(re.compile("password is now changed", re.IGNORECASE))).to_be_visible()
    auditor = User.objects.get(email=AUDITOR_EMAIL)
    assert auditor.has_usable_password()
    sign_in(page, base, auditor)
    expect(page.locator(".engagement-banner")).to_contain_text(
        "Engagement: Surveillance audit: claims, read-only, until"
    )

    # Only the chosen system's records, read-only.
    nav = page.get_by_role("navigation", name="Main navigation")
    nav.get_by_role("link", name=re.compile("AI systems")).click()
    expect(page.get_by_role("link", name="Claims triage")).to_be_visible()
    expect(page.get_by_role("link", name="Fraud screening")).to_have_count(0)
    expect(page.get_by_role("link", name="Add AI system")).to_have_count(0)
    shoot("03-auditor-ai-systems")
    nav.get_by_role("link", name="Evidence", exact=True).click()
    expect(page.get_by_role("link", name="Fraud screening bias test report")).to_have_count(0)
    page.get_by_role("link", name="Claims triage bias test report").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").first.click()
    assert download.value.suggested_filename == "claims-triage.pdf"
    shoot("04-auditor-evidence")
    other = records["Fraud screening"]["system"]
    response = page.goto(f"{base}/o/alpha/ai-systems/{other.pk}/")
    assert response.status == 404

    # The auditor asks for a document; the officer answers; the auditor reads the answer.
    page.goto(f"{base}/o/alpha/information-requests/")
    page.get_by_role("link", name=re.compile("Add information request")).first.click()
    page.locator("#id_title").fill("Claims triage model card")
    page.locator("#id_details").fill("The current model card, with its known limits.")
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_text("No answer yet")).to_be_visible()
    shoot("05-auditor-asks")
    officer_context = browser.new_context(viewport={"width": 1366, "height": 900})
    officer_page = officer_context.new_page()
    sign_in(officer_page, base, officer)
    officer_page.goto(f"{base}/o/alpha/information-requests/")
    officer_page.get_by_role("link", name=re.compile("IR-0001")).click()
    officer_page.locator("#id_body").fill("The model card is in the evidence: see the bias report.")
    officer_page.get_by_role("button", name="Send answer").click()
    expect(officer_page.get_by_text("The model card is in the evidence")).to_be_visible()
    officer_context.close()
    page.reload()
    expect(page.get_by_text("The model card is in the evidence")).to_be_visible()

    # After the window closes the auditor sees nothing, though still signed in.
    Engagement.objects.update(
        starts_on=today - datetime.timedelta(days=20), ends_on=today - datetime.timedelta(days=1)
    )
    mine = records["Claims triage"]
    page.goto(f"{base}/o/alpha/ai-systems/")
    expect(page.locator(".engagement-banner")).to_contain_text("No engagement is open for you")
    expect(page.get_by_role("link", name="Claims triage")).to_have_count(0)
    assert page.goto(f"{base}/o/alpha/ai-systems/{mine['system'].pk}/").status == 404
    assert page.goto(f"{base}/o/alpha/evidence/{mine['evidence'].pk}/").status == 404
    shoot("06-after-the-window")

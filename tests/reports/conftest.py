import pytest


@pytest.fixture
def soa_org(org, catalog):
    from tests.reports.factories import full_soa

    full_soa(org)
    return org

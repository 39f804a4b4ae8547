"""The victim-support demo: organisations in five countries, three referrals (consent and in
care, a child's override by a supervisor, a repatriation to Nigeria under way); idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command

from contacts.demo_support import seed_support_demo
from contacts.models import SupportOrganisation
from ncb_cases.demo_support import seed_referrals_demo
from ncb_cases.models.support import SupportReferral

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_refers_three_victims_and_runs_twice_without_duplicates():
    # given
    call_command("seed_demo", "--password", "demo-pass-123", stdout=StringIO())

    # when
    organisations = seed_support_demo()
    referrals = seed_referrals_demo()
    organisations_again = seed_support_demo()
    referrals_again = seed_referrals_demo()

    # then
    assert organisations.created == 11
    assert set(SupportOrganisation.objects.values_list("country__iso2", flat=True)) == {
        "FR",
        "IT",
        "NG",
        "DE",
        "TH",
    }
    assert all(
        "(fictitious)" in name
        for name in SupportOrganisation.objects.values_list("name", flat=True)
    )
    assert referrals.created == 3
    assert referrals.skipped == 0
    assert (organisations_again.created, referrals_again.created) == (0, 0)
    assert referrals_again.present == 3
    in_care = SupportReferral.objects.get(victim__family_name="EDOSA-TEST")
    assert (in_care.status, in_care.consent_given) == ("IN_CARE", True)
    child = SupportReferral.objects.get(victim__family_name="N-TEST")
    assert child.victim.is_child
    assert not child.consent_given
    assert child.consent_override_by.username == "supervisor_fr"
    repatriation = SupportReferral.objects.get(victim__family_name="OSAGIE-TEST")
    assert repatriation.repatriation_status == "TRAVEL_ARRANGED"
    assert repatriation.repatriation_country.iso2 == "NG"
    assert "3 created" in referrals.summary_lines()[0]

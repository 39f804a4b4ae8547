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


def test_seed_demo_refers_three_victims_and_runs_again_without_duplicates():
    # given seed_demo, which runs the support-directory and referral demos
    out = StringIO()
    call_command("seed_demo", "--password", "demo-pass-123", stdout=out)

    # when they run once more
    organisations_again = seed_support_demo()
    referrals_again = seed_referrals_demo()

    # then
    assert "Demo support organisations: 11 created" in out.getvalue()
    assert "Demo support referrals: 3 created" in out.getvalue()
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
    assert (organisations_again.created, organisations_again.present) == (0, 11)
    assert (referrals_again.created, referrals_again.present) == (0, 3)
    assert SupportReferral.objects.count() == 3
    in_care = SupportReferral.objects.get(victim__family_name="EDOSA-TEST")
    assert (in_care.status, in_care.consent_given) == ("IN_CARE", True)
    child = SupportReferral.objects.get(victim__family_name="N-TEST")
    assert child.victim.is_child
    assert not child.consent_given
    assert child.consent_override_by.username == "supervisor_fr"
    repatriation = SupportReferral.objects.get(victim__family_name="OSAGIE-TEST")
    assert repatriation.repatriation_status == "TRAVEL_ARRANGED"
    assert repatriation.repatriation_country.iso2 == "NG"

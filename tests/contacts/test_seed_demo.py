import stat
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from contacts.choices import ContactRole, OfficerRole
from contacts.demo import DEMO_NCBS
from contacts.models import ContactPoint, Country, NationalCentralBureau, Officer

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture(autouse=True)
def demo_var_dir(settings, tmp_path):
    """Keep var/demo_password of the checkout untouched; hash passwords fast."""
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return tmp_path


def seed_demo(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_creates_the_named_users_with_their_roles():
    # when
    seed_demo("--password", "demo-password-0123")
    # then
    memberships = {
        officer.user.username: (officer.ncb.code, officer.role)
        for officer in Officer.objects.select_related("user", "ncb")
    }
    assert memberships["officer_fr"] == ("FR", OfficerRole.OFFICER)
    assert memberships["supervisor_fr"] == ("FR", OfficerRole.SUPERVISOR)
    assert memberships["analyst_fr"] == ("FR", OfficerRole.ANALYST)
    assert memberships["officer_de"] == ("DE", OfficerRole.OFFICER)
    assert memberships["supervisor_de"] == ("DE", OfficerRole.SUPERVISOR)
    assert memberships["srb_europe"][1] == OfficerRole.SRB_MONITOR
    monitor = Officer.objects.get(user__username="srb_europe")
    assert monitor.sub_regional_bureau.name == "European Regional Bureau"
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.is_staff
    assert User.objects.get(username="officer_fr").check_password("demo-password-0123")
    assert User.objects.get(username="officer_fr").groups.filter(name="NCB FR").exists()


def test_seed_demo_designates_primary_and_deputy_for_six_ncbs_with_history_and_stale_ones():
    # when
    seed_demo()
    # then
    current = ContactPoint.objects.current()
    for code in DEMO_NCBS:
        roles = set(current.filter(ncb__code=code).values_list("role", flat=True))
        assert roles == {ContactRole.PRIMARY, ContactRole.DEPUTY}, code
    assert ContactPoint.objects.filter(ncb__code="FR", designated_to__isnull=False).count() == 2
    assert current.stale().count() == 3
    for contact in ContactPoint.objects.all():
        assert contact.phone_24_7.startswith("+")
        assert contact.secure_email.endswith(".example.test")
        assert contact.full_name.endswith("-TEST")


def test_second_seed_demo_creates_nothing_new(django_assert_max_num_queries):
    # given
    seed_demo()
    models = (User, Group, Officer, ContactPoint, Country, NationalCentralBureau)
    before = {model: model.objects.count() for model in models}
    # when: every app's demo finds its data already there (a few queries each; the support
    # organisations and referrals, one lookup per record, cost the most: 15 each)
    with django_assert_max_num_queries(90):
        output = seed_demo()
    # then
    assert {model: model.objects.count() for model in models} == before
    assert "0 users created, 0 memberships assigned, 0 passwords set" in output
    assert "0 contact points designated" in output


def test_generated_password_is_stored_privately_and_reused(demo_var_dir):
    # given
    first = seed_demo()
    password_file = demo_var_dir / "demo_password"
    password = password_file.read_text().strip()
    # when
    second = seed_demo()
    # then
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert len(password) >= 12
    assert password in first
    assert password in second
    assert User.objects.get(username="supervisor_de").check_password(password)


def test_given_password_replaces_the_stored_one_for_every_demo_user(demo_var_dir):
    # given
    seed_demo()
    # when
    seed_demo("--password", "another-demo-password")
    # then
    assert (demo_var_dir / "demo_password").read_text().strip() == "another-demo-password"
    for username in ("officer_fr", "srb_europe", "admin"):
        assert User.objects.get(username=username).check_password("another-demo-password")


def test_seed_demo_prints_the_logins_roles_and_url():
    # when
    output = seed_demo("--password", "demo-password-0123")
    # then
    assert "http://127.0.0.1:8000/" in output
    assert "demo-password-0123" in output
    assert "supervisor_fr" in output
    assert "Supervisor, INTERPOL Paris" in output
    assert "Sub-regional bureau monitor, INTERPOL Paris" in output

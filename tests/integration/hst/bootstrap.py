"""Prepare one instance of the two-instance harness; run inside the instance's environment.

    python -m tests.integration.hst.bootstrap '<spec as JSON>'

`spec`: `{"template": true}` only migrates and loads the reference data (the template database
the instances' databases are cloned from, `databases.py`); otherwise `{"migrated": true,
"hosted": "FR", "peers": {"DE": "http://127.0.0.1:8002"}, "peer_keys": {"DE":
"<public key>"}, "peer_note": "...", "password": "...", "demo": false}`. In one process
(Django starts once, which saves seconds on each instance): `migrate` and
`load_reference_data` unless `migrated`, `hst_set_transport` (hosted NCB local, every peer NCB
peer at its URL), `hst_register_key` for every peer key (the harness generated both instances'
keys, so it knows them before either starts), the seed, `hst_public_key`, API tokens. Prints
one line `HST-BOOTSTRAP <JSON>` with the public key, its kid, the users' API tokens and the
seeded case's public id, which `instances.py` reads.

The seed (`demo` false) is the smallest that exercises the exchange: the hosted NCB's officers
`officer_<cc>` and `officer2_<cc>`, supervisors `supervisor_<cc>` and `supervisor2_<cc>`,
analyst `analyst_<cc>`, and one case of `officer_<cc>` with a suspect and a victim, each with a
phone. With `demo` true it is what `seed_demo` seeds but its messages (every demo NCB, user,
case and evidence item), for people to look at; the tokens are then those of the demo users of
the hosted NCB.
"""

import io
import json
import os
import sys

import django

MARKER = "HST-BOOTSTRAP "
ROLES = (
    ("officer", "OFFICER"),
    ("officer2", "OFFICER"),
    ("supervisor", "SUPERVISOR"),
    ("supervisor2", "SUPERVISOR"),
    ("analyst", "ANALYST"),
)


def main(spec: dict) -> dict:
    from django.core.management import call_command

    if not spec.get("migrated"):
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_reference_data", stdout=io.StringIO())
    if spec.get("template"):
        return {}
    hosted = spec["hosted"]
    call_command("hst_set_transport", hosted, "local", stdout=io.StringIO())
    for code, endpoint in spec.get("peers", {}).items():
        call_command("hst_set_transport", code, "peer", endpoint=endpoint, stdout=io.StringIO())
    for code, public_key in spec.get("peer_keys", {}).items():
        call_command(
            "hst_register_key",
            code,
            "--",  # one key in 64 starts with "-", which argparse would take for an option
            public_key,
            note=spec.get("peer_note", ""),
            stdout=io.StringIO(),
        )
    if spec.get("demo"):
        seed_demo_without_messages(spec["password"])
        usernames = demo_usernames(hosted)
        case_id = None
    else:
        usernames = seed_users(hosted, spec["password"])
        case_id = str(seed_case(hosted).public_id)
    out = io.StringIO()
    call_command("hst_public_key", stdout=out)
    key = dict(line.split(": ", 1) for line in out.getvalue().splitlines())
    return {
        "kid": key["kid"],
        "public_key": key["public_key"],
        "tokens": tokens_for(usernames),
        "case_id": case_id,
    }


def seed_users(hosted: str, password: str) -> list[str]:
    from django.contrib.auth import get_user_model

    from contacts.models import NationalCentralBureau
    from contacts.services import officer_assign

    ncb = NationalCentralBureau.objects.get(code=hosted)
    user_model = get_user_model()
    usernames = []
    for prefix, role in ROLES:
        username = f"{prefix}_{hosted.lower()}"
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": "Test",
                "last_name": f"{prefix.upper()}-{hosted}-TEST",
                "email": f"{username}@example.test",
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        officer_assign(user=user, ncb=ncb, role=role)
        usernames.append(username)
    return usernames


def seed_case(hosted: str):
    from django.contrib.auth import get_user_model

    from ncb_cases import services
    from ncb_cases.models import Case

    officer = get_user_model().objects.get(username=f"officer_{hosted.lower()}")
    title = "Test case: forced labour on building sites (fictitious)"
    case = Case.objects.filter(owner_ncb__code=hosted, title=title).first()
    if case is not None:
        return case
    case = services.case_create(
        actor=officer,
        data={
            "title": title,
            "summary": "Fictitious test case. Workers recruited with false job offers, "
            "moved by road and kept on building sites under a debt.",
            "offence_type": "THB",
            "exploitation_forms": ["FORCED_LABOUR"],
            "countries": [("RO", "ORIGIN"), ("DE", "TRANSIT"), (hosted, "DESTINATION")],
            "palermo_acts": ["RECRUITMENT", "TRANSPORTATION"],
            "palermo_means": ["DECEPTION"],
            "palermo_purposes": ["FORCED_LABOUR"],
            "handling_codes": ["H1"],
            "source_reliability": "B",
            "information_accuracy": "2",
        },
    )
    services.person_create(
        actor=officer,
        case=case,
        data={
            "role": "SUSPECT",
            "family_name": "TESTMAN",
            "forenames": "Victor",
            "sex": "M",
            "date_of_birth": "1980-04-12",
            "nationalities": ["ROU"],
            "roles_in_process": ["RECRUITER"],
            "phones": ["+44 20 7946 0101"],
        },
    )
    services.person_create(
        actor=officer,
        case=case,
        data={
            "role": "VICTIM",
            "family_name": "EXAMPLE",
            "forenames": "Ana",
            "sex": "F",
            "date_of_birth": "1995",
            "nationalities": ["ROU"],
            "phones": ["+44 20 7946 0102"],
        },
    )
    return case


def seed_demo_without_messages(password: str) -> None:
    """What `seed_demo` seeds but its messages: those assume every demo NCB is hosted on one
    instance (they travel by the local transport), and here the person at the two browser tabs
    sends the first message themselves."""
    from contacts.demo import demo_password, seed_contacts_demo
    from evidence.demo import seed_evidence_demo
    from ncb_cases.demo import seed_cases_demo

    seed_contacts_demo(password=demo_password(password=password))
    seed_cases_demo()
    seed_evidence_demo()


def demo_usernames(hosted: str) -> list[str]:
    from contacts.demo import DEMO_USERS

    return [user.username for user in DEMO_USERS if user.ncb == hosted]


def tokens_for(usernames: list[str]) -> dict[str, str]:
    from django.contrib.auth import get_user_model

    from contacts.services import api_token_create

    users = get_user_model().objects.filter(username__in=usernames)
    return {
        user.username: api_token_create(user=user, name="two-instance harness", expires_days=7)[1]
        for user in users
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.integration.hst.instance_settings")
    django.setup()
    result = main(json.loads(sys.argv[1]))
    sys.stdout.write(MARKER + json.dumps(result) + "\n")

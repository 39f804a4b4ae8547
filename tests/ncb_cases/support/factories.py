"""Referrals for the referral tests, made through the services (audit and all)."""

import datetime

from django.utils import timezone

from ncb_cases.services.support import referral_create


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def consented(victim, organisation, **data) -> dict:
    values = {
        "victim": str(victim.public_id),
        "organisation": organisation.pk,
        "services_requested": ["ACCOMMODATION", "LEGAL"],
        "referred_on": days_ago(30),
        "consent_given": True,
        "consent_on": days_ago(31),
        "consent_scope": "Name and needs shared with the shelter's staff only",
    }
    values.update(data)
    return values


def make_referral(actor, case, victim, organisation, **data):
    return referral_create(actor=actor, case=case, data=consented(victim, organisation, **data))

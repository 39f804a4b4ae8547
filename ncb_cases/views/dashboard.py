"""The dashboard: the first page an officer sees after signing in."""

from django.shortcuts import render

from contacts.models import ContactPoint
from contacts.permissions import officer_of


def dashboard(request):
    officer = officer_of(request.user)
    own_contacts = []
    if officer is not None:
        own_contacts = list(
            ContactPoint.objects.current()
            .filter(ncb=officer.ncb)
            .select_related("ncb__country")
            .order_by("role")
        )
    return render(
        request,
        "ncb_cases/dashboard.html",
        {"officer": officer, "own_contacts": own_contacts},
    )

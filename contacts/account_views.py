"""The signed-in user's own pages: profile with personal API tokens, notifications."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from contacts import services
from contacts.models import ApiToken
from contacts.selectors import notification_list_for_user


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Token name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “weekly statistics script”."),
    )
    expires_days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"), min_value=1, max_value=365, initial=90
    )


def profile(request):
    new_key = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_days=form.cleaned_data["expires_days"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form = ApiTokenForm()
            messages.success(request, _("Token created. Copy it now: it is shown only once."))
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "registration/profile.html",
        {"form": form, "tokens": tokens, "new_key": new_key},
    )


@require_POST
def token_revoke(request, token_id: int):
    try:
        services.api_token_revoke(user=request.user, token_id=token_id)
    except ApiToken.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("Token revoked."))
    return redirect("profile")


def notifications(request):
    if request.method == "POST":
        unread = notification_list_for_user(user=request.user).filter(read_at__isnull=True)
        services.notification_mark_read(
            user=request.user, notification_ids=unread.values_list("pk", flat=True)
        )
        messages.success(request, _("All notifications marked as read."))
        return redirect("notifications")
    items = notification_list_for_user(user=request.user)[:100]
    return render(request, "registration/notifications.html", {"notifications": items})

"""The signed-in user's own pages: profile with personal API tokens and the second factor
(enrolment, sign-in code, recovery codes), notifications."""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from contacts import mfa, services
from contacts.models import ApiToken
from contacts.selectors import notification_list_for_user

WRONG_CODE_MESSAGE = mfa.WRONG_CODE_MESSAGE
THROTTLED_MESSAGE = mfa.THROTTLED_MESSAGE


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
    return _profile_page(request, form=form, new_key=new_key)


def _profile_page(request, *, form=None, mfa_form=None, new_key=None, status=200):
    user = request.user
    return render(
        request,
        "registration/profile.html",
        {
            "form": form or ApiTokenForm(),
            "tokens": ApiToken.objects.filter(user=user),
            "new_key": new_key,
            "mfa_form": mfa_form or MfaCodeForm(),
            "mfa_enrolled": mfa.has_mfa(user),
            "mfa_required": mfa.mfa_required(),
            "recovery_codes_left": mfa.recovery_codes_left(user),
        },
        status=status,
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


# --- Multi-factor authentication (contacts.mfa) ------------------------------------------------


class MfaCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        help_text=gettext_lazy(
            "The six-digit code of your authenticator app, or one of your recovery codes."
        ),
    )


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def mfa_verify(request):
    """The second sign-in step: a code of the authenticator app or a recovery code."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not mfa.has_mfa(user):
        return redirect(f"{reverse('mfa_setup')}?{urlencode({'next': _next_url(request)})}")
    form = MfaCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = mfa.mfa_verify(request=request, user=user, code=form.cleaned_data["code"])
        except mfa.MfaThrottled:
            form.add_error("code", THROTTLED_MESSAGE)
        else:
            if device is None:
                form.add_error("code", WRONG_CODE_MESSAGE)
            else:
                mfa.session_verify(request=request, device=device)
                if not isinstance(device, mfa.TOTPDevice):
                    messages.warning(
                        request,
                        _(
                            "You signed in with a recovery code; %(left)d left. Generate new "
                            "ones on your profile page."
                        )
                        % {"left": mfa.recovery_codes_left(user)},
                    )
                return redirect(_next_url(request))
    return render(
        request, "registration/mfa_verify.html", {"form": form, "next": _next_url(request)}
    )


def mfa_setup(request):
    """Enrol an authenticator app: QR code and secret, confirmed by a first code.

    Open to a user without an authenticator, or to one who has just entered a current code
    on the profile page to replace theirs. The recovery codes are shown once, in the answer
    to the confirmation.
    """
    user = request.user
    enrolled = mfa.has_mfa(user)
    if enrolled and not request.session.get(mfa.REENROL_SESSION_KEY):
        if not user.is_verified():
            return redirect(f"{reverse('mfa_verify')}?{urlencode({'next': _next_url(request)})}")
        messages.info(request, _("Your authenticator is set up. Replace it from this page."))
        return redirect("profile")
    form = MfaCodeForm(request.POST or None)
    device = mfa.pending_totp_device(user)
    if request.method == "POST" and device is not None and form.is_valid():
        try:
            codes = mfa.totp_device_confirm(
                request=request, device=device, code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            for error in exc.message_dict.get("code", []):
                form.add_error("code", error)
        else:
            return render(
                request,
                "registration/mfa_recovery_codes.html",
                {"codes": codes, "next": _next_url(request), "enrolled": True},
            )
    if device is None:
        device = mfa.totp_device_start(user=user)
    return render(
        request,
        "registration/mfa_setup.html",
        {
            "form": form,
            "qr_data_uri": mfa.totp_qr_data_uri(device),
            "secret": mfa.totp_secret_text(device),
            "next": _next_url(request),
            "replacing": enrolled,
        },
    )


@require_POST
def mfa_reenrol(request):
    """Allow this session to replace the authenticator, on a current code."""
    form = MfaCodeForm(request.POST)
    if _current_code_accepted(request, form):
        request.session[mfa.REENROL_SESSION_KEY] = True
        mfa.totp_device_start(user=request.user)
        return redirect("mfa_setup")
    return _profile_page(request, mfa_form=form, status=400)


@require_POST
def mfa_recovery_codes(request):
    """New recovery codes, on a current code; shown once."""
    form = MfaCodeForm(request.POST)
    if form.is_valid():
        try:
            codes = mfa.recovery_codes_regenerate(
                request=request, user=request.user, code=form.cleaned_data["code"]
            )
        except mfa.MfaThrottled:
            form.add_error("code", THROTTLED_MESSAGE)
        except ValidationError:
            form.add_error("code", WRONG_CODE_MESSAGE)
        else:
            return render(
                request,
                "registration/mfa_recovery_codes.html",
                {"codes": codes, "next": reverse("profile"), "enrolled": False},
            )
    return _profile_page(request, mfa_form=form, status=400)


def _current_code_accepted(request, form) -> bool:
    if not form.is_valid():
        return False
    try:
        device = mfa.mfa_verify(request=request, user=request.user, code=form.cleaned_data["code"])
    except mfa.MfaThrottled:
        form.add_error("code", THROTTLED_MESSAGE)
        return False
    if device is None:
        form.add_error("code", WRONG_CODE_MESSAGE)
        return False
    return True

"""Sign-in (password, then second factor), sign-out, password change and the profile page
(personal API tokens, authenticator and recovery codes)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from contacts import account_views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(success_url="/accounts/password/done/"),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("profile/", account_views.profile, name="profile"),
    path("profile/tokens/<int:token_id>/revoke/", account_views.token_revoke, name="token_revoke"),
    path("mfa/setup/", account_views.mfa_setup, name="mfa_setup"),
    path("mfa/verify/", account_views.mfa_verify, name="mfa_verify"),
    path("mfa/replace/", account_views.mfa_reenrol, name="mfa_reenrol"),
    path("mfa/recovery-codes/", account_views.mfa_recovery_codes, name="mfa_recovery_codes"),
    path("notifications/", account_views.notifications, name="notifications"),
]

"""Sign-in, sign-out, password change and the profile page (personal API tokens)."""

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
    path("notifications/", account_views.notifications, name="notifications"),
]

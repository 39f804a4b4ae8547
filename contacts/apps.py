from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = "NCB directory and contact points"

    def ready(self) -> None:
        # Sign-ins and lockouts are audited wherever `authenticate()` runs (a command too),
        # not only once the first request has imported the MFA middleware.
        from contacts import lockout  # noqa: F401

from django.apps import AppConfig


class NcbCasesConfig(AppConfig):
    name = "ncb_cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        # Make the project's Celery app the current one in every Django process, so that
        # tasks sent from web requests use its broker. Importing it here rather than in the
        # package's __init__ keeps pure modules such as ncb_cases.canonical free of Django.
        from ncb_cases import checks  # noqa: F401 -- registers the deploy system checks
        from ncb_cases.celery import app  # noqa: F401

from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "Evidence and chain of custody"

    def ready(self) -> None:
        from evidence import checks  # noqa: F401 -- registers the deploy system check

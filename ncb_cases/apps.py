from django.apps import AppConfig


class NcbCasesConfig(AppConfig):
    name = "ncb_cases"
    verbose_name = "Cases"

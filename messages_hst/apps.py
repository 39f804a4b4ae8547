from django.apps import AppConfig


class MessagesHstConfig(AppConfig):
    name = "messages_hst"
    verbose_name = "HST messages"

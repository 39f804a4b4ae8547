"""Browser pages included by `contacts.urls` (namespace `contacts`)."""

urlpatterns: list = []

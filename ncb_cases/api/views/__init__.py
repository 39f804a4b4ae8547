"""Viewsets of the case API, one module per part of a case (routes in `ncb_cases.api.urls`)."""

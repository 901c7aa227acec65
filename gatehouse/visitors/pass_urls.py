"""Passes: issue, revoke, print (URLs under /passes/)."""

from django.urls import path  # noqa: F401

app_name = "passes"

urlpatterns: list = []

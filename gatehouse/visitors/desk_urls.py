"""The front desk's queue (URLs under /desk/)."""

from django.urls import path  # noqa: F401

app_name = "desk"

urlpatterns: list = []

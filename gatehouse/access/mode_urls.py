"""Switching a site's mode (URLs under /mode/)."""

from django.urls import path  # noqa: F401

app_name = "modes"

urlpatterns: list = []

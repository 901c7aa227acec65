"""Registers, events, who is on site now (URLs under /registers/)."""

from django.urls import path  # noqa: F401

app_name = "registers"

urlpatterns: list = []

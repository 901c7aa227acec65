"""Resident self-service, phone-sized (URLs under /my/)."""

from django.urls import path  # noqa: F401

app_name = "resident"

urlpatterns: list = []

"""The guard's booth console (URLs under /booth/)."""

from django.urls import path  # noqa: F401

app_name = "booth"

urlpatterns: list = []

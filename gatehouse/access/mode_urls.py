"""Switching a site's mode and editing its gate policy (URLs under /mode/)."""

from django.urls import path

from gatehouse.access import mode_views

app_name = "modes"

urlpatterns = [
    path("", mode_views.index, name="index"),
    path("switch/", mode_views.switch, name="switch"),
    path("policy/", mode_views.policy, name="policy"),
]

"""Parking pages (URLs under /parking/, namespace ``parking``)."""

from django.urls import path

from gatehouse.parking import lease_views, pass_views, views
from gatehouse.registers.views import register_path

app_name = "parking"

urlpatterns = [
    path("income/", views.income, name="income"),
    path("income/charts/", views.income_stats, name="income_stats"),
    path("tariffs/", views.tariffs, name="tariffs"),
    path("tariffs/edit/", views.tariff_edit, name="tariff_edit"),
    path("tariffs/fee/", views.fee_calculator, name="fee"),
    register_path("passes/", "parking:passes"),
    path("passes/new/", pass_views.pass_issue, name="pass_issue"),
    path("passes/<int:pk>/", pass_views.pass_detail, name="pass_detail"),
    path(
        "passes/<int:pk>/revoke/", pass_views.pass_action, {"action": "revoke"}, name="pass_revoke"
    ),
    path(
        "passes/<int:pk>/reissue/",
        pass_views.pass_action,
        {"action": "reissue"},
        name="pass_reissue",
    ),
    path(
        "passes/<int:pk>/return/", pass_views.pass_action, {"action": "return"}, name="pass_return"
    ),
    path("passes/<int:pk>/print/", pass_views.pass_print, name="pass_print"),
    path(
        "passes/<int:pk>/documents/",
        pass_views.pass_action,
        {"action": "document"},
        name="pass_document_add",
    ),
    path("passes/<int:pk>/documents/<int:doc>/", pass_views.pass_document, name="pass_document"),
    register_path("leases/", "parking:leases"),
    path("leases/new/", lease_views.lease_create, name="lease_create"),
    path("leases/<int:pk>/", lease_views.lease_detail, name="lease_detail"),
    path(
        "leases/<int:pk>/terminate/",
        lease_views.lease_action,
        {"action": "terminate"},
        name="lease_terminate",
    ),
    path(
        "leases/<int:pk>/renew/", lease_views.lease_action, {"action": "renew"}, name="lease_renew"
    ),
]

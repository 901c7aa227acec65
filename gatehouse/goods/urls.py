"""Goods in and out (URLs under /goods/, namespace ``goods``)."""

from django.urls import path

from gatehouse.goods import gate_views, my_views, views
from gatehouse.registers.views import index_path, register_path

app_name = "goods"

urlpatterns = [
    # the service centre
    path("slips/", views.slip_list, name="slips"),
    path("slips/new/", views.slip_new, name="slip_new"),
    path("slips/<int:pk>/", views.slip_detail, name="slip"),
    path("slips/<int:pk>/issue/", views.slip_issue, name="slip_issue"),
    path("slips/<int:pk>/decline/", views.slip_decline, name="slip_decline"),
    path("slips/<int:pk>/revoke/", views.slip_revoke, name="slip_revoke"),
    path("slips/<int:pk>/print/", views.slip_print, name="slip_print"),
    path("slips/<int:pk>/pdf/", views.slip_pdf, name="slip_pdf"),
    path("holds/", views.holds, name="holds"),
    path("holds/<int:pk>/resolve/", views.holds_action, {"action": "resolve"}, name="hold_resolve"),
    path(
        "anomalies/<int:pk>/close/", views.holds_action, {"action": "close"}, name="anomaly_close"
    ),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path(
        "follow-ups/<int:pk>/close/",
        views.follow_ups_action,
        {"action": "close"},
        name="follow_up_close",
    ),
    path("collection/", views.collection, name="collection"),
    path(
        "collection/to-leader/",
        views.collection_action,
        {"action": "to_leader"},
        name="hand_to_leader",
    ),
    path(
        "collection/to-service/",
        views.collection_action,
        {"action": "to_service"},
        name="hand_to_service",
    ),
    path("settings/", views.settings_page, name="settings"),
    # the gate
    path("gate/", gate_views.index, name="gate"),
    path("gate/set/", gate_views.set_gate, name="set_gate"),
    path("gate/side/", gate_views.side, name="side"),
    path("gate/scan/", gate_views.scan, name="scan"),
    path("gate/slips/<int:pk>/check/", gate_views.check, name="check"),
    path("gate/no-slip/", gate_views.no_slip, name="no_slip"),
    path("gate/hazard/", gate_views.hazard, name="hazard"),
    path("gate/decoration/", gate_views.decoration, name="decoration"),
    path("gate/releases/<int:pk>/", gate_views.release_detail, name="release"),
    # the registers
    index_path("registers/", "goods:registers"),
    register_path("registers/releases/", "goods:register_releases"),
    register_path("registers/entries/", "goods:register_entries"),
    # residents
    path("my/", my_views.my_slips, name="my_slips"),
    path("my/new/", my_views.my_apply, name="my_apply"),
    path("my/<int:pk>/", my_views.my_slip, name="my_slip"),
]

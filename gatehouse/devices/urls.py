"""The devices page and the remote open (URLs under /devices/)."""

from django.urls import path

from gatehouse.devices import views

app_name = "devices"

urlpatterns = [
    path("", views.index, name="index"),
    path("settings/offline/", views.offline_minutes, name="offline_minutes"),
    path("commands/", views.command_states, name="command_states"),
    path("lanes/<int:pk>/open/", views.open_lane, name="open_lane"),
    path("<int:pk>/", views.detail, name="detail"),
    path("edge/alarms/<int:pk>/handle/", views.handle, {"action": "alarm"}, name="alarm_handle"),
    path(
        "edge/rejections/<int:pk>/handle/",
        views.handle,
        {"action": "rejection"},
        name="rejection_handle",
    ),
]

"""Registers, events, who is on site now (URLs under /registers/, namespace ``registers``)."""

from django.urls import path

from gatehouse.registers import views
from gatehouse.registers.views import index_path, register_path

app_name = "registers"

urlpatterns = [
    index_path("", "registers:index"),
    register_path("visits/", "registers:visits"),
    register_path("staff-exits/", "registers:staff_exits"),
    register_path("mail/", "registers:mail"),
    path("events/", views.events, name="events"),
    path("on-site/", views.on_site, name="on_site"),
    path("notices/<int:pk>/ack/", views.ack_notice, name="ack_notice"),
    path("exports/", views.exports, name="exports"),
    path("exports/new/", views.export_new, name="export_new"),
    path("exports/<int:pk>/", views.export, name="export"),
    path("exports/<int:pk>/file/", views.export_file, name="export_file"),
]

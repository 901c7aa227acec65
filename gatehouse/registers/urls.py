"""Registers, events, who is on site now (URLs under /registers/, namespace ``registers``)."""

from django.urls import path

from gatehouse.registers import views

app_name = "registers"

urlpatterns = [
    path("", views.index, name="index"),
    path("visits/", views.visits, name="visits"),
    path("staff-exits/", views.staff_exits, name="staff_exits"),
    path("mail/", views.mail, name="mail"),
    path("events/", views.events, name="events"),
    path("on-site/", views.on_site, name="on_site"),
    path("notices/<int:pk>/ack/", views.ack_notice, name="ack_notice"),
]

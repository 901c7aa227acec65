"""The guard's booth console (URLs under /booth/)."""

from django.urls import path

from gatehouse.access import views

app_name = "booth"

urlpatterns = [
    path("", views.index, name="index"),
    path("gate/", views.set_gate, name="set_gate"),
    path("scan/", views.scan, name="scan"),
    path("flow/<slug:slug>/", views.flow, name="flow"),
    path("people/", views.pick_person, name="pick_person"),
    path("pending/", views.pending, name="pending"),
    path("requests/<int:pk>/answer/", views.answer, name="answer"),
    path("requests/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("inside/", views.inside, name="inside"),
    path("appointments/", views.appointments, name="appointments"),
    path("appointments/<int:pk>/admit/", views.appointment_admit, name="appointment_admit"),
    path("visits/<int:pk>/leave/", views.leave, name="leave"),
    path("staff-out/", views.staff_out, name="staff_out"),
    path("staff-out/<int:pk>/return/", views.staff_return, name="staff_return"),
    path("mail/", views.mail, name="mail"),
    path("mail/<int:pk>/hand-out/", views.mail_hand_out, name="mail_hand_out"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:pk>/ack/", views.alert_ack, name="alert_ack"),
]

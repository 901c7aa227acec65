"""Resident self-service, phone-sized (URLs under /my/)."""

from django.urls import path

from gatehouse.visitors import resident_views

app_name = "resident"

urlpatterns = [
    path("", resident_views.home, name="home"),
    path("invite/", resident_views.invite, name="invite"),
    path("invitations/", resident_views.invitation_list, name="invitations"),
    path("invitations/<int:pk>/", resident_views.invitation, name="invitation"),
    path("invitations/<int:pk>/revoke/", resident_views.revoke, name="revoke"),
    path("requests/", resident_views.requests, name="requests"),
    path("requests/<int:pk>/answer/", resident_views.answer, name="answer"),
    path("visitors/", resident_views.visitors, name="visitors"),
    path("notices/", resident_views.notices, name="notices"),
    path("notices/<int:pk>/read/", resident_views.notice_read, name="notice_read"),
]

"""The front desk's queue (URLs under /desk/)."""

from django.urls import path

from gatehouse.visitors import desk_views

app_name = "desk"

urlpatterns = [
    path("", desk_views.queue, name="queue"),
    path("requests/<int:pk>/answer/", desk_views.answer, name="answer"),
    path("requests/<int:pk>/call/", desk_views.call_contact, name="call"),
    path("invite/", desk_views.invite, name="invite"),
    path("invitations/<int:pk>/", desk_views.invitation, name="invitation"),
    path("invitations/<int:pk>/revoke/", desk_views.revoke, name="revoke"),
]

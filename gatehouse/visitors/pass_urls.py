"""Passes: issue, revoke, print (URLs under /passes/)."""

from django.urls import path

from gatehouse.visitors import pass_views

app_name = "passes"

urlpatterns = [
    path("", pass_views.pass_list, name="list"),
    path("new/", pass_views.pass_issue, name="issue"),
    path("<int:pk>/", pass_views.pass_detail, name="detail"),
    path("<int:pk>/revoke/", pass_views.pass_action, {"action": "revoke"}, name="revoke"),
    path("<int:pk>/print/", pass_views.pass_print, name="print"),
]

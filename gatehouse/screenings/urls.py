"""Screenings and campaigns (URLs under /screenings/, seed template T3)."""

from django.urls import path

from gatehouse.screenings import views

app_name = "screenings"

urlpatterns = [
    path("", views.cases, name="cases"),
    path("<int:pk>/", views.case, name="case"),
    path("<int:pk>/followups/", views.followup_add, name="followup_add"),
    path("followups/<int:pk>/done/", views.followup_done, name="followup_done"),
    path("<int:pk>/close/", views.close, name="close"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("campaigns/<int:pk>/findings/", views.campaign_finding, name="campaign_finding"),
    path("campaigns/places/<int:pk>/inspect/", views.place_inspect, name="place_inspect"),
    path("campaigns/<int:pk>/report.pdf", views.campaign_report, name="campaign_report"),
]

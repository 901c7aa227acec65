"""Driving and parking inside the site (URLs under /traffic/, namespace ``traffic``)."""

from django.urls import path

from gatehouse.registers.views import register_path
from gatehouse.traffic import views

app_name = "traffic"

urlpatterns = [
    register_path("violations/", "traffic:violations"),
    path("violations/new/", views.violation_new, name="violation_new"),
    path("violations/<int:pk>/", views.violation_detail, name="violation"),
    path(
        "violations/<int:pk>/step/",
        views.violation_action,
        {"action": "step"},
        name="violation_step",
    ),
    path(
        "violations/<int:pk>/outcome/",
        views.violation_action,
        {"action": "outcome"},
        name="violation_outcome",
    ),
    path("violations/<int:violation>/photos/<int:pk>/", views.photo, name="photo"),
]

from django.urls import path

from gatehouse.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.jobs, name="jobs"),
    path("retention/", views.event_retention, name="event_retention"),
    path("<slug:name>/run/", views.run_now, name="run_now"),
]

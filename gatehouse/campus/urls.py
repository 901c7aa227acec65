"""Campus pages (URLs under /campus/): a parent's bookings, a class teacher's desk (T3)."""

from django.urls import path

from gatehouse.campus import views

app_name = "campus"

urlpatterns = [
    path("pickups/", views.parent, name="parent"),
    path("class/", views.teacher, name="teacher"),
    path("class/bookings/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("class/bookings/<int:pk>/decline/", views.decline, name="decline"),
    path("class/leave-passes/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("samples/", views.samples, name="samples"),
    path("samples/<int:pk>/dispose/", views.sample_dispose, name="sample_dispose"),
]

from django.urls import path

from gatehouse.registers.views import register_path
from gatehouse.vehicles import views

app_name = "vehicles"

urlpatterns = [
    path("", views.index, name="index"),
    path("decide/", views.decide, name="decide"),
    path("pay/", views.pay, name="pay"),
    path("lane/", views.lane_refresh, name="lane"),
    path("captures/<int:pk>/picture/", views.capture_picture, name="capture_picture"),
    register_path("register/", "vehicles:register"),
]

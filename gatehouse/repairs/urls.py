"""Repair work orders (namespace ``repairs``): the service centre's pages under /repairs/, the
worker's under /repairs/work/, the resident's under /my/repairs/."""

from django.urls import path

from gatehouse.registers.views import register_path
from gatehouse.repairs import views

app_name = "repairs"

urlpatterns = [
    register_path("repairs/", "repairs:orders"),
    path("repairs/<int:pk>/", views.order_detail, name="order"),
    path("repairs/<int:pk>/dispatch/", views.order_dispatch, name="order_dispatch"),
    path("repairs/<int:pk>/visit/", views.order_visit, name="order_visit"),
    path("repairs/<int:order>/photos/<int:pk>/", views.photo, name="photo"),
    path("repairs/work/", views.work_list, name="work"),
    path("repairs/work/<int:pk>/", views.work_order, name="work_order"),
    path("repairs/work/<int:pk>/start/", views.work_start, name="work_start"),
    path("repairs/work/<int:pk>/finish/", views.work_finish, name="work_finish"),
    path("my/repairs/", views.my_orders, name="my_orders"),
    path("my/repairs/new/", views.my_new, name="my_new"),
    path("my/repairs/<int:pk>/", views.my_order, name="my_order"),
    path("my/repairs/<int:pk>/confirm/", views.my_confirm, name="my_confirm"),
    path("my/repairs/<int:pk>/reopen/", views.my_reopen, name="my_reopen"),
]

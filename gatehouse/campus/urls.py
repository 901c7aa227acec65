"""Campus pages (URLs under /campus/): a parent's bookings, a class teacher's desk, the
canteen's 留样 and 索证索票, the guards living on campus (T3)."""

from django.urls import path

from gatehouse.campus import lodging_views, supply_views, views
from gatehouse.registers.views import index_path, register_path

app_name = "campus"

urlpatterns = [
    path("pickups/", views.parent, name="parent"),
    path("class/", views.teacher, name="teacher"),
    path("class/bookings/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("class/bookings/<int:pk>/decline/", views.decline, name="decline"),
    path("class/leave-passes/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("samples/", views.samples, name="samples"),
    path("samples/<int:pk>/dispose/", views.sample_dispose, name="sample_dispose"),
    # 索证索票 (T3-04)
    path("supply/", supply_views.supply, name="supply"),
    path("supply/suppliers/new/", supply_views.supplier_new, name="supplier_new"),
    path("supply/suppliers/<int:pk>/", supply_views.supplier, name="supplier"),
    path(
        "supply/certificates/<int:pk>/copy/",
        supply_views.certificate_copy,
        name="certificate_copy",
    ),
    path("supply/deliveries/new/", supply_views.delivery_new, name="delivery_new"),
    register_path("supply/deliveries/", "campus:deliveries"),
    register_path("supply/certificates/", "campus:certificates"),
    # guards living on campus (T3·9)
    index_path("guards/", "campus:guards"),
    register_path("guards/lodgings/", "campus:guard_lodgings"),
    path(
        "guards/lodgings/new/",
        lodging_views.row_new,
        {"kind": "lodging"},
        name="guard_lodging_new",
    ),
    path("guards/lodgings/<int:pk>/", lodging_views.lodging, name="guard_lodging"),
    register_path("guards/meals/", "campus:guard_meals"),
    path("guards/meals/new/", lodging_views.row_new, {"kind": "meal"}, name="guard_meal_new"),
    register_path("guards/checks/", "campus:guard_checks"),
    path("guards/checks/new/", lodging_views.row_new, {"kind": "check"}, name="guard_check_new"),
    path("guards/checks/<int:pk>/", lodging_views.check, name="guard_check"),
]

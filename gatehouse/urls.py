from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gatehouse.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("booth/", include("gatehouse.access.urls", namespace="booth")),
    path("vehicles/", include("gatehouse.vehicles.urls", namespace="vehicles")),
    path("mode/", include("gatehouse.access.mode_urls", namespace="modes")),
    path("desk/", include("gatehouse.visitors.desk_urls", namespace="desk")),
    path("my/", include("gatehouse.visitors.resident_urls", namespace="resident")),
    path("passes/", include("gatehouse.visitors.pass_urls", namespace="passes")),
    path("registers/", include("gatehouse.registers.urls", namespace="registers")),
    path("parking/", include("gatehouse.parking.urls", namespace="parking")),
    path("park/", include("gatehouse.admission.urls", namespace="admission")),
    path("governance/", include("gatehouse.governance.urls", namespace="governance")),
    path("guard/", include("gatehouse.guard.urls", namespace="guard")),
    path("goods/", include("gatehouse.goods.urls", namespace="goods")),
    path("devices/", include("gatehouse.devices.urls", namespace="devices")),
    path("messages/", include("gatehouse.notify.urls", namespace="notify")),
    path("", include("gatehouse.bulletin.urls", namespace="bulletin")),
    path("", include("gatehouse.epidemic.urls", namespace="epidemic")),
    path("traffic/", include("gatehouse.traffic.urls", namespace="traffic")),
    path("", include("gatehouse.repairs.urls", namespace="repairs")),
    path("campus/", include("gatehouse.campus.urls", namespace="campus")),
    path("screenings/", include("gatehouse.screenings.urls", namespace="screenings")),
    path("console/jobs/", include("gatehouse.jobs.urls", namespace="jobs")),
    path("", include("gatehouse.console.urls", namespace="console")),
]

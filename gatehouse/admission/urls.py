"""The park committee's pages, under /park/ (namespace ``admission``)."""

from django.urls import path

from gatehouse.admission import views

app_name = "admission"

urlpatterns = [
    path("applications/", views.applications, name="applications"),
    path("charts/", views.committee_charts, name="charts"),
    path("applications/new/", views.apply, name="apply"),
    path("applications/<int:pk>/", views.project, name="project"),
    path(
        "applications/<int:pk>/documents/",
        views.application_action,
        {"action": "document_add"},
        name="document_add",
    ),
    path(
        "applications/<int:pk>/decisions/",
        views.application_action,
        {"action": "decide"},
        name="decide",
    ),
    path("applications/<int:pk>/steps/", views.application_action, {"action": "step"}, name="step"),
    path("files/<slug:kind>/<int:pk>/", views.download, name="download"),
    path("land/", views.land_index, name="land"),
    path("land/alerts/", views.alerts, name="alerts"),
    path("land/alerts/<int:pk>/handle/", views.alert_handle, name="alert_handle"),
    path("land/policy/", views.policy, name="policy"),
    path("land/<int:pk>/", views.land_project, name="land_project"),
    path("land/<int:pk>/contract/", views.land_action, {"action": "contract"}, name="contract"),
    path("land/<int:pk>/progress/", views.land_action, {"action": "progress"}, name="progress"),
    path(
        "land/<int:pk>/suspensions/",
        views.land_action,
        {"action": "suspension_add"},
        name="suspension_add",
    ),
    path(
        "land/<int:pk>/stoppages/",
        views.land_action,
        {"action": "stoppage_add"},
        name="stoppage_add",
    ),
    path(
        "land/<int:pk>/corrections/",
        views.land_action,
        {"action": "correction_add"},
        name="correction_add",
    ),
    path("land/<int:pk>/plan/", views.land_action, {"action": "site_plan"}, name="site_plan"),
    path(
        "land/suspensions/<int:pk>/",
        views.land_action,
        {"action": "suspension_edit"},
        name="suspension_edit",
    ),
    path(
        "land/stoppages/<int:pk>/end/",
        views.land_action,
        {"action": "stoppage_end"},
        name="stoppage_end",
    ),
    path(
        "land/corrections/<int:pk>/done/",
        views.land_action,
        {"action": "correction_done"},
        name="correction_done",
    ),
    path("enterprises/", views.enterprises, name="enterprises"),
    path("enterprises/new/", views.enterprise_new, name="enterprise_new"),
    path("enterprises/<int:pk>/", views.enterprise, name="enterprise"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path(
        "enterprises/<int:pk>/duty/",
        views.enterprise_action,
        {"action": "enterprise_duty"},
        name="enterprise_duty",
    ),
    path(
        "enterprises/<int:pk>/filings/",
        views.enterprise_action,
        {"action": "enterprise_filing"},
        name="enterprise_filing",
    ),
    path(
        "enterprises/<int:pk>/notices/",
        views.enterprise_action,
        {"action": "enterprise_notice"},
        name="enterprise_notice",
    ),
]

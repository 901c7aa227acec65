"""The industry association's pages, under /governance/ (namespace ``governance``)."""

from django.urls import path

from gatehouse.governance import notice_views, plan_views, views
from gatehouse.registers.views import register_path

app_name = "governance"

urlpatterns = [
    path("rating/", views.rating_index, name="rating"),
    path("rating/charts/", views.rating_charts, name="rating_charts"),
    path("rating/checklist/", views.checklist, name="checklist"),
    path(
        "rating/projects/new/", views.rating_action, {"action": "project_new"}, name="project_new"
    ),
    path("rating/projects/<int:pk>/", views.project, name="project"),
    path(
        "rating/projects/<int:pk>/assess/",
        views.project_action,
        {"action": "assessment_new"},
        name="assessment_new",
    ),
    path("rating/assessments/<int:pk>/", views.assessment, name="assessment"),
    path(
        "rating/assessments/<int:pk>/sign/",
        views.assessment_action,
        {"action": "signoff"},
        name="signoff",
    ),
    path(
        "rating/assessments/<int:pk>/finalise/",
        views.assessment_action,
        {"action": "finalise"},
        name="finalise",
    ),
    path(
        "rating/assessments/<int:pk>/rectified/",
        views.assessment_action,
        {"action": "rectified"},
        name="rectified",
    ),
    path(
        "rating/assessments/<int:pk>/clear/",
        views.assessment_action,
        {"action": "blacklist_clear"},
        name="blacklist_clear",
    ),
    path("credit/", views.credit_index, name="credit"),
    path("credit/records/", views.credit_action, {"action": "credit_add"}, name="credit_add"),
    path("credit/arrears/", views.credit_action, {"action": "arrears_add"}, name="arrears_add"),
    path(
        "credit/arrears/<int:pk>/",
        views.credit_action,
        {"action": "arrears_edit"},
        name="arrears_edit",
    ),
    path("credit/tenders/", views.credit_action, {"action": "tender_add"}, name="tender_add"),
    path("credit/companies/<int:pk>/", views.company, name="company"),
    path("rectification/", views.rectification_index, name="rectification"),
    path("rectification/campaigns/<int:pk>/", views.campaign, name="campaign"),
    path(
        "rectification/campaigns/<int:pk>/inspections/",
        views.campaign_action,
        {"action": "inspection_add"},
        name="inspection_add",
    ),
    path(
        "rectification/campaigns/<int:pk>/items/",
        views.campaign_action,
        {"action": "item_add"},
        name="item_add",
    ),
    path(
        "rectification/campaigns/<int:pk>/warnings/",
        views.campaign_action,
        {"action": "warning_add"},
        name="warning_add",
    ),
    path("rectification/items/<int:pk>/", views.item, name="item"),
    register_path("notices/", "governance:notices"),
    path("notices/new/", notice_views.notice_new, name="notice_new"),
    path("notices/<int:pk>/", notice_views.notice, name="notice"),
    path(
        "notices/<int:pk>/deliver/",
        notice_views.notice_action,
        {"action": "deliver"},
        name="notice_deliver",
    ),
    path(
        "notices/<int:pk>/close/",
        notice_views.notice_action,
        {"action": "close"},
        name="notice_close",
    ),
    path(
        "rectification/items/<int:pk>/follow-up/",
        views.item_action,
        {"action": "follow_up"},
        name="follow_up",
    ),
    path(
        "rectification/items/<int:pk>/done/",
        views.item_action,
        {"action": "item_done"},
        name="item_done",
    ),
    path("plans/", plan_views.plan_index, name="plans"),
    path("plans/<int:pk>/", plan_views.plan, name="plan"),
    *(
        path(
            f"plans/<int:pk>/{action}/",
            plan_views.plan_action,
            {"action": action},
            name=f"plan_{action}",
        )
        for action in ("inspect", "problem", "task", "report", "comment")
    ),
    path(
        "plans/tasks/<int:pk>/progress/",
        plan_views.plan_action,
        {"action": "progress"},
        name="plan_progress",
    ),
    register_path("referrals/", "governance:referrals"),
    path("referrals/new/", plan_views.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", plan_views.referral, name="referral"),
    *(
        path(
            f"referrals/<int:pk>/{step}/",
            plan_views.referral_action,
            {"action": step},
            name=f"referral_{step}",
        )
        for step in ("received", "handled")
    ),
    path("district/", plan_views.district_view, name="district"),
    path("publicity/", plan_views.publicity, name="publicity"),
]

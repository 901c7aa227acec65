"""Guard operations (URLs under /guard/, namespace ``guard``): each area's pages."""

from django.urls import path

from gatehouse.guard import web
from gatehouse.guard.absence import views as absence
from gatehouse.guard.duties import views as duties
from gatehouse.guard.handover import views as handover
from gatehouse.guard.incidents import views as incidents
from gatehouse.guard.keys import views as keys
from gatehouse.guard.patrol import views as patrol
from gatehouse.guard.roster import views as roster
from gatehouse.guard.setup import views as setup
from gatehouse.registers.views import register_path

app_name = "guard"

urlpatterns = [
    path("roster/", roster.roster, name="roster"),
    path(
        "roster/shifts/<int:pk>/delete/",
        roster.roster_action,
        {"action": "shift_delete"},
        name="shift_delete",
    ),
    path("handover/", handover.handover, name="handover"),
    path(
        "handover/<int:pk>/sign/",
        handover.handover_action,
        {"action": "sign"},
        name="handover_sign",
    ),
    register_path("handover/register/", "guard:handover_register"),
    path("keys/", keys.keys, name="keys"),
    path("keys/<int:pk>/hand/", keys.keys_action, {"action": "hand"}, name="key_hand"),
    path("absence/", absence.absence, name="absence"),
    path("absence/<int:pk>/back/", absence.absence_action, {"action": "back"}, name="absence_back"),
    path("patrol/", patrol.patrol, name="patrol"),
    path("patrol/status/", patrol.patrol_status, name="patrol_status"),
    register_path("patrol/register/", "guard:patrol_register"),
    path("patrol/routes/", patrol.routes, name="routes"),
    path("patrol/routes/new/", setup.route_edit, name="route_new"),
    path("patrol/routes/<int:pk>/edit/", setup.route_edit, name="route_edit"),
    path("emergency/plans/new/", setup.plan_edit, name="plan_new"),
    path("emergency/plans/<int:pk>/edit/", setup.plan_edit, name="plan_edit"),
    path("settings/", setup.settings_edit, name="settings"),
    path("patrol/tags/", patrol.tags, name="tags"),
    path("photos/<int:pk>/", web.photo, name="photo"),
    path("report/", incidents.report, name="report"),
    path("anomalies/", incidents.anomalies, name="anomalies"),
    path("anomalies/<int:pk>/", incidents.anomaly, name="anomaly"),
    path("dispatch/", incidents.dispatch, name="dispatch"),
    path(
        "dispatch/<int:pk>/ack/",
        patrol.patrol_action,
        {"action": "dispatch_ack"},
        name="dispatch_ack",
    ),
    path("dispatch/<int:pk>/close/", incidents.dispatch_close, name="dispatch_close"),
    path("board/", incidents.board, name="board"),
    path("board/stats/", incidents.board_stats, name="board_stats"),
    path("board/notices/<int:pk>/ack/", incidents.board_ack, name="board_ack"),
    path("board/lanes/<int:pk>/open/", incidents.board_open, name="board_open"),
    path("emergency/", incidents.emergency, name="emergency"),
    path(
        "emergency/<int:pk>/ack/",
        incidents.emergency_action,
        {"action": "ack"},
        name="emergency_ack",
    ),
    path(
        "emergency/<int:pk>/close/",
        incidents.emergency_action,
        {"action": "close"},
        name="emergency_close",
    ),
    path("cleaning/", duties.cleaning, name="cleaning"),
    path("cleaning/done/", duties.cleaning_action, {"action": "done"}, name="cleaning_done"),
    path("hazards/", duties.hazards, name="hazards"),
    path("hazards/<int:pk>/fix/", duties.hazards_action, {"action": "fix"}, name="hazard_fix"),
    path("hotline/", duties.hotline, name="hotline"),
    path("hotline/<int:pk>/step/", duties.hotline_action, {"action": "step"}, name="ticket_step"),
    path(
        "hotline/<int:pk>/escalate/",
        duties.hotline_action,
        {"action": "escalate"},
        name="ticket_escalate",
    ),
    path(
        "hotline/<int:pk>/bureau-reply/",
        duties.hotline_action,
        {"action": "bureau_reply"},
        name="ticket_bureau_reply",
    ),
    path("spot-checks/", duties.spot_checks, name="spot_checks"),
    path(
        "spot-checks/<int:pk>/",
        duties.spot_checks_action,
        {"action": "decide"},
        name="finding_decide",
    ),
    path("ledger/", duties.ledger, name="ledger"),
]

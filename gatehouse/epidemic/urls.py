"""Epidemic management (namespace ``epidemic``): the staff's pages under /epidemic/, the grid
officer's and the residents' phone pages under /my/."""

from django.urls import path

from gatehouse.epidemic import ledger_views, merger_views, views
from gatehouse.registers.views import index_path, register_path

app_name = "epidemic"

urlpatterns = [
    path("epidemic/grids/", views.grid_list, name="grids"),
    path("epidemic/grids/new/", views.grid_new, name="grid_new"),
    path("epidemic/grids/<int:pk>/", views.grid_detail, name="grid"),
    path("epidemic/grids/<int:pk>/edit/", views.grid_edit, name="grid_edit"),
    path("epidemic/grids/<int:pk>/buildings/", views.grid_assign, name="grid_assign"),
    path("epidemic/grids/<int:pk>/check/", views.grid_check, name="grid_check"),
    path("epidemic/cases/", views.case_list, name="cases"),
    path("epidemic/cases/new/", views.case_new, name="case_new"),
    path("epidemic/cases/<int:pk>/", views.case_detail, name="case"),
    path("epidemic/cases/<int:pk>/test/", views.case_test, name="case_test"),
    path("epidemic/cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("epidemic/alerts/<int:pk>/handle/", views.alert_handle, name="alert_handle"),
    path("epidemic/outings/", ledger_views.outings, name="outings"),
    index_path("epidemic/ledgers/", "epidemic:ledgers"),
    register_path("epidemic/screenings/", "epidemic:screenings"),
    path("epidemic/screenings/new/", ledger_views.screening_new, name="screening_new"),
    path("epidemic/screenings/<int:pk>/", ledger_views.screening, name="screening"),
    register_path("epidemic/disinfections/", "epidemic:disinfections"),
    register_path("epidemic/supplies/", "epidemic:supplies"),
    register_path("epidemic/waste/", "epidemic:waste"),
    path(
        "epidemic/ledgers/disinfection/new/",
        ledger_views.ledger_new,
        {"kind": "disinfection"},
        name="ledger_disinfection",
    ),
    path(
        "epidemic/ledgers/supplies/new/",
        ledger_views.ledger_new,
        {"kind": "supplies"},
        name="ledger_supplies",
    ),
    path(
        "epidemic/ledgers/waste/new/",
        ledger_views.ledger_new,
        {"kind": "waste"},
        name="ledger_waste",
    ),
    path("epidemic/mergers/", merger_views.mergers, name="mergers"),
    path("epidemic/mergers/<int:pk>/end/", merger_views.merger_end, name="merger_end"),
    register_path("epidemic/merged-passages/", "epidemic:merged_passages"),
    path("epidemic/commitments/", merger_views.commitments, name="commitments"),
    path(
        "epidemic/commitments/template.pdf",
        merger_views.commitment_template,
        name="commitment_template",
    ),
    path(
        "epidemic/commitments/<int:pk>/scan/", merger_views.commitment_scan, name="commitment_scan"
    ),
    path("my/grid/", views.my_grid, name="my_grid"),
    path("my/health/", views.my_health, name="my_health"),
]

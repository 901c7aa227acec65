"""The notice board (namespace ``bulletin``): the staff's pages under /bulletin/, the residents'
under /my/bulletin/."""

from django.urls import path

from gatehouse.bulletin import views

app_name = "bulletin"

urlpatterns = [
    path("bulletin/", views.notice_list, name="notices"),
    path("bulletin/new/", views.notice_new, name="notice_new"),
    path("bulletin/<int:pk>/", views.notice_detail, name="notice"),
    path("bulletin/<int:pk>/edit/", views.notice_edit, name="notice_edit"),
    path("bulletin/<int:pk>/withdraw/", views.notice_withdraw, name="notice_withdraw"),
    path("bulletin/<int:pk>/print/", views.notice_print, name="notice_print"),
    path("my/bulletin/", views.my_board, name="my_board"),
    path("my/bulletin/<int:pk>/", views.my_notice, name="my_notice"),
]

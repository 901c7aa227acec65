"""Console URLs, mounted at the site root under the namespace ``console``."""

from django.urls import path

from gatehouse.console import views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("site/", views.switch_site, name="switch_site"),
    path("dashboard/week/", views.week_stats, name="week_stats"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/reveal/", views.reveal_person, name="reveal_person"),
    path("people/import/", views.import_people, name="import_people"),
    path("people/import/template.xlsx", views.import_template, name="import_template"),
    path("me/credentials/", views.my_credentials, name="my_credentials"),
    path("soon/<slug:slug>/", views.placeholder, name="placeholder"),
]

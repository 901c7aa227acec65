"""The messages page (URLs under /messages/)."""

from django.urls import path

from gatehouse.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.messages, name="messages"),
    path("consent/<str:token>/", views.consent, name="consent"),
    path("<int:pk>/retry/", views.messages_action, {"action": "retry"}, name="retry"),
]

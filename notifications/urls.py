from __future__ import annotations

from django.urls import path

from notifications import feed_views, views

app_name = "notifications"

urlpatterns = [
    path("monitoraggio/<str:token>/", views.answer, name="answer"),
    path("calendario/<str:token>.ics", feed_views.calendar_feed, name="calendar-feed"),
]

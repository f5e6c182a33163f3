from __future__ import annotations

from django.urls import path

from notifications import feed_views, legal_views, views

app_name = "notifications"

urlpatterns = [
    path("monitoraggio/<str:token>/", views.answer, name="answer"),
    path("calendario/<str:token>.ics", feed_views.calendar_feed, name="calendar-feed"),
    path("scadenze-di-legge/", legal_views.legal_calendar, name="legal-calendar"),
]

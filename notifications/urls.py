from __future__ import annotations

from django.urls import path

from notifications import feed_views, legal_views, less_mail_views, notice_views, settings_views, views

app_name = "notifications"

urlpatterns = [
    path("monitoraggio/<str:token>/", views.answer, name="answer"),
    path("calendario/<str:token>.ics", feed_views.calendar_feed, name="calendar-feed"),
    path("scadenze-di-legge/", legal_views.legal_calendar, name="legal-calendar"),
    path("avvisi/", notice_views.notices, name="notices"),
    path("posta/meno/<str:token>/", less_mail_views.less_mail, name="less-mail"),
    path("impostazioni-ente/", settings_views.settings_index, name="body-settings-index"),
    path("impostazioni-ente/<int:organization_id>/", settings_views.body_settings, name="body-settings"),
]

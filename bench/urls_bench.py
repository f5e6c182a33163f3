"""The application's URLs plus the two limits bench_http measures on the same server (bench.httpviews)."""

from __future__ import annotations

from django.urls import include, path

from bench.httpviews import bare, same_work

urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("bench/same-work/<int:pk>/", same_work, name="bench-same-work"),
    path("", include("config.urls")),
]

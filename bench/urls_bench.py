"""The application's URLs plus the limits bench_http and bench_pairs measure on the same server (bench.httpviews)."""

from __future__ import annotations

from django.urls import include, path

from bench.httpviews import bare, plain_approve, plain_transition, same_work

urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("bench/same-work/<int:pk>/", same_work, name="bench-same-work"),
    path("bench/plain/transition/<int:pk>/", plain_transition, name="bench-plain-transition"),
    path("bench/plain/approve/<int:pk>/", plain_approve, name="bench-plain-approve"),
    path("", include("config.urls")),
]

"""API tokens stay out of the admin: each person lists and revokes their own on /profilo/ or through the API, and a
password change revokes them all. knox's own admin would list every user's tokens, whatever the organization, to
any staff member given its permission."""

from __future__ import annotations

from django.contrib import admin
from knox.models import AuthToken

admin.site.unregister(AuthToken)

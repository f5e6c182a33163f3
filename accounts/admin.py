"""The fiscal codes (an inline of the person, in plans/admin_people.py) and the second factor's devices: only the
platform operator changes them; a device's secret key is never shown. Deleting a person's device is how the IT
office helps someone who lost their phone: at the next sign-in they set up a new one."""

from __future__ import annotations

from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import FiscalCode
from config.admin import ScopedStackedInline, register_platform_only

register_platform_only(TOTPDevice, secret_fields=("key",))


class FiscalCodeInline(ScopedStackedInline[FiscalCode, Any]):
    model = FiscalCode
    person_path = "user"
    can_delete = True
    extra = 0
    max_num = 1

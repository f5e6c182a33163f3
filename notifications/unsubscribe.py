"""Less mail in one click (RFC 8058): every mail's List-Unsubscribe header and footer lead to a signed page of the
person's own that switches them to one daily digest. A mail system's one-click POST changes it at once; a person
opening the link sees the page and confirms with a button (a GET never changes anything: link scanners open them).

The token names the person and is signed with a timestamp: tampering gives "invalid", age beyond
UNSUBSCRIBE_LINK_MAX_AGE_DAYS "expired" (the profile page changes the same preference with a password)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse

from notifications.links import LinkError
from notifications.models import Preference

SALT = "traguardi.notifications.less-mail"


def less_mail_token(user_id: int) -> str:
    return signing.dumps(user_id, salt=SALT)


def less_mail_url(user_id: int) -> str:
    return settings.SITE_URL + reverse("notifications:less-mail", args=[less_mail_token(user_id)])


def read_less_mail_token(token: str) -> Any:
    """The active person the token names; LinkError "expired" or "invalid" otherwise."""
    try:
        user_id = signing.loads(token, salt=SALT, max_age=settings.UNSUBSCRIBE_LINK_MAX_AGE_DAYS * 24 * 3600)
    except signing.SignatureExpired as error:
        raise LinkError("expired") from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise LinkError("invalid") from error
    person = (
        get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
        if isinstance(user_id, int)
        else None
    )
    if person is None:
        raise LinkError("invalid")
    return person


@transaction.atomic
def mail_less(person: Any) -> Preference:
    """The person's mail as one daily digest, whatever it was (their language is kept)."""
    preference, _created = Preference.objects.select_for_update().get_or_create(user=person)
    if preference.delivery != Preference.Delivery.DAILY:
        preference.delivery = Preference.Delivery.DAILY
        preference.save(update_fields=["delivery"])
    return preference

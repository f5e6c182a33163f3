"""Less mail in one click (RFC 8058): every mail's List-Unsubscribe header and footer lead to a signed page of the
person's own that switches them to one daily digest. A mail system's one-click POST changes it at once; a person
opening the link sees the page and confirms with a button (a GET never changes anything: link scanners open them).

The token names the person and the address it was mailed to, and is signed with a timestamp: tampering gives
"invalid", age beyond UNSUBSCRIBE_LINK_MAX_AGE_DAYS "expired", a changed address "changed" (the profile page
changes the same preference with a password)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from notifications.links import LinkError
from notifications.models import Preference

SALT = "traguardi.notifications.less-mail"


def _address_mark(person: Any) -> str:
    """A short keyed digest of the person's address: a link mailed to an address stops working when it changes."""
    return salted_hmac(SALT, (person.email or "").lower(), algorithm="sha256").hexdigest()[:16]


def less_mail_token(person: Any) -> str:
    return signing.dumps([person.pk, _address_mark(person)], salt=SALT)


def less_mail_url(person: Any) -> str:
    return settings.SITE_URL + reverse("notifications:less-mail", args=[less_mail_token(person)])


def read_less_mail_token(token: str) -> Any:
    """The person the token names; LinkError "expired", "invalid", "inactive" (the account is switched off) or
    "changed" (the link was mailed to an address the person no longer has) otherwise."""
    try:
        user_id, mark = signing.loads(token, salt=SALT, max_age=settings.UNSUBSCRIBE_LINK_MAX_AGE_DAYS * 24 * 3600)
    except signing.SignatureExpired as error:
        raise LinkError("expired") from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise LinkError("invalid") from error
    person = get_user_model()._default_manager.filter(pk=user_id).first() if isinstance(user_id, int) else None
    if person is None:
        raise LinkError("invalid")
    if not person.is_active:
        raise LinkError("inactive")
    if not constant_time_compare(str(mark), _address_mark(person)):
        raise LinkError("changed")
    return person


def already_less(person: Any) -> bool:
    return Preference.objects.filter(user=person, delivery=Preference.Delivery.DAILY).exists()


@transaction.atomic
def mail_less(person: Any) -> Preference:
    """The person's mail as one daily digest, whatever it was (their language is kept)."""
    preference, _created = Preference.objects.select_for_update().get_or_create(user=person)
    if preference.delivery != Preference.Delivery.DAILY:
        preference.delivery = Preference.Delivery.DAILY
        preference.save(update_fields=["delivery"])
    return preference

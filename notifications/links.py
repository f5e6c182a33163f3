"""One-click links for the monthly answer: signed, expiring, good for one answer, no password needed.

The token names the round, the activity and the person; the signature stops tampering and the timestamp
expiry. Reuse is stopped by the database: one answer per (round, activity, person). What may have changed
since the mail (the activity reassigned or concluded, the person gone) is checked when the link is opened
and when it is answered (notifications.answers).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "traguardi.notifications.monitoring-answer"


class LinkError(Exception):
    """Why a link cannot be used: "expired", "invalid" or "used"; or, for a link that was good when mailed,
    "reassigned" (the activity is someone else's now), "closed" (it is concluded), "frozen" (its plan has been
    validated), "not_live" (its plan is otherwise no longer adopted or in execution) or "inactive" (the person's
    account is switched off)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class AnswerClaim:
    round_id: int
    activity_id: int
    user_id: int


def answer_token(claim: AnswerClaim) -> str:
    return signing.dumps([claim.round_id, claim.activity_id, claim.user_id], salt=SALT, compress=True)


def read_answer_token(token: str) -> AnswerClaim:
    try:
        round_id, activity_id, user_id = signing.loads(
            token, salt=SALT, max_age=settings.MONITORING_LINK_MAX_AGE_DAYS * 24 * 3600
        )
    except signing.SignatureExpired as error:
        raise LinkError("expired") from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise LinkError("invalid") from error
    return AnswerClaim(int(round_id), int(activity_id), int(user_id))


def answer_url(claim: AnswerClaim) -> str:
    return settings.SITE_URL + reverse("notifications:answer", args=[answer_token(claim)])

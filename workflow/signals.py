"""What the workflow tells the rest of the system, always after its transaction has committed.

Notifications listen here; receivers get ids only, so they can hand them to Celery as they are.
- request_awaiting(request_id): a request now awaits a decision on its current step (when made, and
  again each time an approval moves it to the next step);
- request_closed(request_id, status): a request was approved, rejected or withdrawn;
- transition_applied(request_id, target_kind, target_id, from_state, to_state).
"""

from __future__ import annotations

from django.dispatch import Signal

request_awaiting = Signal()
request_closed = Signal()
transition_applied = Signal()

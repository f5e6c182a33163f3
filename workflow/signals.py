"""What the workflow tells the rest of the system.

Two are sent inside the service's transaction, with the request itself (its item and its approvals come
along, so a receiver reads them without a query). Their receivers only write rows, the outbox, which then
commit with the decision or not at all; anything outside the database (a task, a mail) they leave to
`transaction.on_commit`.
- request_awaiting(request): a request now awaits a decision on its current step (when made, and again
  each time an approval moves it to the next step);
- request_closed(request): a request was approved, rejected or withdrawn (its `status` says which).

One is sent after the commit, with ids only:
- transition_applied(request_id, target_kind, target_id, from_state, to_state).
"""

from __future__ import annotations

from django.dispatch import Signal

request_awaiting = Signal()
request_closed = Signal()
transition_applied = Signal()

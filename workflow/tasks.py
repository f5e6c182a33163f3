"""Celery tasks of the workflow. Each is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from workflow.tokens import tokens_delete_expired


@shared_task
def delete_expired_tokens() -> int:
    """Beat's nightly job: the API tokens that have expired (the API refuses them already), deleted; how many."""
    return tokens_delete_expired()

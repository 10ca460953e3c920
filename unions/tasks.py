"""Celery tasks of the unions. They take ids and are safe to run twice: each send is claimed on
its row first (unions/services.py)."""

from __future__ import annotations

import logging

from celery import shared_task

from .services import election_notice_send, network_invitations_send, pending_sends_retry

logger = logging.getLogger(__name__)


@shared_task(name="unions.send_network_invitations")
def send_network_invitations(meeting_id: int) -> dict[str, int]:
    outcomes = network_invitations_send(meeting_id)
    logger.info("unions: meeting %s invitations: %s", meeting_id, outcomes)
    return outcomes


@shared_task(name="unions.send_election_notice")
def send_election_notice(notice_id: int) -> str:
    outcome = election_notice_send(notice_id)
    logger.info("unions: election notice %s: %s", notice_id, outcome)
    return outcome


@shared_task(name="unions.retry_sends")
def retry_sends() -> dict[str, int]:
    outcomes = pending_sends_retry()
    if outcomes:
        logger.info("unions: retried pending sends: %s", outcomes)
    return outcomes

"""Sending campaigns in the django-tasks-db worker.

`campaign_send_task` runs one campaign when its time comes; the chain
`outreach_resume_task` looks every RESUME_EVERY for campaigns that are due or whose sender
died (its hold ran out), so a crash costs a few minutes, never a message twice; it also
hands over promotion entries whose affiliate's webhook failed, backing off, and puts in the
answers still waiting of surveys that have closed.
`python -m twentytwo outreach_send --schedule` (run by `make demo` and at deploy) starts it."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from twentytwo.core.scheduling import task_schedule
from twentytwo.outreach.services.campaigns import campaign_run, campaigns_resume
from twentytwo.outreach.services.promotions import promotion_handover, promotion_handovers_resume
from twentytwo.outreach.services.surveys import surveys_answers_flush_closed

RESUME_EVERY = timedelta(minutes=1)


@task()
def campaign_send_task(campaign_id: int) -> dict:
    progress = campaign_run(campaign_id=campaign_id)
    return {"held_elsewhere": progress is None, **(vars(progress) if progress else {})}


@task()
def promotion_handover_task(entry_id: int) -> dict:
    handover = promotion_handover(entry_id=entry_id)
    return {"delivered": handover.delivered, "error": handover.error}


@task()
def outreach_resume_task() -> dict:
    try:
        return {
            "campaigns": campaigns_resume(),
            "entries": promotion_handovers_resume(),
            "surveys": surveys_answers_flush_closed(),
        }
    finally:
        # A failed run must not end the chain.
        task_schedule(outreach_resume_task, delay=RESUME_EVERY)


def outreach_tasks_schedule() -> list[str]:
    if task_schedule(outreach_resume_task, delay=timedelta(0)):
        return [outreach_resume_task.name]
    return []

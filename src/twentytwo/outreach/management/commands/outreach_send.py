"""Send every campaign that is due now and hand over promotion entries still waiting, in
the foreground (what the worker's chain does)."""

from twentytwo.core.commands import ChainCommand
from twentytwo.outreach.services.campaigns import campaigns_resume
from twentytwo.outreach.services.promotions import promotion_handovers_resume
from twentytwo.outreach.services.surveys import surveys_answers_flush_closed
from twentytwo.outreach.tasks import outreach_tasks_schedule


class Command(ChainCommand):
    help = "Send the campaigns that are due, or whose sender stopped, and say which."
    schedule_help = "Only enqueue the background chain that does it every minute."

    def tasks_schedule(self) -> list[str]:
        return outreach_tasks_schedule()

    def run(self, **options):
        ran = campaigns_resume()
        self.stdout.write(f"campaigns sent: {ran or 'none due'}")
        tried = promotion_handovers_resume()
        self.stdout.write(f"promotion entries handed over again: {tried or 'none waiting'}")
        flushed = surveys_answers_flush_closed()
        self.stdout.write(f"closed surveys' waiting answers put in: {flushed or 'none'}")

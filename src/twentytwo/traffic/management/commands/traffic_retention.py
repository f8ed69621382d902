"""Apply the traffic log's retention now (what the hourly background task does)."""

from django.utils import timezone

from twentytwo.core.commands import ChainCommand
from twentytwo.traffic.services.retention import traffic_retention_apply
from twentytwo.traffic.tasks import traffic_tasks_schedule


class Command(ChainCommand):
    help = (
        "Cut client addresses in the access log past TWENTYTWO_TRAFFIC_IP_TRUNCATE_DAYS and "
        "delete records and day files past TWENTYTWO_TRAFFIC_RETENTION_DAYS."
    )

    schedule_help = "Only enqueue the background retention and heartbeat tasks, unless queued."

    def tasks_schedule(self) -> list[str]:
        return traffic_tasks_schedule()

    def run(self, **options):
        result = traffic_retention_apply(now=timezone.now())
        self.stdout.write(
            f"Cut {result.addresses_truncated} address(es) and deleted "
            f"{result.records_deleted} record(s); rewrote {result.files_truncated} and deleted "
            f"{result.files_deleted} day file(s)"
            + (f"; dropped {result.lines_dropped} broken line(s)" if result.lines_dropped else "")
            + (f"; loaded {result.records_loaded} record(s)" if result.records_loaded else "")
            + (
                f"; removed {result.spool_files_deleted} spool file(s) past the address limit"
                if result.spool_files_deleted
                else ""
            )
            + "."
        )

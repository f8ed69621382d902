"""outreach's writes, by subject: subscriptions (opt-in, confirmation, withdrawal, the
unsubscribe link) and campaigns (checks, test sends, sending with progress that resumes).
Each is keyword-only and runs in one transaction per thing it records."""


class OutreachError(Exception):
    """A refused action; the message is one of the constants of the module raising it."""

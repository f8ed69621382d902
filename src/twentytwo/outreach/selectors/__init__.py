"""outreach's reads, by subject: subscriptions, promotions and ads. Callers import the
subject module."""

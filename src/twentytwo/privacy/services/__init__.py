"""The privacy center's writes, by subject: the policy (policy.py), cookie choices
(consent.py), a listener's own data (mydata.py), releases to others (releases.py), the queue
of e-mailed requests (requests.py) and retention (retention.py). Each is keyword-only, runs
in one transaction and writes its audit row in it."""


class PrivacyError(Exception):
    """A refused change; the message is one of the constants of the module raising it."""

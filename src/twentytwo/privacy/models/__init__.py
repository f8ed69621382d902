"""The privacy center's tables: policy versions, cookie choices, the audit of releases, the
queue of requests received by e-mail and the staff registers.

Split by subject, as the whole would pass the size one module should have; everything is
importable from here."""

from twentytwo.privacy.models.audit import AuditEvent
from twentytwo.privacy.models.consent import (
    ConsentChoice,
    MarketingChoice,
    MarketingPurpose,
    Purpose,
)
from twentytwo.privacy.models.policy import PolicyNoticeSeen, PolicyVersion
from twentytwo.privacy.models.registers import (
    Affiliate,
    AffiliateShare,
    LegalDisclosure,
    Processor,
)
from twentytwo.privacy.models.requests import DataRequest, DataRequestEvent

__all__ = [
    "Affiliate",
    "AffiliateShare",
    "AuditEvent",
    "ConsentChoice",
    "DataRequest",
    "DataRequestEvent",
    "LegalDisclosure",
    "MarketingChoice",
    "MarketingPurpose",
    "PolicyNoticeSeen",
    "PolicyVersion",
    "Processor",
    "Purpose",
]

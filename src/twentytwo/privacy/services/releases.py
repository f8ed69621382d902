"""Releasing an account's personal data to someone else: an affiliate for one transaction,
or whoever the law obliges us to answer.

Every release goes through one of these services, which write the register row and its
audit event in the same transaction as the release. The rows are written first and the
data handed over last, so a failed hand-over leaves no row and a failed write releases
nothing. Only fields declared personal, of a model whose rows belong to an account, can be
released: the declarations say what exists and where it is."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from twentytwo.privacy.declarations import Declarations, declarations
from twentytwo.privacy.models import Affiliate, AffiliateShare, AuditEvent, LegalDisclosure
from twentytwo.privacy.services import PrivacyError

RELEASE_NO_FIELDS = "Choose at least one field to release."
RELEASE_FIELD_NOT_RELEASABLE = (
    "%(field)s is not a declared personal field of data that belongs to an account."
)
RELEASE_NO_ACCOUNT = "There is no account with number %(number)s."
SHARE_NO_TRANSACTION = "Name the transaction the share is for: a share without one is refused."
SHARE_AFFILIATE_INACTIVE = "%(affiliate)s has no agreement in force on %(date)s."
SHARE_NO_COMMITMENT = (
    "%(affiliate)s has no privacy commitment on record: add what it undertook, and when, "
    "before it receives anyone's data."
)
SHARE_ROWS_OUTSIDE = "Only rows of the fields' own models can be chosen, not %(model)s."
DISCLOSURE_WHO_WHY_WHAT = (
    "Say who asked, the legal basis relied on in detail, and what is released."
)
DISCLOSURE_NO_SUBJECT = "Name the account concerned, or describe the person the request names."
DISCLOSURE_BASIS_UNKNOWN = "Choose the legal basis."
DISCLOSURE_RECEIVED_IN_FUTURE = "The date the request was received cannot be in the future."

NEVER_RELEASED_CATEGORY = "credentials"

Payload = dict[str, list[dict]]
Deliver = Callable[[Payload], None]


def releasable_fields(declared: Declarations | None = None) -> list[str]:
    """Return "app_label.Model.field" of each declared field an account's data can hold.

    Links to many rows (many-to-many) are left out: they are released through their own
    rows. Sign-in secrets (password hashes, tokens, keys) are never released to anyone."""
    declared = declared or declarations()
    found = []
    for declaration in declared.models.values():
        if declaration.owner is None:
            continue
        model = declaration.model
        for name, declared_field in declaration.fields.items():
            if declared_field.category == NEVER_RELEASED_CATEGORY:
                continue
            if model._meta.get_field(name).concrete:
                found.append(declared_field.label)
    return found


def _fields_by_model(fields: Iterable[str]) -> dict[str, list[str]]:
    fields = list(dict.fromkeys(fields))
    if not fields:
        raise PrivacyError(RELEASE_NO_FIELDS)
    allowed = set(releasable_fields())
    grouped: dict[str, list[str]] = {}
    for label in fields:
        if label not in allowed:
            raise PrivacyError(RELEASE_FIELD_NOT_RELEASABLE % {"field": label})
        model_label, _dot, name = label.rpartition(".")
        grouped.setdefault(model_label, []).append(name)
    return grouped


Rows = Mapping[str, Collection[int]]


def account_data_collect(
    *, user_id: int, fields: Iterable[str], rows: Rows | None = None
) -> Payload:
    """Return the values of `fields` held for the account, per model, one dict per row.

    `rows` narrows a model to the rows of those primary keys (still the account's own): a
    promotion's entry is one row among the account's entries."""
    declared = declarations()
    grouped = _fields_by_model(fields)
    for model_label in rows or {}:
        if model_label not in grouped:
            raise PrivacyError(SHARE_ROWS_OUTSIDE % {"model": model_label})
    payload: Payload = {}
    for model_label, names in grouped.items():
        declaration = declared.models[model_label]
        found = declaration.model._default_manager.filter(**{declaration.owner: user_id})
        if rows and model_label in rows:
            found = found.filter(pk__in=list(rows[model_label]))
        payload[model_label] = list(found.order_by("pk").values(*names))
    return payload


def _account_check(user_id: int) -> None:
    if not get_user_model().objects.filter(pk=user_id).exists():
        raise PrivacyError(RELEASE_NO_ACCOUNT % {"number": user_id})


def affiliate_share_release(
    *,
    affiliate: Affiliate,
    transaction_reference: str,
    user_id: int,
    fields: Iterable[str],
    deliver: Deliver,
    rows: Rows | None = None,
    shared_by: AbstractBaseUser | None = None,
    description: str = "",
    now: datetime | None = None,
) -> AffiliateShare:
    """Share an account's data with an affiliate for one transaction, and record it.

    The affiliate must have an agreement in force and a privacy commitment on record; the
    audit row keeps the day of that commitment beside the fields shared."""
    now = now or timezone.now()
    transaction_reference = transaction_reference.strip()
    if not transaction_reference:
        raise PrivacyError(SHARE_NO_TRANSACTION)
    fields = list(dict.fromkeys(fields))
    _fields_by_model(fields)
    today = timezone.localdate(now)
    if affiliate.active_from > today or (
        affiliate.active_until is not None and affiliate.active_until < today
    ):
        raise PrivacyError(
            SHARE_AFFILIATE_INACTIVE % {"affiliate": affiliate.name, "date": today.isoformat()}
        )
    if not affiliate.privacy_commitment.strip() or affiliate.committed_on is None:
        raise PrivacyError(SHARE_NO_COMMITMENT % {"affiliate": affiliate.name})
    with transaction.atomic():
        _account_check(user_id)
        payload = account_data_collect(user_id=user_id, fields=fields, rows=rows)
        audit = AuditEvent.objects.create(
            kind=AuditEvent.Kind.AFFILIATE_SHARE,
            subject_user_id=user_id,
            actor=AuditEvent.Actor.STAFF if shared_by else AuditEvent.Actor.SYSTEM,
            actor_user_id=shared_by.pk if shared_by else None,
            occurred_at=now,
            detail={
                "affiliate": affiliate.name,
                "commitment_of": affiliate.committed_on.isoformat(),
                "transaction": transaction_reference,
                "fields": fields,
                "rows": {label: len(rows) for label, rows in payload.items()},
            },
        )
        share = AffiliateShare.objects.create(
            affiliate=affiliate,
            transaction_reference=transaction_reference,
            subject_user_id=user_id,
            shared_fields=fields,
            shared_description=description.strip(),
            shared_at=now,
            shared_by=shared_by,
            audit=audit,
        )
        deliver(payload)
    return share


def legal_disclosure_release(
    *,
    released_by: AbstractBaseUser,
    requested_by: str,
    request_received_on: date,
    legal_basis: str,
    legal_basis_detail: str,
    request_reference: str = "",
    user_id: int | None = None,
    subject_description: str = "",
    fields: Iterable[str] = (),
    released: str = "",
    deliver: Deliver | None = None,
    now: datetime | None = None,
) -> tuple[LegalDisclosure, Payload]:
    """Release data to an authority or another party entitled to it, and record it.

    With `fields`, the account's values are collected, handed to `deliver` (if given) and
    returned; without, `released` records what was handed over by other means (a letter,
    a phone call), which is still a release and still goes in the register."""
    now = now or timezone.now()
    requested_by, legal_basis_detail = requested_by.strip(), legal_basis_detail.strip()
    subject_description, released = subject_description.strip(), released.strip()
    fields = list(dict.fromkeys(fields))
    if legal_basis not in LegalDisclosure.Basis.values:
        raise PrivacyError(DISCLOSURE_BASIS_UNKNOWN)
    if request_received_on > timezone.localdate(now):
        raise PrivacyError(DISCLOSURE_RECEIVED_IN_FUTURE)
    if not requested_by or not legal_basis_detail or not (fields or released):
        raise PrivacyError(DISCLOSURE_WHO_WHY_WHAT)
    if user_id is None and not subject_description:
        raise PrivacyError(DISCLOSURE_NO_SUBJECT)
    if fields and user_id is None:
        raise PrivacyError(DISCLOSURE_NO_SUBJECT)
    if fields:
        _fields_by_model(fields)
    with transaction.atomic():
        payload: Payload = {}
        if user_id is not None:
            _account_check(user_id)
        if fields:
            payload = account_data_collect(user_id=user_id, fields=fields)
            listed = "; ".join(fields)
            released = f"{released}\n{listed}".strip() if released else listed
        audit = AuditEvent.objects.create(
            kind=AuditEvent.Kind.LEGAL_DISCLOSURE,
            subject_user_id=user_id,
            actor=AuditEvent.Actor.STAFF,
            actor_user_id=released_by.pk,
            occurred_at=now,
            detail={
                "requested_by": requested_by,
                "legal_basis": legal_basis,
                "fields": fields,
                "rows": {label: len(rows) for label, rows in payload.items()},
            },
        )
        disclosure = LegalDisclosure.objects.create(
            requested_by=requested_by,
            request_reference=request_reference.strip(),
            request_received_on=request_received_on,
            legal_basis=legal_basis,
            legal_basis_detail=legal_basis_detail,
            subject_user_id=user_id,
            subject_description=subject_description,
            released=released,
            released_at=now,
            released_by=released_by,
            audit=audit,
        )
        if deliver is not None:
            deliver(payload)
    return disclosure, payload

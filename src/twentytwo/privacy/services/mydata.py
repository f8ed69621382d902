"""Writes of My data: the export, a correction, the marketing objection and the erasure.

Each acts on the signed-in account it is given and on no other, and writes its audit row
in the same transaction as the thing it records."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from twentytwo.accounts import services as accounts
from twentytwo.accounts.services import AccountError
from twentytwo.privacy import erasure_links
from twentytwo.privacy.export_contents import (
    WITHHELD_MODELS,
    export_section_read,
    export_sources,
)
from twentytwo.privacy.export_files import Export
from twentytwo.privacy.models import AuditEvent, ConsentChoice, MarketingChoice
from twentytwo.privacy.selectors.policy import policy_in_force

EXPORT_TOO_OFTEN = (
    "You have downloaded your data %(count)s times in the past hour. Try again in an hour."
)
MARKETING_NO_POLICY = "No privacy policy is in force yet, so the objection cannot be recorded."
ERASURE_STAFF = (
    "A staff account cannot erase itself here: the records of what it did must keep it. "
    "Ask another member of staff to deactivate it."
)
ERASURE_KEPT_BY_RECORDS = (
    "This account is named in records that must be kept, so it cannot be erased here. "
    "Write to us and the privacy officer will handle it."
)
ERASED_REPR = "erased account"


class MyDataError(Exception):
    """A refused request; the message is one of this module's constants or a service's."""


def _audit(*, user_id: int, kind: AuditEvent.Kind, at: dt.datetime, detail: dict) -> AuditEvent:
    return AuditEvent.objects.create(
        kind=kind,
        subject_user_id=user_id,
        actor=AuditEvent.Actor.SUBJECT,
        actor_user_id=user_id,
        occurred_at=at,
        detail=detail,
    )


def _not_included() -> list[tuple[str, str]]:
    return [
        (
            _("Listening statistics"),
            _(
                "What you play is counted under a random number in a cookie of your browser, "
                "never under your account, and nothing links the two: we cannot tell which "
                "counts are yours, so there are none to give you here. For the same reason, "
                "erasing your account leaves nothing of you in them."
            ),
        ),
        (
            _("Cookie choices made while signed out"),
            _(
                "They are kept under the random number in your browser's tt_consent cookie, "
                "not under your account; the cookie choices page shows the latest one."
            ),
        ),
        (
            _("Sessions"),
            _(
                "The session that keeps you signed in is a secret that would let anyone holding "
                "this file act as you; it ends when you sign out or after "
                "%(hours)s hours without a visit."
            )
            % {"hours": settings.SESSION_IDLE_TIMEOUT // 3600},
        ),
        *(
            (str(apps.get_model(label)._meta.verbose_name_plural).capitalize(), str(reason))
            for label, reason in WITHHELD_MODELS.items()
        ),
    ]


def account_export_produce(*, user: AbstractBaseUser) -> Export:
    """Read everything held about the account and record the release, in one transaction.

    The rows are read here, whole, and written out afterwards: on SQLite a transaction
    holds the write lock, which must not wait on a slow download."""
    now = timezone.now()
    limit = settings.PRIVACY_EXPORTS_PER_HOUR
    with transaction.atomic():
        recent = AuditEvent.objects.filter(
            kind=AuditEvent.Kind.EXPORT,
            subject_user_id=user.pk,
            occurred_at__gt=now - dt.timedelta(hours=1),
        ).count()
        if recent >= limit:
            raise MyDataError(EXPORT_TOO_OFTEN % {"count": recent})
        sections = [export_section_read(source=s, user=user) for s in export_sources()]
        version = policy_in_force()
        _audit(
            user_id=user.pk,
            kind=AuditEvent.Kind.EXPORT,
            at=now,
            detail={
                "rows": {s.model_label: len(s.rows) for s in sections},
                "withheld": sorted(
                    f"{s.model_label}.{f.name}" for s in sections for f in s.fields if f.withheld
                ),
                "policy_version": version.number if version else None,
            },
        )
    return Export(
        account=user.pk,
        produced_at=now,
        policy_version=version.number if version else None,
        sections=sections,
        not_included=_not_included(),
    )


def profile_field_correct(*, user: AbstractBaseUser, kind: str, value: str) -> None:
    """Put the listener's own correction in place of what a provider told us."""
    with transaction.atomic():
        try:
            fact = accounts.profile_fact_correct(user=user, kind=kind, value=value)
        except AccountError as exc:
            raise MyDataError(str(exc)) from exc
        _audit(
            user_id=user.pk,
            kind=AuditEvent.Kind.CORRECTION,
            at=fact.received_at,
            detail={"field": kind},
        )


def marketing_objection_record(*, user: AbstractBaseUser) -> MarketingChoice:
    """Record an objection to direct marketing (GDPR art. 21(2)): absolute, at once."""
    now = timezone.now()
    with transaction.atomic():
        version = policy_in_force()
        if version is None:
            raise MyDataError(MARKETING_NO_POLICY)
        choice = MarketingChoice.objects.create(
            user=user,
            subscribed=False,
            method=MarketingChoice.Method.OBJECTION,
            policy_version=version,
            chosen_at=now,
        )
        _audit(
            user_id=user.pk,
            kind=AuditEvent.Kind.MARKETING_OBJECTION,
            at=now,
            detail={"policy_version": version.number},
        )
    return choice


def account_erase(*, user: AbstractBaseUser, token: str) -> AuditEvent:
    """Erase the account the confirmation was made for, once, and record that it was.

    The user row goes, and with it (by their foreign keys) the profile, the linked sign-in
    services and their tokens, the e-mail addresses, favorites, marketing choices and
    notices seen; cookie choices stay with their browser without the account. Sessions
    are found by decoding and deleted. The admin's history keeps its rows, named only as
    an erased account. The audit row keeps the account's number and nothing else of it."""
    now = timezone.now()
    user_model = get_user_model()
    with transaction.atomic():
        nonce = erasure_links.erasure_token_check(token=token, user=user)
        # Locked, so two confirmations at once cannot both go on.
        account = user_model.objects.select_for_update().filter(pk=user.pk).first()
        if account is None or erasure_links.erasure_token_used(nonce=nonce):
            raise MyDataError(erasure_links.ERASURE_LINK_USED)
        if account.is_staff or account.is_superuser:
            raise MyDataError(ERASURE_STAFF)
        user_id = account.pk
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(user_model), object_id=str(user_id)
        ).update(object_repr=ERASED_REPR, change_message="")
        sessions = _sessions_of_account_delete(user_id=user_id)
        anonymised = ConsentChoice.objects.filter(user=account).count()
        try:
            _total, removed = account.delete()
        except ProtectedError as exc:
            # Raised before anything was deleted; leaving the block undoes the rest.
            raise MyDataError(ERASURE_KEPT_BY_RECORDS) from exc
        return _audit(
            user_id=user_id,
            kind=AuditEvent.Kind.ERASURE,
            at=now,
            detail={
                "removed": {label: count for label, count in sorted(removed.items()) if count},
                "sessions": sessions,
                "cookie_choices_kept_without_account": anonymised,
                "confirmation": nonce,
            },
        )


SESSION_CHUNK = 2000


def _sessions_of_account_delete(*, user_id: int) -> int:
    """Delete every session signed in to the account, expired ones too; return how many.

    Expired sessions wait for clearsessions and still hold the account's number. No column
    of the session table names the account, so each session is decoded and read: a pass
    over the table, paid only when an account is erased."""
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    model = store.get_model_class()
    rows = model.objects.values_list("session_key", "session_data").iterator(
        chunk_size=SESSION_CHUNK
    )
    keys = [key for key, data in rows if str(store().decode(data).get(SESSION_KEY)) == str(user_id)]
    deleted = 0
    for start in range(0, len(keys), SESSION_CHUNK):
        count, _ = model.objects.filter(
            session_key__in=keys[start : start + SESSION_CHUNK]
        ).delete()
        deleted += count
    return deleted

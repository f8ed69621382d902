"""Who belongs to an organisation: invitations by a signed, expiring, single-use link, and
removals. Every change writes a MembershipEvent in its own transaction.

Staff invite anyone to any organisation; an organisation's admins invite and remove its own
people (the views decide who is asking; these functions take the actor to record)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twentytwo.partners.models import Invitation, Membership, MembershipEvent, Organisation

logger = logging.getLogger(__name__)

SALT = "twentytwo.partners.invitation"
EXPIRED = gettext_lazy("This invitation has expired; ask for a new one.")
NOT_VALID = gettext_lazy("This invitation link is not valid.")


class PeopleError(Exception):
    status = 400

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def invitation_link_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.nonce, salt=SALT, compress=False)


def _invitation_mail_send(*, email: str, organisation: str, role: str, link: str) -> None:
    context = {
        "organisation": organisation,
        "role": role,
        "link": link,
        "days": settings.PARTNER_INVITATION_MAX_AGE // 86400,
    }
    if settings.DEMO_LOGIN:
        # The console mail of the demo cuts long links in two; print it whole as well.
        logger.info("Demo: partner invitation link for %s: %s", email, link)
    send_mail(
        subject=render_to_string("partners/mail/invitation_subject.txt", context).strip(),
        message=render_to_string("partners/mail/invitation.txt", context),
        from_email=None,
        recipient_list=[email],
    )


def invitation_create(
    *,
    organisation: Organisation,
    role: str,
    email: str,
    actor,
    absolute_url: Callable[[str], str],
    now=None,
) -> tuple[Invitation, str]:
    """Invite someone; return the invitation and its link (mailed when an address is given)."""
    if organisation.kind == Organisation.Kind.CURATOR:
        raise PeopleError(_("A curator's account has no members to invite."))
    if role not in Membership.Role.values:
        raise PeopleError(_("Choose the role viewer or admin."))
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            message = _("“%(email)s” is not an e-mail address.") % {"email": email}
            raise PeopleError(message) from None
    now = now or timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organisation=organisation,
            role=role,
            email=email,
            nonce=secrets.token_hex(16),
            invited_by=actor,
            created_at=now,
            expires_at=now + timedelta(seconds=settings.PARTNER_INVITATION_MAX_AGE),
        )
        MembershipEvent.objects.create(
            organisation=organisation,
            action=MembershipEvent.Action.INVITED,
            role=role,
            actor=actor,
            invitation=invitation,
            at=now,
        )
        link = absolute_url(
            reverse("partners:join", kwargs={"token": invitation_link_token(invitation)})
        )
        if email:
            transaction.on_commit(
                lambda: _invitation_mail_send(
                    email=email, organisation=organisation.name, role=role, link=link
                )
            )
    return invitation, link


def invitation_check(*, token: str, now=None) -> Invitation:
    """Return the open invitation a link names, or refuse the link with the reason."""
    now = now or timezone.now()
    try:
        nonce = signing.loads(token, salt=SALT, max_age=settings.PARTNER_INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise PeopleError(EXPIRED, status=410) from None
    except signing.BadSignature:
        raise PeopleError(NOT_VALID, status=404) from None
    invitation = Invitation.objects.select_related("organisation").filter(nonce=nonce).first()
    if invitation is None:
        raise PeopleError(NOT_VALID, status=404)
    if invitation.revoked_at is not None:
        raise PeopleError(_("This invitation was withdrawn."), status=410)
    if invitation.accepted_at is not None:
        raise PeopleError(_("This invitation has already been used."), status=410)
    if invitation.expires_at <= now:
        raise PeopleError(EXPIRED, status=410)
    return invitation


def invitation_accept(*, token: str, user, now=None) -> Membership:
    """Make the signed-in person a member, once: a second use of the link is refused."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = invitation_check(token=token, now=now)
        # Locked, then checked again: two tabs accepting at once make one member.
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise PeopleError(_("This invitation has already been used."), status=410)
        membership, created = Membership.objects.get_or_create(
            organisation=invitation.organisation,
            user=user,
            defaults={"role": invitation.role, "created_at": now},
        )
        if not created and membership.role != invitation.role:
            membership.role = invitation.role
            membership.save(update_fields=["role"])
        invitation.accepted_by = user
        invitation.accepted_at = now
        invitation.save(update_fields=["accepted_by", "accepted_at"])
        MembershipEvent.objects.create(
            organisation=invitation.organisation,
            action=MembershipEvent.Action.JOINED,
            role=invitation.role,
            actor=user,
            member=user,
            invitation=invitation,
            at=now,
        )
    return membership


def invitation_revoke(*, invitation: Invitation, actor, now=None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None or invitation.revoked_at is not None:
            raise PeopleError(_("This invitation is no longer open."))
        invitation.revoked_at = now
        invitation.save(update_fields=["revoked_at"])
        MembershipEvent.objects.create(
            organisation_id=invitation.organisation_id,
            action=MembershipEvent.Action.INVITATION_REVOKED,
            role=invitation.role,
            actor=actor,
            invitation=invitation,
            at=now,
        )


def membership_grant(*, organisation: Organisation, user, role: str, actor=None, now=None):
    """Make someone a member directly (the demo's partner, a deploy's first admin)."""
    if role not in Membership.Role.values:
        raise PeopleError(_("Choose the role viewer or admin."))
    now = now or timezone.now()
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            organisation=organisation, user=user, defaults={"role": role, "created_at": now}
        )
        if created:
            MembershipEvent.objects.create(
                organisation=organisation,
                action=MembershipEvent.Action.JOINED,
                role=role,
                actor=actor,
                member=user,
                at=now,
            )
    return membership


def membership_remove(*, membership: Membership, actor, now=None) -> None:
    """Remove a person from the organisation; its last admin stays."""
    now = now or timezone.now()
    with transaction.atomic():
        members = list(
            Membership.objects.select_for_update().filter(
                organisation_id=membership.organisation_id
            )
        )
        admins = [m for m in members if m.role == Membership.Role.ADMIN]
        if membership.role == Membership.Role.ADMIN and len(admins) == 1:
            raise PeopleError(
                _("This is the organisation's only admin; make someone else admin first.")
            )
        MembershipEvent.objects.create(
            organisation_id=membership.organisation_id,
            action=MembershipEvent.Action.REMOVED,
            role=membership.role,
            actor=actor,
            member=membership.user,
            at=now,
        )
        membership.delete()

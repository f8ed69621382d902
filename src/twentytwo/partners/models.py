"""Partners: the organisations whose tracks we play, their people, and what they were shown.

An organisation (a label, a publisher, an artist, an advertiser, or the budget account of a
curator) holds the rights to tracks, one holder a track. Its people sign in like anyone
else and hold a role in it. Every figure it is shown is released by the disclosure layer
(disclosure.py) and recorded: the released figures once (ReleasedView), and each time they
are handed to someone (Release), with the privacy budget spent."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Addresses of the portal that an organisation's slug must not take (partners/urls.py).
RESERVED_SLUGS = frozenset({"method", "join"})


def _slug_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is one of the portal's own addresses.") % {"slug": value}
        )


class Organisation(models.Model):
    class Kind(models.TextChoices):
        LABEL = "label", _("label")
        PUBLISHER = "publisher", _("publisher")
        ARTIST = "artist", _("artist")
        ADVERTISER = "advertiser", _("advertiser")
        CURATOR = "curator", _("curator")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, validators=[_slug_not_reserved])
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # A curator's own account of released figures: the genres they curate are its content.
    curator = models.OneToOneField(
        "catalog.Curator",
        verbose_name=_("curator"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="partner",
    )
    # Empty: the site's TWENTYTWO_PARTNER_MONTHLY_EPSILON.
    monthly_epsilon = models.FloatField(_("monthly privacy budget (ε)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name


class TrackRights(models.Model):
    """Who holds the rights to a track: the one organisation that sees its figures."""

    track = models.OneToOneField(
        "catalog.Track", verbose_name=_("track"), on_delete=models.CASCADE, related_name="rights"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("rights holder"), on_delete=models.CASCADE,
        related_name="rights",
    )  # fmt: skip
    set_at = models.DateTimeField(_("set"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("rights holder of a track")
        verbose_name_plural = _("rights holders of tracks")

    def __str__(self) -> str:
        return f"{self.track_id} → {self.organisation}"


class Membership(models.Model):
    class Role(models.TextChoices):
        VIEWER = "viewer", _("viewer")
        ADMIN = "admin", _("admin")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_memberships"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    created_at = models.DateTimeField(_("joined"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} of {self.organisation}"


class Invitation(models.Model):
    """A signed, expiring, single-use link that makes whoever signs in with it a member."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(_("role"), max_length=8, choices=Membership.Role.choices)
    # Where the link was sent; the person may sign in with any address.
    email = models.EmailField(_("sent to"), blank=True)
    nonce = models.CharField(max_length=32, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    # An accepted invitation goes with the account: it holds the address it was sent to.
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.role} of {self.organisation} ({self.email or 'link'})"


class MembershipEvent(models.Model):
    """One change to who belongs to an organisation, written with the change."""

    class Action(models.TextChoices):
        INVITED = "invited", _("invited")
        INVITATION_REVOKED = "invitation_revoked", _("invitation revoked")
        JOINED = "joined", _("joined")
        REMOVED = "removed", _("removed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    role = models.CharField(_("role"), max_length=8, choices=Membership.Role.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    invitation = models.ForeignKey(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.role} of {self.organisation_id} at {self.at:%Y-%m-%d}"


class ApiToken(models.Model):
    """A token for the partner API: shown once, kept only as a digest, scoped, expiring."""

    class Scope(models.TextChoices):
        REPORTS = "reports", _("read released reports")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(_("name"), max_length=80)
    # The first characters, to tell tokens apart in lists; the rest exists only as a digest.
    prefix = models.CharField(_("starts with"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ReleasedView(models.Model):
    """The released figures of one query, kept so that asking again returns the same."""

    key = models.CharField(max_length=64, unique=True)
    query = models.JSONField(_("query"))
    figures = models.JSONField(_("released figures"))
    epsilon = models.FloatField(_("privacy loss (ε)"))
    created_at = models.DateTimeField(_("released"))

    def __str__(self) -> str:
        return f"view {self.key[:12]} (ε {self.epsilon:g})"


class Release(models.Model):
    """One handing-over of released figures, with the budget it spent (DESIGN.md 5.5)."""

    class Channel(models.TextChoices):
        PORTAL = "portal", _("portal")
        EXPORT = "export", _("export")
        API = "api", _("API")
        REPORT = "report", _("monthly report")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="releases"
    )
    view = models.ForeignKey(ReleasedView, on_delete=models.PROTECT, related_name="releases")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    token = models.ForeignKey(
        ApiToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    epsilon_spent = models.FloatField(_("budget spent (ε)"))
    at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation", "at"], name="release_org_at")]

    def __str__(self) -> str:
        return f"{self.organisation} {self.channel} ε {self.epsilon_spent:g} at {self.at:%Y-%m-%d}"


class MonthlyReport(models.Model):
    """The report of a month for one organisation: built on the 1st, mailed to its admins."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="monthly_reports"
    )
    month = models.DateField(_("month"))  # its first day
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    release = models.ForeignKey(
        Release, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipients = models.PositiveSmallIntegerField(_("mailed to"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-month", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="monthlyreport_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.month:%Y-%m}: {self.status}"

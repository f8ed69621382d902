"""Cookie choices: one row for every choice a browser makes, never updated.

A choice belongs to a browser, named by a random consent id kept in a first-party cookie;
when the browser is signed in, the account is noted too. No IP address or user agent is
stored: the consent id is all a later question ("what did this browser agree to, and
when?") needs. The latest row of a consent id is the choice in force."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    """The three purposes a visitor is asked about."""

    # Session and CSRF cookies: the site cannot sign anyone in without them. Always on.
    ESSENTIAL = "essential", _("essential")
    # The listener cookie: first-party, aggregate statistics only, exempt from consent
    # under the Telecommunicatiewet as analytics with little impact; on unless refused.
    AUDIENCE_STATISTICS = "audience_statistics", _("audience statistics")
    # Partners' tags and cookies; they need consent, so off until given.
    ADVERTISING = "advertising", _("advertising partners")

    @classmethod
    def default(cls, purpose: "Purpose") -> bool:
        """Say whether a purpose is on for a browser that has made no choice."""
        return purpose in (cls.ESSENTIAL, cls.AUDIENCE_STATISTICS)


class ConsentChoice(models.Model):
    """What one browser chose, under which policy version, and when."""

    class Method(models.TextChoices):
        ACCEPT_ALL = "accept_all", _("accepted all")
        REFUSE_ALL = "refuse_all", _("refused all")
        CHOSEN = "chosen", _("chose per purpose")
        # The browser sent Global Privacy Control: recorded as a refusal of both.
        GLOBAL_PRIVACY_CONTROL = "gpc", _("Global Privacy Control")

    # The random value of the consent cookie; the same browser keeps it across choices.
    consent_id = models.UUIDField(_("consent id"), db_index=True)
    # Set when the browser was signed in. Erasing the account leaves the row to its
    # browser: the proof of what was agreed stays, the person is gone from it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consent_choices",
    )
    audience_statistics = models.BooleanField(_("audience statistics"))
    advertising = models.BooleanField(_("advertising partners"))
    method = models.CharField(_("how"), max_length=16, choices=Method.choices)
    policy_version = models.ForeignKey(
        "privacy.PolicyVersion",
        on_delete=models.PROTECT,
        related_name="consent_choices",
        verbose_name=_("policy version"),
    )
    chosen_at = models.DateTimeField(_("chosen at"))

    class Meta:
        ordering = ["-chosen_at", "-id"]
        verbose_name = _("cookie choice")
        indexes = [
            models.Index(fields=["consent_id", "-chosen_at"], name="consent_latest_of_browser"),
            models.Index(fields=["user", "-chosen_at"], name="consent_latest_of_user"),
        ]
        constraints = [
            # The method must say what the row holds: no "accepted all" with a purpose off.
            models.CheckConstraint(
                condition=~Q(method="accept_all") | Q(audience_statistics=True, advertising=True),
                name="consent_accept_all_is_all",
            ),
            models.CheckConstraint(
                condition=~Q(method__in=["refuse_all", "gpc"])
                | Q(audience_statistics=False, advertising=False),
                name="consent_refusal_is_all_off",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consent_id}: {self.method} at {self.chosen_at:%Y-%m-%d %H:%M}"

    @property
    def essential(self) -> bool:
        """Essential cookies are not a choice; they are always on."""
        return True

    def allows(self, purpose: Purpose) -> bool:
        """Say whether this choice lets cookies of `purpose` be set."""
        if purpose == Purpose.ESSENTIAL:
            return True
        if purpose == Purpose.AUDIENCE_STATISTICS:
            return self.audience_statistics
        return self.advertising


class MarketingPurpose(models.TextChoices):
    """What mail a listener may ask for, each on its own; ALL is what an objection covers."""

    SPECIALS = "specials", _("specials")
    SURVEYS = "surveys", _("surveys")
    PRODUCTS = "products", _("new products and services")
    ALL = "all", _("every kind of mail")

    @classmethod
    def asked(cls) -> list["MarketingPurpose"]:
        """The purposes a listener opts in to one by one."""
        return [cls.SPECIALS, cls.SURVEYS, cls.PRODUCTS]


class MarketingChoice(models.Model):
    """A listener's yes or no to one kind of marketing mail; never updated.

    Marketing mail needs a prior opt-in, confirmed from the address it goes to (double
    opt-in), so a listener with no confirmed row for a purpose gets none of it. The latest
    row of the purpose or of ALL is the choice in force; the earlier ones are the proof of
    what was agreed and when. An objection (GDPR art. 21(2)) covers ALL, is absolute and
    takes one click."""

    class Method(models.TextChoices):
        OPT_IN = "opt_in", _("opted in, not yet confirmed")
        CONFIRMED = "confirmed", _("confirmed from the address")
        OPT_OUT = "opt_out", _("opted out")
        OBJECTION = "objection", _("objected to direct marketing")
        # The link in a message, or a mail client's List-Unsubscribe.
        UNSUBSCRIBE_LINK = "unsubscribe", _("unsubscribed from a message")
        # The mail service said the address bounced, or its owner marked a message as spam.
        BOUNCED = "bounced", _("the address bounced or complained")

    SUBSCRIBED = (Method.OPT_IN, Method.CONFIRMED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="marketing_choices"
    )
    purpose = models.CharField(
        _("purpose"), max_length=12, choices=MarketingPurpose.choices, default=MarketingPurpose.ALL
    )
    subscribed = models.BooleanField(_("receives marketing mail"))
    method = models.CharField(_("how"), max_length=16, choices=Method.choices)
    policy_version = models.ForeignKey(
        "privacy.PolicyVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("policy version"),
    )
    chosen_at = models.DateTimeField(_("chosen at"))

    class Meta:
        ordering = ["-chosen_at", "-id"]
        verbose_name = _("marketing choice")
        indexes = [models.Index(fields=["user", "-chosen_at"], name="marketing_latest_of_user")]
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=["opt_in", "confirmed"], subscribed=True)
                | Q(
                    method__in=["opt_out", "objection", "unsubscribe", "bounced"],
                    subscribed=False,
                ),
                name="marketing_method_matches_choice",
            ),
            # One asks for one kind of mail at a time; an objection is to all of it.
            models.CheckConstraint(
                condition=Q(
                    method__in=["opt_in", "confirmed"],
                    purpose__in=["specials", "surveys", "products"],
                )
                | Q(method="objection", purpose="all")
                | Q(method__in=["opt_out", "unsubscribe", "bounced"]),
                name="marketing_purpose_matches_method",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.method} at {self.chosen_at:%Y-%m-%d %H:%M}"

"""The listener's age answer, the guardian's confirmation and profile facts with provenance.

No date of birth is ever stored: only the answer (18 or older, or younger) and, for a younger
listener, the record of a parent or guardian confirming through a signed link."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgeStatement(models.Model):
    """What the listener answered at the age step; one answer per account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="age_statement"
    )
    adult = models.BooleanField(_("18 or older"))
    stated_at = models.DateTimeField(_("stated at"))

    def __str__(self) -> str:
        return f"{self.user_id}: {'18+' if self.adult else 'under 18'}"


class GuardianConfirmation(models.Model):
    """A request to a parent or guardian, and when (if ever) they confirmed it.

    The link in the e-mail carries this row's id signed with a timestamp; confirming sets
    `confirmed_at` once, so a second use of the same link is refused."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guardian_confirmations"
    )
    guardian_email = models.EmailField(_("guardian's e-mail address"), max_length=254)
    requested_at = models.DateTimeField(_("requested at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.user_id}: {'confirmed' if self.confirmed_at else 'pending'}"


# The source of a fact the listener corrected themselves, rather than a provider's id.
PROFILE_SOURCE_SELF = "self"


class ProfileFact(models.Model):
    """One piece of information a sign-in provider gave about the listener.

    Stored per provider, with the time it arrived, so the profile page can say what came
    from where and the listener can remove it."""

    class Kind(models.TextChoices):
        NAME = "name", _("name")
        AVATAR = "avatar", _("picture")
        LOCALE = "locale", _("language")
        EMAIL = "email", _("e-mail address")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile_facts"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=500)
    # The allauth provider id (e.g. "google", or an OpenID Connect app's provider_id).
    source = models.CharField(_("source"), max_length=200)
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        ordering = ["kind", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "source"], name="accounts_fact_one_per_kind_and_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} from {self.source}"

"""The privacy policy as numbered versions, and which listener has seen which version's notice.

Information is used under the policy in force when it is used, so every version is kept
as it was published: a published version's text never changes, a later version replaces
it from its own effective date on. Publishing with an effective date already past would
rewrite what applied on those days; the services refuse it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PolicyVersion(models.Model):
    """One version of the policy, in English and Dutch, in force from `effective_on`.

    The version in force on a day is the published one with the latest `effective_on`
    not after that day. A draft (not published) can be edited; a published one cannot."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    effective_on = models.DateField(_("takes effect on"))
    # What changed since the previous version, in a sentence or two: the notice shows it.
    summary_en = models.TextField(_("what changed (English)"), blank=True)
    summary_nl = models.TextField(_("what changed (Dutch)"), blank=True)
    # Plain text: paragraphs separated by blank lines, "## " starts a heading, "- " an item.
    text_en = models.TextField(_("text (English)"))
    text_nl = models.TextField(_("text (Dutch)"))
    # The version changes what the cookie choices ask (a purpose added, or one changed):
    # from the day it takes effect, a browser that chose before is asked again, once.
    cookie_purposes_changed = models.BooleanField(_("changes the cookie purposes"), default=False)
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Staff accounts that published a version are kept (deactivated, not deleted): the
    # record of who published what must outlive them. Empty for the version the
    # migrations seed.
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("policy version")
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="policy_number_from_one"),
            models.CheckConstraint(
                condition=Q(published=True, published_at__isnull=False)
                | Q(published=False, published_at__isnull=True),
                name="policy_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(published=False) | (~Q(text_en="") & ~Q(text_nl="")),
                name="policy_published_has_both_texts",
            ),
            # Two versions taking effect the same day would leave the one in force undecided.
            models.UniqueConstraint(
                fields=["effective_on"],
                condition=Q(published=True),
                name="policy_one_published_per_day",
            ),
        ]

    def __str__(self) -> str:
        state = "" if self.published else " (draft)"
        return f"version {self.number}, {self.effective_on:%Y-%m-%d}{state}"

    def text(self, language: str) -> str:
        """Return the text in `language` ("nl" or anything else for English)."""
        return self.text_nl if language == "nl" else self.text_en

    def summary(self, language: str) -> str:
        return self.summary_nl if language == "nl" else self.summary_en


class PolicyNoticeSeen(models.Model):
    """A signed-in listener was shown the notice that a version took effect.

    One row per listener and version; the notice appears until the row exists."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="policy_notices_seen"
    )
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    seen_at = models.DateTimeField(_("seen at"))

    class Meta:
        verbose_name = _("policy notice seen")
        verbose_name_plural = _("policy notices seen")
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="policy_notice_seen_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saw version {self.version_id}"

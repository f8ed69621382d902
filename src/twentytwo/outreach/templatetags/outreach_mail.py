"""`{% mail_invitation %}`: on the dashboard, an invitation to choose mail, shown only to a
listener who may get mail and has never made a marketing choice (a no stays a no)."""

from django import template

from twentytwo.outreach.selectors.subscriptions import mail_invitation_due

register = template.Library()


@register.inclusion_tag("outreach/partials/mail_invitation_card.html", takes_context=True)
def mail_invitation(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"due": user is not None and user.is_authenticated and mail_invitation_due(user)}

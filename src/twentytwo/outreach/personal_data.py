"""Personal data held by outreach: mail preferences, the record of each message sent, and
entries to promotions run with affiliates.

Read by the privacy app; plain data, so nothing here imports privacy."""


def _made_by_staff(kept: str) -> dict:
    """What staff write for everyone (a campaign, a promotion, a survey): only its author is
    personal, kept as the proof of what was done."""
    return {
        "owner": None,
        "subjects": ["staff"],
        "purpose": "staff_accountability",
        "legal_basis": "legitimate_interests",
        "retention": {"kept": kept},
        "fields": {"created_by": "staff_activity"},
    }


PERSONAL_DATA = {
    "outreach.Subscriber": {
        "owner": "user",
        "subjects": ["listeners"],
        "purpose": "marketing_mail",
        "legal_basis": "consent",
        "retention": {"while": "account"},
        "fields": {
            "user": "online_identifier",
            "email": "contact",
            "language": "mailing",
            "city": "mailing",
            "updated_at": "mailing",
        },
    },
    "outreach.Delivery": {
        "owner": "user",
        "subjects": ["listeners"],
        "purpose": "marketing_mail",
        "legal_basis": "consent",
        "retention": {"while": "account"},
        "fields": {
            "user": "online_identifier",
            "campaign": "mailing",
            "status": "mailing",
            "done_at": "mailing",
            "error": "mailing",
        },
    },
    "outreach.PromotionEntry": {
        "owner": "user",
        "subjects": ["listeners"],
        "purpose": "affiliate_transactions",
        "legal_basis": "consent",
        "retention": [
            {"while": "account"},
            {
                "days": 90,
                "after": "promotion__closes_at",
                "note": "time to draw, send the prizes and answer questions about them",
            },
        ],
        "note": "each entry's asked fields go to the promotion's affiliate, as the page says",
        "fields": {
            "user": "online_identifier",
            "reference": "online_identifier",
            "name": "identity",
            "email": "contact",
            "postal_address": "promotion_entry",
            "answer": "promotion_entry",
            "entered_at": "promotion_entry",
            "handed_over_at": "promotion_entry",
            "handover_attempts": "promotion_entry",
            "handover_error": "promotion_entry",
        },
    },
    "outreach.SurveyResponse": {
        "owner": "user",
        "subjects": ["listeners"],
        "purpose": "surveys",
        "legal_basis": "consent",
        "retention": {"while": "account"},
        "note": "the account is on a response only when the survey needed it and the "
        "listener agreed; otherwise nothing leads from a response to anyone",
        "fields": {"user": "online_identifier", "submitted_on": "survey_answers"},
    },
    "outreach.Answer": {
        "owner": "response__user",
        "subjects": ["listeners"],
        "purpose": "surveys",
        "legal_basis": "consent",
        "retention": {"while": "account"},
        "note": "an answer names no one unless its response carries the account",
        "fields": {"chosen": "survey_answers", "scale": "survey_answers", "text": "survey_answers"},
    },
    "outreach.PendingResponse": {
        "owner": None,
        "subjects": ["listeners"],
        "purpose": "surveys",
        "legal_basis": "consent",
        "retention": {
            "kept": "until enough answers have come, or the survey has closed (checked every "
            "minute); then they become responses, in random order"
        },
        "note": "answers with no account, waiting to go in with others",
        "fields": {"answers": "survey_answers", "submitted_on": "survey_answers"},
    },
    "outreach.SurveyTicket": {
        "owner": "user",
        "subjects": ["listeners"],
        "purpose": "surveys",
        "legal_basis": "consent",
        "retention": {"while": "account"},
        "note": "that the account answered a survey, so it answers once; not which answers",
        "fields": {"user": "online_identifier", "survey": "survey_answers"},
    },
    "outreach.Survey": _made_by_staff("what was asked, and of whom: the proof of each survey"),
    "outreach.Promotion": _made_by_staff(
        "what was promised, with whom and what it asked: the proof"
    ),
    "outreach.Campaign": _made_by_staff(
        "what was sent, by whom and when: the proof of each mailing"
    ),
}

_CAMPAIGN_TEXT = "what staff wrote for everyone who asked for the kind of mail, no one's data"
NOT_PERSONAL = {
    "outreach.Campaign.name": "a campaign's working title",
    "outreach.Campaign.subject_en": _CAMPAIGN_TEXT,
    "outreach.Campaign.subject_nl": _CAMPAIGN_TEXT,
    "outreach.Campaign.body_en": _CAMPAIGN_TEXT,
    "outreach.Campaign.body_nl": _CAMPAIGN_TEXT,
    "outreach.Promotion.title": "a promotion's published title",
    "outreach.Promotion.text": "a promotion's published description",
    "outreach.Promotion.question": "a promotion's published question",
    "outreach.Promotion.fields": "the names of the fields an entry asks, not their values",
    "outreach.Ad.name": "an ad's working title",
    "outreach.Survey.title": "a survey's published title",
    "outreach.Survey.intro": "a survey's published introduction",
    "outreach.Survey.account_reason": "why a survey asks for the account, as published",
    "outreach.Question.text": "a published question",
    "outreach.Question.choices": "a question's published choices",
    "outreach.Ad.text": "an ad's published text",
    "outreach.Ad.places": "the places of the site an ad may show in",
    "outreach.Ad.dayparts": "the dayparts an ad may show in",
    "outreach.Promotion.webhook_secret": "a signing key agreed with an affiliate",
}

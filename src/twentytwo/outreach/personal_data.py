"""Personal data held by outreach: mail preferences and the record of each message sent.

Read by the privacy app; plain data, so nothing here imports privacy."""

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
    "outreach.Campaign": {
        "owner": None,
        "subjects": ["staff"],
        "purpose": "staff_accountability",
        "legal_basis": "legitimate_interests",
        "retention": {"kept": "what was sent, by whom and when: the proof of each mailing"},
        "fields": {"created_by": "staff_activity"},
    },
}

_CAMPAIGN_TEXT = "what staff wrote for everyone who asked for the kind of mail, no one's data"
NOT_PERSONAL = {
    "outreach.Campaign.name": "a campaign's working title",
    "outreach.Campaign.subject_en": _CAMPAIGN_TEXT,
    "outreach.Campaign.subject_nl": _CAMPAIGN_TEXT,
    "outreach.Campaign.body_en": _CAMPAIGN_TEXT,
    "outreach.Campaign.body_nl": _CAMPAIGN_TEXT,
}

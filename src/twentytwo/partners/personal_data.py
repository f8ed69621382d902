"""Personal data held by partners: who belongs to a partner organisation, who invited whom,
who was shown which released figures. The figures themselves are statistics of many
browsers, bounded and noised, and hold nothing about a listener.

Read by the privacy app; plain data, so nothing here imports privacy."""

_FIVE_YEARS = 5 * 365
_ACCOUNTABLE = "kept five years: who was given partner reports, and by whom"

PERSONAL_DATA = {
    "partners.Membership": {
        "owner": "user",
        "subjects": ["partners"],
        "purpose": "partner_reports",
        "legal_basis": "contract",
        "retention": {"while": "account"},
        "fields": {"user": "online_identifier", "role": "account", "created_at": "account"},
    },
    "partners.Invitation": {
        "owner": "accepted_by",
        "subjects": ["partners", "staff"],
        "purpose": "partner_reports",
        "legal_basis": "legitimate_interests",
        "retention": {"days": 90, "after": "expires_at"},
        "fields": {
            "email": {"category": "contact", "note": "where the invitation was sent"},
            "invited_by": "staff_activity",
            "accepted_by": "online_identifier",
            "accepted_at": "account",
        },
    },
    "partners.MembershipEvent": {
        "owner": "member",
        "subjects": ["partners", "staff"],
        "purpose": "staff_accountability",
        "legal_basis": "legitimate_interests",
        "retention": {"days": _FIVE_YEARS, "after": "at", "note": _ACCOUNTABLE},
        "fields": {
            "actor": "staff_activity",
            "member": "online_identifier",
            "action": "staff_activity",
            "at": "staff_activity",
        },
    },
    "partners.ApiToken": {
        "owner": "created_by",
        "subjects": ["partners"],
        "purpose": "partner_reports",
        "legal_basis": "contract",
        "retention": {"days": 365, "after": "expires_at"},
        "fields": {
            "created_by": "staff_activity",
            "name": {"category": "account", "note": "a label its maker chose"},
            "last_used_at": "account",
        },
    },
    "partners.Release": {
        "owner": "person",
        "subjects": ["partners"],
        "purpose": "staff_accountability",
        # Art. 5(2): being able to show what was released, to whom and when.
        "legal_basis": "legal_obligation",
        "retention": {"days": _FIVE_YEARS, "after": "at", "note": _ACCOUNTABLE},
        "fields": {
            "person": "release",
            "token": "release",
            "channel": "release",
            "at": "release",
        },
    },
    "partners.TrackRights": {
        "owner": "set_by",
        "subjects": ["staff"],
        "purpose": "staff_accountability",
        "legal_basis": "legitimate_interests",
        "retention": {"while": "account"},
        "fields": {"set_by": "staff_activity"},
    },
}

NOT_PERSONAL = {
    "partners.Organisation.name": "the name of a label, publisher, artist act or advertiser",
    "partners.ApiToken.scopes": "what a token may read, from a fixed list",
    "partners.ReleasedView.key": "a digest of a report query, not of anyone",
    "partners.ReleasedView.query": "the tracks, range and daypart of a report, no person",
    "partners.ReleasedView.figures": "noised sums over many browsers, no listener id",
    "partners.MonthlyReport.error": "why building or mailing a report failed, no address",
}

"""Personal data held by audience measurement: the random listener id and what it played.

The listener id names a browser, not a person, and is never joined to an account, an IP
address or anything else; it is still an online identifier, so it is declared as one.
Read by the privacy app; plain data, so nothing here imports privacy (DESIGN.md 5.1)."""

PERSONAL_DATA = {
    "audience.ListenEvent": {
        # No path leads from an event to an account, by design.
        "owner": None,
        "subjects": ["browsers"],
        "purpose": "audience_statistics",
        "legal_basis": "analytics_cookie",
        "retention": {
            "days_setting": "AUDIENCE_RETENTION_DAYS",
            "after": "server_time",
            # Events the rollup has not yet read are kept whatever their age.
            "applied_by": "twentytwo.audience.services.retention.events_delete_expired",
        },
        "fields": {
            "listener": {
                "category": "online_identifier",
                "note": "random, from the tt_listener cookie; holds nothing about the listener",
            },
            "event_id": "listening",
            "kind": "listening",
            "city_id": "listening",
            "genre_id": "listening",
            "track_id": "listening",
            "position": "listening",
            "client_time": "listening",
            "server_time": "listening",
        },
    },
    "audience.CreditedQuarterHour": {
        "owner": None,
        "subjects": ["browsers"],
        "purpose": "audience_statistics",
        "legal_basis": "analytics_cookie",
        "retention": {
            "days_setting": "AUDIENCE_LISTENER_ID_DAYS",
            "after": "slot_start",
            # The rows stay (the ratings of past periods are computed from them); the ids
            # are replaced, a month at a time, by ids that hold for that month only.
            "applied_by": "twentytwo.audience.services.retention.listener_ids_pseudonymize",
            "note": (
                "rows are kept; whole months past this age get new random ids, one per "
                "listener and month, so they no longer lead to the cookie or to other months"
            ),
        },
        "fields": {
            "listener": {
                "category": "online_identifier",
                "note": "the same random listener id, once per quarter hour credited",
            },
            "slot_start": "listening",
            "city_id": "listening",
            "genre_id": "listening",
            "track_id": "listening",
        },
    },
    "audience.PlayedQuarterHour": {
        "owner": None,
        "subjects": ["browsers"],
        "purpose": "audience_statistics",
        "legal_basis": "analytics_cookie",
        "retention": {
            "days_setting": "AUDIENCE_LISTENER_ID_DAYS",
            "after": "slot_start",
            # Replaced together with the credited quarter hours' ids, month by month.
            "applied_by": "twentytwo.audience.services.retention.listener_ids_pseudonymize",
            "note": (
                "rows are kept; whole months past this age get new random ids, the same "
                "as in the credited quarter hours, so they no longer lead to the cookie"
            ),
        },
        "fields": {
            "listener": {
                "category": "online_identifier",
                "note": "the same random listener id, once per track and quarter hour played",
            },
            "slot_start": "listening",
            "city_id": "listening",
            "genre_id": "listening",
            "track_id": "listening",
            "plays": "listening",
            "ends": "listening",
            "skips": "listening",
            "listening_seconds": "listening",
        },
    },
}

NOT_PERSONAL = {
    "audience.ListeningQuarterHour.session_starts": "a count of listening sessions, summed",
    "audience.ListeningHour.session_starts": "a count of listening sessions, summed",
    "audience.ListeningDay.session_starts": "a count of listening sessions, summed",
}

"""Personal data held by favorites: a signed-in listener's hearts and dashboard visits.

Read by the privacy app; plain data, so nothing here imports privacy."""

PERSONAL_DATA = {
    "favorites.Favorite": {
        "owner": "user",
        "subjects": ["listeners"],
        "purpose": "favorites",
        "legal_basis": "contract",
        "retention": {"while": "account"},
        "fields": {
            "user": "online_identifier",
            "track": "favorites",
            "genre": "favorites",
            "created_at": "favorites",
        },
    },
    "favorites.DashboardVisit": {
        "owner": "user",
        "subjects": ["listeners"],
        "purpose": "favorites",
        "legal_basis": "contract",
        "retention": {"while": "account"},
        "fields": {"user": "online_identifier", "visited_at": "favorites"},
    },
}

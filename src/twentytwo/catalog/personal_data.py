"""Personal data in the catalog: curators and artists, who are people too.

Their names, biographies, pictures and links are published on purpose, to credit them; it
is still personal data, so it is declared, with the curators' link to the accounts they
sign in with. Read by the privacy app; plain data, so nothing here imports privacy."""

_EDITORIAL = {
    "kept": "while the curator's or artist's pages are on the site; removed on request",
}

PERSONAL_DATA = {
    "catalog.Curator": {
        "owner": "accounts",
        "subjects": ["curators"],
        "purpose": "editorial",
        "legal_basis": "contract",
        "retention": _EDITORIAL,
        "fields": {
            "name": "editorial",
            "bio": "editorial",
            "photo": "editorial",
            "links": "editorial",
            "accounts": {
                "category": "online_identifier",
                "subjects": ["curators", "listeners"],
                "purpose": "curator_ratings",
                "note": "which accounts see this curator's ratings",
            },
        },
    },
    "catalog.Track": {
        "owner": None,
        "subjects": ["artists"],
        "purpose": "editorial",
        "legal_basis": "legitimate_interests",
        "retention": _EDITORIAL,
        "fields": {
            "artist": "editorial",
            "artist_bio": "editorial",
            "artist_links": "editorial",
        },
    },
    "catalog.PlaylistEntry": {
        "owner": None,
        "subjects": ["curators"],
        "purpose": "editorial",
        "legal_basis": "contract",
        "retention": {"kept": "part of the genre's public ledger"},
        "fields": {"note": {"category": "editorial", "note": "the curator's published note"}},
    },
}

NOT_PERSONAL = {
    "catalog.City.name": "the name of a city",
    "catalog.Genre.name": "the name of a genre",
    "catalog.Genre.description": "editorial text about a genre's music",
    "catalog.Genre.picture": "the stored name of a genre's artwork",
}

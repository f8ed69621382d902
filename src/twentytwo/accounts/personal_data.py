"""Personal data held for sign-in: the accounts app's tables and the framework tables it runs
(Django's users and sessions, allauth's e-mail addresses and social accounts).

Read by the privacy app for the record of processing, the export and retention; plain data,
so nothing here imports privacy."""

_ACCOUNT = {"while": "account"}

PERSONAL_DATA = {
    "auth.User": {
        "owner": "pk",
        "subjects": ["listeners", "staff"],
        "purpose": "sign_in",
        "legal_basis": "contract",
        "retention": _ACCOUNT,
        "fields": {
            "id": "online_identifier",
            "username": {
                "category": "identity",
                "note": "made from the provider's name or e-mail address at the first sign-in",
            },
            "first_name": "identity",
            "last_name": "identity",
            "email": "contact",
            "password": {
                "category": "credentials",
                "subjects": ["staff"],
                "note": "a salted hash, for staff only; listeners have no password",
            },
            "last_login": "account",
            "date_joined": "account",
            "is_active": "account",
            "is_staff": "account",
            "is_superuser": {"category": "account", "subjects": ["staff"]},
            "groups": {"category": "account", "subjects": ["staff"]},
            "user_permissions": {"category": "account", "subjects": ["staff"]},
        },
    },
    "sessions.Session": {
        # Sessions are stored signed and encoded; they are found by decoding, not by a column.
        "owner": None,
        "subjects": ["listeners", "staff"],
        "purpose": "sessions",
        "legal_basis": "contract",
        "retention": {
            "days": 0,
            "after": "expire_date",
            "note": "a session ends at the latest after TWENTYTWO_SESSION_ABSOLUTE_TIMEOUT",
        },
        "fields": {
            "session_key": "credentials",
            "session_data": {
                "category": "session",
                "note": "the signed-in account number, sign-in and last-seen times, messages",
            },
            "expire_date": "session",
        },
    },
    "account.EmailAddress": {
        "owner": "user",
        "subjects": ["listeners"],
        "purpose": "sign_in",
        "legal_basis": "contract",
        "retention": _ACCOUNT,
        "fields": {
            "user": "online_identifier",
            "email": "contact",
            "verified": "contact",
            "primary": "contact",
        },
    },
    "account.EmailConfirmation": {
        # Unused while e-mail verification is off (ACCOUNT_EMAIL_VERIFICATION = "none").
        "owner": "email_address__user",
        "subjects": ["listeners"],
        "purpose": "sign_in",
        "legal_basis": "contract",
        "retention": {"days": 3, "after": "created", "note": "allauth's link lifetime"},
        "fields": {
            "email_address": "contact",
            "key": "credentials",
            "created": "account",
            "sent": "account",
        },
    },
    "socialaccount.SocialAccount": {
        "owner": "user",
        "subjects": ["listeners"],
        "purpose": "sign_in",
        "legal_basis": "contract",
        "retention": _ACCOUNT,
        "fields": {
            "user": "online_identifier",
            "provider": "online_identifier",
            "uid": {"category": "online_identifier", "note": "the provider's id for the person"},
            "last_login": "account",
            "date_joined": "account",
            "extra_data": {
                "category": "provider_profile",
                "note": "the provider's answer as received: name, e-mail, picture, language",
            },
        },
    },
    "socialaccount.SocialToken": {
        # None are stored (SOCIALACCOUNT_STORE_TOKENS = False); declared so that turning
        # storage on cannot go unrecorded.
        "owner": "account__user",
        "subjects": ["listeners"],
        "purpose": "sign_in",
        "legal_basis": "contract",
        "retention": _ACCOUNT,
        "fields": {
            "account": "online_identifier",
            "token": "credentials",
            "token_secret": "credentials",
            "expires_at": "credentials",
        },
    },
    "accounts.ProfileFact": {
        "owner": "user",
        "subjects": ["listeners"],
        "purpose": "profile",
        "legal_basis": "contract",
        "retention": _ACCOUNT,
        "fields": {
            "user": "online_identifier",
            "kind": "provider_profile",
            "value": {
                "category": "provider_profile",
                "note": "a name, picture address, language or e-mail address",
            },
            "source": "provider_profile",
            "received_at": "provider_profile",
        },
    },
    "accounts.AgeStatement": {
        "owner": "user",
        "subjects": ["listeners"],
        "purpose": "age_check",
        "legal_basis": "legal_obligation",
        "retention": _ACCOUNT,
        "note": "no date of birth is asked or kept: only 18 or older, or not",
        "fields": {"user": "online_identifier", "adult": "age", "stated_at": "age"},
    },
    "accounts.GuardianConfirmation": {
        "owner": "user",
        "subjects": ["listeners", "guardians"],
        "purpose": "age_check",
        "legal_basis": "legal_obligation",
        "retention": [
            {
                "days": 30,
                "after": "requested_at",
                "where": {"confirmed_at__isnull": True},
                "note": "requests never confirmed; the link itself expires after 7 days",
            },
            _ACCOUNT,
        ],
        "fields": {
            "user": "online_identifier",
            "guardian_email": {"category": "contact", "subjects": ["guardians"]},
            "requested_at": "age",
            "confirmed_at": "age",
        },
    },
}

NOT_PERSONAL = {
    "auth.Group.name": "the name of a staff role",
    "auth.Permission.name": "the name of a permission",
    "socialaccount.SocialApp.name": "the name of a sign-in provider's configuration",
    "socialaccount.SocialApp.secret": "our client secret at the provider, not a person's",
    "socialaccount.SocialApp.key": "our client key at the provider, not a person's",
    "socialaccount.SocialApp.settings": "the provider's configuration (server address, PKCE)",
}

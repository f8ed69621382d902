"""The words personal-data declarations are written in: categories, purposes, legal bases and
the people the data is about.

Declarations name these by key, as plain strings, so an app declares its data without
importing anything of privacy; the record of processing shows the labels."""

from django.utils.translation import gettext_lazy as _

CATEGORIES = {
    "identity": _("name and username"),
    "contact": _("e-mail address"),
    "online_identifier": _(
        "online identifiers (account number, sign-in provider's id, random cookie ids)"
    ),
    "credentials": _("sign-in secrets (staff password hash, provider tokens, session keys)"),
    "provider_profile": _("what a sign-in provider told us (name, picture, language, e-mail)"),
    "age": _("age statement (18 or older, or younger) and a guardian's confirmation"),
    "account": _("account status and dates (joined, last signed in, staff or not)"),
    "favorites": _("favorite tracks and genres, and when the dashboard was last opened"),
    "listening": _("listening events under a random listener id (no account, no IP)"),
    "session": _("session contents (who is signed in, timestamps, one-time messages)"),
    "choices": _("cookie, marketing and policy-notice choices, with when they were made"),
    "request": _("requests about personal data and their handling"),
    "release": _("records of personal data released, to whom and why"),
    "staff_activity": _("who among staff did what, and when"),
    "editorial": _("curators' and artists' public names, biographies, pictures and links"),
    "mailing": _("mail preferences (language, city) and which mailings were sent, and when"),
    "task_data": _("arguments and results of background work"),
    "survey_answers": _(
        "answers to surveys (kept without the account unless the survey needed it and the "
        "listener agreed), and that an account answered"
    ),
    "promotion_entry": _(
        "entries to a promotion run with an affiliate: the postal address and answer given, "
        "and when the entry went to the affiliate"
    ),
    "traffic": _(
        "server log of requests: time, address asked for, answer, IP address (cut to its "
        "network after a week), browser family and referring site"
    ),
}

PURPOSES = {
    "sign_in": _("Signing listeners in through their chosen provider and keeping the account"),
    "profile": _("Showing listeners what their sign-in provider told us, and where from"),
    "age_check": _(
        "Keeping the service to adults, and to younger listeners with a parent's or guardian's "
        "confirmation"
    ),
    "favorites": _("Keeping favorites and a dashboard for signed-in listeners"),
    "sessions": _("Keeping a signed-in listener signed in, safely"),
    "audience_statistics": _("Counting how many browsers listen, when and for how long (ratings)"),
    "consent_records": _("Recording cookie, marketing and policy-notice choices"),
    "privacy_requests": _("Answering requests to see, correct or erase personal data"),
    "legal_disclosures": _("Releasing data where the law requires it, and recording each release"),
    "affiliate_transactions": _("Sharing data with an affiliate for one transaction"),
    "staff_accountability": _("Knowing which staff member did what in the admin and registers"),
    "editorial": _("Crediting curators and artists on the pages of the catalog"),
    "curator_ratings": _("Showing curators the ratings of their own genres"),
    "partner_reports": _(
        "Giving labels, publishers, artists and advertisers statistics about how their "
        "tracks are listened to, never about a listener"
    ),
    "marketing_mail": _(
        "Sending the mail a listener asked for and confirmed: specials, surveys, new products "
        "and services"
    ),
    "surveys": _("Asking listeners what they think, in surveys they chose to answer"),
    "background_work": _("Running scheduled work (rollups, retention) in the background"),
    "operations": _("Diagnosing problems with the servers, seeing trends and running the site"),
}

LEGAL_BASES = {
    "consent": _("consent (GDPR art. 6(1)(a))"),
    "contract": _("needed for the service the person asked for (GDPR art. 6(1)(b))"),
    "legal_obligation": _("legal obligation (GDPR art. 6(1)(c))"),
    "legitimate_interests": _("legitimate interests (GDPR art. 6(1)(f))"),
    # The cookie itself needs no consent when it serves analytics with little or no impact
    # on privacy; the visitor must be informed and can switch it off.
    "analytics_cookie": _(
        "legitimate interests (GDPR art. 6(1)(f)); the cookie is an analytics cookie with "
        "little impact on privacy, exempt from consent under Telecommunicatiewet art. 11.7a(3): "
        "visitors are told "
        "about it and can switch it off"
    ),
}

SUBJECTS = {
    "listeners": _("signed-in listeners"),
    "browsers": _("visitors' browsers (not linked to a person)"),
    "visitors": _("everyone whose browser asks the site for something"),
    "guardians": _("parents and guardians of listeners under 18"),
    "requesters": _("people who write to us about their data"),
    "staff": _("staff"),
    "curators": _("curators"),
    "artists": _("artists"),
    "affiliate_contacts": _("contact persons at affiliates"),
    "partners": _("people of partner organisations (labels, publishers, artists, advertisers)"),
    "third_parties": _("people named in a request from an authority"),
}

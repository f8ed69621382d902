"""The one settings module. Every value comes from the environment, with a default that
runs the embedded configuration (SQLite and files under var/) on a laptop."""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from twentytwo.config.env import (
    env_bool,
    env_float,
    env_int,
    env_list,
    env_networks,
    env_str,
    secret_key_from_file,
)

# The repository root: src/twentytwo/config/settings.py -> four levels up.
BASE_DIR = Path(__file__).resolve().parents[3]

# Where the embedded database, media, collected static files and the secret key live.
VAR_DIR = Path(env_str("TWENTYTWO_VAR_DIR", str(BASE_DIR / "var")))

# Debug pages leak internals; only on when asked for.
DEBUG = env_bool("TWENTYTWO_DEBUG", False)

# Production turns on HTTPS-only cookies, HSTS and the __Host- session cookie.
PRODUCTION = env_bool("TWENTYTWO_PRODUCTION", False)

# Signs sessions, CSRF tokens and stream URLs. Generated once into var/ when not given.
SECRET_KEY = env_str("TWENTYTWO_SECRET_KEY", "") or secret_key_from_file(VAR_DIR / "secret_key")

# Host names this site answers to.
ALLOWED_HOSTS = env_list("TWENTYTWO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

# Origins trusted for CSRF on HTTPS behind a proxy, e.g. https://22tracks.example.
CSRF_TRUSTED_ORIGINS = env_list("TWENTYTWO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    # The JSON API's docs page (Swagger UI) comes from ninja's own static files.
    "ninja",
    # Sign-in with Google, Facebook, X or any OpenID Connect provider; no passwords.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.facebook",
    "allauth.socialaccount.providers.twitter_oauth2",
    "allauth.socialaccount.providers.openid_connect",
    "twentytwo.core",
    "twentytwo.catalog",
    "twentytwo.streaming",
    "twentytwo.api",
    "twentytwo.web",
    "twentytwo.demo",
    "twentytwo.accounts",
    "twentytwo.favorites",
    "twentytwo.audience",
    "twentytwo.traffic",
    "twentytwo.privacy",
    "twentytwo.partners",
    "twentytwo.outreach",
    "django_tasks_db",
    "anymail",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "twentytwo.core.security_headers.PermissionsPolicy",
    # Every error answer under /api/ in the API's JSON shape (api/errors.py).
    "twentytwo.api.errors.ApiErrorShapeMiddleware",
    # Per-address limits (sign-in starts, ads), before a session is made for anyone.
    "twentytwo.core.address_limits.AddressLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag from the body and 304 answers for catalog pages and API responses.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages middleware: a listener signed out by a timeout is told why.
    "twentytwo.accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After htmx's, so that it sees whether the request came from htmx.
    "twentytwo.accounts.middleware.AgeStepMiddleware",
    # After the age step: a listener sent to the age question sees the policy notice after it.
    "twentytwo.privacy.middleware.PolicyNoticeMiddleware",
]

# Audio and picture requests run behind only these (core/lean_handler.py): they need
# no session, user, CSRF or page policy, and are most of the site's requests.
FILE_ROUTE_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "twentytwo.core.security_headers.PermissionsPolicy",
    # Streams and pictures answer only for the site's own hosts, as every page does.
    "twentytwo.core.hosts.HostCheckMiddleware",
]
# Beacons (/api/events) run behind these: they are API answers, errors in its JSON shape.
BEACON_ROUTE_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "twentytwo.core.security_headers.PermissionsPolicy",
    "twentytwo.api.errors.ApiErrorShapeMiddleware",
    "twentytwo.core.hosts.HostCheckMiddleware",
    # Beacons and new listener ids per address.
    "twentytwo.core.address_limits.AddressLimitMiddleware",
]

ROOT_URLCONF = "twentytwo.config.urls"
WSGI_APPLICATION = "twentytwo.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # allauth comes before accounts in INSTALLED_APPS, so its own templates would win
        # over the site-styled ones in accounts/templates; listing the folder puts ours first.
        "DIRS": [BASE_DIR / "src" / "twentytwo" / "accounts" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite under var/ unless DATABASE_URL names another database (postgres://...).
_database = dj_database_url.parse(
    env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'twentytwo.sqlite3'}"),
    conn_max_age=env_int("TWENTYTWO_DB_CONN_MAX_AGE", 60),
    conn_health_checks=True,
)
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while the seeder or an admin writes.
    _database["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DATABASES = {"default": _database}

# Background work (rollups, retention) goes through Django's tasks API; the database
# backend needs no broker, and `python -m twentytwo db_worker` runs the queue.
TASKS = {
    "default": {
        "BACKEND": env_str("TWENTYTWO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Redis, shared by every app process and machine: the response cache, the listener
# budgets and the rate limits (core/shared.py). Unset, each process keeps its own; while
# Redis does not answer, each process falls back to its own and the site runs degraded.
REDIS_URL = env_str("TWENTYTWO_REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "twentytwo.core.shared_cache.SharedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tt",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    )
}

# Limits per client address (core/address_limits.py): a bucket of `burst` requests that
# refills at `per_second`; over it, 429 with Retry-After. A player sends a beacon every 30
# seconds and one at each start, seek, skip and end: 200 listeners behind one address (a
# school, an office) sent 18 a second in make soak, so beacons allow 40 a second after a
# burst of 2400 (a minute of them). A beacon without a
# listener cookie is what gets a new listener id: an address gets 300 at once (a whole
# school arriving) and one more every 30 seconds, so a loop throwing its cookie away adds
# at most 120 listeners an hour. Sign-ins start and come back a few times a day per
# person. An ad is placed once per page and player view.
ADDRESS_LIMITS = [
    {
        "name": "beacons",
        "methods": ["POST"],
        "path": r"^/api/events$",
        "burst": env_int("TWENTYTWO_LIMIT_BEACONS_BURST", 2400),
        "per_second": env_float("TWENTYTWO_LIMIT_BEACONS_PER_SECOND", 40.0),
    },
    {
        "name": "listener-ids",
        "methods": ["POST"],
        "path": r"^/api/events$",
        # audience/listener.py's LISTENER_COOKIE
        "without_cookie": "tt_listener",
        "burst": env_int("TWENTYTWO_LIMIT_LISTENER_IDS_BURST", 300),
        "per_second": env_float("TWENTYTWO_LIMIT_LISTENER_IDS_PER_SECOND", 1 / 30),
    },
    {
        "name": "sign-in-starts",
        "methods": ["GET", "POST"],
        "path": r"^/accounts/(?:[\w.-]+/){1,2}login/$",
        "burst": env_int("TWENTYTWO_LIMIT_SIGN_IN_BURST", 60),
        "per_second": env_float("TWENTYTWO_LIMIT_SIGN_IN_PER_SECOND", 0.1),
    },
    {
        "name": "sign-in-callbacks",
        "methods": ["GET", "POST"],
        "path": r"^/accounts/(?:[\w.-]+/){1,2}login/callback/$",
        "burst": env_int("TWENTYTWO_LIMIT_SIGN_IN_BURST", 60),
        "per_second": env_float("TWENTYTWO_LIMIT_SIGN_IN_PER_SECOND", 0.1),
    },
    {
        "name": "ads",
        "methods": ["GET", "HEAD"],
        "path": r"^/ads/(?:place/|\d+/click/)$",
        "burst": env_int("TWENTYTWO_LIMIT_ADS_BURST", 300),
        "per_second": env_float("TWENTYTWO_LIMIT_ADS_PER_SECOND", 5.0),
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Staff accounts for the admin (created with createsuperuser).
    "django.contrib.auth.backends.ModelBackend",
    # Listeners: social sign-in only.
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# ---------------------------------------------------------------------------------------------
# Accounts: social sign-in (django-allauth), the age step, guardian mail and session timeouts.
# Listeners sign in only through a provider; staff keep the admin's password login.
# ---------------------------------------------------------------------------------------------
ACCOUNT_ADAPTER = "twentytwo.accounts.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "twentytwo.accounts.adapter.SocialAccountAdapter"
# No local passwords: allauth leaves out every signup, password and e-mail form.
SOCIALACCOUNT_ONLY = True
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
# A provider's e-mail address never signs anyone into an existing account, and never links a
# provider to one: linking happens only from a signed-in session (the connections page).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_AUTO_SIGNUP = True
# The provider's access and refresh tokens are not needed after sign-in; not keeping them
# means there is nothing to leak.
SOCIALACCOUNT_STORE_TOKENS = False
# Signing in or out changes state: both only by POST with a CSRF token.
SOCIALACCOUNT_LOGIN_ON_GET = False
ACCOUNT_LOGOUT_ON_GET = False
# The session cookie lives as long as the absolute timeout; the server enforces both limits.
ACCOUNT_SESSION_REMEMBER = True
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"


def _provider_app(prefix: str) -> dict | None:
    """Return an allauth app for TWENTYTWO_<prefix>_CLIENT_ID/_SECRET, or None if unset."""
    client_id = env_str(f"TWENTYTWO_{prefix}_CLIENT_ID", "")
    secret = env_str(f"TWENTYTWO_{prefix}_SECRET", "")
    if not client_id or not secret:
        return None
    return {"client_id": client_id, "secret": secret}


# "Demo login" against a local OpenID Connect server that `make demo` starts; refused in
# production because anyone can sign in there as anyone.
DEMO_LOGIN = env_bool("TWENTYTWO_DEMO_LOGIN", False)
if DEMO_LOGIN and PRODUCTION:
    raise ImproperlyConfigured("TWENTYTWO_DEMO_LOGIN cannot be enabled with TWENTYTWO_PRODUCTION.")
# Loopback port of the demo OpenID Connect server.
DEMO_OIDC_PORT = env_int("TWENTYTWO_DEMO_OIDC_PORT", 9400)

# Each provider appears only when its client id and secret are configured. PKCE (S256) is on
# for every provider; state is always checked; Google and OpenID Connect add a nonce that the
# ID token must carry back (accounts/oidc.py).
_providers: dict = {}
if _google := _provider_app("GOOGLE"):
    _providers["google"] = {
        "APPS": [_google],
        "SCOPE": ["openid", "profile", "email"],
        "OAUTH_PKCE_ENABLED": True,
    }
if _facebook := _provider_app("FACEBOOK"):
    _providers["facebook"] = {
        "APPS": [_facebook],
        "METHOD": "oauth2",
        "SCOPE": ["public_profile", "email"],
        "FIELDS": ["id", "name", "email", "picture"],
        # Facebook Login takes PKCE (S256) on its manual flow; allauth leaves it off unless told.
        "OAUTH_PKCE_ENABLED": True,
    }
if _x := _provider_app("X"):
    _providers["twitter_oauth2"] = {"APPS": [_x], "OAUTH_PKCE_ENABLED": True}
_oidc_apps = []
if (_oidc := _provider_app("OIDC")) and env_str("TWENTYTWO_OIDC_SERVER_URL", ""):
    _oidc_apps.append(
        {
            **_oidc,
            "provider_id": env_str("TWENTYTWO_OIDC_PROVIDER_ID", "oidc"),
            "name": env_str("TWENTYTWO_OIDC_NAME", "OpenID Connect"),
            "settings": {
                "server_url": env_str("TWENTYTWO_OIDC_SERVER_URL", ""),
                "oauth_pkce_enabled": True,
            },
        }
    )
if DEMO_LOGIN:
    _oidc_apps.append(
        {
            "provider_id": "demo",
            "name": "Demo login",
            "client_id": "twentytwo-demo",
            "secret": "twentytwo-demo-secret",
            "settings": {
                "server_url": f"http://127.0.0.1:{DEMO_OIDC_PORT}",
                "oauth_pkce_enabled": True,
            },
        }
    )
if _oidc_apps:
    _providers["openid_connect"] = {"APPS": _oidc_apps}
SOCIALACCOUNT_PROVIDERS = _providers
# Where each configured provider's sign-in form sends the browser (the CSP's form-action).
_sign_in_origins = [
    *(["https://accounts.google.com"] if "google" in SOCIALACCOUNT_PROVIDERS else []),
    *(["https://www.facebook.com"] if "facebook" in SOCIALACCOUNT_PROVIDERS else []),
    *(
        ["https://x.com", "https://twitter.com"]
        if "twitter_oauth2" in SOCIALACCOUNT_PROVIDERS
        else []
    ),
    *(
        "{0.scheme}://{0.netloc}".format(urlsplit(app["settings"]["server_url"]))
        for app in _oidc_apps
    ),
]

# Seconds a parent's or guardian's confirmation link stays valid.
GUARDIAN_LINK_MAX_AGE = env_int("TWENTYTWO_GUARDIAN_LINK_MAX_AGE", 7 * 86400)

# Sessions: signed out after this many seconds without a request...
SESSION_IDLE_TIMEOUT = env_int("TWENTYTWO_SESSION_IDLE_TIMEOUT", 4 * 3600)
# ...and this many seconds after signing in, however active.
SESSION_ABSOLUTE_TIMEOUT = env_int("TWENTYTWO_SESSION_ABSOLUTE_TIMEOUT", 7 * 86400)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("nl", "Nederlands")]
# Stored times are UTC; a city's own zone is used where a city's clock matters.
TIME_ZONE = env_str("TWENTYTWO_TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic writes here; whitenoise serves it with far-future caching.
STATIC_ROOT = Path(env_str("TWENTYTWO_STATIC_ROOT", str(VAR_DIR / "static")))
# Uploaded and seeded audio and pictures.
MEDIA_ROOT = Path(env_str("TWENTYTWO_MEDIA_ROOT", str(VAR_DIR / "media")))
# Media is never served at a public URL: audio goes through signed stream URLs and
# pictures through the catalog's picture view.
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("TWENTYTWO_MANIFEST_STATIC", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Catalog
# Largest audio upload accepted, in bytes.
AUDIO_UPLOAD_MAX_BYTES = env_int("TWENTYTWO_AUDIO_UPLOAD_MAX_BYTES", 30 * 1024 * 1024)
# Largest picture upload accepted, in bytes.
PICTURE_UPLOAD_MAX_BYTES = env_int("TWENTYTWO_PICTURE_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
# Tracks in a genre's playlist; adding one more retires the oldest.
PLAYLIST_SIZE = env_int("TWENTYTWO_PLAYLIST_SIZE", 22)

# Streaming
# Seconds a signed stream URL stays valid.
STREAM_URL_TTL = env_int("TWENTYTWO_STREAM_URL_TTL", 6 * 3600)
# When set (e.g. /protected-media/), the stream view answers with X-Accel-Redirect to
# this internal nginx location instead of sending the bytes itself.
STREAM_ACCEL_REDIRECT_PREFIX = env_str("TWENTYTWO_STREAM_ACCEL_REDIRECT_PREFIX", "")

# Days raw listening events are kept before the retention task deletes them; rollups
# (the ratings' source) are kept.
AUDIENCE_RETENTION_DAYS = env_int("TWENTYTWO_AUDIENCE_RETENTION_DAYS", 90)
# Days after which the listener ids in the credited quarter hours are replaced by ids that
# change every month: longer than the listener cookie lives (390 days).
AUDIENCE_LISTENER_ID_DAYS = env_int("TWENTYTWO_AUDIENCE_LISTENER_ID_DAYS", 400)

# Where people write with questions and requests about their data; shown on the privacy pages.
PRIVACY_CONTACT_EMAIL = env_str("TWENTYTWO_PRIVACY_CONTACT_EMAIL", "privacy@22tracks.example")
# A listener may download their data this many times an hour; more is refused until later.
PRIVACY_EXPORTS_PER_HOUR = env_int("TWENTYTWO_PRIVACY_EXPORTS_PER_HOUR", 10)
# Seconds the link that confirms erasing one's own account stays valid.
PRIVACY_ERASURE_LINK_MAX_AGE = env_int("TWENTYTWO_PRIVACY_ERASURE_LINK_MAX_AGE", 30 * 60)

# Partner reports (partners/disclosure.py, the method at /partners/method/). A released
# cell whose noisy listener count is below this is shown as "< N" and nothing else of it.
PARTNER_MIN_LISTENERS = env_int("TWENTYTWO_PARTNER_MIN_LISTENERS", 11)
# The privacy loss of one released figure: one measure over every cell of a report view.
PARTNER_EPSILON_PER_FIGURE = env_float("TWENTYTWO_PARTNER_EPSILON_PER_FIGURE", 1.0)
# What an organisation may spend in a calendar month; it renews on the 1st.
PARTNER_MONTHLY_EPSILON = env_float("TWENTYTWO_PARTNER_MONTHLY_EPSILON", 60.0)
# The most one browser adds to a view: cells of each group, plays and seconds of a cell.
PARTNER_BOUND_CELLS = env_int("TWENTYTWO_PARTNER_BOUND_CELLS", 3)
PARTNER_BOUND_PLAYS = env_int("TWENTYTWO_PARTNER_BOUND_PLAYS", 3)
PARTNER_BOUND_SECONDS = env_int("TWENTYTWO_PARTNER_BOUND_SECONDS", 1800)
# The longest range one view may cover, in days.
PARTNER_MAX_DAYS = env_int("TWENTYTWO_PARTNER_MAX_DAYS", 92)
# Seconds an invitation link stays valid, and days an API token lives.
PARTNER_INVITATION_MAX_AGE = env_int("TWENTYTWO_PARTNER_INVITATION_MAX_AGE", 7 * 86400)
PARTNER_TOKEN_DAYS = env_int("TWENTYTWO_PARTNER_TOKEN_DAYS", 90)
# The site's address in mail sent by background work (the monthly reports' links).
SITE_URL = env_str("TWENTYTWO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not (0 < PARTNER_EPSILON_PER_FIGURE <= 1):
    raise ImproperlyConfigured("TWENTYTWO_PARTNER_EPSILON_PER_FIGURE must be in (0, 1].")
if PARTNER_MIN_LISTENERS < 2:
    raise ImproperlyConfigured("TWENTYTWO_PARTNER_MIN_LISTENERS must be at least 2.")

# Failed admin sign-ins allowed from one client address within the window (seconds), before
# further attempts are answered 429 until it ends (web/admin_login.py).
ADMIN_LOGIN_FAILURES = env_int("TWENTYTWO_ADMIN_LOGIN_FAILURES", 10)
ADMIN_LOGIN_WINDOW = env_int("TWENTYTWO_ADMIN_LOGIN_WINDOW", 900)

# Survey answers kept without the account go in with this many others, in random order, so
# the order rows were written in cannot tell whose they are.
SURVEY_BATCH = env_int("TWENTYTWO_SURVEY_BATCH", 10)
if SURVEY_BATCH < 1:
    raise ImproperlyConfigured("TWENTYTWO_SURVEY_BATCH is 1 or more.")

# Advertising. A spot between tracks every N tracks (0: none, the default); the origins an
# advertiser's own tag may come from, which the CSP names and nothing else. The tag loads
# only in a browser that allowed advertising partners (outreach/static/outreach/ads.js).
ADS_PLAYER_EVERY = env_int("TWENTYTWO_ADS_PLAYER_EVERY", 0)
AD_TAG_ORIGINS = env_list("TWENTYTWO_AD_TAG_ORIGINS", [])
if ADS_PLAYER_EVERY < 0:
    raise ImproperlyConfigured("TWENTYTWO_ADS_PLAYER_EVERY is 0 (no spots) or more.")
for _origin in AD_TAG_ORIGINS:
    if urlsplit(_origin).path not in ("", "/") or urlsplit(_origin).scheme not in ("https", "http"):
        raise ImproperlyConfigured(
            f"TWENTYTWO_AD_TAG_ORIGINS holds origins (https://ads.example), not {_origin!r}."
        )

# Security headers, held to the Mozilla HTTP Observatory's checks (tests/config).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The browser features no page of the site uses, switched off for it and for anything it
# might load; sound plays (the player), nothing else is asked for.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, *AD_TAG_ORIGINS],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *AD_TAG_ORIGINS],
    "media-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF, *AD_TAG_ORIGINS],
    "manifest-src": [CSP.SELF],
    # The sign-in button posts a form that redirects to the provider; browsers hold that
    # redirect to the page's form-action policy, so each provider's sign-in origin is allowed.
    "form-action": [CSP.SELF, *_sign_in_origins],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
}
# The __Host- prefix binds the cookies to the origin over TLS (production only: it needs Secure).
SESSION_COOKIE_NAME = "__Host-sessionid" if PRODUCTION else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if PRODUCTION else "csrftoken"
LANGUAGE_COOKIE_NAME = "django_language"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("TWENTYTWO_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# The cookies a page's HTML may depend on: who is signed in, their CSRF token, a chosen
# language and messages waiting to be shown. A request with none of them gets the page any
# visitor nobody knows gets, which web/pages.py marks public and core/response_cache.py
# shares; the listening and consent cookies are read only by scripts and beacons.
PAGE_COOKIES = (SESSION_COOKIE_NAME, CSRF_COOKIE_NAME, LANGUAGE_COOKIE_NAME, "messages")
# Seconds the anonymous pages of the catalog may be shared, like the catalog API's answers.
PAGE_SHARED_SECONDS = env_int("TWENTYTWO_PAGE_SHARED_SECONDS", 60)

# Traffic data (the traffic app): the access log, its retention, health and metrics.
# One record per request, written by config/wsgi.py's outermost layer to JSON lines and the
# table the operations dashboard reads. Off also stops the request figures on /metrics; every
# answer still carries its request id.
ACCESS_LOG = env_bool("TWENTYTWO_ACCESS_LOG", True)
# Where the day files of the access log (access-YYYY-MM-DD.jsonl, UTC days) are written.
ACCESS_LOG_DIR = Path(env_str("TWENTYTWO_ACCESS_LOG_DIR", str(VAR_DIR / "log")))
# Records wait in memory at most this many seconds, or until this many have gathered.
ACCESS_LOG_FLUSH_SECONDS = env_float("TWENTYTWO_ACCESS_LOG_FLUSH_SECONDS", 1.0)
ACCESS_LOG_BATCH = env_int("TWENTYTWO_ACCESS_LOG_BATCH", 2000)
# Records held in memory at most; past this (the writer cannot keep up) they are counted lost.
ACCESS_LOG_BUFFER = env_int("TWENTYTWO_ACCESS_LOG_BUFFER", 100_000)
# Where the app server's processes hand their records over to the loader (traffic/spool.py),
# and how much may wait there before more are counted lost (a loader that is not running).
ACCESS_LOG_SPOOL_DIR = Path(
    env_str("TWENTYTWO_ACCESS_LOG_SPOOL_DIR", str(ACCESS_LOG_DIR / "spool"))
)
# Where nginx writes the requests it answers itself (stream URLs it checks: traffic/edge.py),
# for the loader to bring into the access log.
ACCESS_LOG_EDGE_DIR = Path(env_str("TWENTYTWO_ACCESS_LOG_EDGE_DIR", str(ACCESS_LOG_DIR / "edge")))
ACCESS_LOG_SPOOL_MAX_BYTES = env_int("TWENTYTWO_ACCESS_LOG_SPOOL_MAX_BYTES", 2 * 1024**3)
# Who makes and stores the records: "process", a loader beside the app server at the lowest
# CPU priority (`serve` starts it; `python -m twentytwo traffic_loader` otherwise), or
# "inline", each process's writer thread (one process and no loader: the development server).
ACCESS_LOG_LOADER = env_str("TWENTYTWO_ACCESS_LOG_LOADER", "process")
if ACCESS_LOG_LOADER not in ("process", "inline"):
    raise ImproperlyConfigured('TWENTYTWO_ACCESS_LOG_LOADER must be "process" or "inline".')
# Seconds the loader waits between looks at the spool.
ACCESS_LOG_LOADER_POLL_SECONDS = env_float("TWENTYTWO_ACCESS_LOG_LOADER_POLL_SECONDS", 0.5)
# Days after which client IP addresses are cut to their network (IPv4 /24, IPv6 /48), and
# after which records and day files are deleted.
TRAFFIC_IP_TRUNCATE_DAYS = env_int("TWENTYTWO_TRAFFIC_IP_TRUNCATE_DAYS", 7)
TRAFFIC_RETENTION_DAYS = env_int("TWENTYTWO_TRAFFIC_RETENTION_DAYS", 90)
if not 0 < TRAFFIC_IP_TRUNCATE_DAYS <= TRAFFIC_RETENTION_DAYS:
    raise ImproperlyConfigured(
        "TWENTYTWO_TRAFFIC_IP_TRUNCATE_DAYS must be at least 1 and at most "
        "TWENTYTWO_TRAFFIC_RETENTION_DAYS."
    )
# Proxies (addresses or CIDR networks) whose X-Forwarded-For is believed; from any other
# peer the header is ignored. nginx on the same machine: 127.0.0.1,::1.
TRUSTED_PROXIES = env_networks("TWENTYTWO_TRUSTED_PROXIES", [])
# Clients (addresses or CIDR networks) that may read /metrics without signing in, e.g. the
# Prometheus server. Staff may always read it.
INTERNAL_ADDRESSES = env_networks("TWENTYTWO_INTERNAL_ADDRESSES", [])
# /readyz answers 503 when the task worker has not been seen for this many seconds.
WORKER_STALE_SECONDS = env_int("TWENTYTWO_WORKER_STALE_SECONDS", 300)
# Each app process leaves its /metrics figures here for the others to add up.
METRICS_DIR = Path(env_str("TWENTYTWO_METRICS_DIR", str(VAR_DIR / "metrics")))

# Application logs: JSON lines with the request id (`text` for a human at a terminal).
LOG_FORMAT = env_str("TWENTYTWO_LOG_FORMAT", "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"TWENTYTWO_LOG_FORMAT must be json or text; got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "twentytwo.traffic.app_logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "twentytwo.traffic.app_logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("TWENTYTWO_LOG_LEVEL", "INFO")},
    # The PDF reports' font subsetting reports every glyph it keeps.
    "loggers": {"fontTools": {"level": "WARNING"}},
}

# Mail (the guardian's confirmation link). Without an SMTP host it is printed to the console,
# except in production, which hands it to the machine's own mail server by default.
_email_host = env_str("TWENTYTWO_EMAIL_HOST", "localhost" if PRODUCTION else "")
_smtp = {
    "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "OPTIONS": {
        "host": _email_host,
        "port": env_int("TWENTYTWO_EMAIL_PORT", 587),
        "username": env_str("TWENTYTWO_EMAIL_HOST_USER", ""),
        "password": env_str("TWENTYTWO_EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("TWENTYTWO_EMAIL_USE_TLS", True),
        "timeout": env_int("TWENTYTWO_EMAIL_TIMEOUT", 10),
    },
}
_console = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
# Or an ESP's API through django-anymail: TWENTYTWO_ESP names it (postmark, mailgun,
# sendgrid, amazon_ses, brevo, resend, …) and TWENTYTWO_ANYMAIL_<NAME> gives each of its
# settings (TWENTYTWO_ANYMAIL_POSTMARK_SERVER_TOKEN, …). Its tracking webhook is at
# /mail/esp/<esp>/tracking/, behind TWENTYTWO_ANYMAIL_WEBHOOK_SECRET ("user:password");
# bounces and complaints stop the mail to that address (outreach/signals.py).
ESP = env_str("TWENTYTWO_ESP", "")
ANYMAIL = {
    name.removeprefix("TWENTYTWO_ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("TWENTYTWO_ANYMAIL_")
}
if ESP and not re.fullmatch(r"[a-z_]+", ESP):
    raise ImproperlyConfigured(f"TWENTYTWO_ESP names an anymail ESP (postmark, …), not {ESP!r}.")
if ESP and not ANYMAIL.get("WEBHOOK_SECRET"):
    raise ImproperlyConfigured(
        "TWENTYTWO_ANYMAIL_WEBHOOK_SECRET must be set when TWENTYTWO_ESP is: without it "
        "anyone could stop anyone's mail through the webhook."
    )
_esp = {"BACKEND": f"anymail.backends.{ESP}.EmailBackend"} if ESP else None
MAILERS = {"default": _esp or (_smtp if _email_host else _console)}
DEFAULT_FROM_EMAIL = env_str("TWENTYTWO_DEFAULT_FROM_EMAIL", "22tracks <noreply@localhost>")

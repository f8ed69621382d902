"""Finding an account's sessions, which the session table stores signed and encoded.

No column names the account, so each session is decoded and read. That costs a pass over
the session table; it is paid only when an account is erased."""

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils.module_loading import import_string

_CHUNK = 2000


def sessions_of_account_delete(*, user_id: int) -> int:
    """Delete every session signed in to the account, expired ones too; return how many.

    Expired sessions wait for clearsessions and still hold the account's number."""
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    model = store.get_model_class()
    rows = model.objects.values_list("session_key", "session_data").iterator(chunk_size=_CHUNK)
    keys = [key for key, data in rows if str(store().decode(data).get(SESSION_KEY)) == str(user_id)]
    deleted = 0
    for start in range(0, len(keys), _CHUNK):
        count, _ = model.objects.filter(session_key__in=keys[start : start + _CHUNK]).delete()
        deleted += count
    return deleted
